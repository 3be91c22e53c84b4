#!/usr/bin/env bash
# Side-by-side pub/sub and stream benchmark: Debian's redis-server vs Redwing
# on the same machine, same run. Rows (rates from bench/fanout):
#   PUBLISH 1 sub / 100 subs   messages delivered per second (all subscribers)
#   XADD                       entries added per second (50 connections)
#   XREADGROUP+XACK            entries acknowledged per second (10 consumers)
# Alternates the servers over several rounds and prints the median rate of
# each and the Redwing/Redis ratio (target: at least 1.0).
#
#   bench/pubsub_stream_compare.sh [rounds] [seconds]
set -euo pipefail
ROUNDS=${1:-3}
SECS=${2:-5}
cd "$(dirname "$0")/.."

. bench/lib.sh
bench_init
go build -o "$WORK/fanout" ./bench/fanout
start_redis RS_PORT
start_redwing RW_PORT
wait_ping "$RS_PORT" "$RW_PORT"

fan() { # server port row args... (a failed run is reported on stderr and counts as 0)
	local srv=$1 port=$2 row=$3 v
	shift 3
	v=$("$WORK/fanout" -addr "127.0.0.1:$port" -seconds "$SECS" "$@" | awk '$1 == "RESULT" { print $2 }') || echo "$srv $row failed" >&2
	echo "$srv $row ${v:-0}"
}

run() { # server port
	fan "$1" "$2" PUB1 -mode publish -subs 1
	fan "$1" "$2" PUB100 -mode publish -subs 100
	fan "$1" "$2" XADD -mode xadd
	fan "$1" "$2" XREADGROUP -mode xreadgroup
}

for r in $(seq "$ROUNDS"); do
	if ((r % 2)); then run redis "$RS_PORT"; run redwing "$RW_PORT"; else run redwing "$RW_PORT"; run redis "$RS_PORT"; fi
done >"$WORK/results"

printf "%-18s %14s %14s %8s\n" test "redis /s" "redwing /s" ratio
for T in PUB1 PUB100 XADD XREADGROUP; do
	case $T in
	PUB1) NAME="PUBLISH 1 sub" ;;
	PUB100) NAME="PUBLISH 100 subs" ;;
	XADD) NAME="XADD" ;;
	XREADGROUP) NAME="XREADGROUP+XACK" ;;
	esac
	med() { grep "^$1 $T " "$WORK/results" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
	A=$(med redis)
	B=$(med redwing)
	awk -v t="$NAME" -v a="$A" -v b="$B" 'BEGIN { printf "%-18s %14.0f %14.0f %8.2f\n", t, a, b, (a>0? b/a : 0) }'
done
