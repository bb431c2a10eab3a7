#!/bin/sh
# rdmactl.sh — rdmactl against two daemons on loopback: text, JSON (parsed
# with python3, exact values), paging, access control, exit codes, ping,
# config check.  Prints "ok"/"FAIL" lines; exits non-zero on any failure.
set -u
top_srcdir=${top_srcdir:-.}
RDMAD=$(pwd)/rdmad
RDMACTL=$(pwd)/rdmactl
CLIENT=$(pwd)/tests/integration/admin_client
DATA=$top_srcdir/tests/data/config
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 missing"; exit 1; }

PAIR_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rdmactl-test.XXXXXX") || exit 99
export RDMAD PAIR_DIR
. "$top_srcdir/scripts/pair.sh"
fail=0
pass=0
cpid=
epid=
cleanup() {
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
	[ -n "$epid" ] && kill "$epid" 2>/dev/null
	exec 7>&- 2>/dev/null
	pair_stop
	if [ $fail -ne 0 ]; then
		for n in a b; do echo "# rdmad $n:"; tail -n 20 "$PAIR_DIR/$n.log"; done
	fi
	rm -rf "$PAIR_DIR"
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; return 0; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2], got [$3]"; fi; }
# contains NAME TEXT PATTERN (grep -E)
contains() { if printf '%s\n' "$2" | grep -qE -- "$3"; then ok "$1"; else not_ok "$1" "no [$3] in:
$2"; fi; }
# json NAME 'python expression on d' EXPECTED, with rdmactl -j ARGS... on stdin
json() {
	name=$1 expr=$2 want=$3
	got=$(python3 -c "import json,sys; d=json.load(sys.stdin); print($expr)" 2>&1 <<EOJ
$json_out
EOJ
)
	check "$name" "$want" "$got"
}
A="$RDMACTL -S $PAIR_DIR/a.sock"
B="$RDMACTL -S $PAIR_DIR/b.sock"

# --- without a daemon ---------------------------------------------------
out=$($RDMACTL -S "$PAIR_DIR/none.sock" status 2>&1); st=$?
check "unreachable daemon: exit 3" 3 $st
check "unreachable daemon: message" "rdmactl: cannot reach rdmad at $PAIR_DIR/none.sock: No such file or directory — is the service running? (rdmactl -S PATH or RDMAD_SOCKET name another socket)" "$out"
out=$(RDMAD_SOCKET=$PAIR_DIR/env.sock $RDMACTL qps 2>&1); st=$?
check "RDMAD_SOCKET is used: exit 3" 3 $st
contains "RDMAD_SOCKET is used: path" "$out" "at $PAIR_DIR/env.sock:"
$RDMACTL >/dev/null 2>&1; check "no command: exit 2" 2 $?
$RDMACTL -S x qps extra >/dev/null 2>&1; check "extra argument: exit 2" 2 $?
$RDMACTL frobnicate >/dev/null 2>&1; check "unknown command: exit 2" 2 $?
out=$($RDMACTL bench 2>&1); st=$?
check "bench: exit 2" 2 $st
contains "bench: usage" "$out" "usage: bench"

# --- config check (no daemon needed) -------------------------------------
out=$(RDMAD=$RDMAD $RDMACTL config check "$DATA/bad-mpa-revision.conf" 2>&1); st=$?
check "config check bad file: exit 1" 1 $st
check "config check names file and line" \
    "rdmactl: $DATA/bad-mpa-revision.conf:4: mpa.revision: 3 is not 1 or 2" "$out"
out=$(RDMAD=$RDMAD $RDMACTL config check "$top_srcdir/etc/rdmad.conf" 2>&1); st=$?
check "config check sample: exit 0" 0 $st
check "config check sample: message" "$top_srcdir/etc/rdmad.conf: configuration ok" "$out"
weird="$PAIR_DIR/we\"ird\\name.conf"
printf 'transport = "udp";\n' > "$weird"
json_out=$(RDMAD=$RDMAD $RDMACTL -j config check "$weird" 2>/dev/null)
json "config check -j: file name escaped" 'd["file"]' "$weird"
json "config check -j: ok false" 'd["ok"]' "False"
json "config check -j: error names the line" '":1: transport" in d["error"]' "True"
latin1="$PAIR_DIR/caf$(printf '\351').conf"	# not UTF-8
printf '\n' > "$latin1"
json_out=$(RDMAD=$RDMAD $RDMACTL -j config check "$latin1" 2>/dev/null)
json "config check -j: a non-UTF-8 octet becomes U+FFFD" 'd["file"].endswith("caf\ufffd.conf")' "True"

# --- a daemon pair, an echo service on b, a client on a -------------------
pair_start || { not_ok "daemons start"; exit 1; }
# The echo service on a port of its own, so that concurrent runs differ.
ep=$((17000 + $$ % 10000))
$B echo -p $ep > "$PAIR_DIR/echo.out" 2>&1 &
epid=$!
i=0; until grep -q serving "$PAIR_DIR/echo.out" 2>/dev/null || [ $i -ge 50 ]; do sleep 0.1; i=$((i+1)); done

out=$($A ping -c 3 -i 0 127.0.0.2:$ep 2>&1); st=$?
check "ping: exit 0" 0 $st
contains "ping: transport and reason" "$out" '^RDMA PING 127\.0\.0\.2 port '$ep': 64 octets over TCP/MPA \(.*\)'
contains "ping: summary" "$out" '3 sent, 3 received, rtt min/avg/max'
json_out=$($A -j ping -c 2 -i 0 -s 1000 127.0.0.2:$ep 2>&1)
json "ping -j: received" 'd["received"]' 2
json "ping -j: transport" 'd["transport"]' tcp
out=$($A ping -c 1 127.0.0.2:7999 2>&1); st=$?
check "ping without echo: exit 1" 1 $st
contains "ping without echo: hint" "$out" 'is `rdmactl echo` running at 127.0.0.2 port 7999'

# The client: 2 QPs (the first connected to the echo), 40 regions, 1 window.
mkfifo "$PAIR_DIR/hold"
"$CLIENT" -S "$PAIR_DIR/a.sock" -q 2 -m 40 -c 127.0.0.2:$ep \
    < "$PAIR_DIR/hold" > "$PAIR_DIR/client.out" 2>&1 &
cpid=$!
exec 7> "$PAIR_DIR/hold"
i=0; until grep -q ready "$PAIR_DIR/client.out" 2>/dev/null || [ $i -ge 100 ]; do sleep 0.1; i=$((i+1)); done
contains "test client ready" "$(cat "$PAIR_DIR/client.out")" "^ready $cpid"

out=$($A status); st=$?
check "status: exit 0" 0 $st
contains "status: version line" "$out" '^rdmad [0-9.]+, pid [0-9]+, up 0d 00:0'
contains "status: counts" "$out" '^objects: +2 QPs, 41 MRs/MWs, 1 CQs'
contains "status: sctp why" "$out" '^sctp +no +no +0 +0 +no kernel SCTP: Protocol not supported$'
contains "status: tcp in use" "$out" '^tcp +yes +yes +0 +1 '
json_out=$($A -j status)
json "status -j: qps" 'd["qps"]' 2
json "status -j: mrs" 'd["mrs"]' 41
json "status -j: transports" '[(t["name"], t["available"], t["in_use"], t["qps"]) for t in d["transports"]]' "[('sctp', False, False, 0), ('tcp', True, True, 1)]"
json "status -j: config path" 'd["config"]' "$PAIR_DIR/a.conf"
json "status -j: sctp unavailable, why" '[(t["available"], t["why"]) for t in d["transports"] if t["name"] == "sctp"]' "[(False, 'no kernel SCTP: Protocol not supported')]"

out=$($A qps)
contains "qps: header" "$out" '^ *QP +STATE +CONN +TRANSPORT +PEER +CLIENT +PID +TX +RX +WHY$'
contains "qps: the connected QP" "$out" "rts +up +tcp +127\\.0\\.0\\.2:$ep +[0-9]+ +$cpid +64 +64 +"
json_out=$($A -j qps)
json "qps -j: count" 'len(d)' 2
json "qps -j: connected one" '[(q["state"], q["conn"], q["transport"], q["peer"], q["pid"], q["tx_bytes"], q["rx_bytes"], q["terminates_sent"]) for q in d if q["state"] == "rts"]' "[('rts', 'up', 'tcp', '127.0.0.2:$ep', $cpid, 64, 64, 0)]"
json "qps -j: auto without kernel SCTP, and why" '[(q["transport"], q["why"]) for q in d if q["state"] == "rts"]' "[('tcp', 'auto: no kernel SCTP (Protocol not supported)')]"
json "qps -j: idle one" '[(q["state"], q["conn"], q["transport"], q["peer"]) for q in d if q["state"] == "idle"]' "[('idle', 'idle', None, None)]"

json_out=$($A -j mrs)
json "mrs -j: 41 across pages" 'len(d)' 41
json "mrs -j: regions and window" '(sum(m["kind"] == "region" for m in d), sum(m["kind"] == "mw2" for m in d))' "(40, 1)"
json "mrs -j: owner pid" 'set(m["pid"] for m in d) == {'"$cpid"'}' True
json "mrs -j: remote read region" '[(m["length"], m["access"]) for m in d if "remote_read" in (m["access"] or "")]' "[(4096, 'local_write,remote_read')]"
# Region i is 4096 * (i % 16 + 1) octets: 2 x (1..16) + (1..8) = 308 pages.
json "mrs -j: lengths" 'sum(m["length"] for m in d)' $((4096 * 308))
out=$($A mrs)
contains "mrs: text" "$out" '^0x[0-9a-f]{8} +mw2 +0 +[0-9]+ +[0-9]+ +-$'

json_out=$($A -j clients)
json "clients -j: the test client" '[(c["name"], c["qps"], c["cqs"], c["regions"], c["mapped"], c["admin"]) for c in d if c["pid"] == '"$cpid"']' "[('admin_client', 2, 1, 42, 65536, 'yes')]"
json "clients -j: rdmactl itself" '[c["name"] for c in d if c["pid"] != '"$cpid"']' "['rdmactl']"
json "clients -j: uid" 'set(c["uid"] for c in d) == {'"$(id -u)"'}' True

json_out=$($A -j peers)
check "peers -j: exact" "[{'peer': '127.0.0.2:$ep', 'transport': 'tcp', 'qps': 1, 'streams': None, 'initiator': None, 'up': None, 'max_segment': None, 'retransmits': None, 'failovers': None, 'paths': []}]" \
    "$(python3 -c 'import json,sys; print(json.load(sys.stdin))' <<EOJ
$json_out
EOJ
)"
contains "peers: text" "$($A peers)" '^127\.0\.0\.2:'$ep' +tcp +1 +- +- +-$'
contains "assoc: alias of peers" "$($A assoc)" '^127\.0\.0\.2:'$ep' +tcp +1 +- +- +-$'

