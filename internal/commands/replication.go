package commands

import (
	"math"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
)

// Replication commands of a master with no replicas (Redwing does not
// replicate yet): ROLE, WAIT and FAILOVER answer exactly as such a Redis
// master does. REPLICAOF, SYNC, PSYNC and REPLCONF are not served.

func init() {
	engine.Register("role", cmdRole)
	engine.Register("wait", cmdWait)
	engine.Register("failover", cmdFailover)
}

// ROLE
func cmdRole(c *engine.Ctx) {
	c.W.Array(3)
	c.W.BulkString("master")
	c.W.Int(hookVal(infoHooks.ReplOffset, c.E)) // as INFO replication
	c.W.Array(0)
}

// WAIT numreplicas timeout: no replica ever acknowledges, so WAIT 0 (or
// less) replies 0 at once and any other count blocks for the timeout (0:
// forever) and then replies 0, as Redis's waitCommand without replicas.
func cmdWait(c *engine.Ctx) {
	numreplicas, ok := parseLong(c, c.Argv[1])
	if !ok {
		return
	}
	timeout, ok := parseMsTimeout(c, c.Argv[2])
	if !ok {
		return
	}
	const acked = 0
	if acked >= numreplicas || !c.CanBlock() {
		c.W.Int(acked)
		return
	}
	d := time.Duration(timeout) * time.Millisecond
	if timeout > math.MaxInt64/int64(time.Millisecond) {
		d = 0 // beyond any wait: forever
	}
	c.BlockFor(d, []byte(":0\r\n"))
}

// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]
func cmdFailover(c *engine.Ctx) {
	argv := c.Argv
	if len(argv) == 2 && eqFold(argv[1], "ABORT") {
		c.ErrString("ERR No failover in progress.")
		return
	}
	var timeout int64
	to, force := false, false
	for j := 1; j < len(argv); j++ {
		switch {
		case eqFold(argv[j], "TIMEOUT") && j+1 < len(argv) && timeout == 0:
			n, ok := parseLong(c, argv[j+1])
			if !ok {
				return
			}
			if n <= 0 {
				c.ErrString("ERR FAILOVER timeout must be greater than 0")
				return
			}
			timeout = n
			j++
		case eqFold(argv[j], "TO") && j+2 < len(argv) && !to:
			if _, ok := parseLong(c, argv[j+2]); !ok {
				return
			}
			to = true
			j += 2
		case eqFold(argv[j], "FORCE") && !force:
			force = true
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	c.ErrString("ERR FAILOVER requires connected replicas.")
}
