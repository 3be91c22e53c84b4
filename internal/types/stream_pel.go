package types

import "sort"

// PEL is an ordered map from entry IDs to pending entries: sorted chunks
// of at most pelChunkMax IDs under a sorted index of chunks. Lookups are
// O(log n); inserts and deletes move at most one chunk's elements (plus,
// rarely, the chunk index). Appends at the end, the common case
// (XREADGROUP delivering new entries), fill chunks completely.
type PEL struct {
	chunks []*pelChunk
	n      int
}

const pelChunkMax = 128

type pelChunk struct {
	ids   []StreamID
	nacks []*StreamNACK
}

// Len returns the number of pending entries.
func (p *PEL) Len() int { return p.n }

// chunkFor returns the index of the first chunk whose last ID is >= id
// (len(chunks) when id is past every chunk).
func (p *PEL) chunkFor(id StreamID) int {
	return sort.Search(len(p.chunks), func(i int) bool {
		c := p.chunks[i]
		return !c.ids[len(c.ids)-1].Less(id)
	})
}

func (c *pelChunk) find(id StreamID) (int, bool) {
	i := sort.Search(len(c.ids), func(i int) bool { return !c.ids[i].Less(id) })
	return i, i < len(c.ids) && c.ids[i] == id
}

// Get returns the pending entry id, or nil.
func (p *PEL) Get(id StreamID) *StreamNACK {
	if p.n == 0 {
		return nil
	}
	ci := p.chunkFor(id)
	if ci == len(p.chunks) {
		return nil
	}
	c := p.chunks[ci]
	if i, ok := c.find(id); ok {
		return c.nacks[i]
	}
	return nil
}

// Insert adds id; it reports false (changing nothing) when id is present.
func (p *PEL) Insert(id StreamID, nack *StreamNACK) bool {
	if p.n == 0 && len(p.chunks) == 1 {
		// Reuse the chunk kept when the PEL emptied.
		c := p.chunks[0]
		c.ids = append(c.ids[:0], id)
		c.nacks = append(c.nacks[:0], nack)
		p.n = 1
		return true
	}
	ci := p.chunkFor(id)
	if ci == len(p.chunks) {
		// Past the end: append to the last chunk, or start a new one.
		if ci > 0 && len(p.chunks[ci-1].ids) < pelChunkMax {
			c := p.chunks[ci-1]
			c.ids = append(c.ids, id)
			c.nacks = append(c.nacks, nack)
		} else {
			c := &pelChunk{ids: make([]StreamID, 1, 8), nacks: make([]*StreamNACK, 1, 8)}
			c.ids[0], c.nacks[0] = id, nack
			p.chunks = append(p.chunks, c)
		}
		p.n++
		return true
	}
	c := p.chunks[ci]
	i, ok := c.find(id)
	if ok {
		return false
	}
	if len(c.ids) >= pelChunkMax {
		// Split in halves and insert into the right one.
		h := len(c.ids) / 2
		r := &pelChunk{
			ids:   append(make([]StreamID, 0, pelChunkMax), c.ids[h:]...),
			nacks: append(make([]*StreamNACK, 0, pelChunkMax), c.nacks[h:]...),
		}
		clear(c.nacks[h:])
		c.ids, c.nacks = c.ids[:h], c.nacks[:h]
		p.chunks = append(p.chunks, nil)
		copy(p.chunks[ci+2:], p.chunks[ci+1:])
		p.chunks[ci+1] = r
		if i > h {
			c, i = r, i-h
		}
	}
	c.ids = append(c.ids, StreamID{})
	copy(c.ids[i+1:], c.ids[i:])
	c.ids[i] = id
	c.nacks = append(c.nacks, nil)
	copy(c.nacks[i+1:], c.nacks[i:])
	c.nacks[i] = nack
	p.n++
	return true
}

// Delete removes id and returns its entry, or nil when absent.
func (p *PEL) Delete(id StreamID) *StreamNACK {
	if p.n == 0 {
		return nil
	}
	ci := p.chunkFor(id)
	if ci == len(p.chunks) {
		return nil
	}
	c := p.chunks[ci]
	i, ok := c.find(id)
	if !ok {
		return nil
	}
	nack := c.nacks[i]
	copy(c.ids[i:], c.ids[i+1:])
	c.ids = c.ids[:len(c.ids)-1]
	copy(c.nacks[i:], c.nacks[i+1:])
	c.nacks[len(c.nacks)-1] = nil
	c.nacks = c.nacks[:len(c.nacks)-1]
	p.n--
	switch {
	case len(c.ids) == 0 && len(p.chunks) == 1:
		// Keep the last chunk for the next insert (XREADGROUP + XACK
		// keep PELs small and often empty).
	case len(c.ids) == 0:
		copy(p.chunks[ci:], p.chunks[ci+1:])
		p.chunks[len(p.chunks)-1] = nil
		p.chunks = p.chunks[:len(p.chunks)-1]
	case len(c.ids) < pelChunkMax/4 && ci+1 < len(p.chunks) && len(c.ids)+len(p.chunks[ci+1].ids) <= pelChunkMax/2:
		// Merge a sparse chunk with its successor.
		nx := p.chunks[ci+1]
		c.ids = append(c.ids, nx.ids...)
		c.nacks = append(c.nacks, nx.nacks...)
		copy(p.chunks[ci+1:], p.chunks[ci+2:])
		p.chunks[len(p.chunks)-1] = nil
		p.chunks = p.chunks[:len(p.chunks)-1]
	}
	if len(p.chunks) == 0 {
		p.chunks = nil
	}
	return nack
}

// First returns the smallest pending ID.
func (p *PEL) First() (StreamID, bool) {
	if p.n == 0 {
		return StreamID{}, false
	}
	return p.chunks[0].ids[0], true
}

// Last returns the largest pending ID.
func (p *PEL) Last() (StreamID, bool) {
	if p.n == 0 {
		return StreamID{}, false
	}
	c := p.chunks[len(p.chunks)-1]
	return c.ids[len(c.ids)-1], true
}

// PELIter walks a PEL in ID order. The PEL must not change during the
// walk (re-Seek after a change).
type PELIter struct {
	p     *PEL
	ci, i int
}

// Seek returns an iterator at the first pending ID >= id.
func (p *PEL) Seek(id StreamID) PELIter {
	if p.n == 0 {
		return PELIter{p: p, ci: len(p.chunks)}
	}
	ci := p.chunkFor(id)
	it := PELIter{p: p, ci: ci}
	if ci < len(p.chunks) {
		it.i, _ = p.chunks[ci].find(id)
	}
	return it
}

// Next returns the current entry and advances.
func (it *PELIter) Next() (StreamID, *StreamNACK, bool) {
	for it.ci < len(it.p.chunks) {
		c := it.p.chunks[it.ci]
		if it.i < len(c.ids) {
			id, nack := c.ids[it.i], c.nacks[it.i]
			it.i++
			return id, nack, true
		}
		it.ci++
		it.i = 0
	}
	return StreamID{}, nil, false
}

// Peek returns the current entry without advancing.
func (it *PELIter) Peek() (StreamID, *StreamNACK, bool) {
	ci, i := it.ci, it.i
	id, nack, ok := it.Next()
	it.ci, it.i = ci, i
	return id, nack, ok
}
