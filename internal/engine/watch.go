package engine

import (
	"sync"
	"sync/atomic"
)

type watchKey struct {
	db  int
	key string
}

// watchRegistry maps watched keys to the clients watching them. KeyModified
// consults it on every write, so the common case (nobody watches) is one
// atomic load.
type watchRegistry struct {
	n  atomic.Int64
	mu sync.Mutex
	m  map[watchKey]map[*Client]struct{}
	// per-client watched keys and their dirty flag
	byClient map[*Client]*clientWatch
}

type clientWatch struct {
	keys  []watchKey
	dirty bool
}

// Watch adds key to the client's watched set.
func (e *Engine) Watch(c *Client, db int, key string) {
	r := &e.watch
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[watchKey]map[*Client]struct{}{}
		r.byClient = map[*Client]*clientWatch{}
	}
	wk := watchKey{db, key}
	set := r.m[wk]
	if set == nil {
		set = map[*Client]struct{}{}
		r.m[wk] = set
	}
	if _, ok := set[c]; ok {
		return
	}
	set[c] = struct{}{}
	cw := r.byClient[c]
	if cw == nil {
		cw = &clientWatch{}
		r.byClient[c] = cw
	}
	cw.keys = append(cw.keys, wk)
	r.n.Add(1)
}

// WatchDirty reports whether a key the client watches changed.
func (e *Engine) WatchDirty(c *Client) bool {
	r := &e.watch
	if r.n.Load() == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	cw := r.byClient[c]
	return cw != nil && cw.dirty
}

// Watching reports whether the client watches any key.
func (e *Engine) Watching(c *Client) bool {
	r := &e.watch
	if r.n.Load() == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byClient[c] != nil
}

// MarkWatchDirty flags the client's transaction to fail (e.g. a watched
// key expired before EXEC).
func (e *Engine) MarkWatchDirty(c *Client) {
	r := &e.watch
	r.mu.Lock()
	if cw := r.byClient[c]; cw != nil {
		cw.dirty = true
	}
	r.mu.Unlock()
}

// WatchedKeys returns the keys the client watches.
func (e *Engine) WatchedKeys(c *Client) []struct {
	DB  int
	Key string
} {
	r := &e.watch
	r.mu.Lock()
	defer r.mu.Unlock()
	cw := r.byClient[c]
	if cw == nil {
		return nil
	}
	out := make([]struct {
		DB  int
		Key string
	}, len(cw.keys))
	for i, k := range cw.keys {
		out[i].DB, out[i].Key = k.db, k.key
	}
	return out
}

func (e *Engine) unwatchAll(c *Client) {
	r := &e.watch
	if r.n.Load() == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	cw := r.byClient[c]
	if cw == nil {
		return
	}
	for _, wk := range cw.keys {
		set := r.m[wk]
		delete(set, c)
		if len(set) == 0 {
			delete(r.m, wk)
		}
		r.n.Add(-1)
	}
	delete(r.byClient, c)
}

// Unwatch forgets all keys the client watches.
func (e *Engine) Unwatch(c *Client) { e.unwatchAll(c) }

func (e *Engine) touchWatched(db int, key string) {
	r := &e.watch
	if r.n.Load() == 0 {
		return
	}
	r.mu.Lock()
	for c := range r.m[watchKey{db, key}] {
		r.byClient[c].dirty = true
	}
	r.mu.Unlock()
}

func (e *Engine) touchWatchedDB(db int, exists func(key string) bool) {
	r := &e.watch
	if r.n.Load() == 0 {
		return
	}
	r.mu.Lock()
	for wk, set := range r.m {
		if wk.db == db && exists(wk.key) {
			for c := range set {
				r.byClient[c].dirty = true
			}
		}
	}
	r.mu.Unlock()
}
