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
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# A small script for the EVALSHA row: an INCR and a GET, like the typical
# counter/rate-limit scripts applications run.
SCRIPT='redis.call("INCR", KEYS[1]) return redis.call("GET", KEYS[1])'
if [ -n "${EVALSHA:-}" ]; then
	SHA=$(redis-cli -p "$RS_PORT" script load "$SCRIPT")
	redis-cli -p "$RW_PORT" script load "$SCRIPT" >/dev/null
	TESTS="$TESTS,evalsha"
fi

bench_one() { # server port pipeline pid test-args...: "server Pn TEST rps cpu_us_per_request"
	local srv=$1 port=$2 p=$3 pid=$4 a b
	shift 4
	a=$(cpu_ticks "$pid")
	out=$(redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$REQUESTS" -P "$p" -q --csv "$@" 2>/dev/null)
	b=$(cpu_ticks "$pid")
	echo "$out" | sed -e 's/ (needed[^)]*)/_SETUP/' -e 's/ ([^)]*)//' |
		awk -F',' -v srv="$srv" -v p="$p" -v t=$((b - a)) -v n="$REQUESTS" -v hz="$(getconf CLK_TCK)" \
			'$1 !~ /test/ { gsub(/"/,""); printf "%s P%s %s %s %.3f\n", srv, p, toupper($1), $2, t * 1e6 / hz / n }'
}

run() { # server port pipeline pid
	local t
	for t in $(echo "${TESTS%,evalsha}" | tr , ' '); do
		bench_one "$1" "$2" "$3" "$4" -t "$t"
	done
	if [ -n "${EVALSHA:-}" ]; then
		bench_one "$1" "$2" "$3" "$4" evalsha "$SHA" 1 counter | sed 's/ EVALSHA [0-9A-F]* 1 COUNTER / EVALSHA /'
	fi
}
for r in $(seq "$ROUNDS"); do
	for P in 1 16; do
		if (( r % 2 )); then run redis "$RS_PORT" "$P" "$RS_PID"; run redwing "$RW_PORT" "$P" "$RW_PID"; else run redwing "$RW_PORT" "$P" "$RW_PID"; run redis "$RS_PORT" "$P" "$RS_PID"; fi
	done
done >"$WORK/results"

printf "%-8s %-4s %12s %12s %6s %10s %10s %6s\n" test pipe "redis rps" "redwing rps" ratio "redis µs" "redwing µs" ratio
for P in 1 16; do
	for T in $(echo "$TESTS" | tr a-z A-Z | tr , ' '); do
		med() { grep "^$1 P$P $T " "$WORK/results" | awk -v f="$2" '{print $f}' | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
		A=$(med redis 4); B=$(med redwing 4); CA=$(med redis 5); CB=$(med redwing 5)
		awk -v t="$T" -v p="$P" -v a="$A" -v b="$B" -v ca="$CA" -v cb="$CB" 'BEGIN { printf "%-8s %-4s %12.0f %12.0f %6.2f %10.2f %10.2f %6.2f\n", t, "-P"p, a, b, (a>0? b/a : 0), ca, cb, (ca>0? cb/ca : 0) }'
	done
done
echo "rps ratio: Redwing/Redis, higher is better; µs: server CPU per request, ratio Redwing/Redis, lower is better"
