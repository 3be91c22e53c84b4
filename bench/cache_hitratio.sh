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
. bench/lib.sh
bench_init
go build -o "$WORK/cachesim" ./bench/cachesim
# This benchmark's flags have never included --bind.
REDWING_ARGS=(--dir "$WORK" --save "" --appendonly no)
REDIS_ARGS=(--dir "$WORK" --save "" --appendonly no)
start_redwing RW_PORT
start_redis RS_PORT
wait_ping "$RW_PORT" "$RS_PORT"
"$WORK/cachesim" -addr "redwing=127.0.0.1:$RW_PORT,redis=127.0.0.1:$RS_PORT" \
	-maxmemory "$MAXMEMORY" -requests "$REQUESTS" -warmup "$WARMUP" -policies "$POLICIES"
