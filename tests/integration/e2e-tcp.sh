#!/bin/sh
# e2e-tcp.sh — two rdmad daemons on loopback, every RDMA operation over TCP/MPA.
#
# Daemon A listens on 127.0.0.1, daemon B on 127.0.0.2 (127.0.0.0/8 is
# all loopback on Linux), each with its own config, control socket and
# log under one mktemp directory; the system socket is never used.  The
# rdmatest server runs against B, the client against A and connects to
# 127.0.0.2, so every byte crosses both daemons and a real TCP/MPA
# stream.  Steps: default settings, 16 QPs at once, the negative cases
# (their Terminate triples also checked in a capture), garbage on the
# TCP port and on both control sockets, a raw MPA peer with a bad CRC,
# the examples (pingpong, rcopy), kill -9 of the server application
# (its daemon frees everything), SIGTERM of a daemon (orderly close),
# kill -9 of either daemon mid-transfer (peers and local clients see
# errors), MPA revision 1 and 2, CRC off, markers in one direction and
# in both (the MPA Request/Reply bits are checked in a capture when
# dumpcap and tshark work), and optionally the same default run between
# two network namespaces over a veth pair (169.254.0.0/16 link-local
# addresses, as root with `ip netns`).
#
# Environment: RDMAD, RDMATEST, PROBE (binaries), E2E_ITER (iterations of the
# default run), E2E_MAX (largest transfer, default 64M), E2E_KEEP=1
# (keep the temporary directory), E2E_NETNS=0 (skip namespaces).
# Prints one line per step, then "N passed, M failed"; exits 0 only if
# every step passed (77 when the binaries are missing).
set -u

top_builddir=${top_builddir:-.}
RDMAD=${RDMAD:-$top_builddir/rdmad}
RDMATEST=${RDMATEST:-$top_builddir/tests/integration/rdmatest}
PROBE=${PROBE:-$top_builddir/tests/integration/ctl_probe}
ITER=${E2E_ITER:-6}
MAX=${E2E_MAX:-64M}
ADDR_A=127.0.0.1
ADDR_B=127.0.0.2

