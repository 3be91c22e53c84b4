package commands

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/glob"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// The generic keyspace family (Redis's db.c and object.c): commands that
// work on keys of any type. Helpers of this family are prefixed "generic".

func init() {
	engine.Register("del", cmdDel)
	engine.Register("unlink", cmdUnlink)
	engine.Register("exists", cmdExists)
	engine.Register("type", cmdType)
	engine.Register("touch", cmdTouch)
	engine.Register("rename", cmdRename)
	engine.Register("renamenx", cmdRenameNX)
	// COPY ... DB and MOVE write a key of another database, which the
	// engine's shard locks (taken in the current database) do not cover.
	engine.Register("copy", cmdCopy, engine.Exclusive)
	engine.Register("move", cmdMove, engine.Exclusive)
	engine.Register("keys", cmdKeys, engine.SelfLocking)
	engine.Register("scan", cmdScan, engine.SelfLocking)
	engine.Register("randomkey", cmdRandomKey, engine.SelfLocking)
	engine.Register("object|encoding", cmdObjectEncoding)
	engine.Register("object|freq", cmdObjectFreq)
	engine.Register("object|idletime", cmdObjectIdleTime)
	engine.Register("object|refcount", cmdObjectRefCount)
	engine.Register("object|help", cmdObjectHelp)
}

// DEL key [key ...]
func cmdDel(c *engine.Ctx) { genericDel(c, c.E.KS.LazyUserDel()) }

// UNLINK key [key ...]
func cmdUnlink(c *engine.Ctx) { genericDel(c, true) }

// genericDel deletes the named keys; lazy frees their values as
// UNLINK does (keyspace/lazyfree.go).
func genericDel(c *engine.Ctx, lazy bool) {
	var n int64
	for _, k := range c.Argv[1:] {
		var ok bool
		if lazy {
			ok = c.DB.Unlink(k)
		} else {
			ok = c.DB.Delete(k)
		}
		if ok {
			c.Modified(k)
			c.Notify(engine.NotifyGeneric, "del", k)
			n++
		}
	}
	c.W.Int(n)
}

// EXISTS key [key ...]
func cmdExists(c *engine.Ctx) {
	var n int64
	for _, k := range c.Argv[1:] {
		if lookupReadNoTouch(c, k) != nil {
			n++
		}
	}
	c.W.Int(n)
}

// TYPE key
func cmdType(c *engine.Ctx) {
	e := lookupReadNoTouch(c, c.Argv[1])
	if e == nil {
		c.W.Simple("none")
		return
	}
	c.W.Simple(e.Type())
}

// TOUCH key [key ...]
func cmdTouch(c *engine.Ctx) {
	var n int64
	for _, k := range c.Argv[1:] {
		if e := lookupReadNoTouch(c, k); e != nil {
			genericTouch(c, e)
			n++
		}
	}
	c.W.Int(n)
}

// RENAME key newkey
func cmdRename(c *engine.Ctx) { genericRename(c, false) }

// RENAMENX key newkey
func cmdRenameNX(c *engine.Ctx) { genericRename(c, true) }

func genericRename(c *engine.Ctx, nx bool) {
	src, dst := c.Argv[1], c.Argv[2]
	e := c.DB.Lookup(src) // records the access (LRU clock / LFU counter)
	if e == nil {
		c.Err(errs.NoSuchKey)
		return
	}
	if bytes.Equal(src, dst) {
		if nx {
			c.W.Int(0)
		} else {
			c.W.OK()
		}
		return
	}
	if nx && c.DB.Lookup(dst) != nil {
		c.W.Int(0)
		return
	}
	// The value moves with its TTL and access stamp; an existing newkey
	// is overwritten without a "del" event, as Redis.
	v := *e
	c.DB.Delete(src)
	c.DB.Set(dst, v)
	c.Modified(src)
	c.Modified(dst)
	c.Notify(engine.NotifyGeneric, "rename_from", src)
	c.Notify(engine.NotifyGeneric, "rename_to", dst)
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
}

