// Package pubsub holds the subscription registry of Redis's publish/subscribe:
// channels (SUBSCRIBE), glob patterns (PSUBSCRIBE, matched with the glob
// package exactly as Redis's stringmatchlen) and shard channels (SSUBSCRIBE),
// plus the per-connection subscription sets and the RESP encoding of the
// messages. It knows neither connections nor the keyspace: the engine
// instantiates Registry with its client type and does the delivery.
//
// Concurrency contract: a Registry has one RWMutex. Publishers take it
// shared and deliver while holding it, so that a subscriber that
// unsubscribes (which takes it exclusively) never receives a message after
// its unsubscribe confirmation; delivery must therefore never block (the
// engine appends to a per-client output queue). Mutations of a connection's
// Set happen on the connection's own goroutine while it holds the registry
// lock exclusively; the counts are also kept in atomics so that CLIENT LIST
// can read them from other goroutines.
//
// Ordering: Redis keeps a client's channels in a hash table (so UNSUBSCRIBE
// without arguments lists them in an unspecified order) and, in 7.0, its
// patterns in a list (subscription order). Set keeps insertion order for
// all three kinds, which is one of the orders Redis may produce.
package pubsub
