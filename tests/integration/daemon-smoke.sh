#!/bin/sh
# daemon-smoke.sh — start rdmad on a private socket and poke it.
#
# Runs from the build directory (make check) or the top of the tree.
# Never touches the system socket: everything lives under a mktemp dir.
# Prints "N passed, M failed" and exits non-zero on any failure.

unset RDMAD_SOCKET NOTIFY_SOCKET
top_srcdir=${top_srcdir:-.}
RDMAD=${RDMAD:-./rdmad}
PROBE=${PROBE:-./tests/integration/ctl_probe}
DATA=$top_srcdir/tests/data/config

pass=0
fail=0
pid=
npid=
dir=$(mktemp -d "${TMPDIR:-/tmp}/rdmad-smoke.XXXXXX") || exit 99

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	[ -n "$npid" ] && kill "$npid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL - $1"; [ -n "$2" ] && echo "       $2"; }

# check NAME EXPECTED ACTUAL: exact string comparison.
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1" "expected [$2], got [$3]"; fi
}

# wait_for COND-COMMAND...: retry for up to 5 s.
wait_for() {
	i=0
	while [ $i -lt 50 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# grep_log PATTERN: the daemon's log holds a fixed string.
grep_log() { grep -qF -- "$1" "$dir/log"; }

alive() { kill -0 "$pid" 2>/dev/null; }

sock=$dir/rdmad.sock
conf=$dir/rdmad.conf
write_conf() {
	cat > "$conf" <<EOC
control = {
	socket = "$sock";
	mode = "$1";
	max_queue = 8;
};
limits = { max_clients = 3; };
log = { debug = [ "ctl" ]; };
EOC
}

# --- rdmad -n ------------------------------------------------------------
out=$("$RDMAD" -n -f "$top_srcdir/etc/rdmad.conf" 2>&1)
check "rdmad -n on the sample exits 0" 0 $?
case $out in *"revision = 2;"*"max_clients = 64;"*) ok "rdmad -n prints the normalized sample";;
*) not_ok "rdmad -n prints the normalized sample" "$out";; esac
out=$("$RDMAD" -n -f "$DATA/bad-mpa-revision.conf" 2>&1)
check "rdmad -n on a broken file exits 1" 1 $?
check "rdmad -n names file:line" \
    "rdmad: $DATA/bad-mpa-revision.conf:4: mpa.revision: 3 is not 1 or 2" "$out"
"$RDMAD" -n -f "$dir/missing.conf" >/dev/null 2>&1
check "rdmad -n on a missing file exits 1" 1 $?

# --- start-up with Type=notify -------------------------------------------
write_conf 0600
"$PROBE" notify "$dir/notify" 6 > "$dir/notify.out" &
npid=$!
wait_for grep -q bound "$dir/notify.out" 2>/dev/null
NOTIFY_SOCKET=$dir/notify "$RDMAD" -f "$conf" > "$dir/log" 2>&1 &
pid=$!
if wait_for test -S "$sock"; then ok "daemon creates its socket"; else
	not_ok "daemon creates its socket" "$(cat "$dir/log")"; fi
check "socket mode is control.mode" 600 "$(stat -c %a "$sock")"
wait_for grep -q READY=1 "$dir/notify.out"
check "READY=1 sent to NOTIFY_SOCKET" \
    "READY=1|STATUS=listening on $sock|MAINPID=$pid" \
    "$(sed -n 2p "$dir/notify.out")"

# --- protocol -----------------------------------------------------------
out=$("$PROBE" "$sock" hello)
check "good HELLO is answered and the session stays open" \
    "HELLO_REPLY version 2 hdr-version 2 reqid 7 daemon \"rdmad 0.1.0\"
open" "$out"
out=$("$PROBE" "$sock" hello 99)
check "HELLO of version 99 gets our version, then close" \
    "HELLO_REPLY version 2 hdr-version 2 reqid 7 daemon \"rdmad 0.1.0\"
closed" "$out"
wait_for grep_log "protocol version 99 not supported (this daemon speaks 2)"
check "version mismatch is logged" 0 $?
check "garbage drops the client" closed "$("$PROBE" "$sock" garbage)"
wait_for grep_log "message shorter than the 16-octet header (type 0, 8 octets, 0 fds)"
check "garbage is logged" 0 $?
check "an oversize datagram drops the client" closed \
    "$("$PROBE" "$sock" oversize)"
check "a descriptor where none belongs drops the client" closed \
    "$("$PROBE" "$sock" fd | tail -n 1)"
check "a daemon-to-client type before HELLO drops the client" closed \
    "$("$PROBE" "$sock" early)"
check "an unknown message type drops the client" closed \
    "$("$PROBE" "$sock" type 999 | tail -n 1)"
check "a daemon-to-client verbs type drops the client" closed \
    "$("$PROBE" "$sock" type 151 | tail -n 1)"
