package commands

import (
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
)

// Client-side caching: the CLIENT subcommands of Redis's tracking. The
// tracking table and invalidation live in the engine (tracking.go).

func init() {
	engine.Register("client|tracking", cmdClientTracking)
	engine.Register("client|caching", cmdClientCaching)
	// Replaces the connection family's placeholder (connection.go).
	engine.Register("client|getredir", cmdClientGetRedirTracking)
	engine.Register("client|trackinginfo", cmdClientTrackingInfo)

	infoHooks.TrackingClients = func(e *engine.Engine) int64 { n, _, _, _ := e.TrackingStats(); return n }
	infoHooks.TrackingKeys = func(e *engine.Engine) int64 { _, n, _, _ := e.TrackingStats(); return n }
	infoHooks.TrackingItems = func(e *engine.Engine) int64 { _, _, n, _ := e.TrackingStats(); return n }
	infoHooks.TrackingPrefixes = func(e *engine.Engine) int64 { _, _, _, n := e.TrackingStats(); return n }
}

// CLIENT TRACKING ON|OFF [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]]
// [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
func cmdClientTracking(c *engine.Ctx) {
	argv := c.Argv
	var o engine.TrackingOptions
	for j := 3; j < len(argv); j++ {
		more := len(argv) - 1 - j
		switch {
		case eqFold(argv[j], "REDIRECT") && more > 0:
			j++
			if o.Redirect != 0 {
				c.ErrString("ERR A client can only redirect to a single other client")
				return
			}
			id, ok := parseInt(argv[j])
			if !ok {
				c.Err(errs.NotInt)
				return
			}
			o.Redirect = id
			// The client must exist now, although it may go away later.
			if c.E.Client(id) == nil {
				c.ErrString("ERR The client ID you want redirect to does not exist")
				return
			}
		case eqFold(argv[j], "BCAST"):
			o.BCast = true
		case eqFold(argv[j], "OPTIN"):
			o.OptIn = true
		case eqFold(argv[j], "OPTOUT"):
			o.OptOut = true
		case eqFold(argv[j], "NOLOOP"):
			o.NoLoop = true
		case eqFold(argv[j], "PREFIX") && more > 0:
			j++
			o.Prefixes = append(o.Prefixes, argv[j])
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	switch {
	case eqFold(argv[2], "ON"):
		cur := c.C.TrackingInfo()
		switch {
		case !o.BCast && len(o.Prefixes) > 0:
			c.ErrString("ERR PREFIX option requires BCAST mode to be enabled")
			return
		case cur.On && cur.BCast != o.BCast:
			c.ErrString("ERR You can't switch BCAST mode on/off before disabling tracking for this client, " +
				"and then re-enabling it with a different mode.")
			return
		case o.BCast && (o.OptIn || o.OptOut):
			c.ErrString("ERR OPTIN and OPTOUT are not compatible with BCAST")
			return
		case o.OptIn && o.OptOut:
			c.ErrString("ERR You can't specify both OPTIN mode and OPTOUT mode")
			return
		case (o.OptIn && cur.OptOut) || (o.OptOut && cur.OptIn):
			c.ErrString("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, " +
				"and then re-enabling it with a different mode.")
			return
		}
		if o.BCast {
			if msg, proceed := c.C.PrefixCollision(o.Prefixes); msg != "" {
				// Redis 7.0 goes on after some of these errors (see
				// PrefixCollision): the client then gets the error and +OK.
				c.ErrString(msg)
				if !proceed {
					return
				}
			}
		}
		c.E.EnableTracking(c.C, o)
	case eqFold(argv[2], "OFF"):
		c.E.DisableTracking(c.C)
	default:
		c.Err(errs.Syntax)
		return
	}
	c.W.OK()
}

// CLIENT CACHING YES|NO
func cmdClientCaching(c *engine.Ctx) {
	cur := c.C.TrackingInfo()
	if !cur.On {
		c.ErrString("ERR CLIENT CACHING can be called only when the client is in tracking mode " +
			"with OPTIN or OPTOUT mode enabled")
		return
	}
	switch {
	case eqFold(c.Argv[2], "YES"):
		if !cur.OptIn {
			c.ErrString("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
			return
		}
	case eqFold(c.Argv[2], "NO"):
		if !cur.OptOut {
			c.ErrString("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
			return
		}
	default:
		c.Err(errs.Syntax)
		return
	}
	c.C.SetTrackingCaching()
	c.W.OK()
}

// CLIENT GETREDIR
func cmdClientGetRedirTracking(c *engine.Ctx) {
	if cur := c.C.TrackingInfo(); cur.On {
		c.W.Int(cur.Redirect)
		return
	}
	c.W.Int(-1)
}

// CLIENT TRACKINGINFO
func cmdClientTrackingInfo(c *engine.Ctx) {
	cur := c.C.TrackingInfo()
	w := c.W
	w.Map(3)
	w.BulkString("flags")
	flags := make([]string, 0, 6)
	if cur.On {
		flags = append(flags, "on")
	} else {
		flags = append(flags, "off")
	}
	if cur.BCast {
		flags = append(flags, "bcast")
	}
	if cur.OptIn {
		flags = append(flags, "optin")
		if cur.Caching {
			flags = append(flags, "caching-yes")
		}
	}
	if cur.OptOut {
		flags = append(flags, "optout")
		if cur.Caching {
			flags = append(flags, "caching-no")
		}
	}
	if cur.NoLoop {
		flags = append(flags, "noloop")
	}
	if cur.BrokenRedirect {
		flags = append(flags, "broken_redirect")
	}
	w.Set(len(flags))
	for _, f := range flags {
		w.BulkString(f)
	}
	w.BulkString("redirect")
	if cur.On {
		w.Int(cur.Redirect)
	} else {
		w.Int(-1)
	}
	w.BulkString("prefixes")
	w.StringArray(cur.Prefixes)
}