// COPY source destination [DB destination-db] [REPLACE]
func cmdCopy(c *engine.Ctx) {
	dst := c.DB
	replace := false
	for j := 3; j < len(c.Argv); j++ {
		arg := c.Argv[j]
		switch {
		case eqFold(arg, "REPLACE"):
			replace = true
		case eqFold(arg, "DB") && j+1 < len(c.Argv):
			id, ok := genericDBIndex(c, c.Argv[j+1])
			if !ok {
				return
			}
			dst = c.E.KS.DB(id)
			j++
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	if c.E.Cfg.Bool("cluster-enabled") && (c.DB.ID != 0 || dst.ID != 0) {
		c.ErrString("ERR Copying to another database is not allowed in cluster mode")
		return
	}
	key, newkey := c.Argv[1], c.Argv[2]
	if dst == c.DB && bytes.Equal(key, newkey) {
		c.Err(errs.SameObject)
		return
	}
	e := lookupRead(c, key) // records the access (LRU clock / LFU counter)
	if e == nil {
		c.W.Int(0)
		return
	}
	if dst.Lookup(newkey) != nil && !replace {
		c.W.Int(0)
		return
	}
	v := keyspace.Entry{Expire: e.Expire}
	v.SetRaw(e.Raw())
	if e.Obj() == nil {
		v.SetStr(bytes.Clone(e.Str()))
	} else {
		d, ok := e.Obj().(genericDuper)
		if !ok {
			c.ErrString("ERR unknown type object")
			return
		}
		obj, ok := d.Dup().(keyspace.Object)
		if !ok {
			c.ErrString("ERR unknown type object")
			return
		}
		v.SetObj(obj)
	}
	dst.Set(newkey, v)
	c.ModifiedIn(dst, newkey)
	genericNotifyIn(c, dst, engine.NotifyGeneric, "copy_to", newkey)
	c.W.Int(1)
}

// MOVE key db
func cmdMove(c *engine.Ctx) {
	if c.E.Cfg.Bool("cluster-enabled") {
		c.ErrString("ERR MOVE is not allowed in cluster mode")
		return
	}
	id, ok := genericDBIndex(c, c.Argv[2])
	if !ok {
		return
	}
	src, dst := c.DB, c.E.KS.DB(id)
	if src == dst {
		c.Err(errs.SameObject)
		return
	}
	key := c.Argv[1]
	e := src.Lookup(key) // records the access (LRU clock / LFU counter)
	if e == nil {
		c.W.Int(0)
		return
	}
	if dst.Lookup(key) != nil {
		c.W.Int(0)
		return
	}
	v := *e
	src.Delete(key)
	dst.Set(key, v)
	c.Modified(key)
	c.ModifiedIn(dst, key)
	c.Notify(engine.NotifyGeneric, "move_from", key)
	genericNotifyIn(c, dst, engine.NotifyGeneric, "move_to", key)
	c.W.Int(1)
}

// KEYS pattern
func cmdKeys(c *engine.Ctx) {
	pat := string(c.Argv[1])
	all := pat == "*"
	w := c.W
	mark := w.DeferLen()
	n := 0
	c.DB.ForEachShard(0, c.Exclusive, func(_ int, keys keyspace.ShardKeys) bool {
		keys.Range(func(k string, _ *keyspace.Entry) bool {
			if all || glob.MatchString(pat, k, false) {
				w.BulkString(k)
				n++
			}
			return true
		})
		return true
	})
	w.SetDeferred(mark, '*', n)
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//
// The cursor is the index of the next shard to visit (see package
// keyspace): each call visits whole shards from the cursor until it has
// seen at least COUNT keys (before filtering), and returns the next shard
// index, or 0 once the last shard was visited.
func cmdScan(c *engine.Ctx) {
	cursor, ok := genericParseCursor(c.Argv[1])
	if !ok {
		c.ErrString("ERR invalid cursor")
		return
	}
	count := int64(10)
	var pat string
	usePat := false
	var typ []byte
	for i := 2; i < len(c.Argv); i += 2 {
		arg := c.Argv[i]
		more := i+1 < len(c.Argv)
		switch {
		case more && eqFold(arg, "COUNT"):
			n, ok := parseInt(c.Argv[i+1])
			if !ok {
				c.Err(errs.NotInt)
				return
			}
			if n < 1 {
				c.Err(errs.Syntax)
				return
			}
			count = n
		case more && eqFold(arg, "MATCH"):
			pat = string(c.Argv[i+1])
			usePat = pat != "*"
		case more && eqFold(arg, "TYPE"):
			typ = c.Argv[i+1]
			// Redis compares with strcasecmp: the name ends at a NUL.
			if z := bytes.IndexByte(typ, 0); z >= 0 {
				typ = typ[:z]
			}
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	w := c.W
	mark := w.Len()
	n := 0
	next := 0
	if cursor < keyspace.NumShards {
		seen := int64(0)
		c.DB.ForEachShard(int(cursor), c.Exclusive, func(i int, keys keyspace.ShardKeys) bool {
			keys.Range(func(k string, e *keyspace.Entry) bool {
				seen++
				if usePat && !glob.MatchString(pat, k, false) {
					return true
				}
				if typ != nil {
					// Redis looks the key up to read its type.
					c.E.Stats.KeyspaceHits.Add(1)
					if !genericEqFoldStr(typ, e.Type()) {
						return true
					}
				}
				w.BulkString(k)
				n++
				return true
			})
			if seen >= count {
				if i+1 < keyspace.NumShards {
					next = i + 1
				}
				return false
			}
			return true
		})
	}
	var hdr [64]byte
	var num [20]byte
	cur := strconv.AppendInt(num[:0], int64(next), 10)
	h := append(hdr[:0], "*2\r\n$"...)
	h = strconv.AppendInt(h, int64(len(cur)), 10)
	h = append(h, "\r\n"...)
	h = append(h, cur...)
	h = append(h, "\r\n*"...)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, "\r\n"...)
	genericInsertAt(w, mark, h)
}

// RANDOMKEY
func cmdRandomKey(c *engine.Ctx) {
	k, ok := c.DB.RandomKey(c.Exclusive)
	if !ok {
		c.W.Null()
		return
	}
	c.W.BulkString(k)
}

// OBJECT ENCODING key
func cmdObjectEncoding(c *engine.Ctx) {
	e := genericObjectLookup(c, c.Argv[2])
	if e == nil {
		c.W.Null()
		return
	}
	if e.Obj() != nil {
		c.W.BulkString(e.Obj().Encoding())
		return
	}
	c.W.BulkString(genericStrEncoding(e))
}

// OBJECT FREQ key
func cmdObjectFreq(c *engine.Ctx) {
	e := genericObjectLookup(c, c.Argv[2])
	if e == nil {
		c.W.Null()
		return
	}
	if !genericLFU(c) {
		c.ErrString("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		return
	}
	c.W.Int(e.LFUFreq(c.E.KS.CoarseNowMs(), c.E.Cfg.Int("lfu-decay-time"))) // the stamps' clock
}

// OBJECT IDLETIME key
func cmdObjectIdleTime(c *engine.Ctx) {
	e := genericObjectLookup(c, c.Argv[2])
	if e == nil {
		c.W.Null()
		return
	}
	if genericLFU(c) {
		c.ErrString("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		return
	}
	// The cron's coarse clock, which also stamped the access (Redis's
	// LRU_CLOCK): the real clock could be a second ahead of the stamp.
	c.W.Int(e.IdleMs(c.E.KS.CoarseNowMs()) / 1000)
}

// OBJECT REFCOUNT key
//
// Redis shares the objects of the integers 0..9999 (reported with
// INT_MAX references) unless maxmemory is set with an LRU or LFU policy;
// every other value has one reference.
func cmdObjectRefCount(c *engine.Ctx) {
	e := genericObjectLookup(c, c.Argv[2])
	if e == nil {
		c.W.Null()
		return
	}
	if e.Obj() == nil && !e.Raw() && len(e.Str()) <= 4 {
		if n, ok := parseInt(e.Str()); ok && n >= 0 && n < 10000 {
			p := c.E.Cfg.String("maxmemory-policy")
			if c.E.Cfg.Int("maxmemory") == 0 || !(strings.HasSuffix(p, "-lru") || strings.HasSuffix(p, "-lfu")) {
				c.W.Int(math.MaxInt32)
				return
			}
		}
	}
	c.W.Int(1)
}

var genericObjectHelp = []string{
	"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
	"HELP",
	"    Prints this help.",
}

// OBJECT HELP
func cmdObjectHelp(c *engine.Ctx) {
	c.W.Array(len(genericObjectHelp))
	for _, l := range genericObjectHelp {
		c.W.Simple(l)
	}
}