[ -x "$RDMAD" ] || { echo "SKIP: $RDMAD not built"; exit 77; }
[ -x "$RDMATEST" ] || { echo "SKIP: $RDMATEST not built"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdmad-e2e.XXXXXX") || exit 99
pass=0
fail=0
pid_a=
pid_b=
apps=
CAP_PID=
netns_up=

# Kill everything this script started, by pid; remove the directory.
cleanup() {
	for p in $apps $CAP_PID $pid_a $pid_b; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "$netns_up" ]; then
		ip netns del rdmae2e-a-$$ 2>/dev/null
		ip netns del rdmae2e-b-$$ 2>/dev/null
	fi
	if [ "${E2E_KEEP:-0}" = 1 ] || [ "$fail" -ne 0 ]; then
		echo "# logs kept in $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

# ok, not_ok, wait_for
. "$(cd "$(dirname "$0")" && pwd)/../helpers/steps.sh"
. "$(cd "$(dirname "$0")" && pwd)/../helpers/capture.sh"

conf_tp=tcp	# rdmad.conf transport of write_conf
port=$((20000 + $$ % 20000))
next_port() { port=$((port + 1)); }

# write_conf NAME ADDR REV CRC MARKERS: config of daemon NAME.
write_conf() {
	cat > "$tmp/$1.conf" <<EOC
listen = [ "$2" ];
transport = "$conf_tp";
mpa = { revision = $3; crc = $4; markers = $5; timeout_ms = 5000; };
limits = {
	max_reg_bytes = 8589934592L;
	max_regions = 65536;
	max_qps = 1024;
	max_cqs = 1024;
	max_clients = 128;
};
control = { socket = "$tmp/$1.sock"; mode = "0600"; };
log = { level = "info"; };
EOC
}

# start_daemon NAME [WRAPPER...]: start rdmad NAME in the foreground,
# wait for its socket; sets pid_NAME.
start_daemon() {
	name=$1
	shift
	rm -f "$tmp/$name.sock"
	"$@" "$RDMAD" -f "$tmp/$name.conf" -S "$tmp/$name.sock" \
	    >> "$tmp/$name.log" 2>&1 &
	eval "pid_$name=$!"
	if ! wait_for 50 test -S "$tmp/$name.sock"; then
		not_ok "daemon $name starts" "$(tail -n 5 "$tmp/$name.log")"
		return 1
	fi
	return 0
}

# stop_daemon NAME: SIGTERM, then SIGKILL after 5 s.
stop_daemon() {
	eval "p=\$pid_$1"
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	wait_for 50 sh -c "! kill -0 $p 2>/dev/null" || kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	eval "pid_$1="
}

# daemons REV_A CRC_A MK_A REV_B CRC_B MK_B: (re)start both daemons.
daemons() {
	stop_daemon a
	stop_daemon b
	write_conf a $ADDR_A "$1" "$2" "$3"
	write_conf b $ADDR_B "$4" "$5" "$6"
	start_daemon a && start_daemon b
}

alive() { kill -0 "$1" 2>/dev/null; }

# start_server LOG: rdmatest server on daemon B, port $port; sets srv.
start_server() {
	# No timeout wrapper: $srv must be the application itself (kill -9
	# below); the script kills it at the latest on exit.
	log=$1
	shift
	"$RDMATEST" -s -S "$tmp/b.sock" -p "$port" "$@" > "$log" 2>&1 &
	srv=$!
	apps="$apps $srv"
	if ! wait_for 50 grep -q "listening on port" "$log"; then
		not_ok "server listens on port $port" "$(tail -n 5 "$log")"
		return 1
	fi
	return 0
}

stop_server() {
	kill -TERM "$srv" 2>/dev/null
	wait_for 50 sh -c "! kill -0 $srv 2>/dev/null" || kill -9 "$srv" \
	    2>/dev/null
	wait "$srv" 2>/dev/null
}

# client NAME TIMEOUT ARGS...: run the client against daemon A and
# record one step from its exit status and summary line.
client() {
	name=$1
	t=$2
	shift 2
	log="$tmp/$(echo "$name" | tr -c 'a-zA-Z0-9\n' _).log"
	timeout "$t" "$RDMATEST" -c -S "$tmp/a.sock" -H $ADDR_B -p "$port" \
	    "$@" > "$log" 2>&1
	st=$?
	sum=$(tail -n 1 "$log")
	if [ $st -eq 0 ]; then
		ok "$name: $sum"
	else
		not_ok "$name: exit $st: $sum" "$(grep -E '^FAIL' "$log" |
		    head -n 10; [ $st -eq 124 ] && echo timeout)"
	fi
	grep '^#.*\(round trip\|bandwidth\)' "$log" | sed 's/^#/  #/'
}

# capture_start FILE: record the port's traffic (headers only).
capture_start() {
	cap_start "$1" "tcp port $port" 256 || CAP_PID=
}

# capture_stop WHAT: end the capture; 1 (and a skip line) if none ran.
capture_stop() {
	if [ -z "$CAP_PID" ]; then
		echo "skip - $1 not checked (no capture)"
		return 1
	fi
	cap_stop
	return 0
}

# capture_read FILE TSHARK-ARGS...: decode the capture (RPC-over-RDMA and
# SMB Direct would claim our Send payloads: off).
capture_read() {
	f=$1
	shift
	tshark -r "$f" -o tcp.check_checksum:FALSE \
	    --disable-protocol rpcordma --disable-protocol smb_direct "$@"
}

# capture_check FILE NAME WANT: the MPA Request and Reply of the first
# connection carry the flags WANT ("req M C rev / rep M C rev").
capture_check() {
	capture_stop "$2: MPA frames" || return 0
	got=$(capture_read "$1" -Y 'iwarp_mpa.req || iwarp_mpa.rep' -T fields \
	    -e iwarp_mpa.key.req -e iwarp_mpa.marker_flag \
	    -e iwarp_mpa.crc_flag -e iwarp_mpa.rev 2>/dev/null | head -n 2 |
	    awk -F'\t' '{ printf "%s %s %s %s%s", ($1 != "" ? "req" : "rep"),
		($2 == "1" || $2 == "True") ? 1 : 0,
		($3 == "1" || $3 == "True") ? 1 : 0, $4,
		(NR == 1 ? " / " : "") }')
	if [ "$got" = "$3" ]; then
		ok "$2: MPA frames on the wire: $got"
	else
		not_ok "$2: MPA frames on the wire" "want [$3], got [$got]"
	fi
}

