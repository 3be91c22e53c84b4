// Command cachesim measures cache quality: it replays a Zipfian cache-aside
// workload (GET; on a miss SET key value EX 3600) against one or more
// servers configured with the same maxmemory and policy, and prints the hit
// ratio of each, with the keys each held at the limit.
//
//	go run ./bench/cachesim -addr redwing=127.0.0.1:7001,redis=127.0.0.1:7002 \
//	    -maxmemory 32mb -policies allkeys-lru,allkeys-lfu
//
// The request sequence is the same for every server (fixed seed). Requests
// go in pipelined batches: a batch of GETs, then the SETs for its misses.
// The first -warmup requests fill the cache and are not counted.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// zipf draws ranks in [0, n) with P(i) proportional to 1/(i+1)^theta, for
// any theta in (0, 1) (Gray et al., "Quickly generating billion-record
// synthetic databases"; math/rand's Zipf needs s > 1).
type zipf struct {
	n                        float64
	theta, alpha, zetan, eta float64
	half                     float64
	r                        *rand.Rand
}

func newZipf(r *rand.Rand, n int, theta float64) *zipf {
	z := &zipf{n: float64(n), theta: theta, r: r}
	for i := 1; i <= n; i++ {
		z.zetan += 1 / math.Pow(float64(i), theta)
	}
	zeta2 := 1 + 1/math.Pow(2, theta)
	z.alpha = 1 / (1 - theta)
	z.eta = (1 - math.Pow(2/z.n, 1-theta)) / (1 - zeta2/z.zetan)
	z.half = 1 + math.Pow(0.5, theta)
	return z
}

func (z *zipf) next() uint64 {
	u := z.r.Float64()
	uz := u * z.zetan
	switch {
	case uz < 1:
		return 0
	case uz < z.half:
		return 1
	}
	v := uint64(z.n * math.Pow(z.eta*u-z.eta+1, z.alpha))
	if v >= uint64(z.n) {
		v = uint64(z.n) - 1
	}
	return v
}

// scramble spreads ranks over the key space so that popular keys are not
// neighbours (FNV-1a of the rank, modulo the universe).
func scramble(rank uint64, n uint64) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < 8; i++ {
		h ^= rank & 0xff
		h *= 1099511628211
		rank >>= 8
	}
	return h % n
}

type conn struct {
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

func dial(addr string) (*conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, r: bufio.NewReaderSize(c, 1<<20), w: bufio.NewWriterSize(c, 1<<20)}, nil
}

func (c *conn) send(args ...[]byte) {
	c.w.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		c.w.WriteString("$" + strconv.Itoa(len(a)) + "\r\n")
		c.w.Write(a)
		c.w.WriteString("\r\n")
	}
}

// reply reads one reply; it returns its text (bulk, simple, integer or
// error), whether it was a null bulk, and whether it was an error.
func (c *conn) reply() (string, bool, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", false, err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", false, errors.New("empty reply line")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], false, nil
	case '-':
		return line[1:], false, errors.New(line[1:])
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return "", true, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return "", false, err
		}
		return string(buf[:n]), false, nil
	}
	return "", false, fmt.Errorf("unexpected reply %q", line)
}

func (c *conn) do(args ...string) (string, error) {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	c.send(b...)
	if err := c.w.Flush(); err != nil {
		return "", err
	}
	s, _, err := c.reply()
	return s, err
}

func info(c *conn, section, field string) string {
	s, err := c.do("INFO", section)
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return v
		}
	}
	return "?"
}

type result struct {
	hits, total   int64
	keys          string
	used, evicted string
	startUsed     string
	elapsed       time.Duration
}

