package types

import "bytes"

// Dup returns a deep copy of the hash (COPY).
func (h *Hash) Dup() any {
	n := &Hash{lp: bytes.Clone(h.lp)}
	if h.x == nil {
		return n
	}
	x := &hashExt{ex: h.x.ex}
	if h.x.idx != nil {
		x.ents = make([]hent, len(h.x.ents))
		x.idx = make(map[string]int32, len(h.x.ents))
		copy(x.ents, h.x.ents) // strings are immutable: sharing them is safe
		for i := range x.ents {
			x.idx[x.ents[i].field()] = int32(i)
		}
	}
	if t := h.x.ttl; t != nil {
		x.ttl = &fieldTTL{at: append([]int64(nil), t.at...), cnt: t.cnt, min: t.min}
	}
	n.x = x
	return n
}

// Dup returns a deep copy of the list (COPY).
func (l *List) Dup() any {
	n := &List{}
	n.one[0] = l.one[0].clone()
	if l.ql != nil {
		ns := l.nodes()
		q := &qlist{nodes: make([]chunk, len(ns)), count: l.ql.count}
		for i := range ns {
			q.nodes[i] = ns[i].clone()
		}
		n.ql = q
	}
	return n
}

func (c chunk) clone() chunk {
	c.buf = bytes.Clone(c.buf)
	return c
}

// Dup returns a deep copy of the set (COPY).
func (s *Set) Dup() any {
	n := &Set{buf: bytes.Clone(s.buf)}
	if s.d != nil {
		d := &sdense{ms: append([]string(nil), s.d.ms...), idx: make(map[string]int32, len(s.d.ms))}
		for i, m := range d.ms {
			d.idx[m] = int32(i)
		}
		n.d = d
	}
	return n
}
