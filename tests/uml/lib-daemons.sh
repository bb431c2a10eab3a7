# lib-daemons.sh — two real rdmad daemons inside user-mode Linux (sourced).
#
# For scripts that run inside tests/uml/uml-run (usually --topo pair:
# netns "a" with 10.1.1.1 + 10.1.2.1, netns "b" with 10.1.1.2 +
# 10.1.2.2).  The caller sets, before sourcing or before ud_conf:
#
#   UD_DIR        the per-run folder on the host (uml-run --dir): configs
#                 and logs go there and are kept when the run fails
#   UD_TRANSPORT  the daemons' "transport": sctp (default), tcp or auto
#                 (listeners on both, each client QP chooses); switching
#                 a test between SCTP and TCP/MPA is this one variable
#   UD_SCTP       extra settings inside the config's sctp = { } group
#                 (timers of a test), e.g. "rto_min_ms = 50;"
#   UD_CONF       extra top-level config lines
#   RDMAD, RDMACTL  the binaries (default: ./rdmad, ./rdmactl, the build
#                 dir being the working directory, or in a sanitizer
#                 build their UBSan-only copies: uml_bin, lib-bins.sh)
#
# Control sockets live in a guest tmpfs (UNIX sockets on hostfs are not
# reliable), under $UD_SOCKDIR; ud_sock NAME prints the path.
#
#   ud_conf NAME ADDR...   write $UD_DIR/NAME.conf: listen on the first
#                          address, SCTP bound to all of them
#   ud_start NAME [NS]     start rdmad NAME in the foreground (inside
#                          netns NS), wait until its socket exists; 1
#                          on failure, 77 when rdmad has no SCTP
#   ud_has_sctp NAME       its rdmactl status says SCTP is available
#   ud_stop NAME           SIGTERM, SIGKILL after 5 s; 1 if it did not
#                          exit cleanly (status 0)
#   ud_stop_all            every daemon started here
#   ud_in NAME CMD...      run CMD in daemon NAME's namespace
#   ud_nsx NAME            its prefix, for "$(ud_nsx NAME) CMD &"
#   ud_log NAME            the path of its log
#   wait_for TENTHS CMD...      retry CMD every 0.1 s (tests/helpers/steps.sh)
#
# On the host, a script re-runs itself in the guest with
#   ud_boot SCRIPT [UML-RUN OPTIONS] -- [ARGS]   (never returns)
# which fails (99) when a binary is missing or cannot run in UML (ASan;
# UD_NEED lists the caller's own), makes the run folder, exports UD_DIR
# and runs "bash SCRIPT --guest ARGS" there.

ud_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$ud_here/lib-bins.sh"
. "$ud_here/../helpers/steps.sh"	# wait_for
RDMAD=${RDMAD:-$(uml_bin rdmad)}
RDMACTL=${RDMACTL:-$(uml_bin rdmactl)}
UD_SCTP=${UD_SCTP:-}
UD_CONF=${UD_CONF:-}
UD_SOCKDIR=${UD_SOCKDIR:-/dev/shm/rdmad-uml}
ud_names=

# ud_boot SCRIPT [OPTIONS] -- [ARGS]: run SCRIPT --guest ARGS in UML.
ud_boot() {
	local script=$1 b opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	uml_bins_ok "$RDMAD" "$RDMACTL" ${UD_NEED:-} || exit
	UD_DIR=$(mktemp -d "${UML_RUN_DIR:-$PWD}/uml.XXXXXX") || exit 99
	export UD_DIR
	"$ud_here/uml-run" "${opts[@]}" --dir "$UD_DIR" -- \
	    /bin/bash "$script" --guest "$@"
	b=$?
	# uml-run keeps the folder unless the status is 0: a skip is no
	# failure to look into.
	[ $b -eq 77 ] && rm -rf "$UD_DIR"
	exit $b
}

ud_sock() { echo "$UD_SOCKDIR/$1.sock"; }
ud_log() { echo "$UD_DIR/$1.log"; }

