package server

import (
	"fmt"
	"net"
	"os"

	"github.com/redwingdb/redwing/internal/config"
)

// Process integration of a server run as a program (Run), as Redis's main
// does it: the pid file, and telling a supervisor (supervised) when the
// server is ready and when it stops.

// defaultPidFile is Redis's CONFIG_DEFAULT_PID_FILE, written by a server
// that daemonizes without a pidfile directive.
const defaultPidFile = "/var/run/redis.pid"

// Supervision returns the supervisor that watches this process, as
// `supervised` and the environment say: "systemd" (NOTIFY_SOCKET),
// "upstart" (UPSTART_JOB) or "" (none, or the one asked for is absent:
// warning says so).
func Supervision(cfg *config.Config) (mode, warning string) {
	switch m := cfg.String("supervised"); m {
	case "auto":
		if os.Getenv("UPSTART_JOB") != "" {
			return "upstart", ""
		}
		if os.Getenv("NOTIFY_SOCKET") != "" {
			return "systemd", ""
		}
	case "systemd":
		if os.Getenv("NOTIFY_SOCKET") == "" {
			return "", "systemd supervision requested or auto-detected, but NOTIFY_SOCKET not found!"
		}
		return m, ""
	case "upstart":
		if os.Getenv("UPSTART_JOB") == "" {
			return "", "upstart supervision requested, but UPSTART_JOB not found!"
		}
		return m, ""
	}
	return "", ""
}

// Daemonizes reports whether a server started with cfg goes to the
// background (daemonize yes, and no supervisor: Redis's rule).
func Daemonizes(cfg *config.Config) bool {
	mode, _ := Supervision(cfg)
	return cfg.Bool("daemonize") && mode == ""
}

type supervision struct {
	s       *Server
	mode    string
	pidFile string // written by this process; removed at exit
}

// startSupervision runs as the server starts: an upstart job stops itself
// to say it started (the supervisor resumes it), and the pid file is
// written when one is configured or the process daemonized.
func (s *Server) startSupervision(daemonized bool) *supervision {
	mode, warning := Supervision(s.Cfg)
	if warning != "" {
		s.Log.Printf("%s", warning)
	}
	sv := &supervision{s: s, mode: mode}
	s.Eng.Supervised = mode
	if mode == "upstart" {
		s.Log.Printf("supervised by upstart, will stop to signal readiness.")
		stopSelf() // supervise_unix.go
		os.Unsetenv("UPSTART_JOB")
	}
	path := s.Cfg.String("pidfile")
	if path == "" && daemonized {
		path = defaultPidFile
	}
	if path != "" {
		if err := os.WriteFile(path, fmt.Appendf(nil, "%d\n", os.Getpid()), 0o644); err != nil {
			s.Log.Printf("Failed to write PID file: %v", err)
		} else {
			sv.pidFile = path
		}
	}
	return sv
}

// ready runs once the dataset is loaded.
func (sv *supervision) ready() {
	if sv.mode == "systemd" {
		sv.notify("STATUS=Ready to accept connections\n")
		sv.notify("READY=1\n")
	}
}

// stopping runs as the server shuts down.
func (sv *supervision) stopping() {
	if sv.mode == "systemd" {
		sv.notify("STOPPING=1\n")
	}
}

// exit runs after the server stopped.
func (sv *supervision) exit() {
	if sv.pidFile != "" {
		sv.s.Log.Printf("Removing the pid file.")
		os.Remove(sv.pidFile)
	}
}

// notify sends a state line to systemd (sd_notify's protocol: one datagram
// to the unix socket NOTIFY_SOCKET names, "@" for the abstract namespace).
func (sv *supervision) notify(state string) {
	addr := &net.UnixAddr{Name: os.Getenv("NOTIFY_SOCKET"), Net: "unixgram"}
	c, err := net.DialUnix("unixgram", nil, addr)
	if err != nil {
		sv.s.Log.Printf("Can't connect to systemd socket %s: %v", addr.Name, err)
		return
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		sv.s.Log.Printf("Can't send notification to systemd: %v", err)
	}
}
