#!/usr/bin/env bash
# Peak memory and duration of a background snapshot while clients write,
# Redwing (fork-less copy-on-write snapshot) vs redis-server (fork).
#
#   bench/snapshot_memory.sh [keys] [value-size]
#
# Both servers get the same dataset (a Lua loop of SETs) and the same write
# load (redis-benchmark SET over the same keys, 20 clients). We sample the
# RSS of every process of the server (Redis: parent + fork child) every
# 20 ms: first for a few seconds of load without a snapshot, then during
# BGSAVE under the same load.
set -euo pipefail
KEYS=${1:-1000000}
SIZE=${2:-100}
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init redis-benchmark bc

rss_tree() { # total PSS (kB) of pid and its children: shared pages counted once
  local pid=$1 total=0
  for p in $pid $(pgrep -P "$pid" || true); do
    r=$(awk '/^Pss:/{print $2}' /proc/$p/smaps_rollup 2>/dev/null || echo 0)
    total=$((total + ${r:-0}))
  done
  echo $total
}

peak_while() { # peak RSS of pid while the command in $2 keeps succeeding
  local pid=$1 cond=$2 peak=0 r
  while eval "$cond"; do
    r=$(rss_tree "$pid"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.02
  done
  echo $peak
}

run() { # name port pid dir
  local name=$1 port=$2 pid=$3 dir=$4
  # The keys redis-benchmark -r writes (key:%012d), so writes overwrite.
  local val; val=$(head -c "$SIZE" /dev/zero | tr '\0' v)
  redis-cli -p "$port" EVAL "for i=0,tonumber(ARGV[1])-1 do redis.call('SET', string.format('key:%012d', i), ARGV[2]) end" 0 "$KEYS" "$val" >/dev/null
  sleep 1
  local base; base=$(rss_tree "$pid")
  redis-benchmark -p "$port" -t set -r "$KEYS" -d "$SIZE" -n 100000000 -c 20 -q >/dev/null 2>&1 &
  local bench=$!
  local until=$((SECONDS + 4))
  local loadpeak; loadpeak=$(peak_while "$pid" '[ $SECONDS -lt $until ]')
  local t0; t0=$(date +%s.%N)
  local last; last=$(redis-cli -p "$port" LASTSAVE)
  redis-cli -p "$port" BGSAVE >/dev/null
  local snappeak
  if [ "$name" = redis ]; then
    snappeak=$(peak_while "$pid" '[ "$(redis-cli -p '"$port"' INFO persistence | grep -c rdb_bgsave_in_progress:1)" = 1 ]')
  else
    snappeak=$(peak_while "$pid" 'ls '"$dir"'/temp-*.rdb >/dev/null 2>&1')
  fi
  local t1; t1=$(date +%s.%N)
  kill $bench; wait $bench 2>/dev/null || true
  local cow=""
  [ "$name" = redis ] && cow=$(redis-cli -p "$port" INFO persistence | awk -F: '/rdb_last_cow_size/{printf "%.0f MB", $2/1048576}' | tr -d '\r')
  [ "$name" = redwing ] && cow=$(grep -o 'copy-on-write: [0-9.]* MB' "$WORK/redwing.log" | tail -1 | cut -d' ' -f2-)
  printf "%-8s keys=%d pss_before_load=%d MB peak_pss_load_only=%d MB peak_pss_during_bgsave=%d MB bgsave_time=%.2fs rdb=%d MB %s\n" \
    "$name" "$KEYS" $((base/1024)) $((loadpeak/1024)) $((snappeak/1024)) "$(echo "$t1 - $t0" | bc)" \
    $(( $(stat -c %s "$dir/dump.rdb") / 1048576 )) "${cow:+cow=$cow}"
}

# A dir each: run() watches each server's dump.rdb and temp-*.rdb.
mkdir -p "$WORK/rw" "$WORK/rd"
REDWING_ARGS=(--dir "$WORK/rw" --save "" --enable-debug-command yes)
REDIS_ARGS=(--dir "$WORK/rd" --save "" --appendonly no --enable-debug-command yes)
start_redwing RW_PORT
RW=$SERVER_PID
start_redis RD_PORT
RD=$SERVER_PID
wait_ping "$RW_PORT" "$RD_PORT"
run redwing "$RW_PORT" $RW "$WORK/rw"
run redis "$RD_PORT" $RD "$WORK/rd"
