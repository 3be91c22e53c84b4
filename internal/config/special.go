package config

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// specialOps implements a KindSpecial parameter.
type specialOps struct {
	// parse builds the new value from the arguments; cur is the current
	// value (nil while building the default). It returns Redis's error text.
	parse func(c *Config, args []string, loading bool, cur *value) (*value, string)
	// rewrite emits the parameter's config file lines.
	rewrite func(c *Config, p *Param, st *rewriteState)
}

// strerror renders an OS error like C's strerror.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// dir: Redis chdir()s. Redwing keeps the absolute directory instead, so
// several servers can share a process; relative paths resolve against it.
var specialDir = &specialOps{
	parse: func(c *Config, args []string, _ bool, cur *value) (*value, string) {
		d := args[0]
		if !filepath.IsAbs(d) && cur != nil {
			d = filepath.Join(cur.s, d)
		}
		fi, err := os.Stat(d)
		if err != nil {
			return nil, strerror(err)
		}
		if !fi.IsDir() {
			return nil, strerror(syscall.ENOTDIR)
		}
		if r, err := filepath.EvalSymlinks(d); err == nil {
			d = r
		}
		d, _ = filepath.Abs(d)
		return &value{s: d}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		st.rewriteLine("dir", "dir "+Quote(p.cur.Load().s), true)
	},
}

var specialSave = &specialOps{
	parse: func(c *Config, args []string, loading bool, cur *value) (*value, string) {
		const bad = "Invalid save parameters"
		if len(args) == 1 && args[0] == "" {
			args = nil
		}
		if len(args)%2 != 0 {
			return nil, bad
		}
		var pts []SaveParam
		for j := 0; j < len(args); j += 2 {
			secs, full1, _ := strtoll(args[j], 10)
			chg, full2, _ := strtoll(args[j+1], 10)
			if !full1 || secs < 1 || !full2 || chg < 0 {
				return nil, bad
			}
			pts = append(pts, SaveParam{Seconds: secs, Changes: int64(int32(chg))})
		}
		if loading && cur != nil {
			// In config files the first save line replaces the defaults
			// and later ones add points.
			if c.mu.saveLoaded {
				old, _ := cur.x.([]SaveParam)
				pts = append(append([]SaveParam(nil), old...), pts...)
			}
			c.mu.saveLoaded = true
		}
		parts := make([]string, 0, 2*len(pts))
		for _, sp := range pts {
			parts = append(parts, strconv.FormatInt(sp.Seconds, 10), strconv.FormatInt(sp.Changes, 10))
		}
		return &value{s: strings.Join(parts, " "), n: int64(len(pts)), x: pts}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		pts, _ := p.cur.Load().x.([]SaveParam)
		if len(pts) == 0 {
			st.rewriteLine("save", `save ""`, true)
		}
		for _, sp := range pts {
			st.rewriteLine("save", "save "+strconv.FormatInt(sp.Seconds, 10)+" "+strconv.FormatInt(sp.Changes, 10), true)
		}
		st.markProcessed("save")
	},
}

var coblClassNames = [3]string{"normal", "slave", "pubsub"}

