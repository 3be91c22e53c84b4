package types

// Accessors used by the persistence encoders (internal/persist/rdb). They
// expose layout facts that the RDB format records (quicklist node
// boundaries) without giving out internal buffers. Owned by persistence.

// NodeLens appends the number of elements of each quicklist node, head
// first, to dst (one entry for a listpack-encoded list) and returns it.
func (l *List) NodeLens(dst []int) []int {
	for _, c := range l.nodes() {
		dst = append(dst, int(c.n))
	}
	return dst
}

// StreamNode is one node of a stream as persistence sees it.
type StreamNode struct {
	Master       StreamID
	MasterFields [][]byte // views into the node, valid until the stream changes
	Live, Dead   int64
	n            *streamNode
}

// Entries calls fn with every entry of the node in order, deleted ones
// included; same reports that the entry's fields are the master fields.
func (sn *StreamNode) Entries(fn func(e *StreamEntry, deleted, same bool)) {
	n := sn.n
	var e StreamEntry
	for off := n.first; off < len(n.buf); {
		var v []byte
		v, off = lpNext(n.buf, off)
		n.decode(v, &e)
		fn(&e, e.flags&sflagDeleted != 0, e.flags&sflagSame != 0)
	}
}

// PersistNodes calls fn for each node, head first.
func (s *Stream) PersistNodes(fn func(sn *StreamNode)) {
	var sn StreamNode
	for _, n := range s.nodes {
		sn = StreamNode{Master: n.master, Live: n.live, Dead: n.dead, n: n, MasterFields: sn.MasterFields[:0]}
		off := 0
		for i := 0; i < n.nfields; i++ {
			var f []byte
			f, off = lpNext(n.buf, off)
			sn.MasterFields = append(sn.MasterFields, f)
		}
		fn(&sn)
	}
}

// RestoreMeta sets the stream's metadata after loading it from a file:
// the last ID, the first entry ID, the largest deleted ID and the
// entries-added counter.
func (s *Stream) RestoreMeta(last, first, maxDeleted StreamID, entriesAdded uint64) {
	s.lastID, s.firstID, s.maxDeleted, s.entriesAdded = last, first, maxDeleted, entriesAdded
}
