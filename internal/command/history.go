package command

// histories lists, for each command whose behaviour changed after it was
// introduced, the versions of redis-server that changed it, as COMMAND DOCS
// reports them. The versions are facts harvested from redis-server 7.0.15;
// the descriptions of the changes are written for Redwing.
var histories = map[string][]History{
	"acl|getuser": {
		{"6.2.0", "Shows the Pub/Sub channel patterns of the user."},
		{"7.0.0", "Shows selectors, and key and channel patterns as rules instead of lists."},
	},
	"acl|setuser": {
		{"6.2.0", "Accepts Pub/Sub channel pattern rules."},
		{"7.0.0", "Accepts selectors and per-key permissions."},
	},
	"auth": {
		{"6.0.0", "Accepts a user name along with the password (ACL form)."},
	},
	"bgsave": {
		{"3.2.2", "New `SCHEDULE` option."},
	},
	"bitcount": {
		{"7.0.0", "New `BYTE|BIT` unit option."},
	},
	"bitpos": {
		{"7.0.0", "New `BYTE|BIT` unit option."},
	},
	"blpop": {
		{"6.0.0", "The timeout is parsed as a floating point number of seconds rather than an integer."},
	},
	"brpop": {
		{"6.0.0", "The timeout is parsed as a floating point number of seconds rather than an integer."},
	},
	"brpoplpush": {
		{"6.0.0", "The timeout is parsed as a floating point number of seconds rather than an integer."},
	},
	"bzpopmax": {
		{"6.0.0", "The timeout is parsed as a floating point number of seconds rather than an integer."},
	},
	"bzpopmin": {
		{"6.0.0", "The timeout is parsed as a floating point number of seconds rather than an integer."},
	},
	"client|kill": {
		{"2.8.12", "Filters given as option/value pairs."},
		{"2.8.12", "New `ID` filter."},
		{"3.2.0", "`TYPE` accepts `master`."},
		{"5.0.0", "`TYPE` accepts `replica`; `slave` is kept as an alias."},
		{"6.2.0", "New `LADDR` filter."},
	},
	"client|list": {
		{"2.8.12", "New `id` field with the client's unique ID."},
		{"5.0.0", "New optional `TYPE` filter."},
		{"6.0.0", "New `user` field."},
		{"6.2.0", "New `argv-mem`, `tot-mem`, `laddr` and `redir` fields and optional `ID` filter."},
		{"7.0.0", "New `resp`, `multi-mem`, `rbs` and `rbp` fields."},
		{"7.0.3", "New `ssub` field."},
	},
	"client|pause": {
		{"6.2.0", "New `mode` argument with the `WRITE` mode."},
	},
	"cluster|meet": {
		{"4.0.0", "New optional `cluster_bus_port` argument."},
	},
	"cluster|slots": {
		{"4.0.0", "Replies include node IDs."},
		{"7.0.0", "Replies include extra networking metadata."},
	},
	"command|info": {
		{"7.0.0", "Without arguments, describes every command."},
	},
	"config|get": {
		{"7.0.0", "Accepts several patterns in one call."},
	},
	"config|set": {
		{"7.0.0", "Accepts several parameters in one call."},
	},
	"exists": {
		{"3.0.3", "Accepts several keys."},
	},
	"expire": {
		{"7.0.0", "New `NX`, `XX`, `GT` and `LT` options."},
	},
	"expireat": {
		{"7.0.0", "New `NX`, `XX`, `GT` and `LT` options."},
	},
	"flushall": {
		{"4.0.0", "New `ASYNC` mode."},
		{"6.2.0", "New `SYNC` mode."},
	},
	"flushdb": {
		{"4.0.0", "New `ASYNC` mode."},
		{"6.2.0", "New `SYNC` mode."},
	},
	"geoadd": {
		{"6.2.0", "New `CH`, `NX` and `XX` options."},
	},
	"georadius": {
		{"6.2.0", "New `ANY` modifier of `COUNT`."},
		{"7.0.0", "Unit names are accepted in upper case."},
	},
	"georadius_ro": {
		{"6.2.0", "New `ANY` modifier of `COUNT`."},
	},
	"georadiusbymember": {
		{"7.0.0", "Unit names are accepted in upper case."},
	},
	"geosearch": {
		{"7.0.0", "Unit names are accepted in upper case."},
	},
	"geosearchstore": {
		{"7.0.0", "Unit names are accepted in upper case."},
	},
	"hdel": {
		{"2.4.0", "Accepts several fields."},
	},
	"hello": {
		{"6.2.0", "`protover` is optional; without arguments the reply describes the current connection."},
	},
	"hset": {
		{"4.0.0", "Accepts several field/value pairs."},
	},
	"info": {
		{"7.0.0", "Accepts several section names."},
	},
	"lpop": {
		{"6.2.0", "New `count` argument."},
	},
	"lpush": {
		{"2.4.0", "Accepts several elements."},
	},
	"lpushx": {
		{"4.0.0", "Accepts several elements."},
	},
	"migrate": {
		{"3.0.0", "New `COPY` and `REPLACE` options."},
		{"3.0.6", "New `KEYS` option."},
		{"4.0.7", "New `AUTH` option."},
		{"6.0.0", "New `AUTH2` option."},
	},
	"pexpire": {
		{"7.0.0", "New `NX`, `XX`, `GT` and `LT` options."},
	},
	"pexpireat": {
		{"7.0.0", "New `NX`, `XX`, `GT` and `LT` options."},
	},
	"pttl": {
		{"2.8.0", "Replies -2 for a missing key."},
	},
	"renamenx": {
		{"3.2.0", "No error when the source and destination are the same key."},
	},
	"restore": {
		{"3.0.0", "New `REPLACE` modifier."},
		{"5.0.0", "New `ABSTTL` modifier."},
		{"5.0.0", "New `IDLETIME` and `FREQ` options."},
	},
	"restore-asking": {
		{"3.0.0", "New `REPLACE` modifier."},
		{"5.0.0", "New `ABSTTL` modifier."},
		{"5.0.0", "New `IDLETIME` and `FREQ` options."},
	},
	"rpop": {
		{"6.2.0", "New `count` argument."},
	},
	"rpush": {
		{"2.4.0", "Accepts several elements."},
	},
	"rpushx": {
		{"4.0.0", "Accepts several elements."},
	},
	"sadd": {
		{"2.4.0", "Accepts several members."},
	},
	"scan": {
		{"6.0.0", "New `TYPE` filter."},
	},
	"script|flush": {
		{"6.2.0", "New `ASYNC` and `SYNC` modes."},
	},
	"set": {
		{"2.6.12", "New `EX`, `PX`, `NX` and `XX` options."},
		{"6.0.0", "New `KEEPTTL` option."},
		{"6.2.0", "New `GET`, `EXAT` and `PXAT` options."},
		{"7.0.0", "`NX` may be combined with `GET`."},
	},
	"shutdown": {
		{"7.0.0", "New `NOW`, `FORCE` and `ABORT` modifiers."},
	},
	"slowlog|get": {
		{"4.0.0", "Entries include the client's address, port and name."},
	},
	"spop": {
		{"3.2.0", "New `count` argument."},
	},
	"srandmember": {
		{"2.6.0", "New optional `count` argument."},
	},
	"srem": {
		{"2.4.0", "Accepts several members."},
	},
	"ttl": {
		{"2.8.0", "Replies -2 for a missing key."},
	},
	"xadd": {
		{"6.2.0", "New `NOMKSTREAM` option, `MINID` trimming and `LIMIT` option."},
		{"7.0.0", "Accepts IDs of the form `<ms>-*`."},
	},
	"xautoclaim": {
		{"7.0.0", "The reply has a third element: the IDs of deleted entries removed from the pending list."},
	},
	"xgroup|create": {
		{"7.0.0", "New `entries_read` argument."},
	},
	"xgroup|setid": {
		{"7.0.0", "New optional `entries_read` argument."},
	},
	"xinfo|groups": {
		{"7.0.0", "New `entries-read` and `lag` fields."},
	},
	"xinfo|stream": {
		{"6.0.0", "New `FULL` modifier."},
		{"7.0.0", "New `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields."},
	},
	"xpending": {
		{"6.2.0", "New `IDLE` option; range bounds may be exclusive."},
	},
	"xrange": {
		{"6.2.0", "Range bounds may be exclusive."},
	},
	"xrevrange": {
		{"6.2.0", "Range bounds may be exclusive."},
	},
	"xsetid": {
		{"7.0.0", "New `entries_added` and `max_deleted_entry_id` arguments."},
	},
	"xtrim": {
		{"6.2.0", "New `MINID` strategy and `LIMIT` option."},
	},
	"zadd": {
		{"2.4.0", "Accepts several score/member pairs."},
		{"3.0.2", "New `XX`, `NX`, `CH` and `INCR` options."},
		{"6.2.0", "New `GT` and `LT` options."},
	},
	"zrange": {
		{"6.2.0", "New `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."},
	},
	"zrangebyscore": {
		{"2.0.0", "New `WITHSCORES` modifier."},
	},
	"zrem": {
		{"2.4.0", "Accepts several members."},
	},
	"zrevrangebyscore": {
		{"2.1.6", "`min` and `max` may be exclusive."},
	},
}
