#!/usr/bin/env bash
# SET throughput with appendonly yes, Redwing vs redis-server, for each
# appendfsync policy, and with appendonly no ("off") for reference
# (redis-benchmark, 50 clients, random keys; rounds alternate servers).
#
#   bench/aof_throughput.sh [requests] [rounds]
set -euo pipefail
N=${1:-200000}
ROUNDS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; sleep 0.3; rm -rf "$TMP"' EXIT
go build -o "$TMP/redwing" "$ROOT/cmd/redwing"
mkdir -p "$TMP/rw" "$TMP/rd"
"$TMP/redwing" --port 7311 --dir "$TMP/rw" --save "" --appendonly yes >"$TMP/rw/log" 2>&1 &
redis-server --port 7312 --dir "$TMP/rd" --save "" --appendonly yes --logfile "$TMP/rd/log" &
sleep 1
rps() { redis-benchmark -p "$1" -t set -n "$N" -c 50 -r 100000 --csv 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"'; }
for pol in always everysec no off; do
  for p in 7311 7312; do
    if [ $pol = off ]; then
      redis-cli -p $p CONFIG SET appendonly no >/dev/null
    else
      redis-cli -p $p CONFIG SET appendfsync $pol >/dev/null
    fi
  done
  sleep 0.5
  rw=0; rd=0
  for i in $(seq "$ROUNDS"); do
    a=$(rps 7311); b=$(rps 7312)
    rw=$(echo "$rw + $a" | bc); rd=$(echo "$rd + $b" | bc)
  done
  printf "appendfsync %-8s redwing %8.0f req/s  redis %8.0f req/s  ratio %.2f\n" $pol \
    "$(echo "$rw / $ROUNDS" | bc -l)" "$(echo "$rd / $ROUNDS" | bc -l)" "$(echo "$rw / $rd" | bc -l)"
done
