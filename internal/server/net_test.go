package server

import (
	"bufio"
	"context"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/testkit"
)

// nonLoopbackIP returns an IPv4 address of this host that is not loopback.
func nonLoopbackIP(t *testing.T) net.IP {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip(err)
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			return ipn.IP
		}
	}
	t.Skip("no non-loopback IPv4 address")
	return nil
}

// startWith starts a server from args, listening as Redis would (bind,
// port, unixsocket) unless listen is set.
func startWith(t *testing.T, listen string, args ...string) (*Server, error) {
	t.Helper()
	cfg := config.New()
	if err := cfg.ApplyArgs(args); err != nil {
		return nil, err
	}
	s, err := New(cfg, Options{ListenAddr: listen, Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		return nil, err
	}
	if err := s.Load(); err != nil {
		return nil, err
	}
	if err := s.Listen(); err != nil {
		return nil, err // Close waits for Serve, which never ran
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
	return s, nil
}

// readAll connects to addr and reads what the server sends before closing.
func readAll(t *testing.T, network, addr string, send string) string {
	t.Helper()
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if send != "" {
		c.Write([]byte(send))
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	b, _ := io.ReadAll(c)
	return string(b)
}

func TestProtectedMode(t *testing.T) {
	ip := nonLoopbackIP(t)
	s, err := startWith(t, "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(s.Addr())
	remote := net.JoinHostPort(ip.String(), port)
	if got := readAll(t, "tcp", remote, ""); got != deniedMsg {
		t.Fatalf("non-loopback client got %q", got)
	}
	if !strings.HasPrefix(deniedMsg, "-DENIED Redis is running in protected mode") || !strings.HasSuffix(deniedMsg, "from the outside.\r\n") || len(deniedMsg) != 1067 {
		t.Fatalf("DENIED text changed: %d bytes", len(deniedMsg))
	}
	if got := readAll(t, "tcp", "127.0.0.1:"+port, "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
		t.Fatalf("loopback client got %q", got)
	}
	ctx := context.Background()
	local := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, Protocol: 2, DisableIdentity: true})
	defer local.Close()
	if n := s.Eng.Stats.RejectedConns.Load(); n != 1 {
		t.Fatalf("rejected_connections %d", n)
	}
	// A password for the default user lifts protected mode.
	if err := local.ConfigSet(ctx, "requirepass", "pw").Err(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, "tcp", remote, "PING\r\n"); got != "-NOAUTH Authentication required.\r\n" {
		t.Fatalf("with requirepass: %q", got)
	}
	if err := local.Do(ctx, "AUTH", "pw").Err(); err != nil {
		t.Fatal(err)
	}
	if err := local.ConfigSet(ctx, "requirepass", "").Err(); err != nil {
		t.Fatal(err)
	}
	// protected-mode no lets everyone in.
	if err := local.ConfigSet(ctx, "protected-mode", "no").Err(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, "tcp", remote, "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
		t.Fatalf("protected-mode no: %q", got)
	}
}

func TestIsLoopbackPeer(t *testing.T) {
	for _, tc := range []struct {
		a    net.Addr
		want bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, true},
		{&net.TCPAddr{IP: net.IPv6loopback}, true},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, false}, // Redis compares with "127.0.0.1"
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 1)}, false},
		{&net.UnixAddr{Name: "", Net: "unix"}, true},
	} {
		if got := isLoopbackPeer(tc.a); got != tc.want {
			t.Errorf("%v: %v", tc.a, got)
		}
	}
}