out=$("$PROBE" "$sock" type 103 | tail -n 1)
case $out in
"RESULT 38 reqid 9 \"PD_ALLOC: this rdmad has no RDMA engine\""|"type 151 len 32")
	ok "PD_ALLOC gets exactly one reply";;
*)	not_ok "PD_ALLOC gets exactly one reply" "$out";;
esac
check "a client that floods without reading is dropped" closed \
    "$("$PROBE" "$sock" flood 100000)"
wait_for grep_log "not reading its replies (8 queued): dropping it"
check "the flood is logged" 0 $?
alive
check "daemon survives misbehaving clients" 0 $?
check "daemon still answers a good HELLO" \
    "HELLO_REPLY version 2 hdr-version 2 reqid 7 daemon \"rdmad 0.1.0\"
open" "$("$PROBE" "$sock" hello)"

# --- verbs objects and a loopback connection -----------------------------
port=$((20000 + $$ % 30000))
cat > "$dir/verbs.want" <<EOV
MEM_REG -> OBJ_REPLY
MEM_REG -> RESULT 22
MEM_REG -> RESULT 22
MEM_REG -> RESULT 22
PD_ALLOC -> OBJ_REPLY
MR_REG -> OBJ_REPLY
MR_REG -> RESULT 22
MR_REG -> RESULT 2
CQ_CREATE -> CQ_REPLY +fd
  cq page: abi 2 depth 16 num-ok 1 offset 4096 len 8192
CQ_CREATE -> RESULT 22
QP_CREATE -> QP_REPLY +fd
  qp page: abi 2 sq 8 rq 4 offsets 64 1088 len 4096
QP_CREATE -> QP_REPLY +fd
QP_CREATE -> RESULT 22
QP_QUERY -> QP_INFO
  qp state 0
PD_FREE -> RESULT 16
MEM_DEREG -> RESULT 16
LISTEN -> OBJ_REPLY
LISTEN -> RESULT 98
QP_CONNECT -> CONN_REQUEST reqid 0 listener-ok 1 priv "hello"
ACCEPT -> CONN_REPLY 0
  then CONN_REPLY reqid 500 code 0 priv "ok"
QP_QUERY -> QP_INFO
  qp state 2 transport 2
EOV
cp "$dir/verbs.want" "$dir/verbs-keep.want"
cat >> "$dir/verbs.want" <<EOV
LISTEN_CLOSE -> RESULT 0
QP_DESTROY -> RESULT 0
QP_DESTROY -> RESULT 0
CQ_DESTROY -> RESULT 0
MW_DEALLOC -> RESULT 2
MR_DEREG -> RESULT 0
PD_FREE -> RESULT 0
MEM_DEREG -> RESULT 0
MEM_DEREG -> RESULT 2
EOV
"$PROBE" "$sock" verbs $port > "$dir/verbs.out" 2>&1
if diff -u "$dir/verbs.want" "$dir/verbs.out" > "$dir/verbs.diff"; then
	ok "verbs objects, refusals and a loopback connection"
else
	not_ok "verbs objects, refusals and a loopback connection" \
	    "$(cat "$dir/verbs.diff")"
fi
"$PROBE" "$sock" verbs $port keep > "$dir/verbs.out" 2>&1
if diff -u "$dir/verbs-keep.want" "$dir/verbs.out" > "$dir/verbs.diff"
then
	ok "the same, leaving everything open"
else
	not_ok "the same, leaving everything open" "$(cat "$dir/verbs.diff")"
fi
# Every client that connected has been released.
all_gone() {
	[ "$(grep -c 'connected, pid' "$dir/log")" -eq \
	    "$(grep -c ': disconnected$' "$dir/log")" ]
}
wait_for all_gone
check "the daemon cleans up after a client that leaves" 0 $?
alive
check "and survives it" 0 $?
check "the port is free again" "LISTEN -> OBJ_REPLY" \
    "$("$PROBE" "$sock" verbs $port keep 2>&1 | grep ^LISTEN | head -n 1)"

check "a client cannot name another client's objects" "MEM_REG -> OBJ_REPLY
PD_ALLOC -> OBJ_REPLY
other: MR_REG -> RESULT 2
other: PD_FREE -> RESULT 2
other: MEM_DEREG -> RESULT 2
owner: MEM_DEREG -> RESULT 0" "$("$PROBE" "$sock" isolation 2>&1)"

check "librdmad end to end: listen, connect, accept, SEND -> RECV" \
    "server: request, private data \"hi\"
server: 1 completion, status 0 opcode 128 len 16 wr_id 7: \"ping over rdmad\"
client: connected, private data \"yes\"
client: 1 completion, status 0 opcode 0 wr_id 9
server exit 0" "$("$PROBE" "$sock" e2e $((port + 1)) 2>&1)"

# --- random requests --------------------------------------------------------
check "2000 random requests are answered or dropped" "done 1" \
    "$("$PROBE" "$sock" fuzz 2000)"
