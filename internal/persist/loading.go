package persist

import (
	"io"
	"strconv"
	"sync/atomic"
	"time"
)

// loadBatch is how many keys an RDB load inserts per hold of the world
// lock: commands allowed while loading run between batches.
const loadBatch = 1024

// loadProgress feeds INFO persistence's loading_* fields, which Redis
// prints only while loading.
type loadProgress struct {
	start   atomic.Int64 // unix ms
	total   atomic.Int64 // bytes to load
	loaded  atomic.Int64 // bytes read
	usedMem atomic.Int64 // the RDB's used-mem aux field
}

func (p *loadProgress) begin() {
	p.start.Store(time.Now().UnixMilli())
	p.total.Store(0)
	p.loaded.Store(0)
	p.usedMem.Store(0)
}

// progressReader counts the bytes an RDB load consumes.
type progressReader struct {
	r   io.Reader
	off int64
	p   *loadProgress
}

func (r *progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.off += int64(n)
	if r.off > r.p.loaded.Load() {
		r.p.loaded.Store(r.off)
	}
	return n, err
}

// info returns the loading_* fields as Redis's genRedisInfoString does.
func (p *loadProgress) info(now time.Time) [][2]string {
	start := p.start.Load()
	total, loaded := p.total.Load(), p.loaded.Load()
	elapsed := now.Unix() - start/1000
	var perc float64
	eta := int64(1)
	if total > 0 {
		perc = float64(loaded) / float64(total) * 100
	}
	if elapsed > 0 && loaded > 0 {
		eta = (total - loaded) / (loaded / elapsed)
		if loaded/elapsed == 0 {
			eta = 1
		}
	}
	return [][2]string{
		{"loading_start_time", strconv.FormatInt(start/1000, 10)},
		{"loading_total_bytes", strconv.FormatInt(total, 10)},
		{"loading_rdb_used_mem", strconv.FormatInt(p.usedMem.Load(), 10)},
		{"loading_loaded_bytes", strconv.FormatInt(loaded, 10)},
		{"loading_loaded_perc", strconv.FormatFloat(perc, 'f', 2, 64)},
		{"loading_eta_seconds", strconv.FormatInt(eta, 10)},
	}
}
