#!/bin/sh
# check-man.sh — every manual page passes `mandoc -T lint -W warning`.
set -u
top_srcdir=${top_srcdir:-.}
command -v mandoc >/dev/null 2>&1 || {
	echo "FAIL: mandoc missing: scripts/setup installs it"
	exit 1
}
fail=0
for page in rdmad.8 rdmactl.8 rdmad.conf.5 librdmad.3; do
	f=$top_srcdir/man/$page
	if out=$(mandoc -T lint -W warning "$f" 2>&1) && [ -z "$out" ]; then
		echo "ok   - $page"
	else
		echo "FAIL - $page"
		echo "$out"
		fail=1
	fi
done
# Every function of the installed API is in librdmad(3).
for fn in $(sed -n 's/^[a-z].*[ *]\(rdmad_[a-z_]*\)(.*/\1/p' \
    "$top_srcdir/include/rdmad/rdmad.h"); do
	grep -q "^\.Fn $fn " "$top_srcdir/man/librdmad.3" || {
		echo "FAIL - librdmad.3 does not document $fn"
		fail=1
	}
done
# Every setting of the sample configuration is in rdmad.conf(5).
for key in $(sed -n 's/^#[[:space:]#]*\([a-z_]*\) = [^{]*$/\1/p' \
    "$top_srcdir/etc/rdmad.conf" | sort -u); do
	grep -q "^\.It Ic $key = " "$top_srcdir/man/rdmad.conf.5" || {
		echo "FAIL - rdmad.conf.5 does not document $key"
		fail=1
	}
done
exit $fail