func run(addr, policy, maxmemory string, universe, warmup, requests, batch, vlen int, theta float64, seed uint64) (result, error) {
	var res result
	c, err := dial(addr)
	if err != nil {
		return res, err
	}
	defer c.c.Close()
	for _, cmd := range [][]string{
		{"CONFIG", "SET", "maxmemory", "0"},
		{"FLUSHALL"},
		{"CONFIG", "SET", "maxmemory-policy", policy},
		{"CONFIG", "RESETSTAT"},
	} {
		if _, err := c.do(cmd...); err != nil {
			return res, fmt.Errorf("%v: %w", cmd, err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	res.startUsed = info(c, "memory", "used_memory")
	if _, err := c.do("CONFIG", "SET", "maxmemory", maxmemory); err != nil {
		return res, err
	}
	z := newZipf(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), universe, theta)
	val := []byte(strings.Repeat("v", vlen))
	bGET, bSET, bEX, b3600 := []byte("GET"), []byte("SET"), []byte("EX"), []byte("3600")
	keys := make([][]byte, batch)
	miss := make([]bool, batch)
	start := time.Now()
	for done := 0; done < warmup+requests; done += batch {
		for i := range keys {
			id := scramble(z.next(), uint64(universe))
			keys[i] = strconv.AppendUint(append(keys[i][:0], "key:"...), id, 10)
			c.send(bGET, keys[i])
		}
		if err := c.w.Flush(); err != nil {
			return res, err
		}
		misses := 0
		for i := range keys {
			_, null, err := c.reply()
			if err != nil {
				return res, fmt.Errorf("GET: %w", err)
			}
			miss[i] = null
			if null {
				misses++
			}
		}
		if done >= warmup {
			res.total += int64(batch)
			res.hits += int64(batch - misses)
		}
		for i := range keys {
			if miss[i] {
				c.send(bSET, keys[i], val, bEX, b3600)
			}
		}
		if err := c.w.Flush(); err != nil {
			return res, err
		}
		for i := 0; i < misses; i++ {
			if _, _, err := c.reply(); err != nil {
				return res, fmt.Errorf("SET: %w", err)
			}
		}
	}
	res.elapsed = time.Since(start)
	res.keys, _ = c.do("DBSIZE")
	res.used = info(c, "memory", "used_memory")
	res.evicted = info(c, "stats", "evicted_keys")
	c.do("CONFIG", "SET", "maxmemory", "0")
	c.do("FLUSHALL")
	return res, nil
}

func main() {
	addrs := flag.String("addr", "", "name=host:port,... servers to compare")
	maxmemory := flag.String("maxmemory", "32mb", "maxmemory for every server")
	policies := flag.String("policies", "allkeys-lru,allkeys-lfu", "policies to run, in order")
	universe := flag.Int("keys", 1_000_000, "key universe")
	theta := flag.Float64("s", 0.99, "Zipf exponent (0 < s < 1)")
	warmup := flag.Int("warmup", 1_000_000, "requests before counting")
	requests := flag.Int("requests", 2_000_000, "requests counted")
	batch := flag.Int("batch", 64, "pipelined GETs per batch")
	vlen := flag.Int("value", 100, "value size in bytes")
	seed := flag.Uint64("seed", 42, "workload seed")
	equal := flag.Bool("equal-keys", true, "also rerun the other servers with the maxmemory that makes them hold as many keys as the last one (policy quality at equal capacity)")
	flag.Parse()
	if *addrs == "" || *theta <= 0 || *theta >= 1 {
		flag.Usage()
		os.Exit(2)
	}
	type target struct{ name, addr string }
	var targets []target
	for _, t := range strings.Split(*addrs, ",") {
		name, addr, ok := strings.Cut(t, "=")
		if !ok {
			name, addr = t, t
		}
		targets = append(targets, target{name, addr})
	}
	fmt.Printf("Zipf s=%.2f over %d keys, %d-byte values, maxmemory %s, %d warm-up + %d counted requests (batches of %d)\n",
		*theta, *universe, *vlen, *maxmemory, *warmup, *requests, *batch)
	fmt.Printf("%-14s %-10s %9s %10s %12s %12s %10s %8s\n", "policy", "server", "hit ratio", "keys held", "used_memory", "start_used", "evicted", "time")
	for _, pol := range strings.Split(*policies, ",") {
		var ratios []float64
		var results []result
		for _, t := range targets {
			r, err := run(t.addr, pol, *maxmemory, *universe, *warmup, *requests, *batch, *vlen, *theta, *seed)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s %s: %v\n", t.name, pol, err)
				os.Exit(1)
			}
			ratio := float64(r.hits) / float64(r.total)
			ratios = append(ratios, ratio)
			results = append(results, r)
			fmt.Printf("%-14s %-10s %8.2f%% %10s %12s %12s %10s %7.1fs\n", pol, t.name, ratio*100, r.keys, r.used, r.startUsed, r.evicted, r.elapsed.Seconds())
		}
		if len(ratios) == 2 {
			fmt.Printf("%-14s %-10s %+8.2f pp (%s - %s, same maxmemory)\n", pol, "delta", (ratios[0]-ratios[1])*100, targets[0].name, targets[1].name)
		}
		if !*equal || len(results) < 2 {
			continue
		}
		ref := results[len(results)-1]
		refKeys, _ := strconv.ParseFloat(ref.keys, 64)
		for i, t := range targets[:len(targets)-1] {
			r := results[i]
			keys, _ := strconv.ParseFloat(r.keys, 64)
			used, _ := strconv.ParseFloat(r.used, 64)
			start, _ := strconv.ParseFloat(r.startUsed, 64)
			if keys == 0 || refKeys == 0 {
				continue
			}
			// Scale the data part of maxmemory by the keys ratio; correct
			// once more if the first try misses by over 1%.
			var r2 result
			var mm int64
			for try := 0; try < 2; try++ {
				mm = int64(start + (used-start)*refKeys/keys)
				var err error
				r2, err = run(t.addr, pol, strconv.FormatInt(mm, 10), *universe, *warmup, *requests, *batch, *vlen, *theta, *seed)
				if err != nil {
					fmt.Fprintf(os.Stderr, "%s %s: %v\n", t.name, pol, err)
					os.Exit(1)
				}
				keys, _ = strconv.ParseFloat(r2.keys, 64)
				used, _ = strconv.ParseFloat(r2.used, 64)
				start, _ = strconv.ParseFloat(r2.startUsed, 64)
				if keys == 0 || math.Abs(keys-refKeys) <= refKeys/100 {
					break
				}
			}
			ratio := float64(r2.hits) / float64(r2.total)
			fmt.Printf("%-14s %-10s %8.2f%% %10s %12s %12s %10s %7.1fs  (maxmemory %d: equal keys)\n", pol, t.name, ratio*100, r2.keys, r2.used, r2.startUsed, r2.evicted, r2.elapsed.Seconds(), mm)
			fmt.Printf("%-14s %-10s %+8.2f pp (%s - %s, equal keys held)\n", pol, "delta", (ratio-ratios[len(ratios)-1])*100, t.name, targets[len(targets)-1].name)
		}
	}
}