# capture_terms FILE NAME WANT: the Terminates in the capture carry the
# triples WANT ("layer/etype/code" in hex, in order).
capture_terms() {
	capture_stop "$2: Terminates" || return 0
	got=$(capture_read "$1" -Y iwarp_rdma.terminate -T fields \
	    -e iwarp_rdma.term_layer \
	    -e iwarp_rdma.term_etype_rdma -e iwarp_rdma.term_etype_ddp \
	    -e iwarp_rdma.term_etype_llp -e iwarp_rdma.term_errcode_rdma \
	    -e iwarp_rdma.term_errcode_ddp_tagged \
	    -e iwarp_rdma.term_errcode_ddp_untagged \
	    -e iwarp_rdma.term_errcode_llp 2>/dev/null |
	    awk -F'\t' 'function h(v) { sub(/^0x/, "", v); if (v == "") v = "00";
		return v }
	    { e = $2 $3 $4; c = $5 $6 $7 $8; l = h($1);
	      printf "%s%d/%d/%s", (NR > 1 ? " " : ""), l, h(e), h(c) }')
	if [ "$got" = "$3" ]; then
		ok "$2: the Terminates on the wire: $got"
	else
		not_ok "$2: the Terminates on the wire" "want [$3], got [$got]"
	fi
}

# variant NAME WANT REV_A CRC_A MK_A REV_B CRC_B MK_B: a short run of
# every operation under one MPA setting, its frames checked.
variant() {
	vname=$1
	want=$2
	shift 2
	next_port
	daemons "$@" || return
	start_server "$tmp/srv-$port.log" || return
	capture_start "$tmp/cap-$port.pcapng"
	client "$vname" 300 -n 4 --max-size 1M -q --seed $port
	capture_check "$tmp/cap-$port.pcapng" "$vname" "$want"
	stop_server
}

echo "# rdmad e2e over TCP/MPA: A=$ADDR_A B=$ADDR_B, tmp $tmp"

# --- 1. default settings: every operation, 0 B .. $MAX --------------------
next_port
daemons 2 true false 2 true false || exit 1
start_server "$tmp/srv-$port.log" || exit 1
client "default: every operation, sizes 0..$MAX, $ITER iterations" 600 \
    -n "$ITER" --max-size "$MAX" -q --time 400

# --- 2. 16 QPs at once (4 MiB max each), negative cases ---------------------
client "16 QPs at once" 600 --qps 16 -n 8 --max-size 4M -q --time 400 \
    --op send,send_se,send_inv,send_se_inv,write,write_imm,imm,imm_se,read,atomic,linv
capture_start "$tmp/neg-$port.pcapng"
client "negative cases: exact status and Terminate triple" 120 \
    --negative all
# The same triples on the wire, in the order of rdmatest's neg_all: the
# server's DDP (tagged: 1/1/x) and RDMAP (0/1/x, 0/2/0x07) Terminates,
# then the client's own RDMAP Local Catastrophic (0/0/0x00).
capture_terms "$tmp/neg-$port.pcapng" "negative cases" \
    "1/1/01 0/1/01 1/1/00 0/1/02 1/1/00 0/1/00 1/1/02 0/1/03 0/2/07 0/2/07 0/0/00"
client "memory windows: bind, use, invalidate, access fails" 120 \
    --op mw1,mw2
stop_server
# The same with a server that keeps a failed QP for 1 s before destroying
# it: tells a Terminate lost at QP_DESTROY from one never sent.
next_port
start_server "$tmp/srv-$port.log" --linger 1000 || exit 1
client "negative cases, server destroys failed QPs after 1 s" 120 \
    --negative all --op mw1,mw2
stop_server
next_port
start_server "$tmp/srv-$port.log" || exit 1
alive "$pid_a" && alive "$pid_b"
[ $? -eq 0 ] && ok "both daemons survive the errors" ||
    not_ok "both daemons survive the errors"

