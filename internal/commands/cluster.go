package commands

import (
	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/engine"
)

// The cluster commands answer as a Redis server started with
// cluster-enabled no (the only mode Redwing has so far): every CLUSTER
// subcommand, READONLY, READWRITE and ASKING reply "This instance has
// cluster support disabled", which clients use to tell a standalone server
// from a cluster node. Unknown subcommands and wrong arities get the usual
// errors from the command table.

const errClusterDisabled = "ERR This instance has cluster support disabled"

func init() {
	for _, sub := range command.Lookup("cluster").Subs {
		engine.Register(sub.Name, cmdClusterDisabled)
	}
	engine.Register("readonly", cmdClusterDisabled)
	engine.Register("readwrite", cmdClusterDisabled)
	engine.Register("asking", cmdClusterDisabled)
}

func cmdClusterDisabled(c *engine.Ctx) { c.ErrString(errClusterDisabled) }
