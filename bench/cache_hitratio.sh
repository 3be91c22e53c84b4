#!/usr/bin/env bash
# Cache quality: a Zipfian (s=0.99) cache-aside workload (GET; on a miss
# SET key value EX 3600, 100-byte values) over a 1M-key universe, replayed
# against Redwing and Debian's redis-server with the same maxmemory, under
# allkeys-lru then allkeys-lfu, in one run. Prints the hit ratio of each,
# the keys each held at the limit, and a second Redwing run whose maxmemory
# is scaled so that it holds as many keys as Redis (the policies compared at
# equal capacity; the first comparison includes each server's bytes per key).
#
#   bench/cache_hitratio.sh [maxmemory] [counted requests] [warm-up requests]
#   POLICIES=allkeys-lru,allkeys-lfu,volatile-lru bench/cache_hitratio.sh 64mb
set -euo pipefail
MAXMEMORY=${1:-32mb}
REQUESTS=${2:-2000000}
WARMUP=${3:-1000000}
POLICIES=${POLICIES:-allkeys-lru,allkeys-lfu}
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || {
	echo "redis-server is required (apt-get install -y redis-server)" >&2
	exit 1
}
WORK=$(mktemp -d)
RW_PID= RS_PID=
trap 'kill $RS_PID $RW_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
go build -o "$WORK/redwing" ./cmd/redwing
go build -o "$WORK/cachesim" ./bench/cachesim
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
RW_PORT=$(free_port)
RS_PORT=$(free_port)
"$WORK/redwing" --port "$RW_PORT" --dir "$WORK" --save "" --appendonly no >"$WORK/redwing.log" 2>&1 &
RW_PID=$!
redis-server --port "$RS_PORT" --dir "$WORK" --save "" --appendonly no --logfile "$WORK/redis.log" &
RS_PID=$!
for p in "$RW_PORT" "$RS_PORT"; do
	for _ in $(seq 50); do
		redis-cli -p "$p" PING >/dev/null 2>&1 && break
		sleep 0.1
	done
done
"$WORK/cachesim" -addr "redwing=127.0.0.1:$RW_PORT,redis=127.0.0.1:$RS_PORT" \
	-maxmemory "$MAXMEMORY" -requests "$REQUESTS" -warmup "$WARMUP" -policies "$POLICIES"
