// Command latency measures request latency percentiles of a Redis-protocol
// server under a paced mixed GET/SET load over a large keyspace (the keys
// DEBUG POPULATE creates: key:0 ... key:N-1). Requests are paced at a
// fixed total rate below saturation, so the tail shows pauses (GC, locks,
// expiry) rather than queueing. Latency is measured from the write of the
// request to the end of its reply: on a shared 2-core machine the load
// generator's own scheduling delays would otherwise dominate the tail.
//
//	go run ./bench/latency -addr 127.0.0.1:6379 -keys 10000000 -rate 20000 -duration 10s
//
// It prints one line: p50 p99 p99.9 max (microseconds) and the request count.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	conns := flag.Int("conns", 20, "connections")
	keys := flag.Int("keys", 1_000_000, "keyspace size (key:0 .. key:N-1)")
	rate := flag.Int("rate", 20000, "total requests per second")
	dur := flag.Duration("duration", 10*time.Second, "measurement time")
	setRatio := flag.Float64("set", 0.2, "fraction of SETs")
	flag.Parse()

	perConn := time.Duration(float64(time.Second) * float64(*conns) / float64(*rate))
	var mu sync.Mutex
	var all []int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lat, err := worker(*addr, uint64(i), *keys, *setRatio, perConn, start.Add(time.Duration(i)*perConn/time.Duration(*conns)), *dur)
			if err != nil {
				fmt.Fprintln(os.Stderr, "latency:", err)
				os.Exit(1)
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	slices.Sort(all)
	pct := func(p float64) int64 {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	fmt.Printf("p50_us=%d p99_us=%d p999_us=%d max_us=%d requests=%d\n", pct(0.50), pct(0.99), pct(0.999), all[len(all)-1], len(all))
}

// worker sends one request every interval from first until dur elapsed and
// returns each request's latency in microseconds.
func worker(addr string, seed uint64, keys int, setRatio float64, interval time.Duration, first time.Time, dur time.Duration) ([]int64, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	r := bufio.NewReader(c)
	rng := rand.New(rand.NewPCG(seed, 42))
	value := []byte("0123456789abcdef")
	var buf []byte
	var out []int64
	end := first.Add(dur)
	for due := first; due.Before(end); due = due.Add(interval) {
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		key := strconv.AppendInt([]byte("key:"), int64(rng.IntN(keys)), 10)
		buf = buf[:0]
		if rng.Float64() < setRatio {
			buf = appendCmd(buf, []byte("SET"), key, value)
		} else {
			buf = appendCmd(buf, []byte("GET"), key)
		}
		sent := time.Now()
		if _, err := c.Write(buf); err != nil {
			return nil, err
		}
		if err := skipReply(r); err != nil {
			return nil, err
		}
		out = append(out, time.Since(sent).Microseconds())
	}
	return out, nil
}

func appendCmd(b []byte, args ...[]byte) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}

// skipReply reads one simple/error/integer/bulk reply.
func skipReply(r *bufio.Reader) error {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return err
	}
	switch line[0] {
	case '+', ':':
		return nil
	case '-':
		return fmt.Errorf("server error: %s", line)
	case '$':
		n, err := strconv.Atoi(string(line[1 : len(line)-2]))
		if err != nil {
			return err
		}
		if n < 0 {
			return nil
		}
		_, err = r.Discard(n + 2)
		return err
	}
	return fmt.Errorf("unexpected reply %q", line)
}
