package testkit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// BuildRedwing builds cmd/redwing into a new temporary directory, for the
// suites that run the real binary (crash, hostile). Remove the directory
// (filepath.Dir of the path) when done.
func BuildRedwing(prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "redwing")
	build := exec.Command("go", "build", "-o", bin, "github.com/redwingdb/redwing/cmd/redwing")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("build failed: %w", err)
	}
	return bin, nil
}

// ErrStartTimeout is returned (wrapped) when a server never answered.
var ErrStartTimeout = errors.New("redwing did not start")

// Proc is a running redwing binary.
type Proc struct {
	Cmd  *exec.Cmd
	Addr string

	mu     sync.Mutex
	log    bytes.Buffer
	exited chan struct{} // closed when the process is gone
	err    error         // Wait's result, once exited is closed
}

// StartRedwing runs bin on a free loopback port with dir as its directory,
// no save points and the extra arguments, and returns once it answers
// PING; with loaded, once the answer is not -LOADING either. A process
// that exits first returns an error with its output.
func StartRedwing(bin, dir string, loaded bool, timeout time.Duration, args ...string) (*Proc, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""}, args...)
	p := &Proc{Cmd: exec.Command(bin, all...), Addr: "127.0.0.1:" + strconv.Itoa(port), exited: make(chan struct{})}
	p.Cmd.Stdout, p.Cmd.Stderr = p, p
	if err := p.Cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		p.err = p.Cmd.Wait()
		close(p.exited)
	}()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if p.Exited() {
			return nil, fmt.Errorf("exited (%v): %s", p.err, p.Output())
		}
		c, err := Dial(p.Addr)
		if err != nil {
			continue
		}
		// The server listens while it loads; it is up once PING is
		// answered with something other than -LOADING.
		v, perr := c.Do("PING")
		c.Close()
		if perr == nil && (!loaded || !(v.Type == '-' && strings.HasPrefix(v.Str, "LOADING"))) {
			return p, nil
		}
	}
	p.Kill()
	return nil, fmt.Errorf("%w: %s", ErrStartTimeout, p.Output())
}

// Write collects the process's output.
func (p *Proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

// Output returns what the process printed so far.
func (p *Proc) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// Signal sends sig to the process.
func (p *Proc) Signal(sig os.Signal) { p.Cmd.Process.Signal(sig) }

// Kill ends the process with SIGKILL (a crash) and waits until it is gone.
func (p *Proc) Kill() {
	p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}
