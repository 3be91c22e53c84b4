// Package script runs Lua scripts (EVAL*, FCALL*) on gopher-lua (the copy in
// internal/lua) with Redis 7.0's environment: the redis.* API, RESP <-> Lua
// conversions for RESP2 and RESP3, the cjson, cmsgpack, bit and struct
// libraries, the sandbox (read-only globals and library tables, Redis's error
// texts), Redis's math.random generator, the EVAL script cache and the
// FUNCTION libraries (LOAD, LIST, DUMP/RESTORE in RDB format with LZF and
// CRC64 as Redis).
//
// Design notes.
//   - Scripts run under the engine's exclusive world lock (see
//     engine/script_call.go), so one Lua state for EVAL and one for functions
//     are enough, as in Redis; they are created lazily and rebuilt by SCRIPT
//     FLUSH / FUNCTION FLUSH. Compiled scripts are cached by SHA1 as Lua
//     functions bound to the EVAL state, so EVALSHA only converts arguments.
//   - Read-only tables: the globals and library tables carry the VM's
//     Readonly flag (internal/lua), so scripts read them directly and every
//     write raises "Attempt to modify a readonly table" (assignments, rawset,
//     table.insert, setmetatable), as Redis 7's patched Lua does. The
//     function VM shows its globals through a view whose __index is swapped
//     while a library loads.
//   - gopher-lua has no count hook: SCRIPT KILL closes a channel that the VM
//     polls through its context every 1024 instructions (only when
//     busy-reply-threshold > 0, as Redis installs its hook).
//   - Error texts: gopher-lua's runtime and syntax messages are rewritten to
//     Lua 5.1's (variable names come from a getobjname over the bytecode).
//     tostring() formats numbers as "%.14g"; the VM's own number-to-string
//     conversions (the .. operator) still use gopher-lua's formatting.
package script
