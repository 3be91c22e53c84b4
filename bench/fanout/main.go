// Command fanout is the load generator behind bench/pubsub_stream_compare.sh:
// it measures pub/sub fan-out and stream throughput of a Redis-protocol
// server so that Redwing can be compared side by side with redis-server.
// The hot loops write pre-encoded, pipelined RESP over plain connections and
// skip replies without allocating, so the client is not the bottleneck.
//
//	go run ./bench/fanout -addr 127.0.0.1:6379 -mode publish -subs 100
//	go run ./bench/fanout -mode xadd                 # -pubs defaults to 50 here
//	go run ./bench/fanout -mode xreadgroup -entries 200000 -consumers 10
//
// Modes and the rate each reports:
//   - publish: -subs connections SUBSCRIBE to one channel, -pubs connections
//     send pipelined PUBLISH (16-byte payload) for -seconds; the rate is the
//     messages received by all subscribers inside that window per second
//     (published/s is printed as well).
//   - xadd: -pubs connections (50 unless given) send pipelined XADD; the
//     rate is entries added per second.
//   - xreadgroup: the stream is prefilled with -entries entries and read by
//     -consumers connections looping XREADGROUP COUNT -count + XACK (the
//     XACK pipelined with the next XREADGROUP) until the stream is drained
//     or -seconds pass; the rate is entries acknowledged per second.
//
// The last line printed is always "RESULT <rate>".
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	channel = "fanout:ch"
	stream  = "fanout:stream"
	group   = "fanout:group"
	payload = "0123456789abcdef"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	mode := flag.String("mode", "publish", "publish, xadd or xreadgroup")
	subs := flag.Int("subs", 1, "publish: subscriber connections")
	pubs := flag.Int("pubs", 4, "publisher connections (xadd: connections, 50 unless given)")
	pipeline := flag.Int("pipeline", 16, "commands per pipelined batch")
	seconds := flag.Float64("seconds", 5, "measurement window in seconds")
	entries := flag.Int("entries", 200000, "xreadgroup: entries prefilled")
	consumers := flag.Int("consumers", 10, "xreadgroup: consumer connections")
	count := flag.Int("count", 10, "xreadgroup: COUNT per XREADGROUP")
	flag.Parse()
	pubsSet := false
	flag.Visit(func(f *flag.Flag) { pubsSet = pubsSet || f.Name == "pubs" })
	d := time.Duration(*seconds * float64(time.Second))

	var rate float64
	switch *mode {
	case "publish":
		rate = publish(*addr, *subs, *pubs, *pipeline, d)
	case "xadd":
		if !pubsSet {
			*pubs = 50
		}
		rate = xadd(*addr, *pubs, *pipeline, d)
	case "xreadgroup":
		rate = xreadgroup(*addr, *entries, *consumers, *count, d)
	default:
		fatal(fmt.Errorf("unknown mode %q", *mode))
	}
	fmt.Printf("RESULT %.0f\n", rate)
}

func publish(addr string, subs, pubs, pipeline int, d time.Duration) float64 {
	counts := make([]struct {
		n atomic.Int64
		_ [56]byte // own cache line per subscriber
	}, subs)
	var stop atomic.Bool
	for i := range subs {
		c := dial(addr)
		defer c.Close()
		send(c, enc(nil, "SUBSCRIBE", channel))
		check(skip(c.r)) // the subscribe confirmation
		go func() {
			var err error
			for err = skip(c.r); err == nil; err = skip(c.r) {
				counts[i].n.Add(1)
			}
			if !stop.Load() {
				fatal(fmt.Errorf("subscriber %d: %w", i, err))
			}
		}()
	}
	ctl := dial(addr)
	defer ctl.Close()
	for n := int64(-1); n != int64(subs); time.Sleep(10 * time.Millisecond) {
		v := do(ctl, "PUBSUB", "NUMSUB", channel)
		a, ok := v.([]any)
		if !ok || len(a) != 2 {
			fatal(fmt.Errorf("PUBSUB NUMSUB: unexpected reply %v", v))
		}
		n, _ = a[1].(int64)
	}

	var delivered int64
	published := hammer(addr, pubs, pipeline, enc(nil, "PUBLISH", channel, payload), d, func() {
		for i := range counts {
			delivered += counts[i].n.Load()
		}
		stop.Store(true)
	})
	rate := float64(delivered) / d.Seconds()
	fmt.Printf("published/s %.0f delivered/s %.0f\n", float64(published)/d.Seconds(), rate)
	return rate
}

func xadd(addr string, conns, pipeline int, d time.Duration) float64 {
	ctl := dial(addr)
	defer ctl.Close()
	do(ctl, "DEL", stream)
	n := hammer(addr, conns, pipeline, enc(nil, "XADD", stream, "*", "f", "v"), d, nil)
	do(ctl, "DEL", stream)
	rate := float64(n) / d.Seconds()
	fmt.Printf("entries/s %.0f\n", rate)
	return rate
}

// hammer sends cmd in pipelined batches over conns connections until d has
// passed and returns how many replies came back. atEnd, if set, runs at the
// end of the window, before the connections are closed.
func hammer(addr string, conns, pipeline int, cmd []byte, d time.Duration, atEnd func()) int64 {
	batch := bytes.Repeat(cmd, pipeline)
	deadline := time.Now().Add(d)
	var done atomic.Int64
	var wg sync.WaitGroup
	for range conns {
		c := dial(addr)
		defer c.Close()
		wg.Go(func() {
			for time.Now().Before(deadline) {
				send(c, batch)
				for range pipeline {
					check(skip(c.r))
				}
				done.Add(int64(pipeline))
			}
		})
	}
	time.Sleep(time.Until(deadline))
	if atEnd != nil {
		atEnd()
	}
	wg.Wait()
	return done.Load()
}