func formatCOBL(l [3]BufferLimit) string {
	var b strings.Builder
	for i, x := range l {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(coblClassNames[i])
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(x.Hard, 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(x.Soft, 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(x.SoftSeconds, 10))
	}
	return b.String()
}

var specialCOBL = &specialOps{
	parse: func(c *Config, args []string, _ bool, cur *value) (*value, string) {
		if len(args)%4 != 0 {
			return nil, "Wrong number of arguments in buffer limit configuration."
		}
		var lim [3]BufferLimit
		if cur != nil {
			lim, _ = cur.x.([3]BufferLimit)
		}
		for j := 0; j < len(args); j += 4 {
			class := -1
			switch strings.ToLower(args[j]) {
			case "normal":
				class = ClassNormal
			case "slave", "replica":
				class = ClassReplica
			case "pubsub":
				class = ClassPubsub
			}
			if class < 0 {
				return nil, "Invalid client class specified in buffer limit configuration."
			}
			hard, ok1 := ParseMemory(args[j+1])
			soft, ok2 := ParseMemory(args[j+2])
			secs, full, _ := strtoll(args[j+3], 10)
			secs = int64(int32(secs)) // stored in an int
			if !ok1 || !ok2 || secs < 0 || !full {
				return nil, "Error in hard, soft or soft_seconds setting in buffer limit configuration."
			}
			lim[class] = BufferLimit{Hard: hard, Soft: soft, SoftSeconds: secs}
		}
		return &value{s: formatCOBL(lim), x: lim}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		lim, _ := p.cur.Load().x.([3]BufferLimit)
		def, _ := p.def.x.([3]BufferLimit)
		for i, l := range lim {
			name := coblClassNames[i]
			if name == "slave" {
				name = "replica"
			}
			line := "client-output-buffer-limit " + name + " " + formatMemory(l.Hard) + " " +
				formatMemory(l.Soft) + " " + strconv.FormatInt(l.SoftSeconds, 10)
			st.rewriteLine("client-output-buffer-limit", line, l != def[i])
		}
	},
}

var specialOOMValues = &specialOps{
	parse: func(c *Config, args []string, _ bool, cur *value) (*value, string) {
		if len(args) != 3 {
			return nil, "wrong number of arguments"
		}
		var vals [3]int64
		for i, a := range args {
			v, full, _ := strtoll(a, 10)
			if !full || v < -2000 || v > 2000 {
				return nil, "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
			}
			vals[i] = v
		}
		s := strconv.FormatInt(vals[0], 10) + " " + strconv.FormatInt(vals[1], 10) + " " + strconv.FormatInt(vals[2], 10)
		return &value{s: s, x: vals}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		v := p.cur.Load()
		st.rewriteLine("oom-score-adj-values", "oom-score-adj-values "+v.s, v.s != p.def.s)
	},
}

var specialNotify = &specialOps{
	parse: func(c *Config, args []string, _ bool, cur *value) (*value, string) {
		flags, ok := ParseKeyspaceEvents(args[0])
		if !ok {
			return nil, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
		}
		return &value{s: FormatKeyspaceEvents(flags), n: int64(flags), raw: int64(flags)}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		v := p.cur.Load()
		st.rewriteLine("notify-keyspace-events", "notify-keyspace-events "+Quote(v.s), v.n != 0)
	},
}

var specialBind = &specialOps{
	parse: func(c *Config, args []string, _ bool, cur *value) (*value, string) {
		if len(args) > 16 {
			return nil, "Too many bind addresses specified."
		}
		if len(args) == 1 && args[0] == "" {
			args = nil
		}
		addrs := append([]string(nil), args...)
		return &value{s: strings.Join(addrs, " "), n: int64(len(addrs)), x: addrs}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		v := p.cur.Load()
		if v.s == p.def.s && v.n == p.def.n {
			st.markProcessed("bind")
			return
		}
		addrs := v.s
		if v.n == 0 {
			addrs = `""`
		}
		st.rewriteLine("bind", "bind "+addrs, true)
	},
}

type replicaOf struct {
	host string
	port int
}

var specialReplicaOf = &specialOps{
	parse: func(c *Config, args []string, _ bool, cur *value) (*value, string) {
		if len(args) != 2 {
			return nil, "wrong number of arguments"
		}
		if strings.EqualFold(args[0], "no") && strings.EqualFold(args[1], "one") {
			return &value{}, ""
		}
		port, full, _ := strtoll(args[1], 10)
		port = int64(int32(port))
		if port < 0 || port > 65535 || !full {
			return nil, "Invalid master port"
		}
		r := &replicaOf{host: args[0], port: int(port)}
		return &value{s: r.host + " " + strconv.Itoa(r.port), n: 1, x: r}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		r, _ := p.cur.Load().x.(*replicaOf)
		if r == nil || c.Bool("cluster-enabled") {
			st.markProcessed("replicaof")
			return
		}
		st.rewriteLine("replicaof", "replicaof "+r.host+" "+strconv.Itoa(r.port), true)
	},
}

var specialPercentiles = &specialOps{
	parse: func(c *Config, args []string, _ bool, cur *value) (*value, string) {
		if len(args) == 1 && args[0] == "" {
			args = nil
		}
		vals := make([]float64, 0, len(args))
		parts := make([]string, 0, len(args))
		for _, a := range args {
			f, ok := parseCDouble(a)
			if !ok {
				return nil, "Invalid latency-tracking-info-percentiles parameters"
			}
			if f > 100 || f < 0 {
				return nil, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
			}
			vals = append(vals, f)
			parts = append(parts, formatPercentile(f))
		}
		return &value{s: strings.Join(parts, " "), n: int64(len(vals)), x: vals}, ""
	},
	rewrite: func(c *Config, p *Param, st *rewriteState) {
		v := p.cur.Load()
		line := "latency-tracking-info-percentiles "
		if v.s == "" {
			line += `""`
		} else {
			line += v.s
		}
		st.rewriteLine("latency-tracking-info-percentiles", line, true)
	},
}