# --- 3. garbage on the TCP port: only that connection is lost --------------
garbage() {
	# $1: what to send first; then 64 KiB of noise.
	timeout 10 bash -c "exec 3<>/dev/tcp/$ADDR_B/$port || exit 1
	    printf '$1' >&3; head -c 65536 /dev/urandom >&3 2>/dev/null
	    sleep 0.5; exec 3>&-" 2>/dev/null
}
# A client busy for 8 s (--time 10: 80 % of it for the operations)
# while garbage arrives.
timeout 300 "$RDMATEST" -c -S "$tmp/a.sock" -H $ADDR_B -p "$port" \
    -n 1000000 --time 10 --max-size 1M -q --op send,write,read,atomic \
    > "$tmp/bg.log" 2>&1 &
bg=$!
apps="$apps $bg"
refused0=$(grep -c "MPA start-up failed" "$tmp/b.log")
garbage 'GET / HTTP/1.0\r\n\r\n'
garbage 'MPA ID Req Frame\201\000\000\020'
garbage 'MPA ID Req Frame\002\002\377\377'
garbage '\000\000\000\000'
# ... and on both control sockets: each such client is dropped alone.
ctl_dropped=0
if [ -x "$PROBE" ]; then
	for d in a b; do
		for how in garbage oversize early; do
			[ "$("$PROBE" "$tmp/$d.sock" $how | tail -n 1)" = closed ] &&
			    ctl_dropped=$((ctl_dropped + 1))
		done
	done
	[ $ctl_dropped -eq 6 ] &&
	    ok "garbage on both control sockets: each of the 6 clients dropped" ||
	    not_ok "garbage on both control sockets: each client dropped" \
	    "$ctl_dropped of 6 dropped"
fi
alive "$bg" && ok "the client still runs after all the garbage" ||
    not_ok "the client still runs after all the garbage" \
    "$(tail -n 3 "$tmp/bg.log")"
wait "$bg"
st=$?
[ $st -eq 0 ] && ok "a client running during the garbage: $(tail -n 1 "$tmp/bg.log")" ||
    not_ok "a client running during the garbage: exit $st" \
    "$(grep ^FAIL "$tmp/bg.log" | head -n 5)"
refused() {
	[ $(($(grep -c "MPA start-up failed" "$tmp/b.log") - refused0)) -ge 4 ]
}
wait_for 50 refused && ok "daemon B drops each of the 4 garbage connections: $(grep "MPA start-up failed" "$tmp/b.log" | tail -n 4 | sed 's/.*failed: //' | tr '\n' ';')" ||
    not_ok "daemon B drops each of the 4 garbage connections" \
    "$(tail -n 8 "$tmp/b.log")"
alive "$pid_b" && ok "daemon B survives garbage on port $port" ||
    not_ok "daemon B survives garbage on port $port" \
    "$(tail -n 5 "$tmp/b.log")"
client "daemon B still serves after the garbage" 120 -n 3 --max-size 64k \
    -q --op send,write,read

# A raw MPA peer (revision 1, CRC) that completes the start-up with the
# test's private data, then sends one FPDU whose CRC is wrong: the
# server's QP must fail with the LLP triple 2/0/0x02 (RFC 5044 §8,
# RFC 5040 §4.8), the peer should get that Terminate before the stream
# ends, and nothing else is disturbed.
cat > "$tmp/mpa_peer.py" <<'EOPY'
import socket, struct, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
pd = struct.pack('<IIQ', 0x52445450, 0, 65536)   # struct t_priv_req
s.sendall(b'MPA ID Req Frame' + bytes([0x40, 1]) +
          struct.pack('>H', len(pd)) + pd)
def need(n):
    b = b''
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b
rep = need(20)
need(struct.unpack('>H', rep[18:20])[0])
if sys.argv[3] == 'send':
    # Untagged Send, QN 0, MSN 1, MO 0, 64 octets.
    u = bytes([0x41, 0x43]) + bytes(4) + struct.pack('>III', 0, 1, 0) + \
        b'\x55' * 64
