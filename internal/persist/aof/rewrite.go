package aof

import (
	"strconv"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

// itemsPerCmd is Redis's AOF_REWRITE_ITEMS_PER_CMD.
const itemsPerCmd = 64

// Format serialises keys as the commands that rebuild them, for AOF base
// files written without an RDB preamble (aof-use-rdb-preamble no), as
// Redis's rewriteAppendOnlyFileRio. It is safe for concurrent use.
type Format struct{}

func appendBulk(dst, b []byte) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

func appendBulkStr(dst []byte, s string) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, s...)
	return append(dst, '\r', '\n')
}

func appendBulkInt(dst []byte, v int64) []byte {
	var tmp [24]byte
	return appendBulk(dst, strconv.AppendInt(tmp[:0], v, 10))
}

func appendCount(dst []byte, n int) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

func appendID(dst []byte, id types.StreamID) []byte {
	var tmp [48]byte
	return appendBulk(dst, id.Append(tmp[:0]))
}

// batcher emits "CMD key items..." commands of at most itemsPerCmd items.
type batcher struct {
	dst   []byte
	cmd   string
	key   []byte
	left  int // items still to write
	count int // items written in the current command
	width int // arguments per item
}

func (b *batcher) item(args ...[]byte) {
	if b.count == 0 {
		n := min(b.left, itemsPerCmd)
		b.dst = appendCount(b.dst, 2+n*b.width)
		b.dst = appendBulkStr(b.dst, b.cmd)
		b.dst = appendBulk(b.dst, b.key)
	}
	for _, a := range args {
		b.dst = appendBulk(b.dst, a)
	}
	b.left--
	b.count++
	if b.count == itemsPerCmd {
		b.count = 0
	}
}

// AppendKey implements snapshot.Format.
func (Format) AppendKey(dst []byte, db int, key []byte, ent *keyspace.Entry, now int64) []byte {
	switch o := ent.Obj().(type) {
	case nil:
		dst = appendCount(dst, 3)
		dst = appendBulkStr(dst, "SET")
		dst = appendBulk(dst, key)
		dst = appendBulk(dst, ent.Str())
	case *types.List:
		b := batcher{dst: dst, cmd: "RPUSH", key: key, left: o.Len(), width: 1}
		o.ForEach(func(v []byte) bool { b.item(v); return true })
		dst = b.dst
	case *types.Set:
		b := batcher{dst: dst, cmd: "SADD", key: key, left: o.Len(), width: 1}
		o.ForEach(func(m []byte) bool { b.item(m); return true })
		dst = b.dst
	case *types.ZSet:
		b := batcher{dst: dst, cmd: "ZADD", key: key, left: o.Len(), width: 2}
		var tmp [32]byte
		o.ForEach(func(m []byte, sc float64) bool {
			b.item(resp.FormatDouble(tmp[:0], sc), m)
			return true
		})
		dst = b.dst
	case *types.Hash:
		n := 0
		o.ForEach(func(f, v []byte) bool {
			if at, _ := o.FieldExpire(f); at == 0 || at > now {
				n++
			}
			return true
		})
		b := batcher{dst: dst, cmd: "HMSET", key: key, left: n, width: 2}
		var ttls [][]byte
		o.ForEach(func(f, v []byte) bool {
			at, _ := o.FieldExpire(f)
			if at != 0 && at < now {
				return true
			}
			b.item(f, v)
			if at != 0 {
				ttls = append(ttls, append([]byte(nil), f...), strconv.AppendInt(nil, at, 10))
			}
			return true
		})
		dst = b.dst
		for i := 0; i < len(ttls); i += 2 {
			// HPEXPIREAT key ms FIELDS 1 field
			dst = appendCount(dst, 6)
			dst = appendBulkStr(dst, "HPEXPIREAT")
			dst = appendBulk(dst, key)
			dst = appendBulk(dst, ttls[i+1])
			dst = appendBulkStr(dst, "FIELDS")
			dst = appendBulkStr(dst, "1")
			dst = appendBulk(dst, ttls[i])
		}
	case *types.Stream:
		dst = appendStream(dst, key, o)
	default:
		return dst
	}
	if ent.Expire != 0 {
		dst = appendCount(dst, 3)
		dst = appendBulkStr(dst, "PEXPIREAT")
		dst = appendBulk(dst, key)
		dst = appendBulkInt(dst, ent.Expire)
	}
	return dst
}

