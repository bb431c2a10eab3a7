# steps.sh — shell helpers of the step-by-step test scripts (sourced).
#
# ok NAME / not_ok NAME [DETAILS]: count and print one step ("ok   - ",
# "FAIL - ", details indented); the caller sets pass=0 fail=0 first,
# and STEP_T0=$(date +%s) to see the seconds elapsed at each step.
# wait_for TENTHS CMD...: retry CMD every 0.1 s, at most TENTHS times.

ok() {
	pass=$((pass + 1))
	echo "ok   - $1${STEP_T0:+ [$(($(date +%s) - STEP_T0)) s]}"
}
not_ok() {
	fail=$((fail + 1))
	echo "FAIL - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'
	return 0
}

wait_for() {
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
