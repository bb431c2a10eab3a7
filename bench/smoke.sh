#!/bin/sh
# smoke.sh — make check: bench/run --quick produces every expected figure.
#
# Runs the whole suite once with short times (two daemons on loopback,
# rdbench, the iperf3 and sockperf baselines when installed, memory per
# QP and per region) and checks that the summary CSV has every expected
# row with a positive median.  No timing thresholds: the ratios and
# targets are reported by bench/run, not judged here.
set -u

srcdir=${srcdir:-$(dirname "$0")/..}
builddir=$(pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/rdbench-smoke.XXXXXX") || exit 99
trap 'rm -rf "$out"' EXIT

RDMAD=${RDMAD:-$builddir/rdmad} RDBENCH=${RDBENCH:-$builddir/bench/rdbench} \
    "$srcdir/bench/run" --quick --out "$out/res" > "$out/run.log" 2>&1
st=$?
cat "$out/run.log"
[ $st -eq 77 ] && exit 77

pass=0
fail=0
expect() {	# SOURCE TEST SIZE
	v=$(awk -F, -v s="$1" -v t="$2" -v z="$3" \
	    '$1 == s && $2 == t && $3 == z { print $4 }' "$out/res/bench.csv" \
	    2>/dev/null)
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then
		pass=$((pass + 1))
		echo "ok   - $1 $2 $3: $v"
	else
		fail=$((fail + 1))
		echo "FAIL - $1 $2 $3: '${v:-missing}'"
	fi
}

if [ $st -eq 0 ]; then
	pass=$((pass + 1)); echo "ok   - bench/run --quick exits 0"
else
	fail=$((fail + 1)); echo "FAIL - bench/run --quick exits $st"
fi
for t in write read send; do
	for z in 4096 1048576; do
		expect rdmad $t $z
	done
done
expect rdmad lat_median 64
expect rdmad lat_p99 64
expect rdmad setup 0
for m in rss_a pss_a rss_b pss_b; do
	expect rdmad "mem_qp_$m" 50
done
expect rdmad mem_mr_rss_a 2000
expect rdmad mem_mr_pss_a 2000
expect rdmad hold_qps 50
expect rdmad hold_mrs 2000
for w in before with; do
	expect rdmad "write_${w}_qps" 1048576
	expect rdmad "write_${w}_mrs" 1048576
done
if command -v iperf3 >/dev/null 2>&1; then
	expect iperf3 tcp_bw 4096
	expect iperf3 tcp_bw 1048576
else
	echo "skip - iperf3 baseline (not installed)"
fi
if command -v sockperf >/dev/null 2>&1; then
	expect sockperf tcp_rtt_median 64
	expect sockperf tcp_rtt_p99 64
else
	echo "skip - sockperf baseline (not installed)"
fi
if command -v gnuplot >/dev/null 2>&1; then
	if [ -s "$out/res/bandwidth.png" ]; then
		pass=$((pass + 1)); echo "ok   - bandwidth.png plotted"
	else
		fail=$((fail + 1)); echo "FAIL - bandwidth.png missing"
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
