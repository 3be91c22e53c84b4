package rdb

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/types"
)

// zlBuild encodes values as a ziplist (Redis <= 6.2), integers in the
// smallest ziplist form, strings with 6/14/32-bit lengths.
func zlBuild(vals ...string) []byte {
	var entries []byte
	prev := 0
	tail := 10
	for _, v := range vals {
		var e []byte
		if prev < 254 {
			e = append(e, byte(prev))
		} else {
			e = append(e, 254)
			e = binary.LittleEndian.AppendUint32(e, uint32(prev))
		}
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(n, 10) == v {
			switch {
			case n >= 0 && n <= 12:
				e = append(e, 0xF1+byte(n))
			case n >= -128 && n <= 127:
				e = append(e, 0xFE, byte(n))
			case n >= -32768 && n <= 32767:
				e = append(e, 0xC0)
				e = binary.LittleEndian.AppendUint16(e, uint16(n))
			case n >= -8388608 && n <= 8388607:
				e = append(e, 0xF0, byte(n), byte(n>>8), byte(n>>16))
			case n >= -2147483648 && n <= 2147483647:
				e = append(e, 0xD0)
				e = binary.LittleEndian.AppendUint32(e, uint32(n))
			default:
				e = append(e, 0xE0)
				e = binary.LittleEndian.AppendUint64(e, uint64(n))
			}
		} else {
			switch l := len(v); {
			case l < 64:
				e = append(e, byte(l))
			case l < 16384:
				e = append(e, byte(l>>8)|0x40, byte(l))
			default:
				e = append(e, 0x80)
				e = binary.BigEndian.AppendUint32(e, uint32(l))
			}
			e = append(e, v...)
		}
		tail = 10 + len(entries)
		entries = append(entries, e...)
		prev = len(e)
	}
	zl := make([]byte, 10, 11+len(entries))
	zl = append(zl, entries...)
	zl = append(zl, 0xFF)
	binary.LittleEndian.PutUint32(zl, uint32(len(zl)))
	binary.LittleEndian.PutUint32(zl[4:], uint32(tail))
	binary.LittleEndian.PutUint16(zl[8:], uint16(len(vals)))
	return zl
}

// rawString appends a length-prefixed raw string.
func rawString(dst, s []byte) []byte {
	dst = AppendLen(dst, uint64(len(s)))
	return append(dst, s...)
}

