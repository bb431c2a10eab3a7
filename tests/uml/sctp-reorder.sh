#!/bin/sh
# sctp-reorder.sh — make check entry: the SCTP e2e data tests inside
# user-mode Linux with netem reordering packets on the loopback, so that
# unordered chunks overtake each other and the DDP-SSN reorder buffer
# (RFC 5043 §10) carries real traffic.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/uml-run" --timeout 600 -- /bin/sh -c '
	tc qdisc add dev lo root netem delay 1ms reorder 25% 50% || exit 98
	export SCTP_E2E_EXPECT_REORDER=1
	for t in ops terminate_neighbour throughput; do
		SCTP_E2E_ONLY=$t "$0" || exit $?
	done' "$PWD/tests/unit/test_sctp_e2e"