func xreadgroup(addr string, entries, consumers, count int, d time.Duration) float64 {
	ctl := dial(addr)
	defer ctl.Close()
	do(ctl, "DEL", stream)
	const chunk = 1000
	add := enc(nil, "XADD", stream, "*", "f", "v")
	for left := entries; left > 0; left -= chunk {
		n := min(left, chunk)
		send(ctl, bytes.Repeat(add, n))
		for range n {
			check(skip(ctl.r))
		}
	}
	do(ctl, "XGROUP", "CREATE", stream, group, "0")

	start := time.Now()
	deadline := start.Add(d)
	var acked atomic.Int64
	var mu sync.Mutex
	var last time.Time
	var wg sync.WaitGroup
	for i := range consumers {
		c := dial(addr)
		defer c.Close()
		read := enc(nil, "XREADGROUP", "GROUP", group, "c"+strconv.Itoa(i), "COUNT", strconv.Itoa(count), "STREAMS", stream, ">")
		wg.Go(func() {
			var ids []string
			var buf []byte
			for {
				buf = buf[:0]
				if len(ids) > 0 {
					buf = enc(buf, append([]string{"XACK", stream, group}, ids...)...)
				}
				send(c, append(buf, read...))
				if len(ids) > 0 {
					v, err := readReply(c.r)
					check(err)
					n, _ := v.(int64)
					acked.Add(n)
				}
				v, err := readReply(c.r)
				check(err)
				ids = streamIDs(v, ids[:0])
				if len(ids) == 0 || !time.Now().Before(deadline) {
					break
				}
			}
			mu.Lock()
			if now := time.Now(); now.After(last) {
				last = now
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := min(last.Sub(start), d)
	rate := float64(acked.Load()) / elapsed.Seconds()
	fmt.Printf("acked %d in %.2fs, acked/s %.0f\n", acked.Load(), elapsed.Seconds(), rate)
	do(ctl, "DEL", stream)
	return rate
}

// streamIDs appends the entry IDs of an XREADGROUP reply
// ([[stream, [[id, [field, value...]]...]]] or nil) to ids.
func streamIDs(v any, ids []string) []string {
	streams, _ := v.([]any)
	for _, s := range streams {
		kv, ok := s.([]any)
		if !ok || len(kv) != 2 {
			fatal(fmt.Errorf("XREADGROUP: unexpected reply %v", v))
		}
		list, _ := kv[1].([]any)
		for _, e := range list {
			entry, ok := e.([]any)
			if !ok || len(entry) == 0 {
				fatal(fmt.Errorf("XREADGROUP: unexpected entry %v", e))
			}
			id, _ := entry[0].(string)
			ids = append(ids, id)
		}
	}
	return ids
}

type conn struct {
	net.Conn
	r *bufio.Reader
}

func dial(addr string) *conn {
	c, err := net.Dial("tcp", addr)
	check(err)
	return &conn{c, bufio.NewReaderSize(c, 64<<10)}
}

func send(c *conn, b []byte) {
	_, err := c.Write(b)
	check(err)
}

// do runs one command and returns its reply; error replies are fatal.
func do(c *conn, args ...string) any {
	send(c, enc(nil, args...))
	v, err := readReply(c.r)
	if err != nil {
		fatal(fmt.Errorf("%s: %w", args[0], err))
	}
	return v
}

// enc appends args to b as a RESP command.
func enc(b []byte, args ...string) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, "\r\n"...)
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, "\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	return b
}

type respError string

func (e respError) Error() string { return string(e) }

// header reads one reply header line: its type byte and its number (the
// length for bulk strings and arrays) or, for simple strings and errors,
// the rest of the line, which is only valid until the next read.
func header(r *bufio.Reader) (byte, int64, []byte, error) {
	l, err := r.ReadSlice('\n')
	if err != nil {
		return 0, 0, nil, err
	}
	if len(l) < 3 || l[len(l)-2] != '\r' {
		return 0, 0, nil, fmt.Errorf("bad reply line %q", l)
	}
	t, rest := l[0], l[1:len(l)-2]
	switch t {
	case '+':
		return t, 0, rest, nil
	case '-':
		return t, 0, nil, respError(rest)
	case ':', '$', '*', '>':
		n, err := strconv.ParseInt(string(rest), 10, 64)
		return t, n, nil, err
	}
	return 0, 0, nil, fmt.Errorf("unsupported reply type %q", l)
}

// skip consumes one reply without building it; an error reply is returned
// as a respError.
func skip(r *bufio.Reader) error {
	t, n, _, err := header(r)
	if err != nil {
		return err
	}
	switch {
	case t == '$' && n >= 0:
		_, err = r.Discard(int(n) + 2)
	case t == '*' || t == '>':
		for ; n > 0 && err == nil; n-- {
			err = skip(r)
		}
	}
	return err
}

// readReply parses one reply into a string, int64, []any or nil.
func readReply(r *bufio.Reader) (any, error) {
	t, n, s, err := header(r)
	if err != nil {
		return nil, err
	}
	switch t {
	case '+':
		return string(s), nil
	case ':':
		return n, nil
	case '$':
		if n < 0 {
			return nil, nil
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	}
	if n < 0 {
		return nil, nil
	}
	a := make([]any, n)
	for i := range a {
		if a[i], err = readReply(r); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func check(err error) {
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	var re respError
	if errors.As(err, &re) {
		err = fmt.Errorf("server error: %w", err)
	}
	fmt.Fprintln(os.Stderr, "fanout:", err)
	os.Exit(1)
}