func TestBindAddresses(t *testing.T) {
	port := freePort(t)
	// An optional address missing on this host is skipped.
	s, err := startWith(t, "", "--port", port, "--bind", "127.0.0.1", "-192.0.2.254", "-::1")
	if err != nil {
		t.Fatalf("optional bind address: %v", err)
	}
	if got := readAll(t, "tcp", "127.0.0.1:"+port, "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
		t.Fatalf("got %q", got)
	}
	s.Close()
	// A missing non-optional address is fatal, as in Redis.
	if _, err := startWith(t, "", "--port", freePort(t), "--bind", "127.0.0.1", "192.0.2.254"); err == nil {
		t.Fatal("non-optional missing address accepted")
	}
	// A port in use is fatal even for an optional address.
	busy, _ := net.Listen("tcp", "127.0.0.1:0")
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	if _, err := startWith(t, "", "--port", busyPort, "--bind", "-127.0.0.1"); err == nil {
		t.Fatal("busy port accepted")
	}
	// * and ::* listen on every address.
	port = freePort(t)
	s, err = startWith(t, "", "--port", port, "--bind", "*", "-::*", "--protected-mode", "no")
	if err != nil {
		t.Fatal(err)
	}
	ip := nonLoopbackIP(t)
	if got := readAll(t, "tcp", net.JoinHostPort(ip.String(), port), "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
		t.Fatalf("bind *: %q", got)
	}
	// CONFIG SET bind rebinds; a bad set fails with Redis's text and keeps
	// the old sockets.
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, Protocol: 2, DisableIdentity: true})
	defer c.Close()
	err = c.ConfigSet(ctx, "bind", "127.0.0.1 192.0.2.254").Err()
	if err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses." {
		t.Fatalf("bad bind: %v", err)
	}
	if got := readAll(t, "tcp", net.JoinHostPort(ip.String(), port), "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
		t.Fatalf("after failed bind: %q", got)
	}
	if err := c.ConfigSet(ctx, "bind", "127.0.0.1").Err(); err != nil {
		t.Fatal(err)
	}
	if conn, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), port), time.Second); err == nil {
		conn.Close()
		t.Fatal("still listening on every address after bind 127.0.0.1")
	}
	if got := readAll(t, "tcp", "127.0.0.1:"+port, "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
		t.Fatalf("after bind 127.0.0.1: %q", got)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("established connection after rebind: %v", err)
	}
}

func TestUnixSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "redwing.sock")
	_, err := startWith(t, "", "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 || st.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket mode %v", st.Mode())
	}
	if got := readAll(t, "unix", sock, "PING\r\nCLIENT INFO\r\nQUIT\r\n"); !strings.HasPrefix(got, "+PONG\r\n") || !strings.Contains(got, "addr="+sock+":0") || !strings.Contains(got, " flags=U ") {
		t.Fatalf("unix client got %q", got)
	}
	// Port 0 and no unix socket: nothing to listen on.
	if _, err := startWith(t, "", "--port", "0"); err == nil || err.Error() != "Configured to not listen anywhere, exiting." {
		t.Fatalf("no listener: %v", err)
	}
}

func TestMaxClients(t *testing.T) {
	s, err := startWith(t, "127.0.0.1:0", "--maxclients", "2")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("PING\r\n"))
		r := bufio.NewReader(c)
		if l, _ := r.ReadString('\n'); l != "+PONG\r\n" {
			t.Fatalf("client %d: %q", i, l)
		}
		conns = append(conns, c)
	}
	if got := readAll(t, "tcp", s.Addr(), ""); got != "-ERR max number of clients reached\r\n" {
		t.Fatalf("third client: %q", got)
	}
	conns[0].Close()
	deadline := time.Now().Add(2 * time.Second)
	for s.Eng.NumClients() > 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := readAll(t, "tcp", s.Addr(), "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
		t.Fatalf("after a client left: %q", got)
	}
}

