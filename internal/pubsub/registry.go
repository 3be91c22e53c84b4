package pubsub

import (
	"sort"
	"sync"
	"sync/atomic"

	"github.com/redwingdb/redwing/internal/glob"
)

// Kind is the kind of a subscription.
type Kind int

// Subscription kinds.
const (
	Channel Kind = iota // SUBSCRIBE
	Pattern             // PSUBSCRIBE
	Shard               // SSUBSCRIBE
	numKinds
)

// PatternSubs is one subscribed pattern and its subscribers.
type PatternSubs[S comparable] struct {
	Pattern []byte
	Subs    []S
}

// Registry maps channels, patterns and shard channels to their
// subscribers. See the package documentation for its locking contract.
type Registry[S comparable] struct {
	mu       sync.RWMutex
	channels map[string][]S
	shard    map[string][]S
	patterns []*PatternSubs[S] // subscription order of first subscriber
	patIndex map[string]*PatternSubs[S]

	// subs counts (subscriber, name) pairs of every kind: Empty is one
	// atomic load, so that keyspace events cost nothing without subscribers.
	subs atomic.Int64
	// names counts distinct channels, patterns and shard channels (INFO).
	names [numKinds]atomic.Int64
}

// Lock takes the registry exclusively (subscription changes).
func (r *Registry[S]) Lock() { r.mu.Lock() }

// Unlock releases Lock.
func (r *Registry[S]) Unlock() { r.mu.Unlock() }

// RLock takes the registry shared (publishing, introspection).
func (r *Registry[S]) RLock() { r.mu.RLock() }

// RUnlock releases RLock.
func (r *Registry[S]) RUnlock() { r.mu.RUnlock() }

// Empty reports whether nobody is subscribed to anything.
func (r *Registry[S]) Empty() bool { return r.subs.Load() == 0 }

// Count returns the number of distinct names of a kind (PUBSUB NUMPAT,
// INFO pubsub_channels ...).
func (r *Registry[S]) Count(k Kind) int64 { return r.names[k].Load() }

// AddLocked subscribes s to name. The caller holds Lock and has checked
// that s was not subscribed yet (its Set said so).
func (r *Registry[S]) AddLocked(k Kind, name string, s S) {
	r.subs.Add(1)
	if k == Pattern {
		if r.patIndex == nil {
			r.patIndex = map[string]*PatternSubs[S]{}
		}
		p := r.patIndex[name]
		if p == nil {
			p = &PatternSubs[S]{Pattern: []byte(name)}
			r.patIndex[name] = p
			r.patterns = append(r.patterns, p)
			r.names[k].Add(1)
		}
		p.Subs = append(p.Subs, s)
		return
	}
	m := r.mapOf(k)
	if *m == nil {
		*m = map[string][]S{}
	}
	list, ok := (*m)[name]
	if !ok {
		r.names[k].Add(1)
	}
	(*m)[name] = append(list, s)
}

// RemoveLocked unsubscribes s from name; the caller holds Lock and knows
// s was subscribed.
func (r *Registry[S]) RemoveLocked(k Kind, name string, s S) {
	if k == Pattern {
		p := r.patIndex[name]
		if p == nil {
			return
		}
		if !removeSub(&p.Subs, s) {
			return
		}
		r.subs.Add(-1)
		if len(p.Subs) == 0 {
			delete(r.patIndex, name)
			for i, x := range r.patterns {
				if x == p {
					copy(r.patterns[i:], r.patterns[i+1:])
					r.patterns[len(r.patterns)-1] = nil
					r.patterns = r.patterns[:len(r.patterns)-1]
					break
				}
			}
			r.names[k].Add(-1)
		}
		return
	}
	m := r.mapOf(k)
	list, ok := (*m)[name]
	if !ok || !removeSub(&list, s) {
		return
	}
	r.subs.Add(-1)
	if len(list) == 0 {
		delete(*m, name)
		r.names[k].Add(-1)
		return
	}
	(*m)[name] = list
}

// removeSub deletes s from *list, keeping the order of the others.
func removeSub[S comparable](list *[]S, s S) bool {
	l := *list
	for i, x := range l {
		if x == s {
			copy(l[i:], l[i+1:])
			var zero S
			l[len(l)-1] = zero
			*list = l[:len(l)-1]
			return true
		}
	}
	return false
}

func (r *Registry[S]) mapOf(k Kind) *map[string][]S {
	if k == Shard {
		return &r.shard
	}
	return &r.channels
}

// SubscribersLocked returns the subscribers of a channel (Channel or
// Shard); the slice is valid while the caller holds RLock or Lock.
func (r *Registry[S]) SubscribersLocked(k Kind, name []byte) []S {
	return (*r.mapOf(k))[string(name)]
}

// PatternsLocked returns the subscribed patterns; valid under RLock.
func (r *Registry[S]) PatternsLocked() []*PatternSubs[S] { return r.patterns }

// Match reports whether channel matches the pattern, as Redis matches
// PSUBSCRIBE patterns (case-sensitive glob).
func Match(pattern, channel []byte) bool { return glob.Match(pattern, channel, false) }

// NumSub returns the number of subscribers of a channel (Channel or Shard).
func (r *Registry[S]) NumSub(k Kind, name []byte) int {
	r.mu.RLock()
	n := len((*r.mapOf(k))[string(name)])
	r.mu.RUnlock()
	return n
}

// Names returns the active channels (Channel or Shard) matching pattern
// (all of them when pattern is nil), sorted.
func (r *Registry[S]) Names(k Kind, pattern []byte) []string {
	r.mu.RLock()
	m := *r.mapOf(k)
	out := make([]string, 0, len(m))
	for name := range m {
		if pattern == nil || glob.MatchString(string(pattern), name, false) {
			out = append(out, name)
		}
	}
	r.mu.RUnlock()
	sort.Strings(out)
	return out
}
