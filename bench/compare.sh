#!/usr/bin/env bash
# Side-by-side benchmark: Debian's redis-server vs Redwing on the same
# machine, same run. Alternates the two servers over several rounds and
# prints the median requests/second of each and the Redwing/Redis ratio,
# and the median server CPU time per request (user+system, from
# /proc/PID/stat around each test) with its Redwing/Redis ratio. On a
# machine whose load generator shares the cores with the server, CPU per
# request moves far less from run to run than requests per second.
#
#   bench/compare.sh [rounds] [requests]
#   TESTS=set,get bench/compare.sh        # redis-benchmark -t tests
#   EVALSHA=1 bench/compare.sh            # adds an EVALSHA row (small script)
#   CLIENT_PROCS=2 bench/compare.sh       # two redis-benchmark processes at once
#
# An unpipelined row whose replies are large (LRANGE_100) is bound by
# redis-benchmark's one thread, which parses them: both servers then get
# the rate the client can take, and the ratio tells how much of the
# client's CPU the server costs it (the wake-ups it sends the server).
# With two client processes the client stops being the limit, and on a
# two-CPU machine the clients and the server then compete for the CPUs.
set -euo pipefail
ROUNDS=${1:-5}
REQUESTS=${2:-200000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-set,get,incr,mset}
cd "$(dirname "$0")/.."

. bench/lib.sh
bench_init redis-benchmark
start_redis RS_PORT
RS_PID=$SERVER_PID
start_redwing RW_PORT
RW_PID=$SERVER_PID
wait_ping "$RS_PORT" "$RW_PORT"

# A small script for the EVALSHA row: an INCR and a GET, like the typical
# counter/rate-limit scripts applications run.
SCRIPT='redis.call("INCR", KEYS[1]) return redis.call("GET", KEYS[1])'
if [ -n "${EVALSHA:-}" ]; then
	SHA=$(redis-cli -p "$RS_PORT" script load "$SCRIPT")
	redis-cli -p "$RW_PORT" script load "$SCRIPT" >/dev/null
	TESTS="$TESTS,evalsha"
fi

run() { # server port pipeline pid
	local t
	for t in $(echo "${TESTS%,evalsha}" | tr , ' '); do
		bench_cpu "$1" "$2" "$3" "$4" -t "$t"
	done
	if [ -n "${EVALSHA:-}" ]; then
		bench_cpu "$1" "$2" "$3" "$4" evalsha "$SHA" 1 counter
	fi
}
for r in $(seq "$ROUNDS"); do
	for P in 1 16; do
		if (( r % 2 )); then run redis "$RS_PORT" "$P" "$RS_PID"; run redwing "$RW_PORT" "$P" "$RW_PID"; else run redwing "$RW_PORT" "$P" "$RW_PID"; run redis "$RS_PORT" "$P" "$RS_PID"; fi
	done
done >"$WORK/results"

cpu_table "$WORK/results" $(echo "$TESTS" | tr a-z A-Z | tr , ' ')
echo "(LRANGE_* rows: the CPU time includes the LPUSH that fills the list)"