else:
    # Tagged Write to an STag that does not exist (DDP would say
    # 1/1/0x00), 64 octets: the CRC must be checked first.
    u = bytes([0xc1, 0x40]) + struct.pack('>IQ', 0xdead0001, 0) + \
        b'\x55' * 64
# ... and a wrong CRC.
s.sendall(struct.pack('>H', len(u)) + u + b'\xde\xad\xbe\xef')
got = b''
try:
    while True:
        d = s.recv(4096)
        if not d:
            break
        got += d
except OSError as e:
    end = e.strerror
else:
    end = 'EOF'
if len(got) >= 22 and got[3] & 0x0f == 7:
    print('Terminate %d/%d/0x%02x, then %s' %
          (got[20] >> 4, got[20] & 15, got[21], end))
else:
    print('no Terminate (%d octets), then %s' % (len(got), end))
EOPY
raw_peer() {
	# $1: send (a valid Send) or write (a Write to a bad STag)
	next_port
	start_server "$tmp/srv-$port.log" || return
	out=$(timeout 20 python3 "$tmp/mpa_peer.py" $ADDR_B "$port" $1 2>&1)
	st=$?
	if wait_for 50 grep -q "qp error.*term 2/0/0x02" "$tmp/srv-$port.log"
	then
		ok "raw peer, bad MPA CRC on a $1: the server's QP fails with 2/0/0x02"
	else
		not_ok "raw peer, bad MPA CRC on a $1: the server's QP fails with 2/0/0x02" \
		    "$(tail -n 3 "$tmp/srv-$port.log")"
	fi
	case $out in
	"Terminate 2/0/0x02"*) ok "raw peer, bad MPA CRC on a $1: it gets $out";;
	*) not_ok "raw peer, bad MPA CRC on a $1: it gets the Terminate 2/0/0x02" \
	    "exit $st: $out";;
	esac
	stop_server
}
if command -v python3 >/dev/null 2>&1; then
	stop_server
	raw_peer send
	raw_peer write
	next_port
	start_server "$tmp/srv-$port.log" || exit 1
	alive "$pid_b" && client "daemon B still serves after the bad CRC" 120 \
	    -n 3 --max-size 64k -q --op send,write,read
else
	echo "skip - raw MPA peer (no python3)"
fi
stop_server

# --- 3b. the examples: pingpong and rcopy, data verified --------------------
# port_listening: daemon B listens on $port (the example server is up).
port_listening() {
	if command -v ss >/dev/null 2>&1; then
		[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]
	else
		sleep 1
	fi
}
examples() {
	pp=$top_builddir/examples/pingpong
	rc=$top_builddir/examples/rcopy
	if [ ! -x "$pp" ] || [ ! -x "$rc" ]; then
		echo "skip - examples (not built)"
		return 0
	fi
	next_port
	"$pp" -s -S "$tmp/b.sock" -p "$port" -n 2000 > "$tmp/pp-s.log" 2>&1 &
	ex=$!
	apps="$apps $ex"
	wait_for 50 port_listening
	out=$(timeout 60 "$pp" -c $ADDR_B -S "$tmp/a.sock" -p "$port" \
	    -n 2000 -z 64 2>&1)
	st=$?
	wait "$ex"
	sst=$?
	[ $st -eq 0 ] && [ $sst -eq 0 ] && ok "example pingpong: $out" ||
	    not_ok "example pingpong" "exit $st: $out; $(cat "$tmp/pp-s.log")"
	# rcopy: get a random file, put another one back; cmp both.
	head -c 9437193 /dev/urandom > "$tmp/rc-src"
	head -c 7340039 /dev/urandom > "$tmp/rc-put"
	for how in get put; do
		next_port
		"$rc" -s -S "$tmp/b.sock" -p "$port" "$tmp/rc-src" \
		    > "$tmp/rc-s-$how.log" 2>&1 &
		ex=$!
		apps="$apps $ex"
		wait_for 50 port_listening
		f=$tmp/rc-got
		[ $how = put ] && f=$tmp/rc-put
		out=$(timeout 60 "$rc" -c $ADDR_B -S "$tmp/a.sock" -p "$port" \
		    $how "$f" 2>&1)
		st=$?
		wait "$ex"
		sst=$?
		if [ $how = get ]; then
			cmp -s "$tmp/rc-src" "$tmp/rc-got"
		else
			cmp -s "$tmp/rc-put" "$tmp/rc-src.put"
		fi
		same=$?
		[ $st -eq 0 ] && [ $sst -eq 0 ] && [ $same -eq 0 ] &&
		    ok "example rcopy $how: $out (cmp: identical)" ||
		    not_ok "example rcopy $how: data verified" \
		    "exit $st: $out; $(cat "$tmp/rc-s-$how.log")"
	done
}
examples

