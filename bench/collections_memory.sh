#!/usr/bin/env bash
# Memory per key of small collections, side by side with Debian's
# redis-server in the same run.
#
#   bench/collections_memory.sh [keys]      # default: 1000000
#   RESTART=1 bench/collections_memory.sh   # fresh servers for every dataset
#
# Three datasets, the same data for both servers, N keys each:
#   hashes  HSET h:<i> f1 <v> ... f5 <v>      8-byte values (listpack)
#   sets    SADD s:<i> m1 m2 m3 m4 m5         short string members (listpack
#                                             in Redis 7.2, hashtable in 7.0)
#   lists   RPUSH l:<i> <e> x5                8-byte elements (listpack)
# The commands are generated in RESP by awk and loaded with redis-cli --pipe.
# Each dataset starts from an empty server (FLUSHALL); the script sends
# MEMORY PURGE (Redwing: a full Go GC plus returning free pages to the OS;
# Redis: a jemalloc purge) after the flush and after loading, waits for RSS
# to settle, and reports used_memory (INFO memory) and VmRSS growth per key,
# the OBJECT ENCODING each server reports for one key, and the Redwing/Redis
# RSS ratio. Per-dataset details (RSS before/after, the baseline after the
# flush compared with the fresh server's) go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
RESTART=${RESTART:-0}
DATASETS=(hashes sets lists)

. bench/lib.sh
bench_init
rss() { awk '/VmRSS/ {print $2*1024}' "/proc/$1/status"; }
used() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}'; }
# settle: wait until RSS stops moving (two samples 0.5 s apart within 0.5%).
settle() {
	local prev cur
	prev=$(rss "$1")
	for _ in $(seq 40); do
		sleep 0.5
		cur=$(rss "$1")
		awk -v a="$prev" -v b="$cur" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= a * 0.005) }' && return
		prev=$cur
	done
}
# purge: MEMORY PURGE, then let the server (Redwing's post-GC accounting
# runs on the finalizer goroutine) and the RSS settle.
purge() { # port pid
	[ "$(redis-cli -p "$1" memory purge)" = OK ] || { echo "MEMORY PURGE failed on port $1" >&2; exit 1; }
	sleep 1
	settle "$2"
}

start() {
	start_redis RS_PORT
	RS_PID=$SERVER_PID
	start_redwing RW_PORT
	RW_PID=$SERVER_PID
	wait_ping "$RS_PORT" "$RW_PORT"
	settle "$RS_PID"; settle "$RW_PID"
	RS_FRESH=$(rss "$RS_PID"); RW_FRESH=$(rss "$RW_PID")
}

# gen dataset n: the RESP commands of one dataset on stdout (deterministic).
gen() {
	awk -v ds="$1" -v n="$2" 'BEGIN {
		for (i = 1; i <= n; i++) {
			if (ds == "hashes") {
				k = "h:" i
				printf "*12\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n", length(k), k
				for (j = 1; j <= 5; j++) printf "$2\r\nf%d\r\n$8\r\nval%05d\r\n", j, (i * 5 + j) % 100000
			} else if (ds == "sets") {
				k = "s:" i
				printf "*7\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n", length(k), k
				for (j = 1; j <= 5; j++) printf "$2\r\nm%d\r\n", j
			} else {
				k = "l:" i
				printf "*7\r\n$5\r\nRPUSH\r\n$%d\r\n%s\r\n", length(k), k
				for (j = 1; j <= 5; j++) printf "$8\r\nele%05d\r\n", (i * 5 + j) % 100000
			}
		}
	}'
}

[ "$RESTART" = 1 ] || start
: >"$WORK/results"
for ds in "${DATASETS[@]}"; do
	[ "$RESTART" != 1 ] || start
	key=$(gen "$ds" 1 | awk 'NR == 5 {sub(/\r$/, ""); print}')
	for s in redis:$RS_PORT:$RS_PID:$RS_FRESH redwing:$RW_PORT:$RW_PID:$RW_FRESH; do
		IFS=: read -r name port pid fresh <<<"$s"
		redis-cli -p "$port" flushall >/dev/null
		purge "$port" "$pid"
		u0=$(used "$port"); r0=$(rss "$pid")
		out=$(gen "$ds" "$N" | redis-cli -p "$port" --pipe 2>&1)
		grep -q "errors: 0, replies: $N" <<<"$out" || { echo "$name $ds load failed: $out" >&2; exit 1; }
		[ "$(redis-cli -p "$port" dbsize)" = "$N" ] || { echo "$name $ds: DBSIZE is not $N" >&2; exit 1; }
		enc=$(redis-cli -p "$port" object encoding "$key")
		purge "$port" "$pid"
		u1=$(used "$port"); r1=$(rss "$pid")
		echo "$ds $name $enc $u0 $u1 $r0 $r1" >>"$WORK/results"
		printf "%-7s %-7s RSS fresh %6.1f MB, after FLUSHALL %6.1f MB, loaded %7.1f MB; used_memory %7.1f -> %7.1f MB\n" \
			"$ds" "$name" "$(awk -v b="$fresh" 'BEGIN {print b / 1048576}')" "$(awk -v b="$r0" 'BEGIN {print b / 1048576}')" \
			"$(awk -v b="$r1" 'BEGIN {print b / 1048576}')" "$(awk -v b="$u0" 'BEGIN {print b / 1048576}')" \
			"$(awk -v b="$u1" 'BEGIN {print b / 1048576}')" >&2
	done
	[ "$RESTART" != 1 ] || stop_servers
done

echo "$N keys per dataset; bytes per key = (after - before) / N"
printf "%-8s %-22s %18s %18s %8s\n" "" "encoding" "used_memory B/key" "RSS B/key" "RSS"
printf "%-8s %-10s %-11s %8s %9s %8s %9s %8s\n" dataset redis redwing redis redwing redis redwing ratio
for ds in "${DATASETS[@]}"; do
	awk -v ds="$ds" -v n="$N" '$1 == ds { enc[$2] = $3; u[$2] = ($5 - $4) / n; r[$2] = ($7 - $6) / n }
		END { printf "%-8s %-10s %-11s %8.1f %9.1f %8.1f %9.1f %8.2f\n", ds, enc["redis"], enc["redwing"],
			u["redis"], u["redwing"], r["redis"], r["redwing"], (r["redis"] > 0 ? r["redwing"] / r["redis"] : 0) }' "$WORK/results"
done
