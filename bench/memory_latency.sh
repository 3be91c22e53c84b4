#!/usr/bin/env bash
# Memory per key and tail latency under GC, side by side with Debian's
# redis-server in the same run.
#
#   bench/memory_latency.sh [keys...]      # default: 1000000 10000000
#
# For each size, both servers get the same dataset (DEBUG POPULATE N key 16:
# N keys with 16-byte values); the script prints the RSS growth per key,
# then (for the largest size) runs bench/latency against each server in
# alternating rounds (paced mixed GET/SET, 20% writes) and prints the median
# p50/p99/p99.9, the Redwing/Redis ratios, and the longest stop-the-world
# pause of Redwing's Go GC during the run (from GODEBUG=gctrace=1).
# With a 10M-key heap the write load alone rarely triggers a collection
# within a run, so every GC_EVERY seconds (default 2; 0 = off) the script
# sends MEMORY PURGE to the server under test: a full collection of the
# whole heap on Redwing (jemalloc purge on Redis), measured under load.
# The pause figures come from gctrace and from INFO memory's gc_* fields
# (the runtime's pause histograms, which also tell the time spent stopping
# the world, i.e. waiting for the OS to run the server's threads).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 10000000)
# 12 rounds of 100k requests: a round's p99.9 is its 100th slowest
# request, and with 6 rounds the median ratio of the same build moved
# between 1.37 and 1.74 from run to run.
ROUNDS=${ROUNDS:-12}
RATE=${RATE:-20000}
GC_EVERY=${GC_EVERY:-2}
DURATION=${DURATION:-5s}
. bench/lib.sh
bench_init
go build -o "$WORK/latency" ./bench/latency
rss() { awk '/VmRSS/ {print $2*1024}' "/proc/$1/status"; }

for N in "${SIZES[@]}"; do
	start_redis RS_PORT --enable-debug-command yes
	RS_PID=$SERVER_PID
	GODEBUG=gctrace=1 start_redwing RW_PORT --enable-debug-command yes
	RW_PID=$SERVER_PID
	wait_ping "$RS_PORT" "$RW_PORT"
	for s in redis:$RS_PORT:$RS_PID redwing:$RW_PORT:$RW_PID; do
		IFS=: read -r name port pid <<<"$s"
		before=$(rss "$pid")
		redis-cli -p "$port" debug populate "$N" key 16 >/dev/null
		sleep 3
		after=$(rss "$pid")
		echo "$name $N keys: RSS $((after / 1048576)) MB, $(((after - before) / N)) bytes/key"
	done
	if [ "$N" = "${SIZES[-1]}" ]; then
		: >"$WORK/lat"
		start_line=$(wc -l <"$WORK/redwing.log")
		redis-cli -p "$RW_PORT" config resetstat >/dev/null
		for r in $(seq "$ROUNDS"); do
			order="redis:$RS_PORT redwing:$RW_PORT"
			(( r % 2 )) || order="redwing:$RW_PORT redis:$RS_PORT"
			for s in $order; do
				IFS=: read -r name port <<<"$s"
				purger=
				if [ "$GC_EVERY" != 0 ]; then
					(while sleep "$GC_EVERY"; do redis-cli -p "$port" memory purge >/dev/null 2>&1; done) &
					purger=$!
				fi
				echo "$name $("$WORK/latency" -addr 127.0.0.1:"$port" -keys "$N" -rate "$RATE" -duration "$DURATION")" >>"$WORK/lat"
				[ -z "$purger" ] || { kill "$purger"; wait "$purger" 2>/dev/null || true; }
			done
		done
		med() { grep "^$1 " "$WORK/lat" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
		printf "%-12s %10s %10s %10s\n" "latency(us)" redis redwing ratio
		for f in p50_us p99_us p999_us; do
			a=$(med redis $f); b=$(med redwing $f)
			printf "%-12s %10s %10s %10s\n" "$f" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')"
		done
		# gctrace: "gc N @t p%: A+B+C ms clock, ..." where A and C are the
		# stop-the-world phases (sweep termination, mark termination).
		tail -n +"$((start_line + 1))" "$WORK/redwing.log" | awk '/^gc [0-9]+ @/ {
			split($5, ph, "+"); for (i = 1; i <= 3; i += 2) if (ph[i] + 0 > max) max = ph[i] + 0; n++ }
			END { printf "redwing GC cycles during the latency runs: %d, longest stop-the-world pause: %.3f ms\n", n, max }'
		# The same from the runtime's pause histograms (INFO memory), with
		# the part spent stopping the world (waiting for threads to run).
		echo "redwing runtime/metrics: $(redis-cli -p "$RW_PORT" info memory | tr -d '\r' | grep '^gc_' | tr '\n' ' ')"
	fi
	stop_servers
done
