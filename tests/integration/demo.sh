#!/bin/sh
# demo.sh — scripts/demo runs and says what the README says it says.
set -u
top_srcdir=${top_srcdir:-.}
# A private TMPDIR, to see that the demo leaves nothing in it.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdmad-demotest.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
out=$(TMPDIR=$tmp "$top_srcdir/scripts/demo" --builddir "$(pwd)" 2>&1)
status=$?
echo "$out"
fail=0
check() {
	if printf '%s\n' "$out" | grep -qE -- "$2"; then echo "ok   - $1"
	else echo "FAIL - $1: no line matching [$2]"; fail=1; fi
}
[ $status -eq 0 ] && echo "ok   - demo exits 0" || { echo "FAIL - demo exits $status"; fail=1; }
check "transport is TCP/MPA, with the reason" '^connected: +127\.0\.0\.2:[0-9]+ over TCP/MPA \(.*SCTP.*\)'
check "sctp unavailable in status" '^sctp +no +no'
check "RDMA Write" '^RDMA Write: +1048576 octets to the server: completed'
check "RDMA Read verified" '^RDMA Read: +1048576 octets back: identical'
check "Fetch-and-Add" '^Fetch-Add: +\+1 .*old value 42 \(ok\)'
check "Compare-and-Swap" '^Cmp-Swap: +43 -> 100: old value 43 \(ok\)'
check "Send and the server's check" 'the server answers "1048576 octets match the pattern, counter 100"'
check "throughput figure" '^throughput: +256 RDMA Writes of 1048576 octets in [0-9.]+ s: [0-9.]+ MiB/s'
check "counted Writes" '^  write +[0-9]+ +[0-9]+'
check "every check passed" '^result: +every check passed'
check "daemons exited" '^rdmad b: .*exiting'
if [ -z "$(ls -A "$tmp")" ]; then echo "ok   - nothing left in TMPDIR"
else echo "FAIL - left in TMPDIR: $(ls -A "$tmp")"; fail=1; fi
exit $fail
