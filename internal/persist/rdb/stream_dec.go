package rdb

import (
	"encoding/binary"

	"github.com/redwingdb/redwing/internal/types"
)

func (d *decoder) readStreamID16() (types.StreamID, error) {
	p, err := d.src.next(16)
	if err != nil {
		return types.StreamID{}, err
	}
	return types.StreamID{Ms: binary.BigEndian.Uint64(p), Seq: binary.BigEndian.Uint64(p[8:])}, nil
}

func (d *decoder) readIDLens() (types.StreamID, error) {
	ms, err := d.length()
	if err != nil {
		return types.StreamID{}, err
	}
	seq, err := d.length()
	if err != nil {
		return types.StreamID{}, err
	}
	return types.StreamID{Ms: ms, Seq: seq}, nil
}

// lpInts reads the next listpack element as an integer.
func lpNextInt(it *lpIter) (int64, error) {
	s, iv, isInt, done, err := it.nextRaw()
	if err != nil {
		return 0, err
	}
	if done {
		return 0, errListpack
	}
	if isInt {
		return iv, nil
	}
	v, ok := lpStringToInt64(s)
	if !ok {
		return 0, errListpack
	}
	return v, nil
}

func lpNextBytes(it *lpIter) ([]byte, error) {
	v, done, err := it.next()
	if err != nil {
		return nil, err
	}
	if done {
		return nil, errListpack
	}
	return append([]byte(nil), v...), nil
}

func (d *decoder) readStream(t byte) (*types.Stream, error) {
	s := types.NewStream()
	nodes, err := d.count()
	if err != nil {
		return nil, err
	}
	var deleted []types.StreamID
	last := types.StreamID{}
	any := false
	for i := 0; i < nodes; i++ {
		key, err := d.readString()
		if err != nil {
			return nil, err
		}
		if len(key) != 16 {
			return nil, d.src.errf("stream node key entry is not the size of a stream ID")
		}
		master := types.StreamID{Ms: binary.BigEndian.Uint64(key), Seq: binary.BigEndian.Uint64(key[8:])}
		blob, err := d.readString()
		if err != nil {
			return nil, err
		}
		if err := d.readStreamNode(s, master, blob, &deleted, &last, &any); err != nil {
			return nil, wrapErr(d.src, err)
		}
	}
	length, err := d.length()
	if err != nil {
		return nil, err
	}
	lastID, err := d.readIDLens()
	if err != nil {
		return nil, err
	}
	var first, maxDel types.StreamID
	var added uint64
	if t >= TypeStreamListpacks2 {
		if first, err = d.readIDLens(); err != nil {
			return nil, err
		}
		if maxDel, err = d.readIDLens(); err != nil {
			return nil, err
		}
		if added, err = d.length(); err != nil {
			return nil, err
		}
	} else {
		added = length
		first, _ = s.FirstLive()
	}
	if len(deleted) > 0 {
		s.Delete(deleted)
	}
	if uint64(s.Len()) != length {
		return nil, d.src.errf("stream length %d does not match its %d entries", length, s.Len())
	}
	if any && lastID.Less(last) {
		return nil, d.src.errf("stream last ID is smaller than its last entry")
	}
	s.RestoreMeta(lastID, first, maxDel, added)
	ngroups, err := d.count()
	if err != nil {
		return nil, err
	}
	for i := 0; i < ngroups; i++ {
		name, err := d.readString()
		if err != nil {
			return nil, err
		}
		glast, err := d.readIDLens()
		if err != nil {
			return nil, err
		}
		entriesRead := int64(-1)
		if t >= TypeStreamListpacks2 {
			v, err := d.length()
			if err != nil {
				return nil, err
			}
			entriesRead = int64(v)
		} else {
			entriesRead = -1
		}
		g := s.CreateGroup(name, glast, entriesRead)
		if g == nil {
			return nil, d.src.errf("duplicated consumer group name %s", name)
		}
		npel, err := d.count()
		if err != nil {
			return nil, err
		}
		for j := 0; j < npel; j++ {
			id, err := d.readStreamID16()
			if err != nil {
				return nil, err
			}
			dt, err := d.readMillis()
			if err != nil {
				return nil, err
			}
			dc, err := d.length()
			if err != nil {
				return nil, err
			}
			if !g.PEL.Insert(id, &types.StreamNACK{DeliveryTime: dt, DeliveryCount: int64(dc)}) {
				return nil, d.src.errf("duplicated global PEL entry loading stream consumer group")
			}
		}
		nc, err := d.count()
		if err != nil {
			return nil, err
		}
		for j := 0; j < nc; j++ {
			cname, err := d.readString()
			if err != nil {
				return nil, err
			}
			seen, err := d.readMillis()
			if err != nil {
				return nil, err
			}
			if t >= TypeStreamListpacks3 {
				if _, err := d.readMillis(); err != nil { // active-time
					return nil, err
				}
			}
			c := g.CreateConsumer(cname, seen)
			if c == nil {
				return nil, d.src.errf("duplicate stream consumer detected")
			}
			c.SeenTime = seen
			cp, err := d.count()
			if err != nil {
				return nil, err
			}
			for k := 0; k < cp; k++ {
				id, err := d.readStreamID16()
				if err != nil {
					return nil, err
				}
				nack := g.PEL.Get(id)
				if nack == nil {
					return nil, d.src.errf("consumer without PEL entry for ID %s", id.String())
				}
				if nack.Consumer != nil {
					return nil, d.src.errf("duplicated consumer PEL entry loading a stream consumer group")
				}
				nack.Consumer = c
				c.PEL.Insert(id, nack)
			}
		}
		// Every pending entry must have an owner.
		it := g.PEL.Seek(types.StreamID{})
		for {
			_, nack, ok := it.Next()
			if !ok {
				break
			}
			if nack.Consumer == nil {
				return nil, d.src.errf("stream CG PEL entry without consumer")
			}
		}
	}
	if nodes == 0 && length != 0 {
		return nil, d.src.errf("empty stream with a non-zero length")
	}
	return s, nil
}