// TestLoadVersion9 reads the encodings of Redis 5/6 files: ziplist hashes,
// zsets and quicklist (ziplist) lists, zipmap hashes, linked lists, old
// string-score zsets, old streams, EXPIRETIME in seconds, and a module
// AUX record to skip.
func TestLoadVersion9(t *testing.T) {
	var f []byte
	f = append(f, "REDIS0009"...)
	f = append(f, OpAux)
	f = rawString(f, []byte("redis-ver"))
	f = rawString(f, []byte("6.2.14"))
	// Module AUX: id, when-op UINT, when, then typed values and EOF.
	f = append(f, OpModuleAux)
	f = AppendLen(f, 0x1234567890)
	f = AppendLen(f, 2)
	f = AppendLen(f, 2)
	f = AppendLen(f, 5) // STRING
	f = rawString(f, []byte("module data"))
	f = AppendLen(f, 2) // UINT
	f = AppendLen(f, 77)
	f = AppendLen(f, 4) // DOUBLE
	f = append(f, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f)
	f = AppendLen(f, 0) // EOF
	f = append(f, OpSelectDB, 0, OpResizeDB, 8, 1)

	f = append(f, TypeHashZiplist)
	f = rawString(f, []byte("h"))
	f = rawString(f, zlBuild("f1", "v1", "n", "-300", "big", "123456789012"))
	f = append(f, TypeZSetZiplist)
	f = rawString(f, []byte("z"))
	f = rawString(f, zlBuild("a", "1", "b", "2.5", "c", "100000"))
	f = append(f, TypeListQuicklist)
	f = rawString(f, []byte("q"))
	f = AppendLen(f, 2)
	f = rawString(f, zlBuild("x", "1", strings.Repeat("y", 100)))
	f = rawString(f, zlBuild("-5", "70000"))
	// Zipmap hash: zmlen, then len key len free value, 0xFF.
	zm := []byte{2, 1, 'k', 1, 0, 'v', 2, 'k', '2', 3, 1, 'a', 'b', 'c', 0, 0xFF}
	f = append(f, TypeHashZipmap)
	f = rawString(f, []byte("zm"))
	f = rawString(f, zm)
	f = append(f, TypeList)
	f = rawString(f, []byte("ll"))
	f = AppendLen(f, 2)
	f = rawString(f, []byte("one"))
	f = append(f, 0xC0, 2) // "2" as an int8 string
	// Old zset with string scores.
	f = append(f, TypeZSet)
	f = rawString(f, []byte("oz"))
	f = AppendLen(f, 2)
	f = rawString(f, []byte("m1"))
	f = append(f, 3, '1', '.', '5')
	f = rawString(f, []byte("m2"))
	f = append(f, 254) // +inf
	// EXPIRETIME in seconds, then a string.
	f = append(f, OpExpireTime)
	f = binary.LittleEndian.AppendUint32(f, 2000000000)
	f = append(f, TypeString)
	f = rawString(f, []byte("exp"))
	f = rawString(f, []byte("val"))
	// Stream version 1 (no first/max-deleted/entries-added/entries-read).
	var b lpBuilder
	b.reset(nil)
	for _, v := range []int64{2, 0, 1} {
		b.appendInt(v)
	}
	b.append([]byte("f"))
	b.appendInt(0)
	for i := int64(0); i < 2; i++ { // two entries with the master fields
		b.appendInt(streamFlagSame)
		b.appendInt(i)
		b.appendInt(0)
		b.append([]byte("v" + strconv.Itoa(int(i))))
		b.appendInt(4)
	}
	lp := b.finish()
	f = append(f, TypeStreamListpacks)
	f = rawString(f, []byte("st"))
	f = AppendLen(f, 1)
	f = rawString(f, appendStreamID(nil, streamID(100, 0)))
	f = rawString(f, lp)
	f = AppendLen(f, 2)
	f = AppendLen(f, 101)
	f = AppendLen(f, 0)
	f = AppendLen(f, 1) // one group
	f = rawString(f, []byte("g"))
	f = AppendLen(f, 100)
	f = AppendLen(f, 0)
	f = AppendLen(f, 0) // empty PEL
	f = AppendLen(f, 0) // no consumers
	f = append(f, OpEOF)
	f = binary.LittleEndian.AppendUint64(f, CRC64(0, f))

	got := map[string]string{}
	var warns []string
	l := &Loader{Limits: DefaultLimits()}
	_, err := l.Load(bytes.NewReader(f), int64(len(f)), Handler{
		Warn: func(m string) { warns = append(warns, m) },
		Key: func(db int, key []byte, ent *keyspace.Entry, m LoadedMeta) error {
			got[string(key)] = describe(ent)
			if ent.Expire != 0 {
				got[string(key)] += " exp=" + strconv.FormatInt(ent.Expire, 10)
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"h":   "hash/listpack:big=123456789012,f1=v1,n=-300",
		"z":   "zset/listpack:a=1,b=2.5,c=100000",
		"q":   "list/listpack:x,1," + strings.Repeat("y", 100) + ",-5,70000",
		"zm":  "hash/listpack:k2=abc,k=v",
		"ll":  "list/listpack:one,2",
		"oz":  "zset/listpack:m1=1.5,m2=+Inf",
		"exp": "string:val exp=2000000000000",
		"st":  "stream len=2 last=101-0 first=100-0 maxdel=0-0 added=2: 100-0 f=v0; 101-0 f=v1; group g last=100-0 read=-1 pel=0",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s:\n got %s\nwant %s", k, got[k], w)
		}
	}
	if len(warns) == 0 || !strings.Contains(warns[0], "module") {
		t.Errorf("no module warning: %v", warns)
	}
}

func streamID(ms, seq uint64) types.StreamID { return types.StreamID{Ms: ms, Seq: seq} }
