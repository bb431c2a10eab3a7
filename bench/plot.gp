# plot.gp — bandwidth against message size, from bench/run's bandwidth.dat
# (columns: size write read send iperf3, MiB/s medians).
# gnuplot -e "datafile='...'; outfile='...'" bench/plot.gp
set terminal pngcairo size 900,560 noenhanced font ",10"
set output outfile
set title "rdmad over TCP/MPA on loopback, through two daemons (median of the runs)"
set xlabel "message size (octets)"
set ylabel "MiB/s"
set logscale x 2
set logscale y 10
set xtics ("64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216)
set key top left
set grid
set datafile missing "NaN"
plot datafile using 1:5 with linespoints lw 2 dt 2 title "iperf3 TCP (baseline)", \
     datafile using 1:2 with linespoints lw 2 title "rdmad RDMA Write", \
     datafile using 1:3 with linespoints lw 2 title "rdmad RDMA Read", \
     datafile using 1:4 with linespoints lw 2 title "rdmad Send/Recv"
