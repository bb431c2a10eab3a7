#!/bin/sh
# tshark-mpa.sh — the TCP/MPA transport's wire format, checked by Wireshark.
#
# 1. capture loopback traffic of tests/unit/test_tcp_fpdu (case
#    wire_sample: Rev 2 with markers and CRC, Rev 1 without CRC, Rev 2
#    peer-to-peer with an RTR) with dumpcap on one chosen port;
# 2. decode it with tshark's iWARP dissectors (iwarp_mpa, iwarp_ddp_rdmap);
# 3. fail on any malformed frame, MPA CRC error or expert-info error, and
#    unless enough FPDUs and markers were decoded.
# Then the same on a capture with deliberately corrupted FPDUs (case
# crc_error), which must be flagged: the check itself is checked.
#
# Notes on tshark 4.0 (Debian 12):
#  - iwarp_mpa is a heuristic TCP dissector only, so "-d tcp.port==P,
#    iwarp_mpa" is refused ("isn't valid for layer type tcp.port"); the
#    heuristic (on by default) finds the stream from its MPA Request and
#    Reply, which the capture always holds since it starts first.
#  - RPC-over-RDMA and SMB Direct claim every Send payload heuristically
#    and report our test payloads as malformed: they are disabled.
#  - The MPA dissector finds markers only in FPDUs that start a TCP
#    segment, hence the one-FPDU-at-a-time traffic of wire_sample.
#  - A bad CRC is no expert item there, only "Bad CRC32" in the text.
#
# Exit: 0 pass, 1 fail, 77 skip (no tshark/dumpcap, or no capture right).
set -u

top_builddir=${top_builddir:-.}
prog=${TCP_FPDU:-$top_builddir/tests/unit/test_tcp_fpdu}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tshark-mpa.XXXXXX") || exit 1
. "$(cd "$(dirname "$0")" && pwd)/../helpers/capture.sh"
CAP_PID=
cleanup() {
	[ -n "$CAP_PID" ] && kill "$CAP_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; status=1; }

command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
command -v dumpcap >/dev/null 2>&1 || skip "dumpcap not installed"
[ -x "$prog" ] || skip "$prog not built"

TSHARK="tshark --disable-protocol rpcordma --disable-protocol smb_direct"

# capture <port> <file> <test case>: run the case with its listener on
# port while dumpcap records that port on lo.  Returns the test's status.
capture() {
	port=$1 file=$2 case=$3
	cap_start "$file" "tcp port $port" || {
		cat "$file.log"
		skip "dumpcap cannot capture on lo"
	}
	RDMAD_TEST_PORT=$port timeout 60 "$prog" "$case" >"$tmp/$case.log" 2>&1
	rc=$?
	cap_stop
	[ $rc -eq 0 ] || cat "$tmp/$case.log"
	return $rc
}

# problems <file>: print the frames or lines Wireshark objects to.
problems() {
	$TSHARK -r "$1" -Y '_ws.malformed || _ws.expert.severity == error' \
	    2>/dev/null
	$TSHARK -r "$1" -V 2>/dev/null | grep "Bad CRC32"
}

status=0
# below the ephemeral range (32768-60999), so no connection holds it
base=$((20000 + $$ % 9000 * 2))

# --- valid traffic: nothing to object to, and everything decoded ------
good="$tmp/good.pcapng"
capture "$base" "$good" wire_sample || fail "test_tcp_fpdu wire_sample failed"
bad=$(problems "$good")
[ -z "$bad" ] || fail "Wireshark objects to valid traffic:
$bad"
# every FPDU of wire_sample: 3 connections x 2 directions x 11, + 1 RTR
nfpdu=$($TSHARK -r "$good" -Y iwarp_mpa.fpdu -T fields -E occurrence=a \
    -E aggregator=' ' -e iwarp_mpa.ulpdulength 2>/dev/null | wc -w)
nreq=$($TSHARK -r "$good" -Y iwarp_mpa.req 2>/dev/null | wc -l)
nrep=$($TSHARK -r "$good" -Y iwarp_mpa.rep 2>/dev/null | wc -l)
nmk=$($TSHARK -r "$good" -Y iwarp_mpa.marker_fpduptr 2>/dev/null | wc -l)
nddp=$($TSHARK -r "$good" -Y iwarp_ddp_rdmap 2>/dev/null | wc -l)
echo "decoded: $nreq requests, $nrep replies, $nfpdu FPDUs," \
    "$nddp DDP/RDMAP frames, $nmk frames with markers"
[ "$nreq" -eq 3 ] || fail "expected 3 MPA Requests, got $nreq"
[ "$nrep" -eq 3 ] || fail "expected 3 MPA Replies, got $nrep"
[ "$nfpdu" -ge 67 ] || fail "expected >= 67 FPDUs, got $nfpdu"
[ "$nddp" -ge 67 ] || fail "expected >= 67 DDP/RDMAP frames, got $nddp"
[ "$nmk" -gt 0 ] || fail "no marker decoded"

# --- corrupted traffic: the check must notice -------------------------
corrupt="$tmp/corrupt.pcapng"
capture $((base + 1)) "$corrupt" crc_error || fail "test_tcp_fpdu crc_error failed"
nbad=$(problems "$corrupt" | wc -l)
echo "corrupted capture: $nbad problems flagged"
[ "$nbad" -gt 0 ] || fail "corrupted FPDUs went unnoticed"

[ $status -eq 0 ] && echo "PASS: Wireshark decodes the MPA traffic cleanly"
exit $status
