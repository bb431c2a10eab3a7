#!/bin/sh
# check-unit.sh — systemd-analyze verify on the generated rdmad.service.
#
# The unit names the installed rdmad, which does not exist before `make
# install`: the copy under test points ExecStart at the built one (and
# ExecReload's kill at wherever kill lives here).  Any message of
# systemd-analyze fails the test.
set -u
unit=etc/rdmad.service
[ -f "$unit" ] || { echo "FAIL: $unit not built"; exit 1; }
command -v systemd-analyze >/dev/null 2>&1 || {
	echo "FAIL: systemd-analyze missing: scripts/setup installs systemd"
	exit 1
}
dir=$(mktemp -d "${TMPDIR:-/tmp}/rdmad-unit.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT
rdmad=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)/rdmad
[ -x "$rdmad" ] || rdmad=$(pwd)/rdmad
kill=$(command -v kill); case $kill in /*) ;; *) kill=/bin/kill ;; esac
sed -e "s|^ExecStart=[^ ]*|ExecStart=$rdmad|" \
    -e "s|^ExecReload=/bin/kill|ExecReload=$kill|" "$unit" > "$dir/rdmad.service"
fail=0
grep -q '^Type=notify$' "$dir/rdmad.service" || { echo "FAIL: Type=notify"; fail=1; }
grep -q '^ExecStart=.*rdmad -s -f ' "$dir/rdmad.service" || { echo "FAIL: ExecStart"; fail=1; }
grep -q '@[a-z]*dir@' "$dir/rdmad.service" && { echo "FAIL: unsubstituted @...@"; fail=1; }
out=$(cd "$dir" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify --man=no \
    "$dir/rdmad.service" 2>&1)
status=$?
if [ $status -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify (status $status):"
	echo "$out"
	fail=1
else
	echo "ok   - systemd-analyze verify rdmad.service: clean"
fi
exit $fail
