# Start-up shared by the side-by-side benchmark scripts (sourced; defines
# functions only). From the repository root:
#
#   . bench/lib.sh
#   bench_init [tool...]               # WORK dir, cleanup trap, $WORK/redwing
#   start_redis RS_PORT [args...]      # redis-server on a free port
#   start_redwing RW_PORT [args...]    # Redwing on a free port
#   wait_ping "$RS_PORT" "$RW_PORT"
#
# start_* run the server with --port, then REDIS_ARGS / REDWING_ARGS (set by
# bench_init: loopback, no persistence, dir $WORK), then the extra args; a
# script whose servers take other flags replaces the arrays. Logs go to
# $WORK/redis.log and $WORK/redwing.log. SERVER_PID is the last server
# started; stop_servers (and the EXIT trap) stops every one of them.

BENCH_PIDS=()

# bench_init [tool...]: redis-server, redis-cli and the tools named must be
# installed.
bench_init() {
	local t hint
	for t in redis-server redis-cli "$@"; do
		hint=
		[[ $t == redis-* ]] && hint=" (apt-get install -y redis-server)"
		command -v "$t" >/dev/null || { echo "$t is required$hint" >&2; exit 1; }
	done
	WORK=$(mktemp -d)
	trap bench_cleanup EXIT
	go build -o "$WORK/redwing" ./cmd/redwing
	REDIS_ARGS=(--bind 127.0.0.1 --save '' --appendonly no --dir "$WORK")
	REDWING_ARGS=(--bind 127.0.0.1 --save '' --dir "$WORK")
}

bench_cleanup() {
	stop_servers
	rm -rf "$WORK"
}

# Waits for the servers to exit so that none outlives the script.
stop_servers() {
	[ ${#BENCH_PIDS[@]} -gt 0 ] || return 0
	kill "${BENCH_PIDS[@]}" 2>/dev/null || true
	wait "${BENCH_PIDS[@]}" 2>/dev/null || true
	BENCH_PIDS=()
}

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }

start_redis() { # PORTVAR [args...]
	printf -v "$1" %s "$(free_port)"
	redis-server --port "${!1}" "${REDIS_ARGS[@]}" "${@:2}" >"$WORK/redis.log" 2>&1 &
	SERVER_PID=$!
	BENCH_PIDS+=("$SERVER_PID")
}

# Environment assignments before the call (GODEBUG=...) reach the server.
start_redwing() { # PORTVAR [args...]
	printf -v "$1" %s "$(free_port)"
	"$WORK/redwing" --port "${!1}" "${REDWING_ARGS[@]}" "${@:2}" >"$WORK/redwing.log" 2>&1 &
	SERVER_PID=$!
	BENCH_PIDS+=("$SERVER_PID")
}

# wait_ping PORT...: fails after 10 s rather than benchmark a dead server.
wait_ping() {
	local p
	for p; do
		for _ in $(seq 100); do
			[ "$(redis-cli -p "$p" ping 2>/dev/null)" = PONG ] && continue 2
			sleep 0.1
		done
		echo "server on port $p did not start" >&2
		tail -n 5 "$WORK"/*.log >&2
		return 1
	done
}
