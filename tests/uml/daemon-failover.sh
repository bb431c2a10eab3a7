#!/bin/bash
# daemon-failover.sh — make check entry: two real rdmad daemons in two
# network namespaces of user-mode Linux (uml-run --topo pair: each host
# dual-homed on two veth links), a librdmad application streaming
# verified RDMA Writes and Reads between them (tests/uml/ud_failover)
# while the primary link is cut: first set down, then (after it came
# back) blackholed by netem loss 100%.  Every octet must come back
# right, no operation may fail; the longest stall is printed against the
# 200 ms target and must stay below UD_STALL_MAX ms (default 1000: a
# noisy 2-core machine, not a failover that never came).  After each cut
# the link returns and both daemons must see the lost path available
# again.
#
# Environment: UD_TRANSPORT (sctp; tcp cannot survive a cut link and is
# only useful to debug the plumbing), UD_STALL_MAX, UML_KEEP=1 (keep the
# run folder with the daemons' configs and logs).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib-daemons.sh"
FO=$PWD/tests/uml/ud_failover
if [ "${1:-}" != --guest ]; then
	UD_NEED=$FO ud_boot "$here/daemon-failover.sh" --topo pair --timeout 150
fi

# ---- inside the guest ------------------------------------------------------
# Failover timers (RFC 4960 §6.3, §8.2; RFC 7829): retransmission
# timeouts from 30 ms (far above the veth round trip, well under 1 ms
# even in UML) doubling to at most 200 ms; a path is potentially failed
# after its second timeout (pf_threshold 1) and new data moves to the
# other path at once; heartbeats every 100 ms find the path back.
UD_SCTP="rto_initial_ms = 100; rto_min_ms = 30; rto_max_ms = 200;
    hb_interval_ms = 100; path_max_retrans = 3; pf_threshold = 1;"
UD_TRANSPORT=${UD_TRANSPORT:-sctp}
stall_max=${UD_STALL_MAX:-1000}
secs=8
RDMACTL=${RDMACTL:-$PWD/rdmactl}
fail=0
port=7050

ud_conf a 10.1.1.1 10.1.2.1 && ud_conf b 10.1.1.2 10.1.2.2 || exit 1
ud_start a a && ud_start b b || { st=$?; ud_stop_all; exit $st; }
trap 'ud_stop_all' EXIT
echo "# daemons: a 10.1.1.1+10.1.2.1, b 10.1.1.2+10.1.2.2, transport" \
    "$UD_TRANSPORT; run folder $UD_DIR"

# path_back NAME ADDR FROM: daemon NAME's log, past line FROM, says the
# path to ADDR is available again (after being unreachable).
path_back() {
	tail -n +"$3" "$(ud_log "$1")" | grep -q "path $2: available"
}

# paths_active NAME ADDR...: rdmactl peers -j of daemon NAME lists every
# ADDR as a path in state "active" (exit 2 when it lists no path at all).
paths_active() {
	local name=$1
	shift
	ud_in "$name" "$RDMACTL" -S "$(ud_sock "$name")" peers -j 2>/dev/null |
	    python3 -c '
import json, sys
want = set(sys.argv[1:])
try:
    peers = json.load(sys.stdin)
except ValueError:
    sys.exit(2)
paths = [p for peer in peers for p in peer.get("paths", [])]
if not paths:
    sys.exit(2)
got = set(p["address"] for p in paths if p["state"] == "active")
sys.exit(0 if want <= got else 1)' "$@"
}

# paths NAME: what rdmactl says of daemon NAME's peers, for the log.
paths() {
	ud_in "$1" "$RDMACTL" -S "$(ud_sock "$1")" peers 2>/dev/null |
	    sed "s/^/#   $1: /"
}

# case NAME CUT RESTORE: the stream, the cut 3 s in, the link back at
# the end; checks the client's verdict, its stall, the paths.
case_run() {
	local name=$1 cut=$2 restore=$3 la lb st stall
	port=$((port + 1))
	echo "== $name"
	$(ud_nsx b) "$FO" -s -S "$(ud_sock b)" -p $port > "$UD_DIR/srv-$port.log" 2>&1 &
	local srv=$!
	ud_wait_for 100 grep -qs listening "$UD_DIR/srv-$port.log" ||
	    { echo "FAIL - server does not listen"; cat "$UD_DIR/srv-$port.log"; return 1; }
	$(ud_nsx a) "$FO" -c 10.1.1.2 -S "$(ud_sock a)" -p $port -T $secs \
	    -t "$UD_TRANSPORT" > "$UD_DIR/cli-$port.log" 2>&1 &
	local cli=$!
	ud_wait_for 100 grep -qs "^t=2 s" "$UD_DIR/cli-$port.log"
	la=$(wc -l < "$(ud_log a)")
	lb=$(wc -l < "$(ud_log b)")
	echo "# $(date +%T.%N | cut -c1-12) cut: $cut"
	eval "$cut"
	wait $cli
	st=$?
	echo "# $(date +%T.%N | cut -c1-12) restore: $restore"
	eval "$restore"
	sed 's/^/#   /' "$UD_DIR/cli-$port.log"
	wait $srv
	stall=$(sed -n 's/.*longest stall \([0-9]*\) ms.*/\1/p' "$UD_DIR/cli-$port.log")
	if [ $st -eq 0 ] && [ -n "$stall" ] && [ "$stall" -lt "$stall_max" ]; then
		echo "ok   - $name: every octet verified, no failed operation," \
		    "longest stall $stall ms (target 200 ms:" \
		    "$([ "$stall" -lt 200 ] && echo met || echo "missed by $((stall - 200)) ms"))"
	else
		echo "FAIL - $name: client exit $st, longest stall ${stall:-?} ms" \
		    "(bound $stall_max ms)"
		fail=1
	fi
	# The cut path is back in both daemons' view: rdmactl peers -j
	# shows both paths active (the transport's log says so too).
	if ud_wait_for 100 paths_active a 10.1.1.2 10.1.2.2 &&
	    ud_wait_for 100 paths_active b 10.1.1.1 10.1.2.1; then
		echo "ok   - $name: rdmactl peers: both paths active again on both daemons"
	else
		echo "FAIL - $name: both paths not active again within 10 s"
		fail=1
	fi
	if path_back a 10.1.1.2 "$la" && path_back b 10.1.1.1 "$lb"; then
		echo "ok   - $name: both daemons logged the primary path available again"
	else
		echo "FAIL - $name: no \"path ...: available\" in the daemons' logs"
		fail=1
	fi
	grep -h "path " "$(ud_log a)" "$(ud_log b)" | tail -n 4 | sed 's/^/#   /'
	paths a
}

if [ "$UD_TRANSPORT" = tcp ]; then
	echo "# transport tcp: a TCP connection cannot move to the other link"
fi
case_run "primary link down (va1 in a)" "ip -n a link set va1 down" \
    "ip -n a link set va1 up"
case_run "netem loss 100% on the primary (va1 in a)" \
    "tc -n a qdisc add dev va1 root netem loss 100%" \
    "tc -n a qdisc del dev va1 root"
ud_stop_all || fail=1
trap - EXIT
[ $fail -eq 0 ] && echo "daemon-failover: ok" || echo "daemon-failover: FAILED"
exit $fail
