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

command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
	echo "redis-server and redis-benchmark are required (apt-get install -y redis-server)" >&2
	exit 1
}
WORK=$(mktemp -d)
trap 'kill $RS_PID $RW_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

go build -o "$WORK/redwing" ./cmd/redwing
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
RS_PORT=$(free_port)
RW_PORT=$(free_port)
redis-server --port "$RS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
RS_PID=$!
"$WORK/redwing" --port "$RW_PORT" --bind 127.0.0.1 --save '' --dir "$WORK" >"$WORK/redwing.log" 2>&1 &
RW_PID=$!
for p in "$RS_PORT" "$RW_PORT"; do
	for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

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
