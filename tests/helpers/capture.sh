# capture.sh — start and stop a dumpcap capture on lo that is known to be live.
#
# Sourced by tests that check what goes on the wire.  "Capturing on"
# is printed before the kernel filter is in place, so a fixed sleep after
# it missed the first packets on a loaded machine.  cap_start therefore
# adds a probe to the filter (UDP to 127.0.0.1 port 9, the discard port:
# nothing answers but an ICMP error) and sends probes until the capture
# file grows, which dumpcap does within its 100 ms update interval once a
# packet has passed the filter.
#
#   cap_start FILE FILTER [SNAPLEN]
#                           0 when live (CAP_PID set), 1 if dumpcap cannot
#                           capture here or never saw a probe (CAP_PID empty;
#                           FILE.log says why); SNAPLEN: octets kept of each
#                           packet (default: all)
#   cap_stop                end it, after the last packets are written

# Size of a file in octets (0 if absent).
cap_size() {
	stat -c %s "$1" 2>/dev/null || echo 0
}

cap_start() {
	CAP_PID=
	command -v dumpcap >/dev/null 2>&1 || return 1
	dumpcap -q -i lo -s "${3:-262144}" -f "($2) or (udp dst port 9 and dst host 127.0.0.1)" \
	    -w "$1" > "$1.log" 2>&1 &
	CAP_PID=$!
	n=0
	until grep -q "Capturing on" "$1.log" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt 100 ] || ! kill -0 "$CAP_PID" 2>/dev/null; then
			cap_stop
			return 1
		fi
		sleep 0.1
	done
	sleep 0.2			# the file header is written
	size0=$(cap_size "$1")
	n=0
	while [ "$(cap_size "$1")" -le "$size0" ]; do
		n=$((n + 1))
		if [ $n -gt 100 ]; then
			echo "no probe seen in 10 s" >> "$1.log"
			cap_stop
			return 1
		fi
		bash -c "echo probe > /dev/udp/127.0.0.1/9" 2>/dev/null
		sleep 0.1
	done
	return 0
}

cap_stop() {
	[ -n "$CAP_PID" ] || return 0
	sleep 0.3			# the last packets reach the file
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}
