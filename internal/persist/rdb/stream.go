package rdb

import (
	"encoding/binary"

	"github.com/redwingdb/redwing/internal/types"
)

// Streams (RDB_TYPE_STREAM_LISTPACKS_2 / _3): the nodes as Redis's stream
// listpacks keyed by their 128-bit big-endian master ID, then the stream
// metadata, then the consumer groups with their PELs and consumers.
//
// Node listpack: count, deleted, num-fields, the master fields, 0; then
// per entry: flags, ms-diff, seq-diff, [num-fields, fields and values |
// values only when flag SAMEFIELDS], lp-count.

const (
	streamFlagDeleted = 1
	streamFlagSame    = 2
)

func appendStreamID(dst []byte, id types.StreamID) []byte {
	dst = binary.BigEndian.AppendUint64(dst, id.Ms)
	return binary.BigEndian.AppendUint64(dst, id.Seq)
}

func (e *Encoder) appendStream(dst []byte, s *types.Stream, t byte) ([]byte, error) {
	nodes := 0
	s.PersistNodes(func(*types.StreamNode) { nodes++ })
	dst = AppendLen(dst, uint64(nodes))
	var key [16]byte
	s.PersistNodes(func(sn *types.StreamNode) {
		e.lp.reset(e.lpb)
		e.lp.appendInt(sn.Live)
		e.lp.appendInt(sn.Dead)
		e.lp.appendInt(int64(len(sn.MasterFields)))
		for _, f := range sn.MasterFields {
			e.lp.append(f)
		}
		e.lp.appendInt(0)
		sn.Entries(func(en *types.StreamEntry, deleted, same bool) {
			flags := int64(0)
			if deleted {
				flags |= streamFlagDeleted
			}
			if same {
				flags |= streamFlagSame
			}
			e.lp.appendInt(flags)
			e.lp.appendInt(int64(en.ID.Ms - sn.Master.Ms))
			e.lp.appendInt(int64(en.ID.Seq - sn.Master.Seq))
			nf := en.Len()
			if !same {
				e.lp.appendInt(int64(nf))
			}
			en.Each(func(f, v []byte) {
				if !same {
					e.lp.append(f)
				}
				e.lp.append(v)
			})
			cnt := int64(nf) + 3
			if !same {
				cnt += int64(nf) + 1
			}
			e.lp.appendInt(cnt)
		})
		e.lpb = e.lp.finish()
		k := appendStreamID(key[:0], sn.Master)
		dst = AppendLen(dst, 16)
		dst = append(dst, k...)
		dst = e.appendBlob(dst, e.lpb)
	})
	dst = AppendLen(dst, s.Length())
	last := s.LastID()
	dst = AppendLen(dst, last.Ms)
	dst = AppendLen(dst, last.Seq)
	first := s.FirstID()
	dst = AppendLen(dst, first.Ms)
	dst = AppendLen(dst, first.Seq)
	md := s.MaxDeletedID()
	dst = AppendLen(dst, md.Ms)
	dst = AppendLen(dst, md.Seq)
	dst = AppendLen(dst, s.EntriesAdded())
	groups := s.Groups()
	dst = AppendLen(dst, uint64(len(groups)))
	for _, g := range groups {
		dst = e.AppendString(dst, []byte(g.Name))
		dst = AppendLen(dst, g.LastID.Ms)
		dst = AppendLen(dst, g.LastID.Seq)
		dst = AppendLen(dst, uint64(g.EntriesRead))
		dst = AppendLen(dst, uint64(g.PEL.Len()))
		it := g.PEL.Seek(types.StreamID{})
		for {
			id, nack, ok := it.Next()
			if !ok {
				break
			}
			dst = appendStreamID(dst, id)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(nack.DeliveryTime))
			dst = AppendLen(dst, uint64(nack.DeliveryCount))
		}
		cs := g.Consumers()
		dst = AppendLen(dst, uint64(len(cs)))
		for _, c := range cs {
			dst = e.AppendString(dst, []byte(c.Name))
			dst = binary.LittleEndian.AppendUint64(dst, uint64(c.SeenTime))
			if t == TypeStreamListpacks3 {
				dst = binary.LittleEndian.AppendUint64(dst, uint64(c.SeenTime))
			}
			dst = AppendLen(dst, uint64(c.PEL.Len()))
			it := c.PEL.Seek(types.StreamID{})
			for {
				id, _, ok := it.Next()
				if !ok {
					break
				}
				dst = appendStreamID(dst, id)
			}
		}
	}
	return dst, nil
}
