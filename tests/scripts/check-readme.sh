#!/bin/sh
# check-readme.sh — the README's library example compiles, links against
# the built librdmad and talks to a daemon, so the README cannot rot.
set -u
top_srcdir=${top_srcdir:-.}
CC=${CC:-cc}
build=$(pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/rdmad-readme.XXXXXX") || exit 99
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

# The C block between the readme-example markers.
sed -n '/^<!-- readme-example/,/^<!-- \/readme-example/p' \
    "$top_srcdir/README.md" | sed -e '/^<!--/d' -e '/^```/d' > "$dir/hello.c"
lines=$(wc -l < "$dir/hello.c")
[ "$lines" -ge 10 ] || { echo "FAIL: no example in README.md ($lines lines)"; exit 1; }
lib=$build/.libs
[ -f "$lib/librdmad.so" ] || { echo "FAIL: $lib/librdmad.so not built"; exit 1; }
# shellcheck disable=SC2086 # the flags are word lists
if ! $CC -std=c11 -Wall -Wextra -Werror ${SAN_CFLAGS:-} -I"$top_srcdir/include" \
    "$dir/hello.c" ${SAN_LDFLAGS:-} -L"$lib" -lrdmad -o "$dir/hello" \
    2> "$dir/cc.log"; then
	echo "FAIL: the README example does not build:"
	cat "$dir/cc.log"
	exit 1
fi
echo "ok   - README example compiles and links ($lines lines)"

printf 'control = { socket = "%s/s.sock"; };\n' "$dir" > "$dir/c.conf"
"$build/rdmad" -f "$dir/c.conf" > "$dir/log" 2>&1 &
pid=$!
i=0; until [ -S "$dir/s.sock" ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i+1)); done
out=$(RDMAD_SOCKET=$dir/s.sock LD_LIBRARY_PATH=$lib "$dir/hello" 2>&1)
case $out in
"connected to rdmad "*) echo "ok   - README example runs: $out" ;;
*) echo "FAIL - README example output: $out"; exit 1 ;;
esac
out=$(RDMAD_SOCKET=$dir/none.sock LD_LIBRARY_PATH=$lib "$dir/hello" 2>&1)
case $out in
"rdmad: "*) echo "ok   - README example reports a missing daemon: $out" ;;
*) echo "FAIL - README example without a daemon: $out"; exit 1 ;;
esac
