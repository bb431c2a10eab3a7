#!/bin/bash
# bench/uml-run.sh — the SCTP benchmark figures, in one user-mode Linux boot.
#
# The host kernel has no SCTP: this boots UML once (tests/uml/uml-run,
# loopback MTU 9000), starts two rdmad daemons there on loopback (a on
# 127.0.0.1, b on 127.0.0.2, transport "sctp", default SCTP settings:
# 4 MiB socket buffers) with tests/uml/lib-daemons.sh and an rdbench
# server on b, and measures RUNS times, interleaved:
#   - RDMA Write and RDMA Read bandwidth, 1 MiB messages (rdbench, client
#     on a, QPs on SCTP) against iperf3 --sctp with the same socket
#     buffers (-w 4M; 64 KiB messages, iperf3's SCTP maximum);
#   - the 64-octet Send/Recv round trip over SCTP (median, p99) against
#     a raw TCP ping-pong on the same loopback (sockperf supports TCP and
#     UDP only);
#   - the QP set-up rate (create + connect + accept + destroy) on SCTP
#     streams against TCP/MPA connections between the same daemons;
#   - the transport-level QP set-up rate (bench/tp_setup: two engines and
#     the transports in one process, no daemon, 1000 QPs: connect ->
#     accept -> both QPs RTS) on SCTP streams of one association against
#     TCP/MPA connections;
#   - for each rdbench figure, the daemons' context switches per second
#     and CPU use meanwhile, the guest CPU's idle share, the rdbench
#     server's share and the rest (client, softirq), and the kernel's SCTP fast and T3
#     retransmissions and discarded DATA chunks per second (perf does
#     not work inside UML: these counters are the profile).
# The guest's net.core.rmem_max/wmem_max are raised to 4 MiB first, so
# that the daemons' and iperf3's 4 MiB socket buffers are not capped.
# Every figure: median, min and max over the runs, its baseline's median
# and the ratio, the target where the project has one.  Output: a table
# on stdout, DIR/bench.csv, DIR/bench.md, DIR/raw.csv (every run).
#
# Usage: bench/uml-run.sh [--out DIR] [--runs N] [--time SECONDS]
#        (also: bench/run --uml [same options])
# Environment: RDMAD, RDBENCH, RDMACTL, TP_SETUP, top_builddir,
# UML_BENCH_QPS (tp_setup's QPs, default 1000), UML_KEEP=1 (keep the
# daemons' logs and configs in the uml-run folder).
# Exit status: 0 when every figure was measured, 1 otherwise, 77 when
# UML is missing, 99 when a binary is missing or ASan-built.
set -u
here=$(cd "$(dirname "$0")" && pwd)
builddir=${top_builddir:-$(cd "$here/.." && pwd)}
export RDMAD=${RDMAD:-$builddir/rdmad}
export RDBENCH=${RDBENCH:-$builddir/bench/rdbench}
export RDMACTL=${RDMACTL:-$builddir/rdmactl}
export TP_SETUP=${TP_SETUP:-$builddir/bench/tp_setup}
runs=5
secs=1
out=

while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift ;;
	--runs) runs=$2; shift ;;
	--time) secs=$2; shift ;;
	--guest) guest=1 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/uml-run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
. "$here/../tests/uml/lib-daemons.sh"

