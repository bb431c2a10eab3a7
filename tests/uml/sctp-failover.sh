#!/bin/sh
# sctp-failover.sh — make check entry: a dual-homed association between
# two processes in two network namespaces (uml-run --topo pair) keeps
# verified Writes/Reads going while its primary path fails: first the
# link is set down, then (new association) netem drops 100% on it.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/uml-run" --topo pair --timeout 600 -- /bin/bash -c '
	prog=$0
	run() {
		echo "== $1"
		FAKE_VERBOSE=1 ip netns exec b "$prog" server 6 & s=$!
		sleep 0.5
		FAKE_VERBOSE=1 ip netns exec a "$prog" client 6 & c=$!
		sleep 2
		eval "$2"
		wait $c; crc=$?
		eval "$3"
		wait $s; src=$?
		echo "== $1: client $crc, server $src"
		[ $crc -eq 0 ] && [ $src -eq 0 ]
	}
	run "primary link down" "ip -n a link set va1 down" \
	    "ip -n a link set va1 up" || exit 1
	run "netem loss 100% on the primary" \
	    "tc -n a qdisc add dev va1 root netem loss 100%" \
	    "tc -n a qdisc del dev va1 root" || exit 1
' "$PWD/tests/unit/sctp_failover"
