#!/bin/sh
# sctp-wire.sh — the SCTP transport's wire format, checked by Wireshark.
#
# Inside user-mode Linux, dumpcap captures the loopback while the e2e
# cases "setup" and "ops" run; on the host, tshark decodes the capture
# and this script checks RFC 5043 on the wire: the Adaptation Layer
# Indication 0x00000001 in INIT and INIT-ACK (§5.1, RFC 5061 §4.2.6),
# PPIDs 16 and 17 as the network-order values Wireshark names "DDP
# Segment" / "DDP Stream Session Control" (§5.2), every DATA chunk
# unordered (§10), no SCTP fragmentation (B and E set, §9), and the
# stream session control function codes (Enhanced Initiate 5 and Enhanced
# Accept 6 on the same stream).  Exit: 0 pass, 1 fail, 77 skip (no
# tshark/dumpcap).
set -u

here=$(cd "$(dirname "$0")" && pwd)
prog=$PWD/tests/unit/test_sctp_e2e
cap=$PWD/sctp-wire.$$.pcapng
trap 'rm -f "$cap" "$cap.log"' EXIT INT TERM

command -v tshark >/dev/null 2>&1 || { echo "SKIP: no tshark"; exit 77; }
command -v dumpcap >/dev/null 2>&1 || { echo "SKIP: no dumpcap"; exit 77; }

# The capture is known to be live before the first INIT (capture.sh).
"$here/uml-run" --timeout 300 -- /bin/sh -c '
	. "$2"
	cap_start "$1" sctp || { cat "$1.log"; exit 1; }
	SCTP_E2E_ONLY=setup "$0" >/dev/null || exit 1
	SCTP_E2E_ONLY=ops "$0" >/dev/null || exit 1
	cap_stop
	exit 0' "$prog" "$cap" "$here/../helpers/capture.sh" || exit 1
[ -s "$cap" ] || { echo "FAIL: no capture"; exit 1; }

status=0
fail() { echo "FAIL: $*"; status=1; }
count() { tshark -r "$cap" -Y "$1" 2>/dev/null | wc -l; }

n=$(count 'sctp.chunk_type == 1 && sctp.adaptation_layer_indication == 1')
[ "$n" -ge 1 ] || fail "INIT without the DDP adaptation indication ($n)"
n=$(count 'sctp.chunk_type == 2 && sctp.adaptation_layer_indication == 1')
[ "$n" -ge 1 ] || fail "INIT-ACK without the DDP adaptation indication ($n)"
d16=$(count 'sctp.data_payload_proto_id == 16')
d17=$(count 'sctp.data_payload_proto_id == 17')
[ "$d16" -ge 100 ] || fail "too few DDP Segment chunks (PPID 16): $d16"
[ "$d17" -ge 2 ] || fail "too few session control chunks (PPID 17): $d17"
n=$(count 'sctp.chunk_type == 0 && !(sctp.data_payload_proto_id == 16 || sctp.data_payload_proto_id == 17)')
[ "$n" -eq 0 ] || fail "$n DATA chunks with another PPID"
n=$(count 'sctp.chunk_type == 0 && sctp.data_u_bit == 0')
[ "$n" -eq 0 ] || fail "$n ordered DATA chunks (RFC 5043 §10)"
n=$(count 'sctp.chunk_type == 0 && (sctp.data_b_bit == 0 || sctp.data_e_bit == 0)')
[ "$n" -eq 0 ] || fail "$n fragmented DATA chunks (RFC 5043 §9)"
# Session control: DDP-SSN 0, function 5 then 6, read from the payload.
fn=$(tshark -r "$cap" -Y 'sctp.data_payload_proto_id == 17' \
    -T fields -e data.data 2>/dev/null | cut -c1-8 | sort | uniq | tr '\n' ' ')
case "$fn" in
*00000005*) ;; *) fail "no Enhanced Initiate (ssn 0, fn 5): $fn" ;;
esac
case "$fn" in
*00000006*) ;; *) fail "no Enhanced Accept (ssn 0, fn 6): $fn" ;;
esac
echo "sctp wire: $d16 DDP Segment chunks, $d17 session control chunks" \
    "(heads: $fn), all unordered and unfragmented"
exit $status