func appendStream(dst []byte, key []byte, s *types.Stream) []byte {
	if s.Len() > 0 {
		s.Range(types.StreamID{}, types.StreamMaxID, false, func(e types.StreamEntry) bool {
			dst = appendCount(dst, 3+e.Len()*2)
			dst = appendBulkStr(dst, "XADD")
			dst = appendBulk(dst, key)
			dst = appendID(dst, e.ID)
			e.Each(func(f, v []byte) {
				dst = appendBulk(dst, f)
				dst = appendBulk(dst, v)
			})
			return true
		})
	} else {
		// XADD MAXLEN 0 creates the (empty) stream.
		dst = appendCount(dst, 7)
		dst = appendBulkStr(dst, "XADD")
		dst = appendBulk(dst, key)
		dst = appendBulkStr(dst, "MAXLEN")
		dst = appendBulkStr(dst, "0")
		dst = appendID(dst, types.StreamID{Ms: 0, Seq: 1})
		dst = appendBulkStr(dst, "x")
		dst = appendBulkStr(dst, "y")
	}
	dst = appendCount(dst, 7)
	dst = appendBulkStr(dst, "XSETID")
	dst = appendBulk(dst, key)
	dst = appendID(dst, s.LastID())
	dst = appendBulkStr(dst, "ENTRIESADDED")
	dst = appendBulkInt(dst, int64(s.EntriesAdded()))
	dst = appendBulkStr(dst, "MAXDELETEDID")
	dst = appendID(dst, s.MaxDeletedID())
	for _, g := range s.Groups() {
		dst = appendCount(dst, 7)
		dst = appendBulkStr(dst, "XGROUP")
		dst = appendBulkStr(dst, "CREATE")
		dst = appendBulk(dst, key)
		dst = appendBulkStr(dst, g.Name)
		dst = appendID(dst, g.LastID)
		dst = appendBulkStr(dst, "ENTRIESREAD")
		dst = appendBulkInt(dst, g.EntriesRead)
		for _, c := range g.Consumers() {
			if c.PEL.Len() == 0 {
				dst = appendCount(dst, 5)
				dst = appendBulkStr(dst, "XGROUP")
				dst = appendBulkStr(dst, "CREATECONSUMER")
				dst = appendBulk(dst, key)
				dst = appendBulkStr(dst, g.Name)
				dst = appendBulkStr(dst, c.Name)
				continue
			}
			it := c.PEL.Seek(types.StreamID{})
			for {
				id, nack, ok := it.Next()
				if !ok {
					break
				}
				dst = appendCount(dst, 12)
				dst = appendBulkStr(dst, "XCLAIM")
				dst = appendBulk(dst, key)
				dst = appendBulkStr(dst, g.Name)
				dst = appendBulkStr(dst, c.Name)
				dst = appendBulkStr(dst, "0")
				dst = appendID(dst, id)
				dst = appendBulkStr(dst, "TIME")
				dst = appendBulkInt(dst, nack.DeliveryTime)
				dst = appendBulkStr(dst, "RETRYCOUNT")
				dst = appendBulkInt(dst, nack.DeliveryCount)
				dst = appendBulkStr(dst, "JUSTID")
				dst = appendBulkStr(dst, "FORCE")
			}
		}
	}
	return dst
}

// Output writes a command-format snapshot (SELECT per database).
type Output struct {
	Write func(p []byte) error
}

// BeginDB implements snapshot.Output.
func (o Output) BeginDB(db int, size, expires int64) error {
	var b []byte
	b = appendCount(b, 2)
	b = appendBulkStr(b, "SELECT")
	b = appendBulkInt(b, int64(db))
	return o.Write(b)
}

// Records implements snapshot.Output.
func (o Output) Records(p []byte) error { return o.Write(p) }

// AppendFunctionLoad appends "FUNCTION LOAD <code>".
func AppendFunctionLoad(dst []byte, code string) []byte {
	dst = appendCount(dst, 3)
	dst = appendBulkStr(dst, "FUNCTION")
	dst = appendBulkStr(dst, "LOAD")
	return appendBulkStr(dst, code)
}
