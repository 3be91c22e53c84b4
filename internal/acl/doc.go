// Package acl implements Redis 7.0 access control lists: users, their
// selectors (the root selector and extra "(...)" selectors), rule parsing
// with Redis's exact error texts, the canonical rule description that ACL
// LIST, ACL GETUSER and ACL SAVE print, permission checks of a command's
// name, keys and channels, the ACL LOG, and ACL files.
//
// Commands. Every command and subcommand of the command table (package
// command) gets a bit in a selector's command bitmap, as Redis's
// orig_commands. Redis iterates its command dictionary in hash order, which
// is seeded randomly at start, so the order of single-command rules in a
// description ("-@all +get +set") differs between two redis-server
// processes; Redwing walks commands in name order instead (the set of rules
// is the same). The category best-fit of Redis 7.0's
// ACLDescribeSelectorCommandRules is reproduced exactly.
//
// Commands newer than Redis 7.0 (the hash-field TTL commands of 7.4) are
// real commands here: categories grant them and ACL CAT lists them. They are
// left out of the counts of the category best-fit, so that descriptions come
// out as redis-server 7.0.15 prints them; a rule the best-fit leaves
// unexplained for them is emitted as a single-command rule.
//
// Checks. Keys come from the command table's key specs (command.AppendKeys)
// with the permissions their flags need (access: read; insert, delete,
// update: write), and Redis 7.0's getkeys rules for SET and BITFIELD, whose
// key specs have variable flags. Channels are the arguments of PUBLISH,
// SPUBLISH, SUBSCRIBE, SSUBSCRIBE and (matched literally) PSUBSCRIBE.
// Rules.CheckScratch takes caller-owned scratch space so that the check of
// a restricted user does not allocate.
//
// Concurrency. A User is a stable identity (connections point to it); its
// rules live in an immutable *Rules that ACL SETUSER replaces atomically, so
// the dispatch gate reads a client's permissions with one atomic load and
// no lock. Rules.Unrestricted is precomputed: a user that may run every
// command on every key and channel (the default user) costs the gate one
// pointer load and one bool test. The Registry (users by name, the ACL log)
// is guarded by its mutex.
package acl
