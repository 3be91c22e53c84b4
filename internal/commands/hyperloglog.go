package commands

import (
	"math/rand/v2"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	engine.Register("pfadd", cmdPFAdd)
	engine.Register("pfcount", cmdPFCount)
	engine.Register("pfmerge", cmdPFMerge)
	engine.Register("pfdebug", cmdPFDebug)
	engine.Register("pfselftest", cmdPFSelfTest)
}

const (
	errHLLInvalid  = "INVALIDOBJ Corrupted HLL object detected"
	errHLLWrongTyp = "WRONGTYPE Key is not a valid HyperLogLog string value."
)

// hllSparseMax returns hll-sparse-max-bytes.
func hllSparseMax(c *engine.Ctx) int {
	if c.E.Cfg == nil {
		return 3000
	}
	return zsClampInt(c.E.Cfg.Int("hll-sparse-max-bytes"))
}

// hllCheck validates that e holds a HyperLogLog string (Redis's
// isHLLObjectOrReply), replying the error when it does not.
func hllCheck(c *engine.Ctx, e *keyspace.Entry) bool {
	if e.Obj() != nil {
		c.Err(errs.WrongType)
		return false
	}
	if !types.HLLValid(e.Str()) {
		c.ErrString(errHLLWrongTyp)
		return false
	}
	return true
}

// hllUnshare makes e's string a buffer the key owns before an in-place
// update (Redis's dbUnshareStringValue).
func hllUnshare(c *engine.Ctx, key []byte, e *keyspace.Entry) {
	if !e.Raw() {
		buf := make([]byte, len(e.Str()), len(e.Str())+8)
		copy(buf, e.Str())
		c.DB.SetStr(key, e, buf)
		e.SetRaw(true)
	}
}

// PFADD key [element ...]
func cmdPFAdd(c *engine.Ctx) {
	key := c.Argv[1]
	e := c.DB.Lookup(key)
	updated := 0
	if e == nil {
		e = c.DB.Set(key, keyspace.RawStrEntry(types.HLLNew()))
		c.Notify(engine.NotifyNew, "new", key)
		updated++
	} else {
		if !hllCheck(c, e) {
			return
		}
		hllUnshare(c, key, e)
	}
	max := hllSparseMax(c)
	s := e.Str()
	for _, ele := range c.Argv[2:] {
		var r int
		s, r = types.HLLAdd(s, ele, max)
		c.DB.SetStr(key, e, s)
		s = e.Str() // a stored entry copies a reallocated value
		switch r {
		case 1:
			updated++
		case -1:
			c.ErrString(errHLLInvalid)
			return
		}
	}
	if updated > 0 {
		zsModified(c, key, updated)
		c.Notify(engine.NotifyString, "pfadd", key)
		types.HLLInvalidateCache(e.Str())
		c.W.Int(1)
		return
	}
	c.W.Int(0)
}

// PFCOUNT key [key ...]
func cmdPFCount(c *engine.Ctx) {
	if len(c.Argv) > 2 {
		var max [types.HLLRegisters]uint8
		for _, k := range c.Argv[1:] {
			e := lookupRead(c, k)
			if e == nil {
				continue
			}
			if !hllCheck(c, e) {
				return
			}
			if !types.HLLMergeRegs(max[:], e.Str()) {
				c.ErrString(errHLLInvalid)
				return
			}
		}
		c.W.Int(int64(types.HLLCountRegs(max[:])))
		return
	}
	key := c.Argv[1]
	e := lookupRead(c, key)
	if e == nil {
		c.W.Int(0)
		return
	}
	if !hllCheck(c, e) {
		return
	}
	hllUnshare(c, key, e)
	if card, ok := types.HLLCachedCard(e.Str()); ok {
		c.W.Int(int64(card))
		return
	}
	card, ok := types.HLLCount(e.Str())
	if !ok {
		c.ErrString(errHLLInvalid)
		return
	}
	types.HLLSetCachedCard(e.Str(), card)
	// The cache update modifies the string: it is a write for WATCH and
	// is propagated, as in Redis.
	c.Modified(key)
	c.W.Int(int64(card))
}

