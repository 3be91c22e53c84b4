package pubsub

import "sync/atomic"

// Set is an insertion-ordered set of names: one connection's channels,
// patterns or shard channels. It is owned by the connection's goroutine;
// Len may be read from any goroutine.
type Set struct {
	idx   map[string]int // name -> position in names
	names []string       // "" with dead[i] set marks a removed slot
	dead  []bool
	n     atomic.Int32
}

// Len returns the number of names; safe from any goroutine.
func (s *Set) Len() int { return int(s.n.Load()) }

// Has reports whether name is in the set.
func (s *Set) Has(name []byte) bool {
	_, ok := s.idx[string(name)]
	return ok
}

// Add inserts name and reports whether it was new.
func (s *Set) Add(name string) bool {
	if _, ok := s.idx[name]; ok {
		return false
	}
	if s.idx == nil {
		s.idx = map[string]int{}
	}
	s.idx[name] = len(s.names)
	s.names = append(s.names, name)
	s.dead = append(s.dead, false)
	s.n.Add(1)
	return true
}

// Remove deletes name and reports whether it was present.
func (s *Set) Remove(name []byte) bool {
	i, ok := s.idx[string(name)]
	if !ok {
		return false
	}
	delete(s.idx, string(name))
	s.names[i] = ""
	s.dead[i] = true
	s.n.Add(-1)
	if live := int(s.n.Load()); live == 0 {
		s.names, s.dead = s.names[:0], s.dead[:0]
	} else if len(s.names) > 32 && live < len(s.names)/2 {
		s.compact()
	}
	return true
}

func (s *Set) compact() {
	j := 0
	for i, name := range s.names {
		if s.dead[i] {
			continue
		}
		s.names[j] = name
		s.dead[j] = false
		s.idx[name] = j
		j++
	}
	for k := j; k < len(s.names); k++ {
		s.names[k] = ""
	}
	s.names, s.dead = s.names[:j], s.dead[:j]
}

// Names returns the names in insertion order (a copy).
func (s *Set) Names() []string {
	out := make([]string, 0, s.Len())
	for i, name := range s.names {
		if !s.dead[i] {
			out = append(out, name)
		}
	}
	return out
}
