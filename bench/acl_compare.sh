#!/usr/bin/env bash
# ACL overhead, side by side: Debian's redis-server vs Redwing, each with
# the default user (unrestricted: Redwing's one-bool fast path) and with a
# restrictive ACL user (~key:* +@all -@dangerous, authenticated through
# redis-benchmark --user/-a), so every command goes through the full
# command, key-pattern check. Alternates servers and users over several
# rounds and prints medians and ratios.
#
#   bench/acl_compare.sh [rounds] [requests]
#   CLIENTS=50 TESTS=set,get bench/acl_compare.sh
set -euo pipefail
ROUNDS=${1:-5}
REQUESTS=${2:-200000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-set,get}
cd "$(dirname "$0")/.."

. bench/lib.sh
bench_init redis-benchmark
start_redis RS_PORT
start_redwing RW_PORT
wait_ping "$RS_PORT" "$RW_PORT"
for p in "$RS_PORT" "$RW_PORT"; do
	redis-cli -p "$p" ACL SETUSER bench on '>benchpw' '~key:*' '+@all' '-@dangerous' >/dev/null
done

run() { # server port pipeline user
	local auth=()
	[ "$4" = acl ] && auth=(--user bench -a benchpw)
	redis-benchmark -h 127.0.0.1 -p "$2" "${auth[@]}" -c "$CLIENTS" -n "$REQUESTS" -P "$3" -r 100000 -t "$TESTS" -q --csv 2>/dev/null |
		sed -e 's/ ([^)]*)//' | awk -F',' -v srv="$1" -v p="$3" -v u="$4" '$1 !~ /test/ { gsub(/"/,""); print srv" "u" P"p" "$1" "$2 }'
}
for r in $(seq "$ROUNDS"); do
	for P in 1 16; do
		for U in default acl; do
			if (( r % 2 )); then run redis "$RS_PORT" "$P" "$U"; run redwing "$RW_PORT" "$P" "$U"; else run redwing "$RW_PORT" "$P" "$U"; run redis "$RS_PORT" "$P" "$U"; fi
		done
	done
done >"$WORK/results"

med() { grep "^$1 $2 P$3 $4 " "$WORK/results" | awk '{print $5}' | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf "%-5s %-4s %12s %12s %12s %12s %9s %9s %9s %9s\n" test pipe "redis def" "redis acl" "redwing def" "redwing acl" "rw/rd def" "rw/rd acl" "rd acl/def" "rw acl/def"
for P in 1 16; do
	for T in $(echo "$TESTS" | tr a-z A-Z | tr , ' '); do
		A=$(med redis default "$P" "$T"); B=$(med redis acl "$P" "$T")
		C=$(med redwing default "$P" "$T"); D=$(med redwing acl "$P" "$T")
		awk -v t="$T" -v p="$P" -v a="$A" -v b="$B" -v c="$C" -v d="$D" 'BEGIN {
			printf "%-5s %-4s %12.0f %12.0f %12.0f %12.0f %9.2f %9.2f %9.2f %9.2f\n", t, "-P"p, a, b, c, d,
				(a>0? c/a:0), (b>0? d/b:0), (a>0? b/a:0), (c>0? d/c:0) }'
	done
done
