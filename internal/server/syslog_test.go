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
	sock := filepath.Join(dir, "log")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Skip("no unixgram sockets:", err)
	}
	defer ln.Close()
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
	ln.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	n, err := ln.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	got := string(buf[:n])
	if !strings.HasPrefix(got, "<157>") || !strings.Contains(got, " rwtest[") || !strings.HasSuffix(strings.TrimSpace(got), "]: hello syslog") {
		t.Fatalf("syslog line %q", got)
	}
}
