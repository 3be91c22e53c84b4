// Package types holds Redwing's value data structures: hashes, lists and
// sets (and later sorted sets, streams ...). It knows neither RESP nor the
// keyspace; each type implements keyspace.Object through Type() and
// Encoding() and reports Redis's OBJECT ENCODING names.
//
// Encodings follow Redis 7.2:
//   - hash: "listpack" (flat buffer of field/value entries) until
//     hash-max-listpack-entries / -value are exceeded, then "hashtable";
//     "listpackex" once a field expiry (HEXPIRE, Redis 7.4) was set on a
//     listpack hash.
//   - list: "listpack" (one chunk) until a list-max-listpack-size node
//     limit is exceeded, then "quicklist" (a deque of chunks within the
//     limit); back to listpack when it shrinks to one node of half the limit.
//   - set: "intset" (sorted integers, 16/32/64-bit as needed) while all
//     members are integers and set-max-intset-entries allows, "listpack"
//     within set-max-listpack-entries / -value, then "hashtable".
//
// The compact encodings share one entry format (lp.go): length-prefixed
// entries with a reversed back-length so that a buffer can be walked both
// ways, as Redis's listpack. Buffers hold no pointers, so the garbage
// collector never scans them. Size-based list conversions use Redis's
// listpack byte accounting (redisEntrySize), so they happen where Redis's do.
//
// Hashtables are a dense slice of entries plus a map from key to slice
// index, rather than a bare Go map: iteration is stable between calls
// (HKEYS and HVALS agree), random picks are O(1) and uniform, and SCAN can
// use a descending index cursor: deletion moves the last entry into the
// hole, so entries only move towards lower indexes and an entry present for
// the whole scan is returned at least once (Redis's SCAN guarantee).
//
// Values returned by the types are read-only views of their memory, valid
// until the next change to the value.
package types
