set terminal pngcairo size 2000,500 font ",10"
set output 'bench/results/pass4/wall_vs_feeds.png'
set multiplot layout 1,4
set logscale xy; set grid; set key top left
set xlabel "feeds (30 entries each)"; set ylabel "wall s"
set title "COLD"
plot "bench/results/pass4/wall_vs_feeds.dat" index 5 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 6 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 7 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 8 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 9 using 1:2 with linespoints title columnheader(1)
set title "WARM"
plot "bench/results/pass4/wall_vs_feeds.dat" index 10 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 11 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 12 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 13 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 14 using 1:2 with linespoints title columnheader(1)
set title "ADVANCED"
plot "bench/results/pass4/wall_vs_feeds.dat" index 0 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 1 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 2 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 3 using 1:2 with linespoints title columnheader(1), "bench/results/pass4/wall_vs_feeds.dat" index 4 using 1:2 with linespoints title columnheader(1)
unset logscale; set key top left; set ylabel "s"
set title "aggregator: wall and CPU (linear axes)"
plot "bench/results/pass4/wall_vs_feeds.dat" index 0 using 1:2 with linespoints title "advanced wall", "bench/results/pass4/wall_vs_feeds.dat" index 0 using 1:3 with linespoints dt 2 title "advanced CPU", "bench/results/pass4/wall_vs_feeds.dat" index 5 using 1:2 with linespoints title "cold wall", "bench/results/pass4/wall_vs_feeds.dat" index 5 using 1:3 with linespoints dt 2 title "cold CPU", "bench/results/pass4/wall_vs_feeds.dat" index 10 using 1:2 with linespoints title "warm wall", "bench/results/pass4/wall_vs_feeds.dat" index 10 using 1:3 with linespoints dt 2 title "warm CPU"
unset multiplot
