#!/usr/bin/env bash
# SET throughput with appendonly yes, Redwing vs redis-server, for each
# appendfsync policy, and with appendonly no ("off") for reference
# (redis-benchmark, 50 clients, random keys; rounds alternate servers).
#
#   bench/aof_throughput.sh [requests] [rounds]
set -euo pipefail
N=${1:-200000}
ROUNDS=${2:-3}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init redis-benchmark bc
# A dir each: both servers write an appendonlydir.
mkdir -p "$WORK/rw" "$WORK/rd"
REDWING_ARGS=(--dir "$WORK/rw" --save "" --appendonly yes)
REDIS_ARGS=(--dir "$WORK/rd" --save "" --appendonly yes)
start_redwing RW_PORT
start_redis RS_PORT
wait_ping "$RW_PORT" "$RS_PORT"
rps() { redis-benchmark -p "$1" -t set -n "$N" -c 50 -r 100000 --csv 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"'; }
for pol in always everysec no off; do
  for p in "$RW_PORT" "$RS_PORT"; do
    if [ $pol = off ]; then
      redis-cli -p $p CONFIG SET appendonly no >/dev/null
    else
      redis-cli -p $p CONFIG SET appendfsync $pol >/dev/null
    fi
  done
  sleep 0.5
  rw=0; rd=0
  for i in $(seq "$ROUNDS"); do
    a=$(rps "$RW_PORT"); b=$(rps "$RS_PORT")
    rw=$(echo "$rw + $a" | bc); rd=$(echo "$rd + $b" | bc)
  done
  printf "appendfsync %-8s redwing %8.0f req/s  redis %8.0f req/s  ratio %.2f\n" $pol \
    "$(echo "$rw / $ROUNDS" | bc -l)" "$(echo "$rd / $ROUNDS" | bc -l)" "$(echo "$rw / $rd" | bc -l)"
done
