package commands

import (
	"fmt"
	"log"
	"math/bits"
	"net"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
)

func init() {
	// DEBUG runs alone: DEBUG SLEEP blocks the server as in Redis, and
	// DEBUG OBJECT / POPULATE touch keys the command table does not name.
	engine.Register("debug", cmdDebug, engine.Exclusive)
	engine.Register("memory|usage", cmdMemoryUsage)
	engine.Register("memory|stats", cmdMemoryStats)
	engine.Register("memory|doctor", cmdMemoryDoctor)
	engine.Register("memory|malloc-stats", cmdMemoryMallocStats)
	engine.Register("memory|purge", cmdMemoryPurge)
	engine.Register("memory|help", cmdMemoryHelp)
}

// debugAllowed applies enable-debug-command.
func debugAllowed(c *engine.Ctx) bool { return protectedAllowed(c, "enable-debug-command") }

// protectedAllowed applies an enable-*-command directive of Redis's
// protected commands: "yes", or "local" for clients on a unix socket or a
// loopback address.
func protectedAllowed(c *engine.Ctx, directive string) bool {
	if c.E.Cfg == nil {
		return false
	}
	switch strings.ToLower(c.E.Cfg.String(directive)) {
	case "yes":
		return true
	case "local":
		return isLocalClient(c.C)
	}
	return false
}

// protectedError is Redis's rejection of a protected command (DEBUG,
// MODULE) that its enable-*-command directive does not allow.
func protectedError(c *engine.Ctx, name, directive string) {
	c.ErrString("ERR " + name + " command not allowed. If the " + directive + " option is set to \"local\", " +
		"you can run it from a local connection, otherwise you need to set this option in the " +
		"configuration file, and then restart the server.")
}