func TestIdleTimeout(t *testing.T) {
	s, err := startWith(t, "127.0.0.1:0", "--timeout", "1")
	if err != nil {
		t.Fatal(err)
	}
	idle, _ := net.Dial("tcp", s.Addr())
	defer idle.Close()
	blocked, _ := net.Dial("tcp", s.Addr())
	defer blocked.Close()
	blocked.Write([]byte("BLPOP nokey 0\r\n"))
	sub, _ := net.Dial("tcp", s.Addr())
	defer sub.Close()
	sub.Write([]byte("SUBSCRIBE ch\r\n"))
	start := time.Now()
	idle.SetReadDeadline(time.Now().Add(4 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("idle client: %v", err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("closed after %v", d)
	}
	// Blocked and subscribed clients are not timed out.
	for _, c := range []net.Conn{blocked, sub} {
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		buf := make([]byte, 4096)
		for {
			_, err := c.Read(buf)
			if err == nil {
				continue
			}
			if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
				t.Fatalf("blocked/subscribed client closed: %v", err)
			}
			break
		}
	}
}

func TestOutputBufferLimitNormal(t *testing.T) {
	s, err := startWith(t, "127.0.0.1:0", "--client-output-buffer-limit", "normal", "1mb", "0", "0")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), Protocol: 2, DisableIdentity: true, MaxRetries: -1})
	defer c.Close()
	vals := make([]any, 100000)
	for i := range vals {
		vals[i] = "xxxxxxxxxxxxxxxxxxxx"
	}
	if err := c.RPush(ctx, "L", vals...).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := c.LRange(ctx, "L", 0, 9999).Result(); err != nil || len(n) != 10000 {
		t.Fatalf("small LRANGE: %d %v", len(n), err)
	}
	// A 2.6MB reply is over the 1mb hard limit: the client is closed and
	// gets nothing, as in Redis.
	if got := readAll(t, "tcp", s.Addr(), "LRANGE L 0 -1\r\n"); got != "" {
		t.Fatalf("over the hard limit got %d bytes", len(got))
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestRenameCommand(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "redis.conf")
	os.WriteFile(conf, []byte("rename-command get fetch\nrename-command FLUSHALL \"\"\n"), 0o600)
	cfg := config.New()
	if err := cfg.LoadFile(conf); err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg, Options{ListenAddr: "127.0.0.1:0", Logger: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	s.Load()
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	defer s.Close()
	got := readAll(t, "tcp", s.Addr(), "SET k v\r\nGET k\r\nFETCH k\r\nFLUSHALL\r\nQUIT\r\n")
	want := "+OK\r\n-ERR unknown command 'GET', with args beginning with: 'k' \r\n$1\r\nv\r\n-ERR unknown command 'FLUSHALL', with args beginning with: \r\n+OK\r\n"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	for _, tc := range []struct{ text, msg string }{
		{"rename-command nosuch x\n", "No such command in rename-command"},
		{"rename-command get set\n", "Target command name already exists"},
	} {
		os.WriteFile(conf, []byte(tc.text), 0o600)
		cfg := config.New()
		if err := cfg.LoadFile(conf); err != nil {
			t.Fatal(err)
		}
		_, err := New(cfg, Options{ListenAddr: "127.0.0.1:0", Logger: log.New(io.Discard, "", 0)})
		if err == nil || !strings.HasSuffix(err.Error(), tc.msg) || !strings.Contains(err.Error(), "at line 1") {
			t.Errorf("%q: %v", tc.text, err)
		}
	}
}

func TestUnauthenticatedLimits(t *testing.T) {
	s, err := startWith(t, "127.0.0.1:0", "--requirepass", "pw")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ send, want string }{
		{"*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n"},
		{"*2\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n"},
		{"*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"*3\r\n$4\r\nAUTH\r\n$2\r\npw\r\n", ""}, // incomplete: nothing yet
	} {
		c, _ := net.Dial("tcp", s.Addr())
		c.Write([]byte(tc.send))
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		b, _ := io.ReadAll(c)
		c.Close()
		if string(b) != tc.want {
			t.Errorf("%q: got %q want %q", tc.send, b, tc.want)
		}
	}
	// After AUTH the ordinary limits apply.
	big := strings.Repeat("x", 20000)
	got := readAll(t, "tcp", s.Addr(), "AUTH pw\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$20000\r\n"+big+"\r\nSTRLEN k\r\nQUIT\r\n")
	if got != "+OK\r\n+OK\r\n:20000\r\n+OK\r\n" {
		t.Fatalf("after AUTH: %q", got)
	}
}

// TestHostileInputMatchesOracle sends the same raw bytes to redis-server
// and Redwing and compares everything each sends back before closing:
// protected mode, limits before and after AUTH, malformed requests.
func TestHostileInputMatchesOracle(t *testing.T) {
	if testkit.RedisServerPath() == "" {
		if os.Getenv("REDWING_REQUIRE_ORACLE") != "" {
			t.Fatal("redis-server not found")
		}
		t.Skip("redis-server not found")
	}
	ip := nonLoopbackIP(t)
	compare := func(what string, oracleArgs []string, redwingArgs []string, viaIP bool, sends []string) {
		o, err := testkit.StartOracle(oracleArgs...)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Stop()
		listen := "127.0.0.1:0"
		if viaIP {
			listen = "0.0.0.0:0"
		}
		s, err := startWith(t, listen, redwingArgs...)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		addrOf := func(a string) string {
			if !viaIP {
				return a
			}
			_, port, _ := net.SplitHostPort(a)
			return net.JoinHostPort(ip.String(), port)
		}
		for _, send := range sends {
			want := readFor(t, addrOf(o.Addr), send)
			got := readFor(t, addrOf(s.Addr()), send)
			if got != want {
				t.Errorf("%s, %.40q:\n redwing %q\n redis   %q", what, send, got, want)
			}
		}
	}
	// The oracle helper binds 127.0.0.1; bind every address for the
	// protected mode case.
	compare("protected mode", []string{"--bind", "0.0.0.0"}, nil, true, []string{"", "PING\r\n"})
	compare("protected mode off", []string{"--bind", "0.0.0.0", "--protected-mode", "no"}, []string{"--protected-mode", "no"}, true, []string{"PING\r\n"})
	compare("before AUTH", []string{"--requirepass", "pw"}, []string{"--requirepass", "pw"}, false, []string{
		"*11\r\n", "*10\r\n$4\r\nPING\r\n", "*2\r\n$16385\r\n", "*2\r\n$16384\r\n", "*1\r\n$-5\r\n", "*1\r\n$536870913\r\n",
		"*2147483648\r\n", "*-1\r\nPING\r\n", "PING\r\n", "AUTH pw\r\n*2\r\n$4\r\nECHO\r\n$20000\r\n" + strings.Repeat("e", 20000) + "\r\n",
		"AUTH wrong\r\n*11\r\n", "AUTH pw\r\n*11\r\n$4\r\nPING\r\n",
	})
	big := func(n int) string {
		return "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + strconv.Itoa(n) + "\r\n" + strings.Repeat("v", n) + "\r\n"
	}
	compare("query buffer limit", []string{"--client-query-buffer-limit", "1mb"}, []string{"--client-query-buffer-limit", "1mb"}, false, []string{
		big(2 << 20), big(900<<10) + "STRLEN k\r\n",
	})
	compare("proto-max-bulk-len", []string{"--proto-max-bulk-len", "1mb"}, []string{"--proto-max-bulk-len", "1mb"}, false, []string{
		big(1<<20 + 1), big(1 << 20),
	})
	compare("malformed", nil, nil, false, []string{
		"*1\r\n$99999999999999999999\r\n", "*abc\r\n", "*1\r\n+PING\r\n", "*1\r\n$4\r\nPING\r\n*1\r\nx", "\"unbalanced\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nvv\r\n", strings.Repeat("x", 70000), "*1\r\n$" + strings.Repeat("1", 70000),
		"POST / HTTP/1.1\r\nHost: x\r\n\r\n",
	})
}

// readFor sends data and returns what arrives until the server closes or
// goes quiet for 300ms.
func readFor(t *testing.T, addr, send string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if send != "" {
		c.Write([]byte(send))
	}
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return string(out)
		}
	}
}

