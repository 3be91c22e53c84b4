// Command redwing runs a Redwing server.
//
//	redwing [/path/to/redis.conf] [--port 6379] [--bind 127.0.0.1] [--requirepass pw] ...
//
// Every redis.conf directive can be given as --name value, as with redis-server.
//
//	redwing check-rdb <dump.rdb>
//	redwing check-aof [--fix] <appendonly.aof | appendonlydir | *.manifest>
//
// validate persistence files without starting a server (redis-check-rdb,
// redis-check-aof).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"syscall"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/server"
)

// daemonEnv marks the background process of a daemonize yes start.
const daemonEnv = "REDWING_DAEMONIZED"

func main() {
	args := os.Args[1:]
	if len(args) > 0 && (args[0] == "check-aof" || args[0] == "check-rdb") {
		os.Exit(checkTool(args[0], args[1:]))
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Println("Usage: redwing [/path/to/redis.conf] [--config FILE] [--<directive> <value> ...]")
		fmt.Println("Examples: redwing --port 7777 --requirepass secret; redwing redis.conf --loglevel verbose")
		return
	}
	if len(args) > 0 && (args[0] == "-v" || args[0] == "--version") {
		fmt.Println("Redwing server v=" + server.Version)
		return
	}
	// --config FILE is an alias for the positional config file.
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--config" {
			file := args[i+1]
			args = append([]string{file}, append(args[:i:i], args[i+2:]...)...)
			break
		}
	}
	cfg := config.New()
	// Redis's built-in default binds every interface; a server started
	// without configuration should only be reachable locally.
	if err := cfg.Set("bind", "127.0.0.1 -::1"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := cfg.ApplyArgs(args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	// daemonize yes: the program starts again in the background (marked
	// by daemonEnv) and this process exits, as Redis's parent does.
	daemonized := os.Getenv(daemonEnv) == "1"
	os.Unsetenv(daemonEnv)
	if !daemonized && server.Daemonizes(cfg) {
		if err := startDaemon(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	// REDWING_CPUPROFILE=file writes a CPU profile until shutdown (for
	// performance work with go tool pprof).
	if f := os.Getenv("REDWING_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err == nil && pprof.StartCPUProfile(out) == nil {
			defer func() { pprof.StopCPUProfile(); out.Close() }()
		}
	}
	// REDWING_TRACE=file writes an execution trace until shutdown (for
	// latency work with go tool trace: scheduling, GC phases, syscalls).
	if f := os.Getenv("REDWING_TRACE"); f != "" {
		out, err := os.Create(f)
		if err == nil && trace.Start(out) == nil {
			defer func() { trace.Stop(); out.Close() }()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := server.Run(ctx, cfg, daemonized); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
