package keyspace

// Access bookkeeping for OBJECT IDLETIME and OBJECT FREQ.
//
// Entry.Access holds, as Redis's 24-bit robj.lru field does, either an LRU
// stamp or an LFU word, whichever the maxmemory policy in force when the key
// was last touched asked for:
//
//	0                     not recorded since the value was written: the key
//	                      is as fresh as its last write (idle 0, LFU counter
//	                      at its initial value); Set leaves it so.
//	bit 31 clear          LRU: Unix seconds mod 2^31 (never 0).
//	bit 31 set            LFU: bits 8-23 minutes mod 2^16 of the last
//	                      decrement, bits 0-7 the logarithmic counter.
//
// A stamp of the other kind (after a policy change) reads as fresh.

const (
	accessLFU    = 1 << 31
	lruMask      = 1<<31 - 1
	lfuInitVal   = 5 // Redis's LFU_INIT_VAL
	lfuTimeMask  = 1<<16 - 1
	lfuTimeShift = 8
)

// TouchLRU records an access to e at nowMs for OBJECT IDLETIME.
func (e *Entry) TouchLRU(nowMs int64) { e.Access = LRUAccess(nowMs, 0) }

// IdleMs returns the time since e was last accessed, in milliseconds with
// one-second resolution, as Redis's estimateObjectIdleTime.
func (e *Entry) IdleMs(nowMs int64) int64 {
	if e.Access == 0 || e.Access&accessLFU != 0 {
		return 0
	}
	now := uint32(nowMs/1000) & lruMask
	idle := (now - e.Access) & lruMask
	if idle > lruMask-60 {
		// A stamp up to a minute ahead of nowMs came from a finer clock
		// than the caller's: fresh, not 68 years idle.
		return 0
	}
	return int64(idle) * 1000
}

func lfuMinutes(nowMs int64) uint32 { return uint32(nowMs/60000) & lfuTimeMask }

// LRUAccess returns the Access word of a key last accessed idleSec seconds
// before nowMs (RDB idle times, RESTORE IDLETIME).
func LRUAccess(nowMs, idleSec int64) uint32 {
	s := uint32(nowMs/1000-idleSec) & lruMask
	if s == 0 {
		s = 1
	}
	return s
}

// LFUAccess returns the Access word of a key with LFU counter freq, last
// decremented at nowMs (RDB frequencies, RESTORE FREQ).
func LFUAccess(nowMs, freq int64) uint32 {
	return accessLFU | lfuMinutes(nowMs)<<lfuTimeShift | uint32(freq&0xff)
}

// lfuDecayed returns e's LFU counter after decaying it by one for each
// decayTime minutes elapsed since its last decrement (LFUDecrAndReturn).
func (e *Entry) lfuDecayed(nowMs, decayTime int64) uint32 {
	if e.Access&accessLFU == 0 {
		return lfuInitVal
	}
	ldt := (e.Access >> lfuTimeShift) & lfuTimeMask
	counter := e.Access & 0xff
	if decayTime <= 0 {
		return counter
	}
	now := lfuMinutes(nowMs)
	var elapsed uint32
	if now >= ldt {
		elapsed = now - ldt
	} else {
		elapsed = lfuTimeMask - ldt + now
	}
	periods := int64(elapsed) / decayTime
	if periods >= int64(counter) {
		return 0
	}
	return counter - uint32(periods)
}

// LFUFreq returns e's access frequency counter (OBJECT FREQ).
func (e *Entry) LFUFreq(nowMs, decayTime int64) int64 {
	return int64(e.lfuDecayed(nowMs, decayTime))
}

// TouchLFU records an access to e at nowMs under an LFU policy: the counter
// decays, then grows with probability 1/((counter-5)*logFactor+1) (r is a
// uniform random number in [0,1)), as Redis's updateLFU.
func (e *Entry) TouchLFU(nowMs, logFactor, decayTime int64, r float64) {
	counter := e.lfuDecayed(nowMs, decayTime)
	if counter < 255 {
		base := float64(counter) - lfuInitVal
		if base < 0 {
			base = 0
		}
		if r < 1/(base*float64(logFactor)+1) {
			counter++
		}
	}
	e.Access = accessLFU | lfuMinutes(nowMs)<<lfuTimeShift | counter
}
