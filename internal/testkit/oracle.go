package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Oracle is a redis-server child process.
type Oracle struct {
	Addr string
	cmd  *exec.Cmd
	dir  string
}

// RedisServerPath returns the redis-server binary, or "" when absent.
func RedisServerPath() string {
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		return ""
	}
	return p
}

// StartOracle starts redis-server on a free loopback port with extra args.
func StartOracle(extra ...string) (*Oracle, error) {
	bin := RedisServerPath()
	if bin == "" {
		return nil, fmt.Errorf("redis-server not found")
	}
	dir, err := os.MkdirTemp("", "redwing-oracle-")
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--dir", dir, "--daemonize", "no", "--enable-debug-command", "yes", "--logfile", filepath.Join(dir, "log")}
		args = append(args, extra...)
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			c, err := Dial(addr)
			if err == nil {
				// A server loading its dataset answers -LOADING until done.
				v, perr := c.Do("PING")
				c.Close()
				if perr == nil && !(v.Type == '-' && strings.HasPrefix(v.Str, "LOADING")) {
					return &Oracle{Addr: addr, cmd: cmd, dir: dir}, nil
				}
				err = fmt.Errorf("not ready: %v %s", perr, v)
			}
			lastErr = err
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
	return nil, fmt.Errorf("redis-server did not start: %v", lastErr)
}

// Stop kills the oracle.
func (o *Oracle) Stop() {
	o.cmd.Process.Kill()
	o.cmd.Wait()
	os.RemoveAll(o.dir)
}