# flood_start LOG: a new server, then a client flooding it with Writes
# from A (sets srv, fl); returns once the flood runs.
flood_start() {
	next_port
	start_server "$tmp/srv-$port.log" || exit 1
	"$RDMATEST" -c -S "$tmp/a.sock" -H $ADDR_B -p "$port" \
	    --op flood --max-size 4M --time 50 > "$1" 2>&1 &
	fl=$!
	apps="$apps $fl"
	wait_for 100 grep -q flooding "$1"
	sleep 1
}

# flood_end: wait (10 s at most) for the flood client to end; sets st
# (its exit status) and dt (seconds since t0).
flood_end() {
	wait_for 100 sh -c "! kill -0 $fl 2>/dev/null"
	kill -9 "$fl" 2>/dev/null
	wait "$fl"
	st=$?
	dt=$(($(date +%s) - t0))
}

# --- 4. kill -9 of the server application mid-transfer ----------------------
# What daemon B holds (descriptors, memfd mappings) before the app and
# after its death: everything of a dead client must be freed.
held() {
	echo "$(ls "/proc/$1/fd" 2>/dev/null | wc -l) fds, $(grep -c memfd: "/proc/$1/maps" 2>/dev/null) memfd mappings"
}
# (settled: the same twice in a row, 0.3 s apart, within 3 s)
held0=$(held "$pid_b")
for i in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.3
	h=$(held "$pid_b")
	[ "$h" = "$held0" ] && break
	held0=$h
done
flood_start "$tmp/flood1.log"
kill -9 "$srv"
wait "$srv" 2>/dev/null
t0=$(date +%s)
flood_end
if [ $st -eq 0 ] && [ $dt -le 10 ]; then
	ok "kill -9 of the server app: the client's QP errors within ${dt} s ($(grep 'flood: error' "$tmp/flood1.log" | sed 's/^ok *- //'))"
else
	not_ok "kill -9 of the server app: the client's QP errors within 10 s" \
	    "exit $st after $dt s; $(tail -n 3 "$tmp/flood1.log")"
fi
alive "$pid_a" && alive "$pid_b" && ok "both daemons survive the dead app" ||
    not_ok "both daemons survive the dead app"
held_again() { [ "$(held "$pid_b")" = "$held0" ]; }
if wait_for 100 held_again; then
	ok "kill -9 of the server app: daemon B freed all its resources ($held0)"
else
	not_ok "kill -9 of the server app: daemon B freed all its resources" \
	    "before: $held0; after: $(held "$pid_b")"
fi

# --- 4b. SIGTERM of daemon B mid-transfer: graceful close, no reset --------
flood_start "$tmp/flood0.log"
orderly0=$(grep -c "stream closed (orderly)" "$tmp/a.log")
t0=$(date +%s)
stop_daemon b
flood_end
orderly=$(($(grep -c "stream closed (orderly)" "$tmp/a.log") - orderly0))
if [ $st -eq 0 ] && [ $dt -le 10 ] && [ $orderly -ge 1 ]; then
	ok "SIGTERM of daemon B: the client on A gets error completions within ${dt} s, the stream closed orderly (FIN, no reset)"
else
	not_ok "SIGTERM of daemon B: orderly close, error completions within 10 s" \
	    "exit $st after $dt s, $orderly orderly closes; $(tail -n 3 "$tmp/flood0.log")"
fi
kill -9 "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
start_daemon b || exit 1