// enable-protected-configs and enable-debug-command "local" allow local
// connections only.
func TestLocalOnlyGates(t *testing.T) {
	ip := nonLoopbackIP(t)
	dir := t.TempDir()
	s, err := startWith(t, "0.0.0.0:0", "--protected-mode", "no", "--enable-protected-configs", "local", "--enable-debug-command", "local")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(s.Addr())
	remote := net.JoinHostPort(ip.String(), port)
	set := "*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$3\r\ndir\r\n$" + strconv.Itoa(len(dir)) + "\r\n" + dir + "\r\n"
	if got := readFor(t, remote, set+"DEBUG SLEEP 0\r\n"); got != "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n"+
		"-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n" {
		t.Fatalf("remote client: %q", got)
	}
	if got := readFor(t, "127.0.0.1:"+port, set+"DEBUG SLEEP 0\r\n"); got != "+OK\r\n+OK\r\n" {
		t.Fatalf("local client: %q", got)
	}
}

// A connection accepted while the server stops, after Serve closed the
// ones it knew, must not keep Serve waiting for its client.
func TestTrackClosesConnAcceptedAtShutdown(t *testing.T) {
	s := &Server{quit: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	open, peerOpen := net.Pipe()
	defer peerOpen.Close()
	s.track(open)
	if err := open.SetDeadline(time.Time{}); err != nil {
		t.Fatalf("a connection accepted while running was closed: %v", err)
	}
	close(s.quit)
	late, peer := net.Pipe()
	defer peer.Close()
	s.track(late)
	if err := late.SetDeadline(time.Time{}); err == nil {
		t.Fatal("a connection accepted after quit is still open")
	}
	if len(s.conns) != 2 {
		t.Fatalf("%d connections tracked, want 2", len(s.conns))
	}
}
