#!/bin/sh
# check-purity.sh — the dependency rule: src/wire is pure.  No sockets,
# libevent, libconfig, syslog, stdio or allocation in the codecs; src/engine
# is transport-neutral (no sockets, libevent, libconfig or syslog).
# Exits 1 and names every offending line.
top=${top_srcdir:-$(dirname "$0")/../..}
status=0

# $1: folder, $2: extended regex of forbidden lines, $3: what it means,
# $4: optional regex of lines that match $2 but are allowed
check() {
	[ -d "$top/$1" ] || return 0
	hits=$(grep -rnE "$2" "$top/$1" --include='*.c' --include='*.h' |
	    grep -vE "${4:-^\$}")
	if [ -n "$hits" ]; then
		printf 'FAIL: %s must not %s:\n%s\n' "$1" "$3" "$hits"
		status=1
	else
		printf 'PASS: %s does not %s\n' "$1" "$3"
	fi
}

io_headers='#[[:space:]]*include[[:space:]]*<(sys/socket\.h|netinet/|arpa/inet\.h|sys/un\.h|event2?/|event\.h|libconfig\.h|syslog\.h|unistd\.h|fcntl\.h|sys/mman\.h)'
check src/wire "$io_headers" "include I/O, socket, libevent, libconfig or syslog headers"
check src/wire '#[[:space:]]*include[[:space:]]*<stdio\.h>' "include stdio.h (codecs never print)"
check src/wire '\<(malloc|calloc|realloc|free|strdup|abort|exit)[[:space:]]*\(' "allocate, abort or exit"
check src/wire '^[[:space:]]*static[[:space:]]+[a-z_0-9 ]*[a-z_0-9]+[[:space:]]*(\[[^]]*\])?[[:space:]]*(=|;)' "hold mutable static state" \
    'static[[:space:]]+(const|inline)|\('

check src/engine "$io_headers" "include I/O, socket, libevent, libconfig or syslog headers"

if [ $status -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $status
