// Package config holds Redwing's server configuration: one declarative table
// of parameters (table.go) with Redis 7.0's names, aliases, defaults, bounds
// and flags (plus 7.2's set-max-listpack-*), and the four ways to touch it:
//
//   - redis.conf files and redis-server style arguments (LoadFile,
//     LoadReader, ApplyArgs), parsed like loadServerConfigFromString: lines
//     split with sdssplitargs quoting rules, include (with globs),
//     deprecated directives ignored, and Redis's
//     "*** FATAL CONFIG FILE ERROR ***" text on errors (LoadError);
//   - CONFIG GET (Get, GetMulti) with Redis's glob matcher over names and
//     aliases;
//   - CONFIG SET (Set, SetWith): all names checked, all values parsed and
//     stored, then OnChange hooks run; any failure restores every old value.
//     Error replies are Redis 7.0's exact text;
//   - CONFIG REWRITE (Rewrite) of the loaded file in place.
//
// Reads are lock free: every parameter holds an atomic pointer to an
// immutable value snapshot (string form, numeric form, parsed form), so
// String/Int/Bool cost a map lookup and an atomic load; Param returns a
// handle that skips the lookup on hot paths. Writers serialise on a mutex.
//
// Values are stored in CONFIG GET form: memory values in bytes, bools
// yes/no, enums by their canonical (first) name, notify-keyspace-events
// normalised ("KEA" reads back as "AKE"), hz clamped to [1, 500], save and
// client-output-buffer-limit as Redis prints them.
//
// Differences from Redis, on purpose:
//
//   - dir is not a chdir(): the absolute directory is stored and relative
//     paths (include, logfile) resolve against it, so several servers can
//     live in one process. CONFIG SET dir still checks the directory exists.
//   - CONFIG GET results are sorted by name; Redis returns hash-table order.
//   - Parameters that Redwing accepts but ignores (TLS, io-threads,
//     jemalloc, active defrag, syslog, ...) carry the Noop flag;
//     a config file giving them a non-default value adds a warning
//     (Warnings). Non-parameter directives (user, rename-command,
//     loadmodule, module options) are recorded (Directives) for their
//     owners, which may register HandleDirective / RewriteDirective; without
//     a handler they are ignored with a warning.
//   - Redis 7.0 resets the "first save line replaces the defaults" rule
//     after an include (a bug); Redwing applies it once per Config.
//   - A maxmemory above 2^63 is rewritten as an unsigned number (Redis writes
//     a negative one it cannot read back).
//   - CONFIG SET hooks run per changed parameter; Redis de-duplicates shared
//     apply functions. Readers on other goroutines may observe new values
//     before a failing hook rolls them back.
package config
