//go:build unix

package server

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/config"
)

// syslog-enabled yes: log lines also go to syslog, with syslog-ident and
// syslog-facility (local3 at notice: priority 157), without the log's own
// date and time.
func TestSyslog(t *testing.T) {
	dir := t.TempDir()
	sock, next := datagramSocket(t, dir, "log")
	syslogAddr = sock
	defer func() { syslogAddr = "" }()
	cfg := config.New()
	if err := cfg.ApplyArgs([]string{"--syslog-enabled", "yes", "--syslog-ident", "rwtest", "--syslog-facility", "local3", "--dir", dir, "--logfile", "redwing.log"}); err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg, Options{ListenAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	s.Log.Printf("hello syslog")
	got := next()
	if !strings.HasPrefix(got, "<157>") || !strings.Contains(got, " rwtest[") || !strings.HasSuffix(strings.TrimSpace(got), "]: hello syslog") {
		t.Fatalf("syslog line %q", got)
	}
}

// datagramSocket listens on a unix datagram socket dir/name (as syslog or
// systemd would) and returns its path and a reader of its next message.
func datagramSocket(t *testing.T, dir, name string) (string, func() string) {
	t.Helper()
	sock := filepath.Join(dir, name)
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Skip("no unixgram sockets:", err)
	}
	t.Cleanup(func() { ln.Close() })
	return sock, func() string {
		t.Helper()
		ln.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 512)
		n, err := ln.Read(buf)
		if err != nil {
			t.Fatalf("no message on %s: %v", name, err)
		}
		return string(buf[:n])
	}
}
