//go:build linux

package server

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/testkit"
)

// Run under systemd (supervised systemd, NOTIFY_SOCKET): readiness after
// the load, STOPPING at shutdown; the pid file written and removed; the
// log in logfile.
func TestRunSupervisedPidFileLogFile(t *testing.T) {
	dir := t.TempDir()
	sock, next := datagramSocket(t, dir, "notify")
	t.Setenv("NOTIFY_SOCKET", sock)
	pidFile, logPath := filepath.Join(dir, "redwing.pid"), filepath.Join(dir, "redwing.log")
	cfg := config.New()
	if err := cfg.ApplyArgs([]string{"--port", freePort(t), "--bind", "127.0.0.1", "--save", "", "--dir", dir,
		"--supervised", "systemd", "--pidfile", pidFile, "--logfile", "redwing.log"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, false) }()
	defer func() { cancel(); <-done }()

	if got := next(); got != "STATUS=Ready to accept connections\n" {
		t.Fatalf("first notification %q", got)
	}
	if got := next(); got != "READY=1\n" {
		t.Fatalf("second notification %q", got)
	}
	if b, err := os.ReadFile(pidFile); err != nil || string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Fatalf("pid file: %q, %v; want %d", b, err, os.Getpid())
	}
	c, err := testkit.Dial("127.0.0.1:" + cfg.String("port"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Do("INFO", "server")
	c.Close()
	if err != nil || !strings.Contains(info.Str, "process_supervised:systemd\r\n") {
		t.Fatalf("INFO server: %q, %v", info.Str, err)
	}
	// disable-thp yes (the default): Run turned THP off for the process.
	t.Cleanup(func() { syscall.RawSyscall6(syscall.SYS_PRCTL, prSetTHPDisable, 0, 0, 0, 0, 0) })
	if b, err := os.ReadFile("/proc/self/status"); err == nil && strings.Contains(string(b), "THP_enabled:") &&
		!strings.Contains(string(b), "THP_enabled:\t0") {
		t.Fatal("transparent huge pages still enabled for the process")
	}
	if b, _ := os.ReadFile(logPath); !strings.Contains(string(b), "ready to accept connections") {
		t.Fatalf("logfile (relative to dir) holds %q", b)
	}
	cancel()
	if got := next(); got != "STOPPING=1\n" {
		t.Fatalf("at shutdown: %q", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	done <- nil // for the deferred wait
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("pid file left behind: %v", err)
	}
}

// supervised auto picks what the environment names; systemd without
// NOTIFY_SOCKET is no supervision, with Redis's warning; daemonize yes
// goes to the background only without a supervisor.
func TestSupervisionModes(t *testing.T) {
	for _, c := range []struct {
		supervised, notify, upstart, want string
		warns, daemonizes                 bool
	}{
		{"no", "/x", "", "", false, true},
		{"auto", "", "", "", false, true},
		{"auto", "/x", "", "systemd", false, false},
		{"auto", "/x", "job", "upstart", false, false},
		{"systemd", "", "", "", true, true},
		{"systemd", "/x", "", "systemd", false, false},
		{"upstart", "/x", "", "", true, true},
	} {
		t.Setenv("NOTIFY_SOCKET", c.notify)
		t.Setenv("UPSTART_JOB", c.upstart)
		cfg := config.New()
		if err := cfg.ApplyArgs([]string{"--supervised", c.supervised, "--daemonize", "yes"}); err != nil {
			t.Fatal(err)
		}
		mode, warning := Supervision(cfg)
		if mode != c.want || (warning != "") != c.warns || Daemonizes(cfg) != c.daemonizes {
			t.Errorf("%+v: mode %q, warning %q, daemonizes %v", c, mode, warning, Daemonizes(cfg))
		}
	}
}