# --- 5. kill -9 of daemon B (server side) mid-transfer ----------------------
flood_start "$tmp/flood2.log"
kill -9 "$pid_b"
wait "$pid_b" 2>/dev/null
pid_b=
t0=$(date +%s)
flood_end
if [ $st -eq 0 ] && [ $dt -le 10 ]; then
	ok "kill -9 of daemon B: the client on A gets error completions within ${dt} s ($(grep 'flood: error' "$tmp/flood2.log" | sed 's/^ok *- //'))"
else
	not_ok "kill -9 of daemon B: the client on A gets error completions within 10 s" \
	    "exit $st after $dt s; $(tail -n 3 "$tmp/flood2.log")"
fi
# The server app lost its own daemon: the data path tells it
# (rdmad_poll_cq: -ENOTCONN, the CQ descriptor wakes up), no hang.
if wait_for 100 grep -q "daemon is gone: poll_cq" "$tmp/srv-$port.log"; then
	ok "kill -9 of daemon B: the server app on B sees it on its CQ ($(grep 'daemon is gone' "$tmp/srv-$port.log" | head -n 1 | sed 's/^# //'))"
else
	not_ok "kill -9 of daemon B: the server app on B sees it on its CQ within 10 s" \
	    "$(tail -n 3 "$tmp/srv-$port.log")"
fi
wait_for 50 sh -c "! kill -0 $srv 2>/dev/null" &&
    ok "kill -9 of daemon B: the server app ends by itself" ||
    not_ok "kill -9 of daemon B: the server app ends by itself"
kill -9 "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
alive "$pid_a" && ok "daemon A survives its peer's death" ||
    not_ok "daemon A survives its peer's death"

# --- 6. kill -9 of daemon A (client side) mid-transfer ----------------------
start_daemon b || exit 1
flood_start "$tmp/flood3.log"
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
pid_a=
t0=$(date +%s)
if wait_for 100 grep -q "qp error" "$tmp/srv-$port.log"; then
	dt=$(($(date +%s) - t0))
	ok "kill -9 of daemon A: the server app on B gets error completions within ${dt} s ($(grep 'qp error' "$tmp/srv-$port.log" | head -n 1 | sed 's/^# //'))"
else
	not_ok "kill -9 of daemon A: the server app on B gets error completions within 10 s" \
	    "$(tail -n 3 "$tmp/srv-$port.log")"
fi
# The client on A lost its own daemon: no completion can come; the
# data path tells it (rdmad_poll_cq: -ENOTCONN, see rdmad.h).
flood_end
if [ $st -eq 0 ] && grep -q 'daemon is gone: poll_cq' "$tmp/flood3.log"; then
	ok "kill -9 of daemon A: its own client sees it on its CQ within ${dt} s ($(grep 'daemon is gone' "$tmp/flood3.log" | sed 's/^ok *- //'))"
else
	not_ok "kill -9 of daemon A: its own client sees it on its CQ within 10 s" \
	    "exit $st; $(tail -n 2 "$tmp/flood3.log")"
fi
alive "$pid_b" && ok "daemon B survives its peer's death" ||
    not_ok "daemon B survives its peer's death"
stop_server

# --- 7. MPA variants ------------------------------------------------------
# want: Request (sent by A) and Reply (sent by B): "M C Rev".
variant "MPA revision 1" "req 0 1 1 / rep 0 1 1" 1 true false 1 true false
# A revision 1 Request states no IRD/ORD: the server application is
# told RDMAD_IRD_ORD_UNKNOWN (0x3fff) for both.
grep -q "peer ird 16383 ord 16383" "$tmp/srv-$port.log" &&
    ok "MPA revision 1: the server is told IRD/ORD unknown (0x3fff)" ||
    not_ok "MPA revision 1: the server is told IRD/ORD unknown (0x3fff)" \
    "$(grep accepted "$tmp/srv-$port.log" | head -n 1)"
variant "MPA revision 2" "req 0 1 2 / rep 0 1 2" 2 true false 2 true false
variant "MPA revision 1 to a revision 2 daemon" "req 0 1 1 / rep 0 1 1" \
    1 true false 2 true false
variant "CRC off on both sides" "req 0 0 2 / rep 0 0 2" \
    2 false false 2 false false
variant "CRC off on one side only (still on)" "req 0 0 2 / rep 0 1 2" \
    2 false false 2 true false