if [ -z "${guest:-}" ]; then
	[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/rdbench-uml.XXXXXX")
	mkdir -p "$out" || exit 2
	out=$(cd "$out" && pwd)
	echo "# SCTP benchmark in user-mode Linux: $runs run(s), $secs s per" \
	    "figure, output in $out" >&2
	UD_NEED="$RDBENCH $TP_SETUP" ud_boot "$here/uml-run.sh" --timeout 900 -- \
	    --out "$out" --runs "$runs" --time "$secs"
fi

# ---- inside the guest ------------------------------------------------------
raw=$out/raw.csv
echo "source,test,size,depth,run,value,unit" > "$raw"
isecs=$(awk -v s="$secs" 'BEGIN { i = int(s); if (i < s) i++; if (i < 1) i = 1; print i }')
port=7480
status=0
pids=
fail() { echo "bench/uml-run.sh: $*" >&2; status=1; }

# The guest kernel caps SO_SNDBUF/SO_RCVBUF at net.core.[rw]mem_max
# (208 KiB): let the daemons' 4 MiB (sctp.sndbuf, sctp.rcvbuf) and
# iperf3's -w 4M apply, the same buffers on both sides of each ratio.
sysctl -qw net.core.rmem_max=4194304 net.core.wmem_max=4194304 ||
    fail "sysctl net.core.[rw]mem_max"
# The daemons' transport, and that of the "sctp" rows (tcp only to
# debug this script where the daemons cannot use SCTP).
tp=${UML_BENCH_TRANSPORT:-sctp}
UD_TRANSPORT=auto	# listeners on both; each rdbench client chooses
ud_conf a 127.0.0.1 && ud_conf b 127.0.0.2 || exit 1
ud_start a && ud_start b || { st=$?; ud_stop_all; exit $st; }
# UML has one CPU: a client or server that spins on its CQ only delays
# the daemons it waits for (RTT 3 ms with rdbench's default --spin 100,
# 0.4-0.6 ms without): every rdbench here sleeps at once (--spin 0).
"$RDBENCH" -s -S "$(ud_sock b)" -p $port --spin 0 > "$UD_DIR/srv.log" 2>&1 &
pid_srv=$!
pids="$pids $!"
iperf3 -s -B 127.0.0.2 -p $((port + 1)) > "$UD_DIR/iperf3.log" 2>&1 &
pids="$pids $!"
sockperf server --tcp -i 127.0.0.2 -p $((port + 2)) > "$UD_DIR/sockperf.log" 2>&1 &
pids="$pids $!"
trap 'kill $pids 2>/dev/null; ud_stop_all' EXIT
[ "$tp" = tcp ] || ud_has_sctp a || exit 1
wait_for 100 grep -qs "listening on port $port" "$UD_DIR/srv.log" ||
    { fail "rdbench server: $(tail -n 3 "$UD_DIR/srv.log")"; exit 1; }
sleep 0.5

# rdbench RUN SOURCE TRANSPORT ARGS...: a client on a; its rows, renamed
# to SOURCE, into raw.csv.
rdbench() {
	local r=$1 src=$2 tp=$3
	shift 3
	timeout 300 "$RDBENCH" -c 127.0.0.2 -S "$(ud_sock a)" -p $port \
	    --transport "$tp" --spin 0 --csv -q "$@" > "$UD_DIR/client.out" \
	    2>> "$UD_DIR/client.err" ||
	    fail "rdbench $tp $*: exit $? ($(tail -n 2 "$UD_DIR/client.err"))"
	awk -F, -v OFS=, -v r="$r" -v s="$src" '/^rdmad,/ { $1 = s; $5 = r; print }' \
	    "$UD_DIR/client.out" >> "$raw"
}

# snmp: the kernel's SCTP retransmission counters (fast, T3) and the
# DATA chunks it discarded, "fast t3 discards".
snmp() {
	awk '$1 == "SctpFastRetransmits" { f = $2 } $1 == "SctpT3Retransmits" { t = $2 }
	    $1 == "SctpInDataChunkDiscards" { d = $2 } END { print f + 0, t + 0, d + 0 }' \
	    /proc/net/sctp/snmp
}

# cnt: context switches and CPU ticks of both daemons together.
cnt() {
	local p cs=0 t=0 v
	for p in $ud_pid_a $ud_pid_b; do
		v=$(awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' "/proc/$p/status")
		cs=$((cs + v))
		v=$(awk '{ print $14 + $15 }' "/proc/$p/stat")
		t=$((t + v))
	done
	echo "$cs $t $(date +%s.%N) $(awk '$1 == "cpu" { print $5 + $6; exit }' /proc/stat)" \
	    "$(awk '{ print $14 + $15 }' "/proc/$pid_srv/stat")"
}

# counted RUN LABEL ARGS...: rdbench RUN ARGS..., and the daemons'
# context switches per second and CPU (% of the guest's one CPU) meanwhile
# (perf does not work in UML: these counters are the profile).
counted() {
	local r=$1 label=$2 c0 c1
	shift 2
	c0="$(cnt) $(snmp)"
	rdbench "$r" "$@"
	c1="$(cnt) $(snmp)"
	echo "$c0 $c1" | awk -v OFS=, -v r="$r" -v l="$label" -v hz="$(getconf CLK_TCK)" '{
	    dt = $11 - $3; if (dt <= 0) exit
	    d = ($10 - $2) / hz / dt * 100; i = ($12 - $4) / hz / dt * 100
	    v = ($13 - $5) / hz / dt * 100
	    printf "daemons,%s_cswitch,0,1,%d,%.1f,1/s\n", l, r, ($9 - $1) / dt
	    printf "daemons,%s_cpu,0,1,%d,%.1f,%%\n", l, r, d
	    printf "guest,%s_idle,0,1,%d,%.1f,%%\n", l, r, i
	    printf "guest,%s_server_cpu,0,1,%d,%.1f,%%\n", l, r, v
	    printf "guest,%s_other_cpu,0,1,%d,%.1f,%%\n", l, r, 100 - d - i - v
	    printf "kernel,%s_fast_rtx,0,1,%d,%.1f,1/s\n", l, r, ($14 - $6) / dt
	    printf "kernel,%s_t3_rtx,0,1,%d,%.1f,1/s\n", l, r, ($15 - $7) / dt
	    printf "kernel,%s_discards,0,1,%d,%.1f,1/s\n", l, r, ($16 - $8) / dt }' >> "$raw"
}

# iperf3 --sctp, 64 KiB messages, 4 MiB socket buffers like the daemons.
iperf_sctp() {
	local bps
	bps=$(timeout $((isecs + 20)) iperf3 --sctp -c 127.0.0.2 -B 127.0.0.1 \
	    -p $((port + 1)) -t "$isecs" -l 64K -w 4M -J 2>/dev/null |
	    awk '/"sum_received"/ { f = 1 }
		f && /"bits_per_second"/ { gsub(/[ ,]/, ""); split($0, a, ":"); print a[2]; exit }')
	[ -n "$bps" ] || { fail "iperf3 --sctp failed"; return; }
	awk -v b="$bps" -v r="$1" 'BEGIN {
	    printf "iperf3,sctp_bw,65536,1,%d,%.3f,MiB/s\n", r, b / 8 / 1048576 }' >> "$raw"
}

# sockperf TCP ping-pong, 64 octets.
sockperf_tcp() {
	timeout $((isecs + 20)) sockperf ping-pong --tcp -i 127.0.0.2 \
	    -p $((port + 2)) -m 64 -t "$isecs" --full-rtt > "$UD_DIR/sp.out" 2>&1
	awk -v r="$1" '/percentile 50\.000 =/ { m = $NF }
	    /percentile 99\.000 =/ { p = $NF }
	    END { if (m == "" || p == "") exit 1
		printf "sockperf,tcp_rtt_median,64,1,%d,%s,us\n", r, m
		printf "sockperf,tcp_rtt_p99,64,1,%d,%s,us\n", r, p }' \
	    "$UD_DIR/sp.out" >> "$raw" || fail "sockperf: $(tail -n 2 "$UD_DIR/sp.out")"
}

# tp_setup RUN: the transport-level set-up rate, SCTP and TCP/MPA, its
# rows (source "transport") into raw.csv.
tp_setup() {
	timeout 300 "$TP_SETUP" -n "${UML_BENCH_QPS:-1000}" -r 1 --run "$1" \
	    --csv >> "$raw" 2>> "$UD_DIR/tp_setup.err" ||
	    fail "tp_setup: exit $? ($(tail -n 2 "$UD_DIR/tp_setup.err"))"
}

for r in $(seq 1 "$runs"); do
	echo "# run $r/$runs" >&2
	counted "$r" write sctp "$tp" -t write -z 1M -T "$secs"
	counted "$r" read sctp "$tp" -t read -z 1M -T "$secs"
	iperf_sctp "$r"
	counted "$r" lat sctp "$tp" -t lat -T "$secs"
	sockperf_tcp "$r"
	counted "$r" setup sctp "$tp" -t setup -T "$secs"
	counted "$r" tcp_setup tcp tcp -t setup -T "$secs"
	tp_setup "$r"
done
grep -h "association\|SCTP" "$(ud_log a)" | head -n 3 | sed 's/^/# daemon a: /' >&2

# ---- summary: median, min, max per figure; ratio to its baseline ----------
sum=$out/bench.csv
{
	echo "source,test,size,median,min,max,unit,runs,baseline,baseline_median,ratio,target,met"
	# The figures first, then their baselines, then the counters.
	tail -n +2 "$raw" | awk -F, 'BEGIN { n = split("sctp tcp transport iperf3 sockperf daemons guest kernel", o, " ")
	    for (i = 1; i <= n; i++) rank[o[i]] = i } { print rank[$1] + 0 "," $0 }' | sort -t, -k1,1n -k3,3 -k4,4n -k7,7g | cut -d, -f2- |
	awk -F, '
	function flush(   m) {
		if (n == 0) return
		m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		med[key] = m; lo[key] = v[1]; hi[key] = v[n]; cnt[key] = n
		keys[++nk] = key; n = 0
	}
	{ k = $1 "," $2 "," $3; if (k != key) { flush(); key = k; unit[k] = $7 }
	  v[++n] = $6 }
	END {
		flush()
		base["sctp,write,1048576"] = "iperf3,sctp_bw,65536"; tgt["sctp,write,1048576"] = ">=0.90"
		base["sctp,read,1048576"] = "iperf3,sctp_bw,65536"; tgt["sctp,read,1048576"] = ">=0.85"
		base["sctp,lat_median,64"] = "sockperf,tcp_rtt_median,64"; tgt["sctp,lat_median,64"] = "<=2.0"
		base["sctp,lat_p99,64"] = "sockperf,tcp_rtt_p99,64"
		base["sctp,setup,0"] = "tcp,setup,0"; tgt["sctp,setup,0"] = ">=10"
		base["transport,sctp_setup,0"] = "transport,tcp_setup,0"; tgt["transport,sctp_setup,0"] = ">=10"
		for (i = 1; i <= nk; i++) {
			k = keys[i]; b = base[k]; bm = ""; ratio = ""; met = ""
			if (b != "" && med[b] > 0) { bm = med[b]; ratio = sprintf("%.3f", med[k] / bm) }
			t = tgt[k]
			if (t ~ /^>=/ && ratio != "") met = ratio + 0 >= substr(t, 3) + 0 ? "met" : "missed"
			if (t ~ /^<=/ && ratio != "") met = ratio + 0 <= substr(t, 3) + 0 ? "met" : "missed"
			bn = b; gsub(/,/, " ", bn)
			printf "%s,%.3f,%.3f,%.3f,%s,%d,%s,%s,%s,%s,%s\n", k, med[k], lo[k], hi[k], unit[k], cnt[k], bn, bm, ratio, t, met
		}
	}'
} > "$sum"
awk -F, 'NR == 1 { printf "%-9s %-15s %8s %10s %10s %10s %-6s %8s %-7s %s\n", "source", "figure", "size", "median", "min", "max", "unit", "ratio", "target", "met"; next }
	{ printf "%-9s %-15s %8s %10.2f %10.2f %10.2f %-6s %8s %-7s %s\n", $1, $2, $3, $4, $5, $6, $7, $11, $12, $13 }' "$sum"
awk -F, 'NR == 1 { print "| source | figure | size | median | min | max | unit | baseline (median) | ratio | target | |"
	print "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | --- | --- |"; next }
	{ t = $12; gsub(/>=/, "≥ ", t); gsub(/<=/, "≤ ", t); b = $9; if ($10 != "") b = b sprintf(" (%.2f)", $10)
	  printf "| %s | %s | %s | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, b, $11, t, $13 }' \
    "$sum" > "$out/bench.md"
kill $pids 2>/dev/null
wait $pids 2>/dev/null
ud_stop_all || status=1
trap - EXIT
echo "# summary: $sum, every measurement: $raw" >&2
exit $status
