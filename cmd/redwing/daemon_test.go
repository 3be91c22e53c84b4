//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

// daemonize yes: the command returns at once, a server in a session of its
// own answers, its pid file names it, and SHUTDOWN removes the pid file.
func TestDaemonize(t *testing.T) {
	bin, err := testkit.BuildRedwing("redwing-daemon-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(filepath.Dir(bin))
	dir := t.TempDir()
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "redwing.pid")
	cmd := exec.Command(bin, "--daemonize", "yes", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--save", "", "--pidfile", pidFile, "--logfile", "redwing.log")
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET=", "UPSTART_JOB=")
	if out, err := cmd.CombinedOutput(); err != nil || len(out) != 0 {
		t.Fatalf("the foreground process: %v, output %q", err, out)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	var c *testkit.Client
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err = testkit.Dial(addr); err == nil {
			if v, err := c.Do("PING"); err == nil && v.Str == "PONG" {
				break
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("no daemon answering on %s", addr)
		}
	}
	defer c.Close()
	b, _ := os.ReadFile(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid == cmd.Process.Pid {
		t.Fatalf("pid file %q (the foreground process was %d)", b, cmd.Process.Pid)
	}
	defer func() { // in case the test fails before SHUTDOWN
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}()
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command's ")": state ppid pgrp session ...
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if f[3] != strconv.Itoa(pid) {
		t.Fatalf("daemon %d is in session %s, want its own", pid, f[3])
	}
	c.Do("SHUTDOWN", "NOSAVE")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(pidFile); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pid file outlived SHUTDOWN")
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "redwing.log")); !strings.Contains(string(b), "Removing the pid file") {
		t.Fatalf("logfile holds %q", b)
	}
}
