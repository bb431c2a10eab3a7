#!/bin/bash
# daemon-failover.sh — make check entry: two real rdmad daemons in two
# network namespaces of user-mode Linux (uml-run --topo pair: each host
# dual-homed on two veth links), a librdmad application streaming
# verified RDMA Writes and Reads between them (tests/uml/ud_failover)
# while the primary link is cut: first set down, then (after it came
# back) blackholed by netem loss 100%.  Every octet must come back
# right, no operation may fail; the failover's stall (the longest gap
# between two verified rounds that overlaps the second after the cut) is
# printed against the 200 ms target, and every stall must stay below
# UD_STALL_MAX ms (default 1000: a noisy 2-core machine, not a failover
# that never came).  3 s after each cut the link returns and, while the
# stream still runs, `rdmactl -j peers` of both daemons must show both
# paths active again.
#
# Environment: UD_TRANSPORT (sctp; tcp cannot survive a cut link and is
# only useful to debug the plumbing), UD_STALL_MAX, UML_KEEP=1 (keep the
# run folder with the daemons' configs and logs).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib-daemons.sh"
FO=$(uml_bin tests/uml/ud_failover)
if [ "${1:-}" != --guest ]; then
	UD_NEED=$FO ud_boot "$here/daemon-failover.sh" --topo pair --timeout 150
fi

# ---- inside the guest ------------------------------------------------------
# Failover timers (RFC 4960 §6.3, §8.2; RFC 7829): retransmission
# timeouts from 30 ms (far above the veth round trip, well under 1 ms
# even in UML) doubling to at most 100 ms (200 ms let a loaded UML,
# whose round trips swell the RTO, stall 617 ms once); a path is
# potentially failed after its second timeout (pf_threshold 1, the
# lowest rdmad.conf takes) and new data moves to the other path at once;
# heartbeats every 100 ms find it back.
UD_SCTP="rto_initial_ms = 100; rto_min_ms = 30; rto_max_ms = 100;
    hb_interval_ms = 100; path_max_retrans = 3; pf_threshold = 1;"
UD_TRANSPORT=${UD_TRANSPORT:-sctp}
stall_max=${UD_STALL_MAX:-1000}
secs=9
fail=0
port=7050

ud_conf a 10.1.1.1 10.1.2.1 && ud_conf b 10.1.1.2 10.1.2.2 || exit 1
ud_start a a && ud_start b b || { st=$?; ud_stop_all; exit $st; }
trap 'ud_stop_all' EXIT
echo "# daemons: a 10.1.1.1+10.1.2.1, b 10.1.1.2+10.1.2.2, transport" \
    "$UD_TRANSPORT; run folder $UD_DIR"

# path_log NAME FROM: the path events in daemon NAME's log past line FROM.
path_log() {
	tail -n +"$2" "$(ud_log "$1")" | sed -n 's/.* path \([0-9.]*: [a-z]*\).*/\1/p' |
	    tr '\n' ';'
}

# paths_active NAME ADDR...: rdmactl -j peers of daemon NAME lists every
# ADDR as a path in state "active".
paths_active() {
	local name=$1 a got
	shift
	got=$(ud_in "$name" "$RDMACTL" -S "$(ud_sock "$name")" -j peers \
	    2>/dev/null | tr -d ' \n' |
	    grep -o '"address":"[^"]*","state":"active"')
	for a in "$@"; do
		case $got in
		*"\"$a\""*) ;;
		*) return 1 ;;
		esac
	done
	return 0
}

# paths NAME: what rdmactl says of daemon NAME's peers, for the log.
paths() {
	ud_in "$1" "$RDMACTL" -S "$(ud_sock "$1")" peers 2>/dev/null |
	    sed "s/^/#   $1: /"
}

# case NAME CUT RESTORE: the stream for $secs s; the cut 2 s in, the
# link back 5 s in; then, while the stream still runs on the same
# association, both paths must show active again.  Checks the client's
# verdict, its longest stall, the paths.
case_run() {
	local name=$1 cut=$2 restore=$3 la lb st stall fo cut_at back=
	port=$((port + 1))
	echo "== $name"
	$(ud_nsx b) "$FO" -s -S "$(ud_sock b)" -p $port > "$UD_DIR/srv-$port.log" 2>&1 &
	local srv=$!
	wait_for 100 grep -qs listening "$UD_DIR/srv-$port.log" ||
	    { echo "FAIL - server does not listen"; cat "$UD_DIR/srv-$port.log"; return 1; }
	$(ud_nsx a) "$FO" -c 10.1.1.2 -S "$(ud_sock a)" -p $port -T $secs \
	    -t "$UD_TRANSPORT" > "$UD_DIR/cli-$port.log" 2>&1 &
	local cli=$!
	wait_for 100 grep -qs "^t=2 s" "$UD_DIR/cli-$port.log"
	la=$(wc -l < "$(ud_log a)")
	lb=$(wc -l < "$(ud_log b)")
	echo "# $(date +%T.%N | cut -c1-12) cut: $cut"
	cut_at=$(date +%s.%N)
	eval "$cut"
	wait_for 100 grep -qs "^t=5 s" "$UD_DIR/cli-$port.log"
	echo "# $(date +%T.%N | cut -c1-12) restore: $restore"
	eval "$restore"
	# Heartbeats every 100 ms: back well within the 3 s left.
	if wait_for 30 paths_active a 10.1.1.2 10.1.2.2 &&
	    wait_for 10 paths_active b 10.1.1.1 10.1.2.1; then
		back="after $(date +%T.%N | cut -c1-12)"
	fi
	paths a
	wait $cli
	st=$?
	sed 's/^/#   /' "$UD_DIR/cli-$port.log"
	wait $srv
	stall=$(sed -n 's/.*longest stall \([0-9]*\) ms.*/\1/p' "$UD_DIR/cli-$port.log")
	# The failover's stall: the longest one that overlaps the second
	# after the cut (the others are the noise of a shared machine).
	fo=$(awk -v c="$cut_at" '$1 == "stall" { e = $5; s = e - $2 / 1000
	    if (e > c && s < c + 1 && $2 > m) m = $2 } END { print m + 0 }' \
	    "$UD_DIR/cli-$port.log")
	if [ $st -eq 0 ] && [ -n "$stall" ] && [ "$stall" -lt "$stall_max" ]; then
		echo "ok   - $name: every octet verified, no failed operation;" \
		    "failover stall $fo ms (target 200 ms:" \
		    "$([ "$fo" -lt 200 ] && echo met || echo "missed by $((fo - 200)) ms")," \
		    "longest stall of the run $stall ms, bound $stall_max ms)"
	else
		echo "FAIL - $name: client exit $st, failover stall $fo ms," \
		    "longest stall ${stall:-?} ms (bound $stall_max ms)"
		fail=1
	fi
	if [ -n "$back" ]; then
		echo "ok   - $name: rdmactl -j peers: both paths active again on" \
		    "both daemons"
	else
		echo "FAIL - $name: rdmactl -j peers: both paths not active again" \
		    "within 4 s of the restore"
		fail=1
	fi
	# The transports' own view, for the record (a path that only went
	# "potentially failed" comes back without an "available" event).
	echo "# logged since the cut: a: $(path_log a "$la"); b: $(path_log b "$lb")"
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
