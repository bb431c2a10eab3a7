# pair.sh — start and stop two rdmad daemons on loopback (sourced, not run).
#
# Used by scripts/demo and tests/integration/rdmactl.sh.  The caller sets
# RDMAD (the daemon binary) and PAIR_DIR (an empty temporary directory);
# pair_start starts daemon "a" on 127.0.0.1 and "b" on 127.0.0.2 with the
# default settings except for their listen address and control socket
# ($PAIR_DIR/a.sock, b.sock; logs in a.log, b.log).  pair_stop sends
# SIGTERM and waits; call it from an EXIT trap.  With PAIR_SCTP=1 (only
# where the kernel has SCTP: scripts/demo --sctp-in-uml) the daemons use
# transport "sctp", each bound to its own address.

pair_pids=

# pair_conf NAME ADDR: the configuration of one daemon.
pair_conf() {
	cat > "$PAIR_DIR/$1.conf" <<EOC
# rdmad $1 of the pair: defaults but for the address and the socket.
listen = [ "$2" ];
control = { socket = "$PAIR_DIR/$1.sock"; mode = "0600"; };
EOC
	if [ "${PAIR_SCTP:-0}" = 1 ]; then
		printf 'transport = "sctp";\nsctp = { addresses = [ "%s" ]; };\n' \
		    "$2" >> "$PAIR_DIR/$1.conf"
	fi
}

# pair_wait_sock PATH: up to 5 s for the daemon's socket.
pair_wait_sock() {
	_n=50
	while [ $_n -gt 0 ]; do
		[ -S "$1" ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# pair_start: both daemons; 1 (with the log shown) when one fails.
pair_start() {
	for _d in a:127.0.0.1 b:127.0.0.2; do
		_name=${_d%%:*}
		pair_conf "$_name" "${_d#*:}"
		"$RDMAD" -f "$PAIR_DIR/$_name.conf" > "$PAIR_DIR/$_name.log" 2>&1 &
		pair_pids="$pair_pids $!"
		if ! pair_wait_sock "$PAIR_DIR/$_name.sock"; then
			echo "rdmad $_name did not start:" >&2
			tail -n 5 "$PAIR_DIR/$_name.log" >&2
			return 1
		fi
	done
	return 0
}

# pair_stop: SIGTERM to both, then wait for them (and for nothing else).
pair_stop() {
	for _p in $pair_pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $pair_pids; do
		wait "$_p" 2>/dev/null
	done
	pair_pids=
}
