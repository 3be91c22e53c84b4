#!/usr/bin/env bash
# Side-by-side benchmark: Debian's redis-server vs Redwing on the same
# machine, same run. Alternates the two servers over several rounds and
# prints the median requests/second of each and the Redwing/Redis ratio.
#
#   bench/compare.sh [rounds] [requests]
#   TESTS=set,get bench/compare.sh        # redis-benchmark -t tests
#   EVALSHA=1 bench/compare.sh            # adds an EVALSHA row (small script)
set -euo pipefail
ROUNDS=${1:-5}
REQUESTS=${2:-200000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-set,get,incr,mset}
cd "$(dirname "$0")/.."

. bench/lib.sh
bench_init redis-benchmark
start_redis RS_PORT
start_redwing RW_PORT
wait_ping "$RS_PORT" "$RW_PORT"

# A small script for the EVALSHA row: an INCR and a GET, like the typical
# counter/rate-limit scripts applications run.
SCRIPT='redis.call("INCR", KEYS[1]) return redis.call("GET", KEYS[1])'
if [ -n "${EVALSHA:-}" ]; then
	SHA=$(redis-cli -p "$RS_PORT" script load "$SCRIPT")
	redis-cli -p "$RW_PORT" script load "$SCRIPT" >/dev/null
	TESTS="$TESTS,evalsha"
fi

run() { # server port pipeline
	redis-benchmark -h 127.0.0.1 -p "$2" -c "$CLIENTS" -n "$REQUESTS" -P "$3" -t "${TESTS%,evalsha}" -q --csv 2>/dev/null |
		sed -e 's/ (needed[^)]*)/_SETUP/' -e 's/ ([^)]*)//' | awk -F',' -v srv="$1" -v p="$3" '$1 !~ /test/ { gsub(/"/,""); print srv" P"p" "$1" "$2 }'
	if [ -n "${EVALSHA:-}" ]; then
		redis-benchmark -h 127.0.0.1 -p "$2" -c "$CLIENTS" -n "$REQUESTS" -P "$3" -q --csv evalsha "$SHA" 1 counter 2>/dev/null |
			awk -F',' -v srv="$1" -v p="$3" '$1 !~ /test/ { gsub(/"/,""); print srv" P"p" EVALSHA "$2 }'
	fi
}
for r in $(seq "$ROUNDS"); do
	for P in 1 16; do
		if (( r % 2 )); then run redis "$RS_PORT" "$P"; run redwing "$RW_PORT" "$P"; else run redwing "$RW_PORT" "$P"; run redis "$RS_PORT" "$P"; fi
	done
done >"$WORK/results"

printf "%-8s %-4s %14s %14s %8s\n" test pipe "redis rps" "redwing rps" ratio
for P in 1 16; do
	for T in $(echo "$TESTS" | tr a-z A-Z | tr , ' '); do
		med() { grep "^$1 P$P $T " "$WORK/results" | awk '{print $4}' | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
		A=$(med redis); B=$(med redwing)
		awk -v t="$T" -v p="$P" -v a="$A" -v b="$B" 'BEGIN { printf "%-8s %-4s %14.0f %14.0f %8.2f\n", t, "-P"p, a, b, (a>0? b/a : 0) }'
	done
done
