// Package rdb reads and writes Redis's RDB format: whole files (SAVE,
// BGSAVE, AOF base files) and single values (DUMP / RESTORE payloads).
// It knows the value types (internal/types) and the keyspace entry, but
// neither the engine nor the server.
//
// # File layout
//
//	"REDIS" <version: 4 ASCII digits>          REDIS0011 (10 for Redis 7.0)
//	AUX fields       0xFA <string key> <string value>
//	                 redis-ver, redis-bits, ctime, used-mem, aof-base
//	functions        0xF5 <string: library code>   (RDB_OPCODE_FUNCTION2)
//	per database     0xFE <len: db number>                    (SELECTDB)
//	                 0xFB <len: keys> <len: keys with TTL>     (RESIZEDB)
//	per key          [0xFC <int64 LE: unix ms>]          (EXPIRETIME_MS)
//	                 [0xF8 <len: idle seconds>]   (IDLE, LRU policies)
//	                 [0xF9 <uint8: LFU counter>]  (FREQ, LFU policies)
//	                 <type byte> <string: key> <value>
//	0xFF                                                          (EOF)
//	<uint64 LE: CRC-64/Jones of every preceding byte, 0 = not computed>
//
// Read-only opcodes: 0xFD EXPIRETIME (seconds, int32 LE, old files),
// 0xF7 MODULE_AUX (skipped: module id, when-opcode, when, then typed
// module values up to their EOF opcode, with a warning), 0xF6
// FUNCTION_PRE_GA (refused).
//
// # Lengths and strings
//
//	00xxxxxx                      6-bit length
//	01xxxxxx xxxxxxxx             14-bit length, big endian
//	10000000 <uint32 BE>          32-bit length
//	10000001 <uint64 BE>          64-bit length
//	11000000 <int8>               string holding an integer
//	11000001 <int16 LE>
//	11000010 <int32 LE>
//	11000011 <len: compressed> <len: original> <LZF data>
//
// A string is written as an integer when it is the canonical decimal form
// of a value in the int32 range (at most 11 bytes), LZF-compressed when
// rdbcompression is on, it is longer than 20 bytes and compression saves
// at least 4 bytes, and raw otherwise: exactly as rdbSaveRawString, so
// DUMP payloads are byte-identical to redis-server's for every encoding
// whose element order is deterministic.
//
// # Values (type byte, then)
//
//	0  string          <string>
//	18 list            <len: nodes> then per node <len: container 2=packed,
//	                   1=plain> <string: listpack | element>  (QUICKLIST_2)
//	11 set (intset)    <string: intset>
//	20 set (listpack)  <string: listpack>   (version 11 only; version 10
//	                   writes such sets as type 2)
//	2  set             <len> <string>...
//	17 zset (listpack) <string: listpack of member, score pairs; scores
//	                   formatted as Redis's d2string>
//	5  zset (skiplist) <len> then <string: member> <float64 LE score>,
//	                   greatest score first
//	16 hash (listpack) <string: listpack of field, value pairs>
//	4  hash            <len> then <string: field> <string: value>
//	21 stream          (version 11; 19 in version 10) <len: nodes> then per
//	                   node <string: 16-byte big-endian master ID>
//	                   <string: node listpack>; <len: length> <len,len:
//	                   last ID> <len,len: first ID> <len,len: max deleted
//	                   ID> <len: entries added> <len: groups> then per
//	                   group <string: name> <len,len: last ID> <len: entries
//	                   read> <len: PEL size> {<16-byte ID> <int64 LE delivery
//	                   time> <len: delivery count>}... <len: consumers>
//	                   then per consumer <string: name> <int64 LE seen time>
//	                   [<int64 LE active time>: type 21] <len: PEL size>
//	                   {<16-byte ID>}...
//
// Also read: 1 list (linked), 10 list (ziplist), 14 quicklist (ziplist
// nodes), 3 zset (string scores), 12 zset (ziplist), 9 hash (zipmap), 13
// hash (ziplist), 15 stream (version 1: no first/max-deleted/entries-added,
// no entries-read). Loaded values are rebuilt with the configured
// *-max-listpack-* thresholds, so they get the encodings Redis would give
// them. Empty collections are skipped with a warning (files) or rejected
// (RESTORE). Module values (6, 7) are refused.
//
// A listpack is <uint32 LE total bytes> <uint16 LE count, 65535 =
// unknown> entries 0xFF; each entry is an encoding byte (7-bit uint,
// 6/12/32-bit string length, 13/16/24/32/64-bit integer), its data, and
// the entry length in 1-5 bytes of 7 bits. Strings that are canonical
// int64 decimals are stored as integers in the smallest form (lpAppend).
// A stream node listpack holds: count, deleted, number of master fields,
// the master fields, 0; then per entry flags (1 deleted, 2 same fields as
// the master), ms and seq differences from the master ID, [number of
// fields, fields and values | values], and the entry's element count.
// An intset is <uint32 LE width 2/4/8> <uint32 LE count> ascending values.
//
// # DUMP payloads
//
//	<type byte> <value> <uint16 LE RDB version> <uint64 LE CRC-64 of all
//	preceding bytes>
//
// DUMP writes version 10 (Redis 7.0's) so that payloads restore into
// Redis 7.0 and later; RESTORE accepts versions up to 11.
//
// # Versions written
//
// Files are written as version 11 (Redis 7.2's), which Redis 7.0 cannot
// read. Setting the environment variable REDWING_RDB_VERSION=10 makes
// Redwing write version 10 files (sets in listpack encoding written as
// plain sets, streams as type 19) for Redis 7.0 tools and servers.
//
// Robustness: every length is checked against the bytes left before
// anything is allocated, listpacks/ziplists/intsets are validated entry by
// entry, and a recover() turns any remaining decoding panic into an error;
// the fuzz targets FuzzLoad and FuzzRestore exercise this.
package rdb
