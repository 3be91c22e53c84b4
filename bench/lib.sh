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

# same_sched_group: warns when the servers started so far are in different
# scheduler autogroups. A server that daemonized itself or was started
# from another terminal has a session, and so a CPU share, of its own:
# against a load generator with several threads it gets as much CPU as all
# of them together, and the comparison is not a fair one.
same_sched_group() {
	local pid first="" g
	for pid in "${BENCH_PIDS[@]}"; do
		g=$(cat "/proc/$pid/autogroup" 2>/dev/null) || return 0
		g=${g%% *}
		if [ -z "$first" ]; then
			first=$g
		elif [ "$g" != "$first" ]; then
			echo "warning: the servers run in different scheduler autogroups ($first, $g)" >&2
		fi
	done
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
	same_sched_group
}

# ---------------------------------------------------------------------------
# redis-benchmark rows with the server's CPU time per request.

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# bench_cpu SERVER PORT PIPELINE PID redis-benchmark-args...: one line per
# test, "SERVER Pn TEST rps cpu_us_per_request", TEST being the first word
# of redis-benchmark's test name in capitals ("LPUSH (needed to benchmark
# LRANGE)" becomes LPUSH_SETUP). The CPU time (user+system of PID around
# the run) covers the whole invocation: run one test per call. Uses
# CLIENTS and REQUESTS; a pipelined run (-P above 1) sends PIPELINED_SCALE
# (default 10) times as many requests, so that it lasts about as long as
# an unpipelined one: a run of a tenth of a second is a dozen CPU ticks
# and spends a good part of itself warming up. CLIENT_PROCS (default 1)
# splits the connections and requests between that many redis-benchmark
# processes run at once; the rate is all their requests over the slowest one's time
# (redis-benchmark --threads times a run in steps of a quarter second).
bench_cpu() {
	local srv=$1 port=$2 p=$3 pid=$4 a b out n=$REQUESTS procs=${CLIENT_PROCS:-1} q pids=()
	shift 4
	(( p > 1 )) && n=$((REQUESTS * ${PIPELINED_SCALE:-10}))
	a=$(cpu_ticks "$pid")
	for q in $(seq "$procs"); do
		redis-benchmark -h 127.0.0.1 -p "$port" -c $((CLIENTS / procs)) -n $((n / procs)) -P "$p" -q --csv "$@" >"$WORK/bench.$q" 2>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	# "name","rps" lines, in order: all the requests over the time the
	# slowest process took (each sent the same number).
	out=$(cat "$WORK"/bench.[0-9]* | awk -F'","' '$1 !~ /test/ { rps = $2; sub(/".*/, "", rps); rps += 0
			if (!($1 in low)) { order[++k] = $1; low[$1] = rps } else if (rps < low[$1]) low[$1] = rps; runs[$1]++ }
		END { for (i = 1; i <= k; i++) printf "%s\",\"%.2f\"\n", order[i], runs[order[i]] * low[order[i]] }')
	rm -f "$WORK"/bench.[0-9]*
	b=$(cpu_ticks "$pid")
	echo "$out" | sed -e 's/ (needed[^)]*)/_SETUP/' -e 's/ ([^)]*)//' |
		awk -F'","' -v srv="$srv" -v p="$p" -v t=$((b - a)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
			'$1 !~ /test/ { name = $1; sub(/^"/, "", name); split(name, w, " "); rps = $2; sub(/".*/, "", rps)
				printf "%s P%s %s %s %.3f\n", srv, p, toupper(w[1]), rps, t * 1e6 / hz / n }'
}

# cpu_table RESULTS TEST...: medians per test and pipeline (-P 1, -P 16) of
# the rows bench_cpu wrote to RESULTS, with the Redwing/Redis ratios.
cpu_table() {
	local results=$1 P T
	shift
	printf "%-14s %-4s %12s %12s %6s %10s %10s %6s\n" test pipe "redis rps" "redwing rps" ratio "redis µs" "redwing µs" ratio
	for P in 1 16; do
		for T; do
			med() { grep "^$1 P$P $T " "$results" | awk -v f="$2" '{print $f}' | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
			awk -v t="$T" -v p="$P" -v a="$(med redis 4)" -v b="$(med redwing 4)" -v ca="$(med redis 5)" -v cb="$(med redwing 5)" \
				'BEGIN { printf "%-14s %-4s %12.0f %12.0f %6.2f %10.2f %10.2f %6.2f\n", t, "-P"p, a, b, (a>0? b/a : 0), ca, cb, (ca>0? cb/ca : 0) }'
		done
	done
	echo "rps ratio: Redwing/Redis, higher is better; µs: server CPU time per request, ratio Redwing/Redis, lower is better"
}
