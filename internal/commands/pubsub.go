package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/pubsub"
)

// Publish/subscribe (Redis's pubsub.c). Subscriptions, delivery and the
// RESP2 subscribed-mode gate live in the engine (pubsub_hooks.go); these
// handlers parse and reply.

func init() {
	engine.Register("subscribe", cmdSubscribe)
	engine.Register("unsubscribe", cmdUnsubscribe)
	engine.Register("psubscribe", cmdPSubscribe)
	engine.Register("punsubscribe", cmdPUnsubscribe)
	engine.Register("ssubscribe", cmdSSubscribe)
	engine.Register("sunsubscribe", cmdSUnsubscribe)
	engine.Register("publish", cmdPublish)
	engine.Register("spublish", cmdSPublish)
	engine.Register("pubsub|channels", cmdPubsubChannels)
	engine.Register("pubsub|shardchannels", cmdPubsubShardChannels)
	engine.Register("pubsub|numsub", cmdPubsubNumSub)
	engine.Register("pubsub|shardnumsub", cmdPubsubShardNumSub)
	engine.Register("pubsub|numpat", cmdPubsubNumPat)
	engine.Register("pubsub|help", cmdPubsubHelp)

	// Seams of the connection family (connection.go).
	connSubscriptions = func(c *engine.Client) (int, int, int) { return c.Subscriptions() }
	connResetHooks = append(connResetHooks, func(c *engine.Ctx) { c.E.ResetPubsub(c.C) })

	// INFO figures (info.go).
	infoHooks.PubsubChannels = func(e *engine.Engine) int64 { return e.PubSub().Count(pubsub.Channel) }
	infoHooks.PubsubPatterns = func(e *engine.Engine) int64 { return e.PubSub().Count(pubsub.Pattern) }
	infoHooks.PubsubShardChans = func(e *engine.Engine) int64 { return e.PubSub().Count(pubsub.Shard) }
}

// SUBSCRIBE channel [channel ...]
func cmdSubscribe(c *engine.Ctx) { c.Subscribe(pubsub.Channel, c.Argv[1:]) }

// UNSUBSCRIBE [channel [channel ...]]
func cmdUnsubscribe(c *engine.Ctx) { c.Unsubscribe(pubsub.Channel, c.Argv[1:]) }

// PSUBSCRIBE pattern [pattern ...]
func cmdPSubscribe(c *engine.Ctx) { c.Subscribe(pubsub.Pattern, c.Argv[1:]) }

// PUNSUBSCRIBE [pattern [pattern ...]]
func cmdPUnsubscribe(c *engine.Ctx) { c.Unsubscribe(pubsub.Pattern, c.Argv[1:]) }

// SSUBSCRIBE shardchannel [shardchannel ...]
func cmdSSubscribe(c *engine.Ctx) {
	// Redis 7.0 refuses SSUBSCRIBE for clients that cannot block (inside
	// MULTI), while SUBSCRIBE and PSUBSCRIBE stay allowed there for
	// backward compatibility.
	if !c.CanBlock() {
		c.ErrString("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
		return
	}
	c.Subscribe(pubsub.Shard, c.Argv[1:])
}

// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
func cmdSUnsubscribe(c *engine.Ctx) { c.Unsubscribe(pubsub.Shard, c.Argv[1:]) }

// PUBLISH channel message
func cmdPublish(c *engine.Ctx) { c.W.Int(c.Publish(pubsub.Channel, c.Argv[1], c.Argv[2])) }

// SPUBLISH shardchannel message
func cmdSPublish(c *engine.Ctx) { c.W.Int(c.Publish(pubsub.Shard, c.Argv[1], c.Argv[2])) }

// PUBSUB CHANNELS [pattern]
func cmdPubsubChannels(c *engine.Ctx) { pubsubNames(c, pubsub.Channel) }

// PUBSUB SHARDCHANNELS [pattern]
func cmdPubsubShardChannels(c *engine.Ctx) { pubsubNames(c, pubsub.Shard) }

func pubsubNames(c *engine.Ctx, k pubsub.Kind) {
	if len(c.Argv) > 3 {
		connSubcommandSyntaxErr(c)
		return
	}
	var pattern []byte
	if len(c.Argv) == 3 {
		pattern = c.Argv[2]
	}
	c.W.StringArray(c.E.PubSub().Names(k, pattern))
}

// PUBSUB NUMSUB [channel [channel ...]]
func cmdPubsubNumSub(c *engine.Ctx) { pubsubNumSub(c, pubsub.Channel) }

// PUBSUB SHARDNUMSUB [shardchannel [shardchannel ...]]
func cmdPubsubShardNumSub(c *engine.Ctx) { pubsubNumSub(c, pubsub.Shard) }

func pubsubNumSub(c *engine.Ctx, k pubsub.Kind) {
	reg := c.E.PubSub()
	c.W.Array(2 * (len(c.Argv) - 2)) // a flat array even under RESP3
	for _, ch := range c.Argv[2:] {
		c.W.Bulk(ch)
		c.W.Int(int64(reg.NumSub(k, ch)))
	}
}

// PUBSUB NUMPAT
func cmdPubsubNumPat(c *engine.Ctx) { c.W.Int(c.E.PubSub().Count(pubsub.Pattern)) }

// pubsubHelp is Redis 7.0's PUBSUB HELP text.
var pubsubHelp = []string{
	"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
	"HELP",
	"    Prints this help.",
}

// PUBSUB HELP
func cmdPubsubHelp(c *engine.Ctx) { connWriteHelp(c, pubsubHelp) }
