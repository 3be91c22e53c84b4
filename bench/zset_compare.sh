#!/usr/bin/env bash
# Side-by-side sorted-set benchmark: Debian's redis-server vs Redwing on the
# same machine, same run (issue 4): ZADD, ZPOPMIN (redis-benchmark's own
# tests), ZINCRBY and ZRANGEBYSCORE ... LIMIT (custom commands over a
# 10000-member set). Alternates the servers over several rounds and prints
# the median requests/second of each and the Redwing/Redis ratio.
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
start_redwing RW_PORT
wait_ping "$RS_PORT" "$RW_PORT"

# A 10000-member set for the read and increment workloads.
seed() {
	redis-cli -p "$1" del bench:z >/dev/null
	awk 'BEGIN { for (i = 0; i < 10000; i++) print "ZADD bench:z " i " member:" sprintf("%012d", i) }' | redis-cli -p "$1" >/dev/null
}

bench() { # name port pipeline args...
	local name=$1 port=$2 p=$3
	shift 3
	redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$REQUESTS" -P "$p" -r 10000 -q --csv "$@" 2>/dev/null |
		awk -F'","' -v srv="$name" -v p="$p" '$1 !~ /test/ { t = $1; sub(/^"/, "", t); split(t, w, " "); print srv" P"p" "toupper(w[1])" "$2 }'
}

run() { # server port pipeline
	seed "$2"
	bench "$1" "$2" "$3" -t zadd,zpopmin
	bench "$1" "$2" "$3" zincrby bench:z 1 member:__rand_int__
	bench "$1" "$2" "$3" zrangebyscore bench:z __rand_int__ +inf LIMIT 0 10
}

for r in $(seq "$ROUNDS"); do
	for P in 1 16; do
		if ((r % 2)); then run redis "$RS_PORT" "$P"; run redwing "$RW_PORT" "$P"; else run redwing "$RW_PORT" "$P"; run redis "$RS_PORT" "$P"; fi
	done
done >"$WORK/results"

printf "%-14s %-4s %14s %14s %8s\n" test pipe "redis rps" "redwing rps" ratio
for P in 1 16; do
	for T in ZADD ZPOPMIN ZINCRBY ZRANGEBYSCORE; do
		med() { grep "^$1 P$P $T " "$WORK/results" | awk '{print $4}' | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
		A=$(med redis)
		B=$(med redwing)
		awk -v t="$T" -v p="$P" -v a="$A" -v b="$B" 'BEGIN { printf "%-14s %-4s %14.0f %14.0f %8.2f\n", t, "-P"p, a, b, (a>0? b/a : 0) }'
	done
done