// readStreamNode appends the entries of one node listpack to s.
func (d *decoder) readStreamNode(s *types.Stream, master types.StreamID, blob []byte, deleted *[]types.StreamID, last *types.StreamID, any *bool) error {
	it, err := newLpIter(blob)
	if err != nil {
		return err
	}
	live, err := lpNextInt(it)
	if err != nil {
		return err
	}
	dead, err := lpNextInt(it)
	if err != nil {
		return err
	}
	nmf, err := lpNextInt(it)
	if err != nil {
		return err
	}
	if nmf < 0 || nmf > int64(len(blob)) {
		return errListpack
	}
	mfields := make([][]byte, nmf)
	for i := range mfields {
		if mfields[i], err = lpNextBytes(it); err != nil {
			return err
		}
	}
	if z, err := lpNextInt(it); err != nil || z != 0 {
		return errListpack
	}
	var fv [][]byte
	var nlive, ndead int64
	for {
		if it.pos < len(blob) && blob[it.pos] == 0xFF {
			break
		}
		flags, err := lpNextInt(it)
		if err != nil {
			return err
		}
		msd, err := lpNextInt(it)
		if err != nil {
			return err
		}
		seqd, err := lpNextInt(it)
		if err != nil {
			return err
		}
		id := types.StreamID{Ms: master.Ms + uint64(msd), Seq: master.Seq + uint64(seqd)}
		nf := nmf
		same := flags&streamFlagSame != 0
		if !same {
			if nf, err = lpNextInt(it); err != nil {
				return err
			}
			if nf < 0 || nf > int64(len(blob)) {
				return errListpack
			}
		}
		fv = fv[:0]
		for i := int64(0); i < nf; i++ {
			var f []byte
			if same {
				f = mfields[i]
			} else if f, err = lpNextBytes(it); err != nil {
				return err
			}
			v, err := lpNextBytes(it)
			if err != nil {
				return err
			}
			fv = append(fv, f, v)
		}
		if _, err := lpNextInt(it); err != nil { // lp-count
			return err
		}
		if *any && !last.Less(id) {
			return d.src.errf("stream entry IDs are not ascending")
		}
		*any = true
		*last = id
		s.Append(id, fv, d.lim.Stream)
		if flags&streamFlagDeleted != 0 {
			*deleted = append(*deleted, id)
			ndead++
		} else {
			nlive++
		}
	}
	if _, done, err := it.next(); err != nil || !done {
		return errListpack
	}
	if nlive != live || ndead != dead {
		return d.src.errf("stream node entry counts do not match")
	}
	if nlive+ndead == 0 {
		return d.src.errf("empty listpack in stream node")
	}
	return nil
}
