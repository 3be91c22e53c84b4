package types

import "bytes"

// Dup returns a deep copy of the hash (COPY).
func (h *Hash) Dup() any {
	n := &Hash{n: h.n, ex: h.ex, lp: bytes.Clone(h.lp)}
	if h.d != nil {
		d := &hdense{ents: make([]hent, len(h.d.ents)), idx: make(map[string]int32, len(h.d.ents))}
		copy(d.ents, h.d.ents) // strings are immutable: sharing them is safe
		for i := range d.ents {
			d.idx[d.ents[i].field()] = int32(i)
		}
		n.d = d
	}
	if h.ttl != nil {
		n.ttl = &fieldTTL{at: append([]int64(nil), h.ttl.at...), cnt: h.ttl.cnt, min: h.ttl.min}
	}
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
	n := &Set{enc: s.enc, w: s.w, n: s.n, buf: bytes.Clone(s.buf)}
	if s.d != nil {
		d := &sdense{ms: append([]string(nil), s.d.ms...), idx: make(map[string]int32, len(s.d.ms))}
		for i, m := range d.ms {
			d.idx[m] = int32(i)
		}
		n.d = d
	}
	return n
}
