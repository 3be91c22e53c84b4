#!/usr/bin/env bash
# Side-by-side TLS benchmark: Debian's redis-server (built with OpenSSL) vs
# Redwing (crypto/tls), both serving TLS on the same machine, same run.
# Certificates (a throwaway CA, server and client) are generated with the
# openssl CLI; clients authenticate with a certificate (tls-auth-clients
# yes, the default). Alternates the two servers over several rounds and
# prints the median requests/second of each and the Redwing/Redis ratio,
# plus the plain-TCP Redwing figures for the TLS overhead.
#
#   bench/tls_compare.sh [rounds] [requests]
#   TESTS=set,get CLIENTS=50 bench/tls_compare.sh
set -euo pipefail
ROUNDS=${1:-5}
REQUESTS=${2:-100000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS:-set,get}
cd "$(dirname "$0")/.."

. bench/lib.sh
bench_init redis-benchmark openssl

# Throwaway PKI.
(
	cd "$WORK"
	echo "subjectAltName=IP:127.0.0.1,DNS:localhost" >san.ext
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=bench-ca 2>/dev/null
	for n in server client; do
		openssl req -newkey rsa:2048 -nodes -keyout $n.key -out $n.csr -subj /CN=$n 2>/dev/null
		openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $n.crt -days 1 -extfile san.ext 2>/dev/null
	done
)
TLSARGS=(--tls-cert-file "$WORK/server.crt" --tls-key-file "$WORK/server.key" --tls-ca-cert-file "$WORK/ca.crt")
RS_TLS=$(free_port)
RW_TLS=$(free_port)
start_redis RS_PORT --tls-port "$RS_TLS" "${TLSARGS[@]}"
start_redwing RW_PORT --tls-port "$RW_TLS" "${TLSARGS[@]}"
wait_ping "$RS_PORT" "$RW_PORT"
CLIENTTLS=(--tls --cacert "$WORK/ca.crt" --cert "$WORK/client.crt" --key "$WORK/client.key")
for p in "$RS_TLS" "$RW_TLS"; do
	redis-cli -p "$p" "${CLIENTTLS[@]}" ping >/dev/null || { echo "TLS ping on $p failed" >&2; cat "$WORK"/*.log >&2; exit 1; }
done

run() { # label port pipeline [tls]
	local extra=()
	[ -n "${4:-}" ] && extra=("${CLIENTTLS[@]}")
	redis-benchmark -h 127.0.0.1 -p "$2" "${extra[@]}" -c "$CLIENTS" -n "$REQUESTS" -P "$3" -t "$TESTS" -q --csv 2>/dev/null |
		sed -e 's/ ([^)]*)//' | awk -F',' -v srv="$1" -v p="$3" '$1 !~ /test/ { gsub(/"/,""); print srv" P"p" "$1" "$2 }'
}
for r in $(seq "$ROUNDS"); do
	for P in 1 16; do
		if (( r % 2 )); then
			run redis "$RS_TLS" "$P" tls; run redwing "$RW_TLS" "$P" tls
		else
			run redwing "$RW_TLS" "$P" tls; run redis "$RS_TLS" "$P" tls
		fi
		run redwing-plain "$RW_PORT" "$P"
	done
done >"$WORK/results"

printf "%-6s %-4s %16s %16s %8s %18s\n" test pipe "redis tls rps" "redwing tls rps" ratio "redwing plain rps"
for P in 1 16; do
	for T in $(echo "$TESTS" | tr a-z A-Z | tr , ' '); do
		med() { grep "^$1 P$P $T " "$WORK/results" | awk '{print $4}' | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
		A=$(med redis); B=$(med redwing); C=$(med redwing-plain)
		awk -v t="$T" -v p="$P" -v a="$A" -v b="$B" -v c="$C" 'BEGIN { printf "%-6s %-4s %16.0f %16.0f %8.2f %18.0f\n", t, "-P"p, a, b, (a>0? b/a : 0), c }'
	done
done
