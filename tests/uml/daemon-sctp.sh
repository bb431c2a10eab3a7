#!/bin/bash
# daemon-sctp.sh — make check entry: two rdmad daemons over kernel SCTP.
#
# Runs itself inside user-mode Linux (uml-run --topo pair): daemon A in
# netns "a" (10.1.1.1, 10.1.2.1), daemon B in netns "b" (10.1.1.2,
# 10.1.2.2), both dual-homed through rdmad.conf sctp.addresses, control
# sockets and logs on a tmpfs of the guest.  The rdmatest server
# runs against B, clients against A, connecting to 10.1.1.2.  Steps:
#   1. transport "auto": every RDMA operation over SCTP, data verified;
#      `rdmactl qps -j` shows the QPs on sctp with why "auto: SCTP",
#      `rdmactl peers -j` the association with both paths, one primary;
#      B's QPs say "incoming over SCTP"; `status -j` says sctp available;
#      A's first link goes down: the path shows inactive, one failover is
#      counted and logged, the ping goes on over the second path.
#   2. SCTP and TCP/MPA QPs between the same daemons at once (one client
#      asks for tcp), each on its transport, data verified.
#   2b. a listener of B on TCP only: an automatic connect from A gets
#      "no listener for service" over the association and falls back.
#   3. B restarted with transport = "tcp" (its listener has no SCTP
#      service): an automatic connect ends on TCP/MPA with why "auto:
#      peer 10.1.1.2 refused SCTP (...)", and a connect asking for sctp
#      fails with ECONNREFUSED.
#   4. B stopped (SIGSTOP) while A connects: no SCTP answer within
#      sctp.timeout_ms (3000), TCP/MPA instead once B is resumed.
# Prints one line per step; exit 0 only if all passed.  DSCTP_KEEP=1
# copies the logs to the build directory (they are copied on failure).
set -u

here=$(cd "$(dirname "$0")" && pwd)
# uml_bin: the UBSan-only copies of a sanitizer build (ASan cannot run
# inside UML, configure.ac), else the build's own programs.
. "$here/lib-bins.sh"
RDMAD=$(uml_bin rdmad)
RDMACTL=$(uml_bin rdmactl)
RDMATEST=$(uml_bin tests/integration/rdmatest)
if [ "${1:-}" != --guest ]; then
	uml_bins_ok "$RDMAD" "$RDMACTL" "$RDMATEST" || exit
	exec "$here/uml-run" --topo pair --timeout 300 -- /bin/bash \
	    "$here/daemon-sctp.sh" --guest
fi

top=$PWD
# UNIX sockets need a real file system: a tmpfs of the guest's own,
# mounted on a fresh folder of the build directory.
tmp=$(mktemp -d "$top/daemon-sctp.XXXXXX") || exit 99
mount -t tmpfs tmpfs "$tmp" || exit 99
pass=0
fail=0
STEP_T0=$(date +%s)
pids=

cleanup() {
	for p in $pids; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$fail" -ne 0 ] || [ "${DSCTP_KEEP:-0}" = 1 ]; then
		rm -rf "$top/daemon-sctp.logs"
		cp -r "$tmp" "$top/daemon-sctp.logs" &&
		    echo "# logs in $top/daemon-sctp.logs"
	fi
	umount "$tmp"
	rmdir "$tmp"
}
trap cleanup EXIT

# ok, not_ok, wait_for
. "$(cd "$(dirname "$0")" && pwd)/../helpers/steps.sh"

# conf NAME TRANSPORT ADDR1 ADDR2: configuration of daemon NAME.
conf() {
	cat > "$tmp/$1.conf" <<EOC
transport = "$2";
sctp = {
	addresses = [ "$3", "$4" ];
	timeout_ms = 3000;
	hb_interval_ms = 500;
	rto_max_ms = 1000;
};
limits = { max_reg_bytes = 1073741824; max_qps = 64; };
control = { socket = "$tmp/$1.sock"; mode = "0600"; };
log = { level = "info"; };
EOC
}

