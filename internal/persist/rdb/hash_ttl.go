package rdb

import (
	"encoding/binary"

	"github.com/redwingdb/redwing/internal/types"
)

// Hashes with field TTLs, in Redis 7.4's layouts (see doc.go):
//
//	TypeHashMetadata (24):   minExpire (8 bytes LE, unix ms), len, then per
//	                         field: ttl (length encoding: 0 = none, else
//	                         expireAt-minExpire+1), field, value.
//	TypeHashMetadataPreGA:   as 24 without minExpire; ttl is expireAt.
//	TypeHashListpackEx (25): minExpire (8 bytes), then a listpack of
//	                         field, value, expireAt (0 = none) triples.
//	TypeHashListpackExPreGA: as 25 without minExpire.
//
// Redwing writes type 24 for every hash with field TTLs.

// appendHashMetadata writes h's live fields (those not expired at now) as
// TypeHashMetadata.
func appendHashMetadata(dst []byte, e *Encoder, h *types.Hash, now int64) []byte {
	n, minAt := 0, int64(0)
	h.ForEachTTL(func(f, v []byte, at int64) bool {
		if at != 0 && at < now {
			return true
		}
		n++
		if at != 0 && (minAt == 0 || at < minAt) {
			minAt = at
		}
		return true
	})
	if minAt == 0 {
		minAt = 1 // no live field has a TTL; any base works
	}
	dst = binary.LittleEndian.AppendUint64(dst, uint64(minAt))
	dst = AppendLen(dst, uint64(n))
	h.ForEachTTL(func(f, v []byte, at int64) bool {
		switch {
		case at == 0:
			dst = AppendLen(dst, 0)
		case at < now:
			return true
		default:
			dst = AppendLen(dst, uint64(at-minAt+1))
		}
		dst = e.AppendString(dst, f)
		dst = e.AppendString(dst, v)
		return true
	})
	return dst
}

// readHashTTL reads the four field-TTL hash types. Fields already expired
// at d.now (when set) are dropped, as Redis does when loading a file.
func (d *decoder) readHashTTL(t byte) (*types.Hash, error) {
	h := types.NewHash()
	maxE, maxV := d.lim.HashMaxEntries, d.lim.HashMaxValue
	var minAt int64
	if t == TypeHashMetadata || t == TypeHashListpackEx {
		m, err := d.readMillis()
		if err != nil {
			return nil, err
		}
		minAt = m
	}
	add := func(f, v []byte, at int64) error {
		if at < 0 || at > maxFieldExpire {
			return d.src.errf("invalid hash field expiration time %d", at)
		}
		if at != 0 && d.now > 0 && at <= d.now {
			return nil
		}
		if !h.Set(f, v, false, maxE, maxV) {
			return d.src.errf("duplicate hash fields detected")
		}
		if at != 0 {
			h.SetFieldExpire(f, at)
		}
		return nil
	}
	switch t {
	case TypeHashMetadata, TypeHashMetadataPreGA:
		n, err := d.count()
		if err != nil {
			return nil, err
		}
		if n > maxE {
			h.Convert()
		}
		for i := 0; i < n; i++ {
			ttl, _, err := d.readLen()
			if err != nil {
				return nil, err
			}
			f, err := d.readString()
			if err != nil {
				return nil, err
			}
			v, err := d.readString()
			if err != nil {
				return nil, err
			}
			at := int64(ttl)
			if t == TypeHashMetadata && ttl != 0 {
				at = int64(ttl) + minAt - 1
			}
			if err := add(f, v, at); err != nil {
				return nil, err
			}
		}
	case TypeHashListpackEx, TypeHashListpackExPreGA:
		blob, err := d.readString()
		if err != nil {
			return nil, err
		}
		it, err := newLpIter(blob)
		if err != nil {
			return nil, d.src.errf("%v", err)
		}
		var trip [3][]byte
		k := 0
		for {
			v, done, err := it.next()
			if err != nil {
				return nil, d.src.errf("%v", err)
			}
			if done {
				break
			}
			trip[k] = append(trip[k][:0], v...)
			if k++; k < 3 {
				continue
			}
			k = 0
			at, ok := parseLpInt(trip[2])
			if !ok {
				return nil, d.src.errf("hash listpack with a bad field expiration time")
			}
			if err := add(trip[0], trip[1], at); err != nil {
				return nil, err
			}
		}
		if k != 0 {
			return nil, d.src.errf("hash listpack with a number of elements not a multiple of 3")
		}
	}
	if h.Len() == 0 {
		return nil, errEmptyKey
	}
	return h, nil
}

// maxFieldExpire is the largest field expiration time Redis accepts
// (EB_EXPIRE_TIME_MAX, 2^48-1 ms).
const maxFieldExpire = 1<<48 - 1

func parseLpInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
