#!/usr/bin/env bash
# Side-by-side sorted-set benchmark: Debian's redis-server vs Redwing on the
# same machine, same run (issue 4): ZADD, ZPOPMIN (redis-benchmark's own
# tests), ZINCRBY and ZRANGEBYSCORE ... LIMIT (custom commands over a
# 10000-member set). Alternates the servers over several rounds and prints
# the median requests/second of each and the Redwing/Redis ratio, and the
# median server CPU time per request with its ratio (bench/lib.sh).
#
#   bench/zset_compare.sh [rounds] [requests]
set -euo pipefail
ROUNDS=${1:-5}
REQUESTS=${2:-200000}
CLIENTS=${CLIENTS:-50}
cd "$(dirname "$0")/.."

. bench/lib.sh
bench_init redis-benchmark
start_redis RS_PORT
RS_PID=$SERVER_PID
start_redwing RW_PORT
RW_PID=$SERVER_PID
wait_ping "$RS_PORT" "$RW_PORT"

# A 10000-member set for the read and increment workloads.
seed() {
	redis-cli -p "$1" del bench:z >/dev/null
	awk 'BEGIN { for (i = 0; i < 10000; i++) print "ZADD bench:z " i " member:" sprintf("%012d", i) }' | redis-cli -p "$1" >/dev/null
}

run() { # server port pipeline pid
	seed "$2"
	bench_cpu "$1" "$2" "$3" "$4" -r 10000 -t zadd
	bench_cpu "$1" "$2" "$3" "$4" -r 10000 -t zpopmin
	bench_cpu "$1" "$2" "$3" "$4" -r 10000 zincrby bench:z 1 member:__rand_int__
	bench_cpu "$1" "$2" "$3" "$4" -r 10000 zrangebyscore bench:z __rand_int__ +inf LIMIT 0 10
}

for r in $(seq "$ROUNDS"); do
	for P in 1 16; do
		if ((r % 2)); then run redis "$RS_PORT" "$P" "$RS_PID"; run redwing "$RW_PORT" "$P" "$RW_PID"; else run redwing "$RW_PORT" "$P" "$RW_PID"; run redis "$RS_PORT" "$P" "$RS_PID"; fi
	done
done >"$WORK/results"

cpu_table "$WORK/results" ZADD ZPOPMIN ZINCRBY ZRANGEBYSCORE