json_out=$($B -j stats)
json "stats -j (b): sends echoed" '[(t["transport"], t["ops_rx"]["send"] >= 6, t["ops_tx"]["send"] >= 6, t["retransmits"], t["failovers"]) for t in d["transports"]]' "[('sctp', False, False, None, None), ('tcp', True, True, None, None)]"
json "stats -j (b): no terminates" 'd["terminates"]' "[]"
contains "stats: text" "$($B stats)" '^  send +[0-9]+ +[0-9]+$'

# --- access control: another uid gets EPERM, keeps nothing ----------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 0711 "$PAIR_DIR"
	chmod 0666 "$PAIR_DIR/a.sock"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $A qps 2>&1); st=$?
	check "other uid: exit 1" 1 $st
	contains "other uid: refused" "$out" 'rdmactl: rdmad refused: uid 65534 may not administer rdmad.*\(Operation not permitted\)'
	chmod 0700 "$PAIR_DIR"
else
	echo "ok   - other uid: not root, skipped"
fi

# --- the client goes: its objects go ---------------------------------------
exec 7>&-
wait "$cpid"; cpid=
json_out=$($A -j status)
json "after the client: no qps" '(d["qps"], d["mrs"], d["clients"])' "(0, 0, 1)"
json_out=$($A -j stats)
# 4 QPs ran on TCP at a: three pings (one failed) and the client's.
json "after the client: its QPs' counters kept" '[t["qps"] for t in d["transports"]]' "[0, 4]"
# --- a Terminate: b's daemon sends one (DDP, tagged, invalid STag) --------
out=$("$CLIENT" -S "$PAIR_DIR/a.sock" -c 127.0.0.2:$ep -t < /dev/null 2>&1)
contains "test client provoked a Terminate" "$out" '^terminate '
sleep 0.5
json_out=$($B -j stats)
json "stats -j (b): the Terminate sent" '[(t["transport"], t["direction"], t["layer"], t["type"], t["code"], t["count"]) for t in d["terminates"]]' "[('tcp', 'sent', 1, 1, 0, 1)]"
contains "stats (b): text" "$($B stats)" '^  tcp sent +1/1/0  1$'
kill "$epid" 2>/dev/null; wait "$epid" 2>/dev/null; epid=
echo "# $pass passed, $fail failed"
exit $((fail != 0))
