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