# ud_conf NAME ADDR...: the configuration of daemon NAME.
ud_conf() {
	local name=$1 a list=
	shift
	for a in "$@"; do
		list="$list${list:+, }\"$a\""
	done
	mkdir -p "$UD_SOCKDIR" || return 1
	{
		echo "# rdmad $name, written by tests/uml/lib-daemons.sh"
		echo "listen = [ \"$1\" ];"
		echo "transport = \"${UD_TRANSPORT:-sctp}\";"
		if [ "${UD_TRANSPORT:-sctp}" != tcp ]; then
			echo "sctp = { addresses = [ $list ]; $UD_SCTP };"
		fi
		echo "limits = { max_reg_bytes = 1073741824; max_qps = 4096;"
		echo "    max_cqs = 4096; max_clients = 256; max_pending = 1024; };"
		echo "control = { socket = \"$(ud_sock "$name")\"; mode = \"0600\";"
		echo "    max_queue = 1024; };"
		echo "log = { level = \"info\"; };"
		if [ -n "$UD_CONF" ]; then echo "$UD_CONF"; fi
	} > "$UD_DIR/$name.conf"
}

# ud_nsx NAME: the command prefix that enters daemon NAME's namespace
# (nothing without one).  nsenter execs in place, so "$(ud_nsx b) cmd &"
# gives $! = cmd's own pid (ip netns exec, or a function run in the
# background, would put a waiting process in between).
ud_nsx() {
	local ns
	eval "ns=\${ud_ns_$1:-}"
	[ -n "$ns" ] && echo "nsenter --net=/run/netns/$ns"
	return 0
}

# ud_in NAME CMD...: CMD inside the namespace of daemon NAME (if any).
ud_in() {
	local pfx
	pfx=$(ud_nsx "$1")
	shift
	$pfx "$@"
}

# ud_ready NAME: the control socket exists and the daemon is alive.
ud_ready() {
	local p
	eval "p=\$ud_pid_$1"
	kill -0 "$p" 2>/dev/null || return 2
	[ -S "$(ud_sock "$1")" ]
}

# ud_start NAME [NS]: start daemon NAME; 1 (with its log) on failure.
ud_start() {
	local name=$1 ns=${2:-} p
	eval "ud_ns_$name=\$ns"
	rm -f "$(ud_sock "$name")"
	$(ud_nsx "$name") "$RDMAD" -f "$UD_DIR/$name.conf" -S "$(ud_sock "$name")" \
	    >> "$(ud_log "$name")" 2>&1 &
	p=$!
	eval "ud_pid_$name=$p"
	ud_names="$ud_names $name"
	if ! wait_for 100 ud_ready "$name"; then
		echo "rdmad $name did not start:" >&2
		tail -n 10 "$(ud_log "$name")" >&2
		# A daemon built without the SCTP transport: 77 (skip).
		grep -q "SCTP transport is not available" "$(ud_log "$name")" &&
		    return 77
		return 1
	fi
	return 0
}

# ud_has_sctp NAME: rdmactl status of daemon NAME says SCTP is
# available; else prints why (its WHY column) and returns 1.
ud_has_sctp() {
	local line
	line=$(ud_in "$1" "$RDMACTL" -S "$(ud_sock "$1")" \
	    status 2>&1 | grep '^sctp ')
	case $line in
	sctp*\ yes\ *) return 0 ;;
	esac
	echo "rdmad $1: no SCTP: $(echo "$line" | sed 's/^sctp *no *[a-z]* *[0-9]* *[0-9]* *//')"
	return 1
}

# ud_stop NAME: SIGTERM, then SIGKILL after 5 s; 1 unless it exited 0.
ud_stop() {
	local p st
	eval "p=\${ud_pid_$1:-}"
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	if ! wait_for 50 sh -c "! kill -0 $p 2>/dev/null"; then
		echo "rdmad $1 ignored SIGTERM for 5 s: killed" >&2
		kill -9 "$p" 2>/dev/null
	fi
	wait "$p" 2>/dev/null
	st=$?
	eval "ud_pid_$1="
	[ "$st" -eq 0 ] || { echo "rdmad $1 exited with status $st" >&2; return 1; }
	return 0
}

# ud_stop_all: stop every daemon; 1 if any did not exit cleanly.
ud_stop_all() {
	local n rc=0
	for n in $ud_names; do
		ud_stop "$n" || rc=1
	done
	ud_names=
	return $rc
}
