#!/bin/sh
# check-headers.sh — every installed header compiles alone, as C and as
# C++, with no other include before it (GUIDE §11; after rdma-core's
# buildlib/check-build test_installed_headers).
top=${top_srcdir:-$(dirname "$0")/../..}
cc=${CC:-cc}
cxx=${CXX:-c++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

# $1: label, $2: compiler command, $3: source suffix, $4: header
try() {
	printf '#include <%s>\n' "$4" > "$work/t.$3"
	# shellcheck disable=SC2086
	if $2 -I"$top/include" -c "$work/t.$3" -o "$work/t.o" \
	    > "$work/log" 2>&1; then
		printf 'PASS: %s %s\n' "$1" "$4"
		pass=$((pass + 1))
	else
		printf 'FAIL: %s %s\n' "$1" "$4"
		cat "$work/log"
		fail=$((fail + 1))
	fi
}

for h in "$top"/include/rdmad/*.h; do
	name=rdmad/${h##*/}
	try "C11" "$cc -std=c11 -pedantic -Wall -Wextra -Werror" c "$name"
	try "C++11" "$cxx -std=c++11 -pedantic -Wall -Wextra -Werror" cc \
	    "$name"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