# start NAME NETNS: run rdmad NAME in NETNS; sets pid_NAME.
start() {
	rm -f "$tmp/$1.sock"
	ip netns exec "$2" "$RDMAD" -f "$tmp/$1.conf" -S "$tmp/$1.sock" \
	    >> "$tmp/$1.log" 2>&1 &
	eval "pid_$1=$!"
	pids="$pids $!"
	wait_for 100 test -S "$tmp/$1.sock" ||
	    not_ok "daemon $1 starts" "$(tail -n 5 "$tmp/$1.log")"
}

stop() {
	eval "p=\$pid_$1"
	kill -TERM "$p" 2>/dev/null
	wait_for 50 sh -c "! kill -0 $p 2>/dev/null" || kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

ctl() { n=$1; shift; "$RDMACTL" -S "$tmp/$n.sock" "$@"; }

# pyq NAME JSON EXPR WANT: python EXPR over JSON (as d) must print WANT.
pyq() {
	got=$(printf '%s' "$2" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print('"$3"')' 2>&1)
	if [ "$got" = "$4" ]; then
		ok "$1"
	else
		not_ok "$1" "want: $4
got:  $got"
	fi
}

port=7100
server() {	# server LOG [ARGS]: rdmatest server on B; sets srv
	log=$1
	shift
	ip netns exec b "$RDMATEST" -s -S "$tmp/b.sock" -p $port "$@" \
	    > "$log" 2>&1 &
	srv=$!
	pids="$pids $srv"
	wait_for 100 grep -qs "listening on port" "$log" ||
	    not_ok "server listens on $port" "$(tail -n 5 "$log")"
}

# client NAME LOG ARGS...: rdmatest client on A to 10.1.1.2 (foreground).
client() {
	name=$1
	log=$2
	shift 2
	ip netns exec a timeout 60 "$RDMATEST" -c -S "$tmp/a.sock" \
	    -H 10.1.1.2 -p $port "$@" > "$log" 2>&1
	st=$?
	if [ $st -eq 0 ]; then
		ok "$name: $(tail -n 1 "$log")"
	else
		not_ok "$name: exit $st: $(tail -n 1 "$log")" \
		    "$(grep -E '^FAIL' "$log" | head -n 8)"
	fi
}

# The same in the background (sets cpid).
client_bg() {
	log=$1
	shift
	ip netns exec a timeout 40 "$RDMATEST" -c -S "$tmp/a.sock" \
	    -H 10.1.1.2 -p $port "$@" > "$log" 2>&1 &
	cpid=$!
}

conf a auto 10.1.1.1 10.1.2.1
conf b auto 10.1.1.2 10.1.2.2
start a a
start b b

# --- 1. every operation over SCTP, with transport "auto" ------------------
out=$(ctl a -j status)
pyq "status -j: sctp available and in use" "$out" \
    '[(t["available"], t["in_use"]) for t in d["transports"] if t["name"] == "sctp"]' \
    "[(True, True)]"
server "$tmp/srv1.log" --transport auto
client "auto: every operation over SCTP" "$tmp/c1.log" -n 1 \
    --max-size 256k -q --transport auto --expect sctp --expect-why "auto: SCTP"
grep -q "peer 10.1.1.2: SCTP (auto: SCTP)" "$tmp/a.log" &&
    ok "A logs the peer's transport" ||
    not_ok "A logs the peer's transport" "$(grep 'peer 10' "$tmp/a.log")"

# A connection that lives while we look at it: rdmactl ping to echo.
ip netns exec b "$RDMACTL" -S "$tmp/b.sock" echo -p 7300 \
    > "$tmp/echo.log" 2>&1 &
epid=$!
pids="$pids $epid"
wait_for 100 grep -qs "listening\|7300" "$tmp/echo.log"
ip netns exec a "$RDMACTL" -S "$tmp/a.sock" ping -c 100000 -i 0.1 \
    10.1.1.2:7300 > "$tmp/ping.log" 2>&1 &
ppid=$!
pids="$pids $ppid"
if wait_for 150 grep -qs "^RDMA PING" "$tmp/ping.log"; then
	grep -q "over SCTP (auto: SCTP)" "$tmp/ping.log" &&
	    ok "rdmactl ping: over SCTP (auto: SCTP)" ||
	    not_ok "rdmactl ping: over SCTP" "$(head -n 1 "$tmp/ping.log")"
	pyq "qps -j (A): the QP on sctp, why auto: SCTP" "$(ctl a -j qps)" \
	    '[(q["transport"], q["why"], q["peer"]) for q in d if q["state"] == "rts"]' \
	    "[('sctp', 'auto: SCTP', '10.1.1.2:7300')]"
	pyq "qps -j (B): incoming over SCTP" "$(ctl b -j qps)" \
	    '[(q["transport"], q["why"]) for q in d if q["state"] == "rts"]' \
	    "[('sctp', 'incoming over SCTP')]"
	pa=$(ctl a -j peers)
	pyq "peers -j (A): one association to B, one stream in use" "$pa" \
	    '[(p["peer"], p["transport"], p["qps"], p["streams"], p["initiator"], p["up"]) for p in d]' \
	    "[('10.1.1.2', 'sctp', 1, 2048, True, True)]"
	pyq "peers -j (A): both of B's addresses as paths, one primary" "$pa" \
	    '[(sorted(a["address"] for a in p["paths"]), sum(a["primary"] for a in p["paths"]), sorted(set(a["state"] for a in p["paths"]))) for p in d]' \
	    "[(['10.1.1.2', '10.1.2.2'], 1, ['active'])]"
	pyq "peers -j (A): counters" "$pa" \
	    '[(p["failovers"], p["retransmits"] is None or p["retransmits"] >= 0, p["max_segment"] > 516) for p in d]' \
	    "[(0, True, True)]"
	t=$(ctl a peers)
	printf '%s\n' "$t" | grep -Eq '^10\.1\.1\.2 +sctp +1/2048 ' &&
	    ok "peers (text): the association" ||
	    not_ok "peers (text): the association" "$t"
	printf '%s\n' "$t" | grep -q 'path 10.1.1.2 (primary): active' &&
	    ok "peers (text): the primary path" ||
	    not_ok "peers (text): the primary path" "$t"
	pyq "assoc -j is peers -j" "$(ctl a -j assoc)" 'len(d)' 1
	# The primary path fails: the ping goes on over 10.1.2.2, the path
	# shows inactive, one failover is counted and logged.
	ip -n a link set va1 down
	failed_over() {
		pa=$(ctl a -j peers) && [ "$(printf '%s' "$pa" |
		    python3 -c 'import json, sys
print(json.load(sys.stdin)[0]["failovers"])')" -ge 1 ]
	}
	if wait_for 200 failed_over; then
		pyq "failover: path 10.1.1.2 inactive, counted" "$pa" \
		    '[([a["state"] for a in p["paths"] if a["address"] == "10.1.1.2"], p["failovers"]) for p in d]' \
		    "[(['inactive'], 1)]"
		grep -q "peer 10.1.1.2 path 10.1.1.2: unreachable" "$tmp/a.log" &&
		    ok "failover: logged with peer, path and state" ||
		    not_ok "failover: logged" "$(grep path "$tmp/a.log")"
		n1=$(grep -c "^64 octets from" "$tmp/ping.log")
		sleep 1.5
		n2=$(grep -c "^64 octets from" "$tmp/ping.log")
		[ "$n2" -gt "$n1" ] &&
		    ok "failover: the ping goes on ($n1 -> $n2 replies)" ||
		    not_ok "failover: the ping goes on" "$n1 -> $n2"
	else
		not_ok "failover: a path of A's association fails over" \
		    "$(ctl a peers)"
	fi
	ip -n a link set va1 up
else
	not_ok "rdmactl ping starts" "$(cat "$tmp/ping.log" "$tmp/echo.log")"
fi
kill -TERM $ppid $epid 2>/dev/null
wait $ppid $epid 2>/dev/null

# --- 2. SCTP and TCP/MPA QPs at once between the same daemons ------------
ops=send,write_imm,read,atomic,mw2
client_bg "$tmp/c2s.log" -n 4 --max-size 64k --qps 2 -q --op $ops \
    --transport auto --expect sctp --expect-why "auto: SCTP"
s_pid=$cpid
client "tcp as asked, next to SCTP" "$tmp/c2t.log" -n 4 --max-size 64k \
    --qps 2 -q --op $ops --transport tcp --expect tcp \
    --expect-why "tcp as asked"
wait $s_pid
st=$?
[ $st -eq 0 ] && ok "SCTP next to TCP/MPA: $(tail -n 1 "$tmp/c2s.log")" ||
    not_ok "SCTP next to TCP/MPA: exit $st" "$(grep FAIL "$tmp/c2s.log" |
    head -n 5)"
out=$(ctl a -j stats)
pyq "stats -j (A): both transports carried data, the failover counted" \
    "$out" '[(t["transport"], t["tx_bytes"] > 0, t["failovers"]) for t in d["transports"]]' \
    "[('sctp', True, 1), ('tcp', True, None)]"
kill -TERM $srv 2>/dev/null
wait $srv 2>/dev/null

# --- 2b. fallback: B runs SCTP, but this listener is TCP only ------------
# The association of step 1 is still up; B answers the session's
# Initiate with "no listener for this service" (RFC 5043 Reject).
port=7150
server "$tmp/srv2b.log" --transport tcp
client "auto to a TCP-only listener: TCP/MPA" "$tmp/c2b.log" -n 1 \
    --max-size 4k --op write,read,send -q --transport auto --expect tcp \
    --expect-why "auto: peer 10.1.1.2 refused SCTP (no listener for service 7150)"
kill -TERM $srv 2>/dev/null
wait $srv 2>/dev/null

# --- 3. fallback: B's transport is "tcp" ----------------------------------
stop b
conf b tcp 10.1.1.2 10.1.2.2
start b b
port=7200
server "$tmp/srv3.log"
client "auto to a tcp-only peer: TCP/MPA" "$tmp/c3.log" -n 1 \
    --max-size 4k --op write,read,send -q --transport auto --expect tcp \
    --expect-why "auto: peer 10.1.1.2 refused SCTP ("
grep -h "QP .* in RTS" "$tmp/c3.log" | head -n 1 | sed 's/^/  # /'
ip netns exec a timeout 60 "$RDMATEST" -c -S "$tmp/a.sock" -H 10.1.1.2 \
    -p $port -n 1 --max-size 4k -q --transport sctp --expect sctp \
    > "$tmp/c3s.log" 2>&1
grep -q "connect to 10.1.1.2 port $port: .*(errno 111)" "$tmp/c3s.log" &&
    ok "sctp to a tcp-only peer: ECONNREFUSED" ||
    not_ok "sctp to a tcp-only peer: ECONNREFUSED" \
    "$(grep FAIL "$tmp/c3s.log" | head -n 3)"
grep -h "connect to" "$tmp/c3s.log" | head -n 1 | sed 's/^/  # /'

# --- 4. fallback: no SCTP answer in sctp.timeout_ms ----------------------
# B (transport "auto" again) is stopped: its kernel still completes the
# association, but nobody answers the session's Initiate.  After 3000 ms
# A gives up on SCTP and connects over TCP/MPA; B is resumed before the
# MPA Request times out (mpa.timeout_ms 5000), so that one is answered.
stop b
conf b auto 10.1.1.2 10.1.2.2
start b b
port=7400
server "$tmp/srv4.log" --transport auto
kill -STOP $pid_b
client_bg "$tmp/c4.log" -n 1 --max-size 4k --op write,read,send -q \
    --transport auto --expect tcp --expect-why "auto: no SCTP answer in 3000 ms"
sleep 5.5
kill -CONT $pid_b
wait $cpid
st=$?
[ $st -eq 0 ] && ok "no SCTP answer in 3000 ms: TCP/MPA: $(tail -n 1 "$tmp/c4.log")" ||
    not_ok "no SCTP answer in 3000 ms: exit $st" "$(grep FAIL "$tmp/c4.log" |
    head -n 5)"
kill -TERM $srv 2>/dev/null
wait $srv 2>/dev/null

stop a
stop b
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
