package engine

import (
	"strconv"
	"strings"
	"sync"

	"github.com/redwingdb/redwing/internal/resp"
)

// Slow log limits, as Redis's SLOWLOG_ENTRY_MAX_ARGC and _MAX_STRING.
const (
	slowlogMaxArgc   = 32
	slowlogMaxString = 128
)

// SlowlogEntry is one SLOWLOG GET entry.
type SlowlogEntry struct {
	ID       int64
	Time     int64 // unix seconds
	Duration int64 // microseconds
	Argv     [][]byte
	Peer     string // client ip:port
	Name     string // client name
}

type slowlog struct {
	mu      sync.Mutex
	entries []SlowlogEntry // oldest first
	nextID  int64
}

// push records a command, keeping at most max entries. argv is copied and
// trimmed as Redis does: at most 32 arguments (the last one replaced by
// "... (N more arguments)") and 128 bytes per argument.
func (s *slowlog) push(c *Client, argv [][]byte, usec, now, max int64) {
	n := len(argv)
	if n > slowlogMaxArgc {
		n = slowlogMaxArgc
	}
	size := 0
	for j := 0; j < n; j++ {
		if l := len(argv[j]); l > slowlogMaxString {
			size += slowlogMaxString + 32
		} else {
			size += l
		}
	}
	buf := make([]byte, 0, size+32)
	out := make([][]byte, n)
	for j := 0; j < n; j++ {
		start := len(buf)
		switch a := argv[j]; {
		case n != len(argv) && j == n-1:
			buf = append(buf, "... ("...)
			buf = strconv.AppendInt(buf, int64(len(argv)-n+1), 10)
			buf = append(buf, " more arguments)"...)
		case len(a) > slowlogMaxString:
			buf = append(buf, a[:slowlogMaxString]...)
			buf = append(buf, "... ("...)
			buf = strconv.AppendInt(buf, int64(len(a)-slowlogMaxString), 10)
			buf = append(buf, " more bytes)"...)
		default:
			buf = append(buf, a...)
		}
		out[j] = buf[start:len(buf):len(buf)]
	}
	e := SlowlogEntry{Time: now, Duration: usec, Argv: out, Peer: c.Addr, Name: c.Name()}
	s.mu.Lock()
	e.ID = s.nextID
	s.nextID++
	s.entries = append(s.entries, e)
	if int64(len(s.entries)) > max {
		drop := len(s.entries) - int(max)
		clear(s.entries[:drop])
		s.entries = s.entries[drop:]
	}
	s.mu.Unlock()
}

// SlowlogGet returns up to n entries, newest first (n < 0: all).
func (e *Engine) SlowlogGet(n int64) []SlowlogEntry {
	s := &e.admin().slow
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 0 || n > int64(len(s.entries)) {
		n = int64(len(s.entries))
	}
	out := make([]SlowlogEntry, 0, n)
	for i := len(s.entries) - 1; i >= 0 && int64(len(out)) < n; i-- {
		out = append(out, s.entries[i])
	}
	return out
}

// SlowlogLen returns the number of entries in the slow log.
func (e *Engine) SlowlogLen() int {
	s := &e.admin().slow
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// SlowlogReset empties the slow log; entry ids keep increasing.
func (e *Engine) SlowlogReset() {
	s := &e.admin().slow
	s.mu.Lock()
	s.entries = nil
	s.mu.Unlock()
}

// redacted replaces sensitive arguments in the slow log and MONITOR output.
var redacted = []byte("(redacted)")

type sensitiveChecker interface {
	IsSensitive(name string) bool
}

// redactArgv returns argv with the arguments Redis hides (passwords of
// AUTH, HELLO AUTH and MIGRATE AUTH/AUTH2, values of sensitive CONFIG SET
// parameters) replaced by "(redacted)", following the same parsing as the
// commands themselves. argv is returned as is when nothing is hidden.
func redactArgv(name string, argv [][]byte, cfg Settings) [][]byte {
	var hide []int
	switch name {
	case "auth":
		if len(argv) <= 3 {
			for j := 1; j < len(argv); j++ {
				hide = append(hide, j)
			}
		}
	case "acl|setuser": // the user name and every rule (acl.c)
		for j := 2; j < len(argv); j++ {
			hide = append(hide, j)
		}
	case "hello":
		next := 1
		if len(argv) >= 2 {
			v, ok := resp.ParseInt(argv[1])
			if !ok || v < 2 || v > 3 {
				return argv
			}
			next = 2
		}
		for j := next; j < len(argv); j++ {
			more := len(argv) - 1 - j
			switch {
			case strings.EqualFold(string(argv[j]), "auth") && more >= 2:
				hide = append(hide, j+1, j+2)
				j += 2
			case strings.EqualFold(string(argv[j]), "setname") && more >= 1:
				j++
			default:
				j = len(argv)
			}
		}
	case "migrate":
		for j := 6; j < len(argv); j++ {
			more := len(argv) - 1 - j
			opt := string(argv[j])
			switch {
			case strings.EqualFold(opt, "copy"), strings.EqualFold(opt, "replace"):
			case strings.EqualFold(opt, "auth"):
				if more < 1 {
					j = len(argv)
					break
				}
				j++
				hide = append(hide, j)
			case strings.EqualFold(opt, "auth2"):
				if more < 2 {
					j = len(argv)
					break
				}
				hide = append(hide, j+1, j+2)
				j += 2
			default: // KEYS ends the options; anything else is an error
				j = len(argv)
			}
		}
	case "config|set":
		sc, ok := cfg.(sensitiveChecker)
		if !ok {
			return argv
		}
		for j := 2; j+1 < len(argv); j += 2 {
			if sc.IsSensitive(string(argv[j])) {
				hide = append(hide, j+1)
			}
		}
	default:
		return argv
	}
	if len(hide) == 0 {
		return argv
	}
	out := make([][]byte, len(argv))
	copy(out, argv)
	for _, j := range hide {
		out[j] = redacted
	}
	return out
}