alive
check "the daemon survives them" 0 $?
check "and still serves" "HELLO_REPLY version 2 hdr-version 2 reqid 7 daemon \"rdmad 0.1.0\"
open" "$("$PROBE" "$sock" hello)"
wait_for all_gone
check "and released every client" 0 $?

# --- bounded clients (max_clients = 3) ----------------------------------
for i in 1 2 3; do "$PROBE" "$sock" hold 3 > "$dir/hold$i" & done
wait_for sh -c "[ \$(cat $dir/hold* | grep -c HELLO_REPLY) -eq 3 ]"
check "a fourth client is refused" closed "$("$PROBE" "$sock" hello)"
wait_for grep_log "refusing a client: 3 clients connected (limits.max_clients)"
check "the refusal is logged" 0 $?
sleep 3.2

# --- a second instance ---------------------------------------------------
out=$("$RDMAD" -f "$conf" 2>&1)
check "a second rdmad on the same socket exits 1" 1 $?
check "and says why" "rdmad: [ctl] another rdmad is running on $sock" \
    "$(echo "$out" | tail -n 1)"

# --- SIGHUP --------------------------------------------------------------
cp "$DATA/bad-mpa-revision.conf" "$conf"
kill -HUP "$pid"
wait_for grep_log "reload: $conf:4: mpa.revision: 3 is not 1 or 2; keeping the running configuration"
check "SIGHUP with a bad file logs file:line" 0 $?
alive
check "SIGHUP with a bad file leaves the daemon running" 0 $?
check "and serving" "HELLO_REPLY version 2 hdr-version 2 reqid 7 daemon \"rdmad 0.1.0\"
open" "$("$PROBE" "$sock" hello)"
write_conf 0640
kill -HUP "$pid"
wait_for grep_log "control.mode: a change needs a restart"
check "SIGHUP with a good file names what needs a restart" 0 $?
wait_for grep_log "reloaded $conf"
check "SIGHUP with a good file reloads" 0 $?
wait_for sh -c "[ \$(grep -c READY=1 $dir/notify.out) -ge 3 ]"
check "RELOADING=1 / READY=1 around reloads" \
    "RELOADING=1|STATUS=reloading $conf" "$(sed -n 3p "$dir/notify.out")"

# --- SIGTERM -------------------------------------------------------------
kill -TERM "$pid"
wait "$pid"
check "SIGTERM exits 0" 0 $?
pid=
test -e "$sock"
check "the socket is removed" 1 $?
wait_for grep -q STOPPING=1 "$dir/notify.out"
check "STOPPING=1 sent" 0 $?

# --- stale socket ----------------------------------------------------------
"$RDMAD" -f "$conf" > "$dir/log" 2>&1 &
pid=$!
wait_for test -S "$sock"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pid=
test -S "$sock"
check "SIGKILL leaves a stale socket" 0 $?
"$RDMAD" -f "$conf" > "$dir/log" 2>&1 &
pid=$!
wait_for grep_log "removing stale socket $sock"
check "a stale socket is removed at start-up" 0 $?
check "and the new daemon serves" "HELLO_REPLY version 2 hdr-version 2 reqid 7 daemon \"rdmad 0.1.0\"
open" "$("$PROBE" "$sock" hello)"
kill -TERM "$pid"
wait "$pid"
check "second SIGTERM exits 0" 0 $?
pid=

# --- abstract NOTIFY_SOCKET, socket directory rules ------------------------
kill "$npid" 2>/dev/null
wait "$npid" 2>/dev/null
"$PROBE" notify "@rdmad-smoke-$$" 1 > "$dir/notify2.out" &
npid=$!
wait_for grep -q bound "$dir/notify2.out" 2>/dev/null
NOTIFY_SOCKET=@rdmad-smoke-$$ "$RDMAD" -f "$conf" > "$dir/log" 2>&1 &
pid=$!
wait_for grep -q READY=1 "$dir/notify2.out"
check "READY=1 over an abstract NOTIFY_SOCKET" 0 $?
kill -TERM "$pid"
wait "$pid"
pid=
wait "$npid" 2>/dev/null
npid=
mkdir "$dir/open"
chmod 0777 "$dir/open"
out=$("$RDMAD" -f "$conf" -S "$dir/open/rdmad.sock" 2>&1)
check "a world-writable socket directory is refused" \
    "1 rdmad: [ctl] $dir/open is writable by everyone" \
    "$? $(echo "$out" | tail -n 1)"
"$RDMAD" -f "$conf" -S "$dir/new/rdmad.sock" > "$dir/log" 2>&1 &
pid=$!
wait_for test -S "$dir/new/rdmad.sock"
check "a missing socket directory is created 0750" 750 \
    "$(stat -c %a "$dir/new" 2>/dev/null)"
kill -TERM "$pid"
wait "$pid"
pid=

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
