package commands

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/resp"
	"github.com/redwingdb/redwing/internal/types"
)

// DEBUG DIGEST and DEBUG DIGEST-VALUE compute Redis's dataset digest
// (debug.c): a SHA-1 based signature that does not depend on the order of
// keys, set members, hash fields or sorted-set members, but does on the
// order of list elements and stream entries. Two servers holding the same
// data give the same digest, which is what replication and reload tests
// compare. Sorted-set scores are mixed in as Redis 7.0 prints them
// ("%.17g"; Redis 7.2 switched to the shortest form).

type digest [sha1.Size]byte

// xor adds SHA1(p) to d, commutatively (unordered elements).
func (d *digest) xor(p []byte) {
	h := sha1.Sum(p)
	for i := range d {
		d[i] ^= h[i]
	}
}

// mix makes d = SHA1(d xor SHA1(p)): order matters.
func (d *digest) mix(p []byte) {
	d.xor(p)
	*d = sha1.Sum(d[:])
}

// Redis's object type numbers, which the digest mixes in.
var digestTypes = map[string]uint32{"string": 0, "list": 1, "set": 2, "zset": 3, "hash": 4, "stream": 6}

// xorObject mixes e's value (stored under a key, and its TTL) into d, as
// Redis's xorObjectDigest.
func xorObject(d *digest, e *keyspace.Entry, nowMs int64) {
	o := e.Obj()
	typ := "string"
	if o != nil {
		typ = o.Type()
	}
	var aux [4]byte
	binary.BigEndian.PutUint32(aux[:], digestTypes[typ])
	d.mix(aux[:])
	var buf []byte
	switch v := o.(type) {
	case nil:
		d.mix(e.Str())
	case *types.List:
		v.ForEach(func(el []byte) bool { d.mix(el); return true })
	case *types.Set:
		v.ForEach(func(m []byte) bool { d.xor(m); return true })
	case *types.ZSet:
		v.ForEach(func(m []byte, score float64) bool {
			var el digest
			el.mix(m)
			buf = resp.FormatDouble(buf[:0], score)
			el.mix(buf)
			d.xor(el[:])
			return true
		})
	case *types.Hash:
		v.ForEachTTL(func(f, val []byte, at int64) bool {
			if at != 0 && at < nowMs {
				return true // expired, not yet reclaimed: not part of the hash
			}
			var el digest
			el.mix(f)
			el.mix(val)
			d.xor(el[:])
			return true
		})
	case *types.Stream:
		v.Range(types.StreamID{}, types.StreamMaxID, false, func(se types.StreamEntry) bool {
			buf = strconv.AppendUint(buf[:0], se.ID.Ms, 10)
			buf = strconv.AppendUint(append(buf, '.'), se.ID.Seq, 10)
			d.mix(buf)
			se.Each(func(f, val []byte) { d.mix(f); d.mix(val) })
			return true
		})
	}
	if e.Expire != 0 {
		d.xor([]byte("!!expire!!"))
	}
}

// DEBUG DIGEST: the digest of every database, 40 zeros when all are empty.
// Keys past their TTL but not yet reclaimed count, as in Redis.
func debugDigest(c *engine.Ctx) {
	var final digest
	ks := c.E.KS
	now := ks.Clock.NowMs()
	for i := 0; i < ks.NumDBs(); i++ {
		db := ks.DBIfUsed(i)
		if db == nil || db.Size() == 0 {
			continue
		}
		var aux [4]byte
		binary.BigEndian.PutUint32(aux[:], uint32(i))
		final.mix(aux[:])
		db.ForEachShard(0, c.Exclusive, func(_ int, keys keyspace.ShardKeys) bool {
			keys.Range(func(k string, e *keyspace.Entry) bool {
				var kd digest
				kd.mix([]byte(k))
				xorObject(&kd, e, now)
				final.xor(kd[:])
				return true
			})
			return true
		})
	}
	c.W.Simple(hex.EncodeToString(final[:]))
}

// DEBUG DIGEST-VALUE key [key ...]: the digest of each key's value (40
// zeros for a missing key), without expiring anything.
func debugDigestValue(c *engine.Ctx) {
	now := c.E.KS.Clock.NowMs()
	c.W.Array(len(c.Argv) - 2)
	for _, key := range c.Argv[2:] {
		var d digest
		if e := c.DB.Stored(key); e != nil {
			xorObject(&d, e, now)
		}
		c.W.Simple(hex.EncodeToString(d[:]))
	}
}