variant "markers towards A only" "req 1 1 2 / rep 0 1 2" \
    2 true true 2 true false
variant "markers in both directions" "req 1 1 2 / rep 1 1 2" \
    2 true true 2 true true
variant "markers both ways, no CRC, revision 1" "req 1 0 1 / rep 1 0 1" \
    1 false true 1 false true
stop_daemon a
stop_daemon b

# --- 7b. transport "auto" on a host without kernel SCTP --------------------
# Both daemons default to "auto": the listener is TCP only (no SCTP here),
# an automatic connect ends on TCP/MPA and says why, the daemon logs the
# peer's transport once; a connect asking for SCTP fails at once with
# EPROTONOSUPPORT and the transport's reason.
if [ "$(cat /proc/net/protocols 2>/dev/null | grep -c '^SCTP ')" -eq 0 ]; then
	conf_tp=auto
	daemons 2 true false 2 true false
	next_port
	start_server "$tmp/srv-$port.log"
	client "auto without kernel SCTP: TCP/MPA, why given" 120 -n 2 \
	    --max-size 64k -q --transport auto --expect tcp \
	    --expect-why "auto: no kernel SCTP (Protocol not supported)"
	n=$(grep -c "peer $ADDR_B: TCP/MPA (auto: no kernel SCTP" "$tmp/a.log")
	[ "$n" -eq 1 ] &&
	    ok "auto: the peer's transport is logged once (not per QP)" ||
	    not_ok "auto: the peer's transport is logged once" \
	    "$(grep "peer $ADDR_B" "$tmp/a.log")"
	log="$tmp/sctp-asked.log"
	timeout 60 "$RDMATEST" -c -S "$tmp/a.sock" -H $ADDR_B -p "$port" \
	    -n 1 --max-size 4k -q --transport sctp --expect sctp > "$log" 2>&1
	want="connect to $ADDR_B port $port: protocol not supported here or"
	want="$want by the peer (errno 93) rdmad: no kernel SCTP: Protocol not"
	want="$want supported"
	grep -qF "$want" "$log" &&
	    ok "transport sctp without kernel SCTP: EPROTONOSUPPORT, reason" ||
	    not_ok "transport sctp without kernel SCTP: EPROTONOSUPPORT" \
	    "want: $want
got:  $(grep FAIL "$log" | head -n 2)"
	stop_server
	stop_daemon a
	stop_daemon b
	conf_tp=tcp
fi

# --- 8. optional: two network namespaces over a veth pair -------------------
netns() {
	na=rdmae2e-a-$$
	nb=rdmae2e-b-$$
	[ "$(id -u)" -eq 0 ] || return 77
	command -v ip >/dev/null 2>&1 || return 77
	ip netns add $na 2>/dev/null || return 77
	netns_up=1
	ip netns add $nb || return 1
	ip link add e2e-a-$$ type veth peer name e2e-b-$$ 2>/dev/null ||
	    return 77
	ip link set e2e-a-$$ netns $na && ip link set e2e-b-$$ netns $nb &&
	ip -n $na addr add 169.254.77.1/30 dev e2e-a-$$ &&
	ip -n $nb addr add 169.254.77.2/30 dev e2e-b-$$ &&
	ip -n $na link set e2e-a-$$ up && ip -n $nb link set e2e-b-$$ up &&
	ip -n $na link set lo up && ip -n $nb link set lo up || return 1
	ADDR_A=169.254.77.1
	ADDR_B=169.254.77.2
	write_conf a $ADDR_A 2 true false
	write_conf b $ADDR_B 2 true false
	start_daemon a ip netns exec $na && start_daemon b ip netns exec $nb ||
	    return 1
	next_port
	start_server "$tmp/srv-$port.log" || return 1
	client "two namespaces over veth ($ADDR_A -> $ADDR_B)" 300 -n 4 \
	    --max-size 4M -q
	stop_server
	stop_daemon a
	stop_daemon b
	return 0
}
if [ "${E2E_NETNS:-1}" != 0 ]; then
	netns
	st=$?
	[ $st -eq 77 ] && echo "skip - two network namespaces (needs root and ip netns)"
	[ $st -eq 1 ] && not_ok "two network namespaces set-up"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