func isLocalClient(cl *engine.Client) bool {
	addr := cl.Addr
	if addr == "" || addr[0] == '/' || addr == "@" || strings.HasPrefix(addr, "unix:") {
		return true
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DEBUG subcommand [argument ...]
func cmdDebug(c *engine.Ctx) {
	if !debugAllowed(c) {
		protectedError(c, "DEBUG", "enable-debug-command")
		return
	}
	sub := strings.ToLower(string(c.Argv[1]))
	argc := len(c.Argv)
	switch {
	case sub == "help" && argc == 2:
		debugHelp(c)
	case sub == "sleep" && argc == 3:
		debugSleep(c)
	case sub == "object" && argc == 3:
		debugObject(c)
	case sub == "set-active-expire" && argc == 3:
		c.E.KS.ActiveExpire.Store(cAtoi(c.Argv[2]) != 0)
		c.W.OK()
	case sub == "error" && argc == 3:
		// The argument is the whole error line, code included.
		c.ErrString(string(c.Argv[2]))
	case sub == "log" && argc == 3:
		log.Printf("DEBUG LOG: %s", c.Argv[2])
		c.W.OK()
	case sub == "protocol" && argc == 3:
		debugProtocol(c)
	case sub == "change-repl-id" && argc == 2:
		c.E.ChangeReplID()
		c.W.OK()
	case sub == "populate" && argc >= 3 && argc <= 5:
		debugPopulate(c)
	case sub == "reload":
		debugReload(c)
	case sub == "digest" && argc == 2:
		debugDigest(c)
	case sub == "digest-value" && argc >= 2:
		debugDigestValue(c)
	default:
		adminSubcommandSyntax(c)
	}
}

func debugHelp(c *engine.Ctx) {
	adminHelp(c,
		"CHANGE-REPL-ID",
		"    Change the replication IDs of the instance.",
		"    Dangerous: should be used only for testing the replication subsystem.",
		"DIGEST",
		"    Output a hex signature representing the current DB content.",
		"DIGEST-VALUE <key> [<key> ...]",
		"    Output a hex signature of the values of all the specified keys.",
		"ERROR <string>",
		"    Return a Redis protocol error with <string> as message. Useful for clients",
		"    unit tests to simulate Redis errors.",
		"LOG <message>",
		"    Write <message> to the server log.",
		"OBJECT <key>",
		"    Show low level info about `key` and associated value.",
		"POPULATE <count> [<prefix>] [<size>]",
		"    Create <count> string keys named key:<num>. If <prefix> is specified then",
		"    it is used instead of the 'key' prefix. These are not propagated to",
		"    replicas.",
		"RELOAD [option ...]",
		"    Save the RDB on disk and reload it back to memory. Valid <option> values:",
		"    * MERGE: conflicting keys will be loaded from RDB.",
		"    * NOFLUSH: the existing database will not be removed before load, but",
		"      conflicting keys make the load fail (the server keeps running).",
		"    * NOSAVE: the database will be loaded from an existing RDB file.",
		"    Examples:",
		"    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
		"      the database.",
		"    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
		"      existing RDB file.",
		"    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
		"      file to the database.",
		"PROTOCOL <type>",
		"    Reply with a test value of the specified type. <type> can be: string,",
		"    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
		"    true, false.",
		"SET-ACTIVE-EXPIRE <0|1>",
		"    Setting it to 0 disables expiring keys in background when they are not",
		"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
		"    default.",
		"SLEEP <seconds>",
		"    Stop the server for <seconds>. Decimals allowed.")
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
func debugReload(c *engine.Ctx) {
	save, flush, merge := true, true, false
	for _, opt := range c.Argv[2:] {
		switch {
		case eqFold(opt, "MERGE"):
			merge = true
		case eqFold(opt, "NOFLUSH"):
			flush = false
		case eqFold(opt, "NOSAVE"):
			save = false
		default:
			c.ErrString("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
			return
		}
	}
	p := c.E.Persister()
	if p == nil {
		c.ErrString("ERR")
		return
	}
	if err := p.Reload(save, flush, merge); err != nil {
		c.ErrString(err.Error())
		return
	}
	c.W.OK()
}

// cAtoi is C's atoi: optional spaces and sign, then digits; 0 if none.
func cAtoi(b []byte) int64 {
	i := 0
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// cStrtod is C's strtod on a prefix: the longest valid number, 0 if none.
func cStrtod(b []byte) float64 {
	s := strings.TrimLeft(string(b), " \t\n\r\v\f")
	for end := len(s); end > 0; end-- {
		if v, err := strconv.ParseFloat(s[:end], 64); err == nil {
			return v
		} else if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v
		}
	}
	return 0
}

// DEBUG SLEEP seconds
func debugSleep(c *engine.Ctx) {
	usec := int64(cStrtod(c.Argv[2]) * 1e6)
	if usec > 0 {
		time.Sleep(time.Duration(usec) * time.Microsecond)
	}
	c.W.OK()
}

// DEBUG OBJECT key
func debugObject(c *engine.Ctx) {
	e := c.DB.Peek(c.Argv[2])
	if e == nil {
		c.Err(errs.NoSuchKey)
		return
	}
	enc := entryEncoding(e)
	refcount := 1
	if enc == "int" && isSharedInt(e.Str()) {
		refcount = 2147483647
	}
	nowMs := c.Now()
	idle := e.IdleMs(nowMs) / 1000
	lru := (nowMs/1000 - idle) & (1<<24 - 1)
	var b []byte
	b = append(b, "Value at:"...)
	b = append(b, fmt.Sprintf("%p", e)...)
	b = append(b, " refcount:"...)
	b = strconv.AppendInt(b, int64(refcount), 10)
	b = append(b, " encoding:"...)
	b = append(b, enc...)
	b = append(b, " serializedlength:"...)
	b = strconv.AppendInt(b, serializedLength(e), 10)
	b = append(b, " lru:"...)
	b = strconv.AppendInt(b, lru, 10)
	b = append(b, " lru_seconds_idle:"...)
	b = strconv.AppendInt(b, idle, 10)
	if enc == "quicklist" {
		b = appendQuicklistInfo(b, c, e.Obj())
	}
	c.W.Simple(string(b))
}

// quicklistInfo is implemented by list values that can describe their
// nodes for DEBUG OBJECT.
type quicklistInfo interface {
	QuicklistInfo() (nodes int, avgNode float64, packedMax int, compressed int, uncompressed int64)
}

type lener interface{ Len() int }

func appendQuicklistInfo(b []byte, c *engine.Ctx, obj keyspace.Object) []byte {
	var nodes, packMax, compressed int
	var avg float64
	var raw int64
	if q, ok := obj.(quicklistInfo); ok {
		nodes, avg, packMax, compressed, raw = q.QuicklistInfo()
	} else {
		n := 0
		if l, ok := obj.(lener); ok {
			n = l.Len()
		}
		nodes, avg, raw = 1, float64(n), int64(n*6+7)
		packMax = -2
		if c.E.Cfg != nil {
			packMax = int(c.E.Cfg.Int("list-max-listpack-size"))
		}
	}
	b = append(b, " ql_nodes:"...)
	b = strconv.AppendInt(b, int64(nodes), 10)
	b = append(b, " ql_avg_node:"...)
	b = strconv.AppendFloat(b, avg, 'f', 2, 64)
	b = append(b, " ql_listpack_max:"...)
	b = strconv.AppendInt(b, int64(packMax), 10)
	b = append(b, " ql_compressed:"...)
	b = strconv.AppendInt(b, int64(compressed), 10)
	b = append(b, " ql_uncompressed_size:"...)
	b = strconv.AppendInt(b, raw, 10)
	return b
}

// entryEncoding is OBJECT ENCODING of an entry.
func entryEncoding(e *keyspace.Entry) string {
	if e.Obj() != nil {
		return e.Obj().Encoding()
	}
	if e.Raw() {
		return "raw"
	}
	if len(e.Str()) <= 20 {
		if _, ok := resp.ParseInt(e.Str()); ok {
			return "int"
		}
	}
	if len(e.Str()) <= 44 {
		return "embstr"
	}
	return "raw"
}

// isSharedInt reports whether Redis would store s as one of its shared
// integers (0..9999).
func isSharedInt(s []byte) bool {
	n, ok := resp.ParseInt(s)
	return ok && n >= 0 && n < 10000
}

// serializedLength estimates the RDB size of a value (DEBUG OBJECT): exact
// for uncompressed strings, an estimate for other types.
func serializedLength(e *keyspace.Entry) int64 {
	if e.Obj() == nil {
		if n, ok := resp.ParseInt(e.Str()); ok && len(e.Str()) <= 11 {
			switch {
			case n >= -(1<<7) && n < 1<<7:
				return 2
			case n >= -(1<<15) && n < 1<<15:
				return 3
			case n >= -(1<<31) && n < 1<<31:
				return 5
			}
		}
		return rdbLenSize(uint64(len(e.Str()))) + int64(len(e.Str()))
	}
	return int64(objectUsage(e.Obj(), 0)) / 2
}

func rdbLenSize(n uint64) int64 {
	switch {
	case n < 1<<6:
		return 1
	case n < 1<<14:
		return 2
	case n <= 1<<32-1:
		return 5
	}
	return 9
}

// DEBUG PROTOCOL type
func debugProtocol(c *engine.Ctx) {
	w := c.W
	switch strings.ToLower(string(c.Argv[2])) {
	case "string":
		w.BulkString("Hello World")
	case "integer":
		w.Int(12345)
	case "double":
		w.Double(3.141)
	case "bignum":
		w.BigNumber("1234567999999999999999999999999999999")
	case "null":
		w.Null()
	case "array":
		w.Array(3)
		for j := int64(0); j < 3; j++ {
			w.Int(j)
		}
	case "set":
		w.Set(3)
		for j := int64(0); j < 3; j++ {
			w.Int(j)
		}
	case "map":
		w.Map(3)
		for j := int64(0); j < 3; j++ {
			w.Int(j)
			w.Bool(j == 1)
		}
	case "attrib":
		if w.Proto >= 3 {
			w.Attribute(1)
			w.BulkString("key-popularity")
			w.Array(2)
			w.BulkString("key:123")
			w.Int(90)
		}
		w.BulkString("Some real reply following the attribute")
	case "push":
		if w.Proto < 3 {
			c.ErrString("ERR RESP2 is not supported by this command")
			return
		}
		w.Push(2)
		w.BulkString("server-cpu-usage")
		w.Int(42)
		w.BulkString("Some real reply following the push reply")
	case "true":
		w.Bool(true)
	case "false":
		w.Bool(false)
	case "verbatim":
		w.Verbatim("txt", "This is a verbatim\nstring")
	default:
		c.ErrString("ERR Wrong protocol type name. Please use one of the following: " +
			"string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
	}
}

// DEBUG POPULATE count [prefix] [size]
func debugPopulate(c *engine.Ctx) {
	// getPositiveLongFromObjectOrReply: one message for both failures.
	keys, ok := parseInt(c.Argv[2])
	if !ok || keys < 0 {
		c.Err(errs.NotPositive)
		return
	}
	var size int64
	if len(c.Argv) == 5 {
		if size, ok = parseInt(c.Argv[4]); !ok || size < 0 {
			c.Err(errs.NotPositive)
			return
		}
	}
	prefix := "key"
	if len(c.Argv) >= 4 {
		prefix = string(c.Argv[3])
	}
	c.NoPropagate() // as Redis: populated keys are not replicated
	var kb, vb, sized []byte
	if size > 0 {
		sized = make([]byte, size)
	}
	for j := int64(0); j < keys; j++ {
		kb = append(append(kb[:0], prefix...), ':')
		kb = strconv.AppendInt(kb, j, 10)
		if len(kb) > 127 { // snprintf into a 128-byte buffer
			kb = kb[:127]
		}
		if c.DB.Lookup(kb) != nil {
			continue
		}
		vb = strconv.AppendInt(append(vb[:0], "value:"...), j, 10)
		val := vb
		if size > 0 {
			clear(sized)
			copy(sized, vb)
			val = sized
		}
		c.DB.Set(kb, keyspace.StrEntry(val)) // Set copies the value
		c.Modified(kb)
	}
	c.W.OK()
}

// ---------------------------------------------------------------------------
// MEMORY

// mallocSize rounds an allocation up to jemalloc's size class (four
// classes per doubling above 128 bytes, multiples of 16 below).
func mallocSize(n uint64) uint64 {
	switch {
	case n <= 8:
		return 8
	case n <= 128:
		return (n + 15) &^ 15
	}
	k := bits.Len64(n-1) - 1 // n in (2^k, 2^(k+1)]
	step := uint64(1) << uint(k-2)
	return (n + step - 1) &^ (step - 1)
}

// sdsAllocSize is the allocation of an sds string of n bytes created with
// sdsnewlen (header by length class, terminating NUL).
func sdsAllocSize(n uint64, minType8 bool) uint64 {
	var hdr uint64
	switch {
	case n < 1<<5 && !minType8:
		hdr = 1
	case n < 1<<8:
		hdr = 3
	case n < 1<<16:
		hdr = 5
	case n < 1<<32:
		hdr = 9
	default:
		hdr = 17
	}
	return mallocSize(hdr + n + 1)
}

const robjSize = 16

// stringUsage is Redis's objectComputeSize for a string value.
func stringUsage(e *keyspace.Entry) uint64 {
	switch entryEncoding(e) {
	case "int":
		return robjSize
	case "embstr":
		return mallocSize(robjSize + 3 + uint64(len(e.Str())) + 1)
	}
	return robjSize + sdsAllocSize(uint64(len(e.Str())), true)
}

// memoryUser is implemented by values that can estimate their own memory
// use in bytes, sampling up to samples nested elements (0: all).
type memoryUser interface {
	MemoryUsage(samples int) int64
}

// Element iteration of the value types, used to size their elements.
type (
	pairIterator interface {
		ForEach(fn func(f, v []byte) bool)
	}
	elemIterator interface {
		ForEach(fn func(v []byte) bool)
	}
	scoreIterator interface {
		ForEach(fn func(m []byte, score float64) bool)
	}
	intsetValues interface {
		IntsetValues() []int64
	}
	nodeCounter interface {
		Nodes() int
	}
)

// lpEntrySize is the size of one listpack entry holding s (encoding,
// data and back-length), as lpInsert would store it.
func lpEntrySize(s []byte) uint64 {
	var enc uint64
	if v, ok := resp.ParseInt(s); ok {
		switch {
		case v >= 0 && v <= 127:
			enc = 1
		case v >= -4096 && v <= 4095:
			enc = 2
		case v >= -(1<<15) && v < 1<<15:
			enc = 3
		case v >= -(1<<23) && v < 1<<23:
			enc = 4
		case v >= -(1<<31) && v < 1<<31:
			enc = 5
		default:
			enc = 9
		}
	} else {
		switch n := uint64(len(s)); {
		case n < 64:
			enc = 1 + n
		case n < 4096:
			enc = 2 + n
		default:
			enc = 5 + n
		}
	}
	switch {
	case enc <= 127:
		return enc + 1
	case enc < 16383:
		return enc + 2
	case enc < 2097151:
		return enc + 3
	case enc < 268435455:
		return enc + 4
	}
	return enc + 5
}

// scoreBytes is a zset score as a listpack stores it (integers as such).
func scoreBytes(dst []byte, score float64) []byte {
	if score == float64(int64(score)) && score > -1e17 && score < 1e17 {
		return strconv.AppendInt(dst[:0], int64(score), 10)
	}
	return strconv.AppendFloat(dst[:0], score, 'g', 17, 64)
}

const (
	dictStructSize     = 56
	quicklistSize      = 40
	quicklistNodeSize  = 40
	skiplistHeaderSize = 640 // zskiplistNode with 32 levels, malloc-rounded
)

func dictSlots(n uint64) uint64 {
	slots := uint64(4)
	for slots < n {
		slots *= 2
	}
	return slots
}

// objectUsage estimates the memory of a non-string value the way Redis's
// objectComputeSize does: listpacks and intsets by their exact encoded
// size, hash tables and skiplists from a sample of samples elements (0:
// all) scaled to the whole value.
func objectUsage(obj keyspace.Object, samples int) uint64 {
	if m, ok := obj.(memoryUser); ok {
		return uint64(m.MemoryUsage(samples))
	}
	n := uint64(0)
	if l, ok := obj.(lener); ok && l.Len() > 0 {
		n = uint64(l.Len())
	}
	if samples <= 0 {
		samples = int(^uint(0) >> 1)
	}
	var tmp []byte
	// sample walks up to samples elements, returning their summed size
	// and how many were seen; size gives each element's cost.
	sample := func(size func(a, b []byte) uint64) (uint64, uint64) {
		var sum, seen uint64
		visit := func(a, b []byte) bool {
			sum += size(a, b)
			seen++
			return seen < uint64(samples)
		}
		switch it := obj.(type) {
		case pairIterator:
			it.ForEach(func(f, v []byte) bool { return visit(f, v) })
		case scoreIterator:
			it.ForEach(func(m []byte, score float64) bool {
				tmp = scoreBytes(tmp, score)
				return visit(m, tmp)
			})
		case elemIterator:
			it.ForEach(func(v []byte) bool { return visit(v, nil) })
		}
		return sum, seen
	}
	scaled := func(sum, seen uint64) uint64 {
		if seen == 0 {
			return 0
		}
		return uint64(float64(sum) / float64(seen) * float64(n))
	}
	switch obj.Encoding() {
	case "listpack", "ziplist":
		saved := samples
		samples = int(^uint(0) >> 1) // the whole listpack
		sum, _ := sample(func(a, b []byte) uint64 {
			sz := lpEntrySize(a)
			if b != nil {
				sz += lpEntrySize(b)
			}
			return sz
		})
		samples = saved
		return robjSize + mallocSize(6+sum+1)
	case "intset":
		width := uint64(2)
		if is, ok := obj.(intsetValues); ok {
			for _, v := range is.IntsetValues() {
				switch {
				case v < -(1<<31) || v >= 1<<31:
					width = 8
				case (v < -(1<<15) || v >= 1<<15) && width < 4:
					width = 4
				}
			}
		}
		return robjSize + mallocSize(8+n*width)
	case "quicklist":
		nodes := uint64(1)
		if nc, ok := obj.(nodeCounter); ok && nc.Nodes() > 0 {
			nodes = uint64(nc.Nodes())
		}
		saved := samples
		samples = int(^uint(0) >> 1)
		sum, _ := sample(func(a, _ []byte) uint64 { return lpEntrySize(a) })
		samples = saved
		perNode := quicklistNodeSize + mallocSize(6+sum/nodes+1)
		return robjSize + quicklistSize + nodes*perNode
	case "hashtable":
		sum, seen := sample(func(a, b []byte) uint64 {
			sz := 24 + sdsAllocSize(uint64(len(a)), false)
			if b != nil {
				sz += sdsAllocSize(uint64(len(b)), false)
			}
			return sz
		})
		return robjSize + dictStructSize + 8*dictSlots(n) + scaled(sum, seen)
	case "skiplist":
		sum, seen := sample(func(a, _ []byte) uint64 {
			// member string, dict entry, node with ~1.33 levels on average
			return sdsAllocSize(uint64(len(a)), false) + 24 + mallocSize(24+2*16)
		})
		return robjSize + 16 + 32 + dictStructSize + 8*dictSlots(n) + skiplistHeaderSize + scaled(sum, seen)
	case "stream":
		return robjSize + 64 + n*64
	}
	return robjSize + n*16
}

// keyUsage is MEMORY USAGE: value, key string and hash table entry.
func keyUsage(key []byte, e *keyspace.Entry, samples int) uint64 {
	var v uint64
	if e.Obj() == nil {
		v = stringUsage(e)
	} else {
		v = objectUsage(e.Obj(), samples)
	}
	return v + sdsAllocSize(uint64(len(key)), false) + 24
}

// MEMORY USAGE key [SAMPLES count]
func cmdMemoryUsage(c *engine.Ctx) {
	samples := int64(5)
	for j := 3; j < len(c.Argv); j++ {
		if eqFold(c.Argv[j], "SAMPLES") && j+1 < len(c.Argv) {
			n, ok := parseInt(c.Argv[j+1])
			if !ok {
				c.Err(errs.NotInt)
				return
			}
			if n < 0 {
				c.Err(errs.Syntax)
				return
			}
			samples = n
			j++
			continue
		}
		c.Err(errs.Syntax)
		return
	}
	e := c.DB.Peek(c.Argv[2])
	if e == nil {
		c.W.Null()
		return
	}
	c.W.Int(int64(keyUsage(c.Argv[2], e, int(samples))))
}

// MEMORY STATS
func cmdMemoryStats(c *engine.Ctx) {
	var m memStats
	readMemStats(c.E, &m)
	w := c.W
	w.Map(27 + len(m.dbOverhead))
	kv := func(k string, v uint64) {
		w.BulkString(k)
		w.Int(int64(v))
	}
	kvf := func(k string, v float64) {
		w.BulkString(k)
		w.Double(v)
	}
	kv("peak.allocated", m.peak)
	kv("total.allocated", m.used)
	kv("startup.allocated", m.startup)
	kv("replication.backlog", 0)
	kv("clients.slaves", 0)
	kv("clients.normal", m.clients)
	kv("cluster.links", 0)
	kv("aof.buffer", 0)
	kv("lua.caches", uint64(hookVal(infoHooks.ScriptsMemory, c.E)))
	kv("functions.caches", 0)
	for _, d := range m.dbOverhead {
		w.BulkString("db." + strconv.Itoa(d.db))
		w.Map(3)
		kv("overhead.hashtable.main", d.main)
		kv("overhead.hashtable.expires", d.expires)
		kv("overhead.hashtable.slot-to-keys", 0)
	}
	kv("overhead.total", m.overhead)
	kv("keys.count", uint64(m.keys))
	perKey := uint64(0)
	if m.keys > 0 && m.used > m.startup {
		perKey = (m.used - m.startup) / uint64(m.keys)
	}
	kv("keys.bytes-per-key", perKey)
	kv("dataset.bytes", m.dataset)
	kvf("dataset.percentage", m.datasetPerc)
	kvf("peak.percentage", m.peakPerc)
	kv("allocator.allocated", m.allocated)
	kv("allocator.active", m.active)
	kv("allocator.resident", m.resident)
	kvf("allocator-fragmentation.ratio", m.allocFrag)
	w.BulkString("allocator-fragmentation.bytes")
	w.Int(diff(m.active, m.allocated))
	kvf("allocator-rss.ratio", m.allocRSS)
	w.BulkString("allocator-rss.bytes")
	w.Int(diff(m.resident, m.active))
	kvf("rss-overhead.ratio", m.rssExtra)
	w.BulkString("rss-overhead.bytes")
	w.Int(diff(m.rss, m.resident))
	kvf("fragmentation", m.totalFrag)
	w.BulkString("fragmentation.bytes")
	w.Int(diff(m.rss, m.used))
}

// MEMORY DOCTOR
func cmdMemoryDoctor(c *engine.Ctx) {
	var m memStats
	readMemStats(c.E, &m)
	c.W.Verbatim("txt", memoryReport(&m))
}

// memoryReport is Redwing's own memory analysis text.
func memoryReport(m *memStats) string {
	if m.used < 5<<20 {
		return "Memory doctor: this server holds less than 5 MB, too little for a meaningful " +
			"analysis. Come back once it stores some real data.\n"
	}
	var issues []string
	if m.peak > 0 && float64(m.used)/float64(m.peak) < 0.5 {
		issues = append(issues, "* Peak memory: the server once used "+bytesToHuman(m.peak)+
			", more than twice what it uses now ("+bytesToHuman(m.used)+"); the difference may "+
			"be held by the Go runtime until it is returned to the OS (MEMORY PURGE forces it).")
	}
	if m.totalFrag > 1.4 {
		issues = append(issues, "* High RSS overhead: the process' resident memory is "+
			strconv.FormatFloat(m.totalFrag, 'f', 2, 64)+" times the memory in use by values; "+
			"freed heap space has not been returned to the OS yet.")
	}
	if m.totalFrag > 0 && m.totalFrag < 1 {
		issues = append(issues, "* Resident memory is below the memory in use: part of the "+
			"process may be swapped out, which causes latency.")
	}
	if m.clients > 64<<20 {
		issues = append(issues, "* Client buffers use "+bytesToHuman(m.clients)+
			": look for clients with large query or output buffers in CLIENT LIST.")
	}
	if len(issues) == 0 {
		return "Memory doctor: no memory problems found.\n"
	}
	return "Memory doctor found the following:\n\n" + strings.Join(issues, "\n\n") + "\n"
}

// MEMORY MALLOC-STATS
func cmdMemoryMallocStats(c *engine.Ctx) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var b strings.Builder
	fmt.Fprintf(&b, "Go runtime memory statistics (%s)\n", runtime.Version())
	fmt.Fprintf(&b, "heap_alloc:%d\nheap_inuse:%d\nheap_idle:%d\nheap_released:%d\n", ms.HeapAlloc, ms.HeapInuse, ms.HeapIdle, ms.HeapReleased)
	fmt.Fprintf(&b, "heap_objects:%d\nstack_inuse:%d\nsys:%d\nnum_gc:%d\n", ms.HeapObjects, ms.StackInuse, ms.Sys, ms.NumGC)
	fmt.Fprintf(&b, "next_gc:%d\ngc_cpu_fraction:%.6f\n", ms.NextGC, ms.GCCPUFraction)
	c.W.Verbatim("txt", b.String())
}

// MEMORY PURGE
func cmdMemoryPurge(c *engine.Ctx) {
	c.WillTakeLong() // a full collection: other clients go on meanwhile
	debug.FreeOSMemory()
	c.W.OK()
}

// MEMORY HELP
func cmdMemoryHelp(c *engine.Ctx) {
	adminHelp(c,
		"DOCTOR",
		"    Return memory problems reports.",
		"MALLOC-STATS",
		"    Return internal statistics report from the memory allocator.",
		"PURGE",
		"    Attempt to purge dirty pages for reclamation by the allocator.",
		"STATS",
		"    Return information about the memory usage of the server.",
		"USAGE <key> [SAMPLES <count>]",
		"    Return memory in bytes used by <key> and its value. Nested values are",
		"    sampled up to <count> times (default: 5, 0 means sample all).")
}