// PFMERGE destkey [sourcekey ...]
func cmdPFMerge(c *engine.Ctx) {
	var max [types.HLLRegisters]uint8
	useDense := false
	for _, k := range c.Argv[1:] {
		e := lookupRead(c, k)
		if e == nil {
			continue
		}
		if !hllCheck(c, e) {
			return
		}
		if types.HLLEncoding(e.Str()) == types.HLLDense {
			useDense = true
		}
		if !types.HLLMergeRegs(max[:], e.Str()) {
			c.ErrString(errHLLInvalid)
			return
		}
	}
	key := c.Argv[1]
	e := c.DB.Lookup(key)
	if e == nil {
		e = c.DB.Set(key, keyspace.RawStrEntry(types.HLLNew()))
		c.Notify(engine.NotifyNew, "new", key)
	} else {
		hllUnshare(c, key, e)
	}
	if useDense {
		d, ok := types.HLLSparseToDense(e.Str())
		if !ok {
			c.ErrString(errHLLInvalid)
			return
		}
		c.DB.SetStr(key, e, d)
	}
	sparseMax := hllSparseMax(c)
	for j, v := range max {
		if v == 0 {
			continue
		}
		b, _ := types.HLLSetRegister(e.Str(), j, v, sparseMax)
		c.DB.SetStr(key, e, b)
	}
	types.HLLInvalidateCache(e.Str())
	c.Modified(key)
	c.Notify(engine.NotifyString, "pfadd", key)
	c.W.OK()
}

// PFDEBUG subcommand key
func cmdPFDebug(c *engine.Ctx) {
	cmd := c.Argv[1]
	key := c.Argv[2]
	e := c.DB.Lookup(key)
	if e == nil {
		c.ErrString("ERR The specified key does not exist")
		return
	}
	if !hllCheck(c, e) {
		return
	}
	hllUnshare(c, key, e)
	switch {
	case eqFold(cmd, "GETREG"):
		if types.HLLEncoding(e.Str()) == types.HLLSparse {
			d, ok := types.HLLSparseToDense(e.Str())
			if !ok {
				c.ErrString(errHLLInvalid)
				return
			}
			c.DB.SetStr(key, e, d)
			c.Modified(key)
		}
		regs := types.HLLRegisterValues(e.Str())
		c.W.Array(len(regs))
		for _, v := range regs {
			c.W.Int(int64(v))
		}
	case eqFold(cmd, "DECODE"):
		if types.HLLEncoding(e.Str()) != types.HLLSparse {
			c.ErrString("ERR HLL encoding is not sparse")
			return
		}
		c.W.Bulk(types.HLLDecodeSparse(e.Str()))
	case eqFold(cmd, "ENCODING"):
		if types.HLLEncoding(e.Str()) == types.HLLDense {
			c.W.Simple("dense")
		} else {
			c.W.Simple("sparse")
		}
	case eqFold(cmd, "TODENSE"):
		conv := 0
		if types.HLLEncoding(e.Str()) == types.HLLSparse {
			d, ok := types.HLLSparseToDense(e.Str())
			if !ok {
				c.ErrString(errHLLInvalid)
				return
			}
			c.DB.SetStr(key, e, d)
			conv = 1
			c.Modified(key)
		}
		c.W.Int(int64(conv))
	default:
		c.ErrString("ERR Unknown PFDEBUG subcommand '" + hllCString(cmd) + "'")
	}
}

// hllCString returns b up to its first NUL (as a C %s would print it).
func hllCString(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

// PFSELFTEST
func cmdPFSelfTest(c *engine.Ctx) {
	if msg := types.HLLSelfTest(hllSparseMax(c), rand.Uint32); msg != "" {
		c.ErrString(msg)
		return
	}
	c.W.OK()
}
