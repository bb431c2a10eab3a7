#!/bin/sh
# run.sh — run every libFuzzer target for a bounded time from its seed
# corpus and print the executions each one made.
# Usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
# Exits non-zero if any target crashes, leaks or times out.
set -eu
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
secs=${2:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
pass=0
fail=0

for bin in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	corpus="$work/$name"
	mkdir -p "$corpus"
	# Work on a copy: the fuzzer adds inputs to its first corpus folder.
	if [ -d "$src/tests/corpus/$name" ]; then
		cp "$src/tests/corpus/$name"/* "$corpus"/ 2>/dev/null || true
	fi
	log="$work/$name.log"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/$name-" \
	    "$corpus" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		printf 'fuzz %-12s %10s executions in %ss: ok\n' "$name" "${runs:-?}" "$secs"
		pass=$((pass + 1))
	else
		printf 'fuzz %-12s FAILED\n' "$name"
		tail -n 40 "$log"
		for a in "$work/$name"-*; do
			[ -f "$a" ] && { echo "reproducer: $a"; od -A x -t x1z "$a" | head -20; }
		done
		fail=$((fail + 1))
		status=1
	fi
done
if [ $((pass + fail)) -eq 0 ]; then
	echo "no fuzz targets found under $build/tests/fuzz"
	exit 1
fi
echo "fuzz: $pass passed, $fail failed"
exit $status
