// Command gen harvests the facts of Redis's command table from a running
// redis-server (COMMAND INFO and COMMAND DOCS) and writes them as Go source
// for package command.
//
// Only machine facts are kept: arity, flags, key positions, ACL categories,
// tips, key specs, versions, groups and the argument trees. Redis's prose
// (summaries, complexity notes, history texts, key-spec notes and argument
// summaries) is deliberately left out; our own summaries, complexity notes
// and history texts live in summaries.go, complexity.go and history.go.
//
// Usage:
//
//	go run ./internal/command/gen -addr 127.0.0.1:7101 -out internal/command/table_gen.go
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "address of a running redis-server")
	out := flag.String("out", "internal/command/table_gen.go", "output file (- for stdout)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gen: ")

	conn, err := net.DialTimeout("tcp", *addr, 5*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	rd := bufio.NewReader(conn)

	version := serverVersion(conn, rd)
	info, err := call(conn, rd, "COMMAND", "INFO")
	if err != nil {
		log.Fatal(err)
	}
	docs, err := call(conn, rd, "COMMAND", "DOCS")
	if err != nil {
		log.Fatal(err)
	}

	specs, err := buildSpecs(info, docs)
	if err != nil {
		log.Fatal(err)
	}
	src, err := render(specs, version)
	if err != nil {
		log.Fatal(err)
	}
	if *out == "-" {
		_, err = os.Stdout.Write(src)
	} else {
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, s := range specs {
		n += 1 + len(s.subs)
	}
	log.Printf("wrote %d commands (%d including subcommands) from redis %s", len(specs), n, version)
}

// ---------------------------------------------------------------------------
// Minimal RESP2 client.

type respError string

func (e respError) Error() string { return string(e) }

func call(w io.Writer, rd *bufio.Reader, args ...string) (any, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return nil, err
	}
	v, err := readValue(rd)
	if err != nil {
		return nil, err
	}
	if e, ok := v.(respError); ok {
		return nil, e
	}
	return v, nil
}

// readValue reads one RESP2 value: string (simple or bulk), int64,
// []any, respError or nil.
func readValue(rd *bufio.Reader) (any, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("protocol error: bad line %q", line)
	}
	kind, body := line[0], line[1:len(line)-2]
	switch kind {
	case '+':
		return body, nil
	case '-':
		return respError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = readValue(rd); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("protocol error: unexpected type byte %q", kind)
}

func serverVersion(w io.Writer, rd *bufio.Reader) string {
	v, err := call(w, rd, "INFO", "server")
	if err != nil {
		return "unknown"
	}
	s, _ := v.(string)
	for _, line := range strings.Split(s, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			return rest
		}
	}
	return "unknown"
}

// ---------------------------------------------------------------------------
// Decoding helpers.

func asArray(v any, what string) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: expected array, got %T", what, v)
	}
	return a, nil
}

func asString(v any, what string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: expected string, got %T", what, v)
	}
	return s, nil
}

func asInt(v any, what string) (int, error) {
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("%s: expected integer, got %T", what, v)
	}
	return int(n), nil
}

func asStrings(v any, what string) ([]string, error) {
	a, err := asArray(v, what)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(a))
	for _, e := range a {
		s, err := asString(e, what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// asMap decodes a flat RESP2 key/value array, keeping key order.
func asMap(v any, what string) ([]string, map[string]any, error) {
	a, err := asArray(v, what)
	if err != nil {
		return nil, nil, err
	}
	if len(a)%2 != 0 {
		return nil, nil, fmt.Errorf("%s: odd map length %d", what, len(a))
	}
	keys := make([]string, 0, len(a)/2)
	m := make(map[string]any, len(a)/2)
	for i := 0; i < len(a); i += 2 {
		k, err := asString(a[i], what+" key")
		if err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		m[k] = a[i+1]
	}
	return keys, m, nil
}

// ---------------------------------------------------------------------------
// Model.

type keySpec struct {
	flags        []string
	beginIndex   int
	beginKeyword string
	beginPos     int
	beginUnknown bool
	findKeynum   bool
	findUnknown  bool
	lastKey      int
	keyStep      int
	limit        int
	keyNumIdx    int
	firstKey     int
}

type arg struct {
	name, typ, displayText, token, since, deprecatedSince, value string
	keySpecIndex                                                 int
	flags                                                        []string
	args                                                         []*arg
}

type spec struct {
	name                    string
	arity                   int
	flags                   []string
	firstKey, lastKey, step int
	cats                    []string
	tips                    []string
	keySpecs                []keySpec
	subs                    []*spec

	since, group, deprecatedSince, replacedBy string
	docFlags                                  []string
	args                                      []*arg
	hasDocs                                   bool
}

func buildSpecs(info, docs any) ([]*spec, error) {
	infos, err := asArray(info, "COMMAND INFO")
	if err != nil {
		return nil, err
	}
	var specs []*spec
	for _, e := range infos {
		s, err := parseInfo(e)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	_, docMap, err := asMap(docs, "COMMAND DOCS")
	if err != nil {
		return nil, err
	}
	for _, s := range specs {
		d, ok := docMap[s.name]
		if !ok {
			return nil, fmt.Errorf("no COMMAND DOCS for %s", s.name)
		}
		if err := applyDocs(s, d); err != nil {
			return nil, fmt.Errorf("docs of %s: %w", s.name, err)
		}
	}
	sortSpecs(specs)
	return specs, nil
}

func sortSpecs(specs []*spec) {
	sort.Slice(specs, func(i, j int) bool { return specs[i].name < specs[j].name })
	for _, s := range specs {
		sortSpecs(s.subs)
	}
}

func parseInfo(v any) (*spec, error) {
	a, err := asArray(v, "command info entry")
	if err != nil {
		return nil, err
	}
	if len(a) < 10 {
		return nil, fmt.Errorf("command info entry has %d fields, want 10", len(a))
	}
	name, err := asString(a[0], "name")
	if err != nil {
		return nil, err
	}
	s := &spec{name: strings.ToLower(name)}
	what := "command " + s.name
	if s.arity, err = asInt(a[1], what+" arity"); err != nil {
		return nil, err
	}
	if s.flags, err = asStrings(a[2], what+" flags"); err != nil {
		return nil, err
	}
	for _, f := range s.flags {
		if _, ok := flagIdents[f]; !ok {
			return nil, fmt.Errorf("%s: unknown flag %q", what, f)
		}
	}
	if s.firstKey, err = asInt(a[3], what+" first key"); err != nil {
		return nil, err
	}
	if s.lastKey, err = asInt(a[4], what+" last key"); err != nil {
		return nil, err
	}
	if s.step, err = asInt(a[5], what+" step"); err != nil {
		return nil, err
	}
	if s.cats, err = asStrings(a[6], what+" categories"); err != nil {
		return nil, err
	}
	for i, c := range s.cats {
		c = strings.TrimPrefix(c, "@")
		if _, ok := catIdents[c]; !ok {
			return nil, fmt.Errorf("%s: unknown ACL category %q", what, c)
		}
		s.cats[i] = c
	}
	if s.tips, err = asStrings(a[7], what+" tips"); err != nil {
		return nil, err
	}
	kss, err := asArray(a[8], what+" key specs")
	if err != nil {
		return nil, err
	}
	for _, ksv := range kss {
		ks, err := parseKeySpec(ksv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		s.keySpecs = append(s.keySpecs, ks)
	}
	subs, err := asArray(a[9], what+" subcommands")
	if err != nil {
		return nil, err
	}
	for _, sv := range subs {
		sub, err := parseInfo(sv)
		if err != nil {
			return nil, err
		}
		s.subs = append(s.subs, sub)
	}
	return s, nil
}

func parseKeySpec(v any) (keySpec, error) {
	var ks keySpec
	keys, m, err := asMap(v, "key spec")
	if err != nil {
		return ks, err
	}
	for _, k := range keys {
		switch k {
		case "notes": // Redis prose: not kept.
		case "flags":
			if ks.flags, err = asStrings(m[k], "key spec flags"); err != nil {
				return ks, err
			}
		case "begin_search":
			if err := parseBeginSearch(&ks, m[k]); err != nil {
				return ks, err
			}
		case "find_keys":
			if err := parseFindKeys(&ks, m[k]); err != nil {
				return ks, err
			}
		default:
			return ks, fmt.Errorf("unknown key spec field %q", k)
		}
	}
	return ks, nil
}

func typeAndSpec(v any, what string) (string, map[string]any, error) {
	_, m, err := asMap(v, what)
	if err != nil {
		return "", nil, err
	}
	typ, err := asString(m["type"], what+" type")
	if err != nil {
		return "", nil, err
	}
	_, sm, err := asMap(m["spec"], what+" spec")
	return typ, sm, err
}

func parseBeginSearch(ks *keySpec, v any) error {
	typ, sm, err := typeAndSpec(v, "begin_search")
	if err != nil {
		return err
	}
	switch typ {
	case "index":
		ks.beginIndex, err = asInt(sm["index"], "begin_search index")
		if err == nil && ks.beginIndex <= 0 {
			err = fmt.Errorf("begin_search index %d not positive", ks.beginIndex)
		}
	case "keyword":
		if ks.beginKeyword, err = asString(sm["keyword"], "begin_search keyword"); err != nil {
			return err
		}
		ks.beginPos, err = asInt(sm["startfrom"], "begin_search startfrom")
	case "unknown":
		ks.beginUnknown = true
	default:
		err = fmt.Errorf("unknown begin_search type %q", typ)
	}
	return err
}

func parseFindKeys(ks *keySpec, v any) error {
	typ, sm, err := typeAndSpec(v, "find_keys")
	if err != nil {
		return err
	}
	switch typ {
	case "range":
		if ks.lastKey, err = asInt(sm["lastkey"], "find_keys lastkey"); err != nil {
			return err
		}
		if ks.keyStep, err = asInt(sm["keystep"], "find_keys keystep"); err != nil {
			return err
		}
		ks.limit, err = asInt(sm["limit"], "find_keys limit")
	case "keynum":
		ks.findKeynum = true
		if ks.keyNumIdx, err = asInt(sm["keynumidx"], "find_keys keynumidx"); err != nil {
			return err
		}
		if ks.firstKey, err = asInt(sm["firstkey"], "find_keys firstkey"); err != nil {
			return err
		}
		ks.keyStep, err = asInt(sm["keystep"], "find_keys keystep")
	case "unknown":
		ks.findUnknown = true
	default:
		err = fmt.Errorf("unknown find_keys type %q", typ)
	}
	return err
}

func applyDocs(s *spec, v any) error {
	keys, m, err := asMap(v, "docs")
	if err != nil {
		return err
	}
	s.hasDocs = true
	for _, k := range keys {
		val := m[k]
		switch k {
		case "summary", "complexity", "history", "doc":
			// Redis prose (and the history that goes with it): not kept.
		case "since":
			s.since, err = asString(val, k)
		case "group":
			s.group, err = asString(val, k)
		case "deprecated_since":
			s.deprecatedSince, err = asString(val, k)
		case "replaced_by":
			s.replacedBy, err = asString(val, k)
		case "doc_flags":
			s.docFlags, err = asStrings(val, k)
		case "module":
			// Only for module commands; none in a stock server.
		case "arguments":
			s.args, err = parseArgs(val)
		case "subcommands":
			var subDocs map[string]any
			if _, subDocs, err = asMap(val, k); err != nil {
				return err
			}
			for _, sub := range s.subs {
				d, ok := subDocs[sub.name]
				if !ok {
					return fmt.Errorf("no docs for subcommand %s", sub.name)
				}
				if err := applyDocs(sub, d); err != nil {
					return fmt.Errorf("%s: %w", sub.name, err)
				}
			}
		default:
			return fmt.Errorf("unknown docs field %q", k)
		}
		if err != nil {
			return err
		}
	}
	for _, sub := range s.subs {
		if !sub.hasDocs {
			return fmt.Errorf("no docs for subcommand %s", sub.name)
		}
	}
	return nil
}

func parseArgs(v any) ([]*arg, error) {
	a, err := asArray(v, "arguments")
	if err != nil {
		return nil, err
	}
	var out []*arg
	for _, e := range a {
		keys, m, err := asMap(e, "argument")
		if err != nil {
			return nil, err
		}
		ar := &arg{keySpecIndex: -1}
		for _, k := range keys {
			val := m[k]
			switch k {
			case "summary": // Redis prose: not kept.
			case "name":
				ar.name, err = asString(val, k)
			case "type":
				ar.typ, err = asString(val, k)
			case "display_text":
				ar.displayText, err = asString(val, k)
			case "key_spec_index":
				ar.keySpecIndex, err = asInt(val, k)
			case "token":
				ar.token, err = asString(val, k)
			case "since":
				ar.since, err = asString(val, k)
			case "deprecated_since":
				ar.deprecatedSince, err = asString(val, k)
			case "flags":
				ar.flags, err = asStrings(val, k)
			case "value":
				ar.value, err = asString(val, k)
			case "arguments":
				ar.args, err = parseArgs(val)
			default:
				err = fmt.Errorf("unknown argument field %q", k)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, ar)
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Rendering.

// flagIdents maps COMMAND INFO flag names to the constants in spec.go.
var flagIdents = map[string]string{
	"write":              "FlagWrite",
	"readonly":           "FlagReadonly",
	"denyoom":            "FlagDenyOOM",
	"module":             "FlagModule",
	"admin":              "FlagAdmin",
	"pubsub":             "FlagPubsub",
	"noscript":           "FlagNoScript",
	"blocking":           "FlagBlocking",
	"loading":            "FlagLoading",
	"stale":              "FlagStale",
	"skip_monitor":       "FlagSkipMonitor",
	"skip_slowlog":       "FlagSkipSlowlog",
	"asking":             "FlagAsking",
	"fast":               "FlagFast",
	"no_auth":            "FlagNoAuth",
	"may_replicate":      "FlagMayReplicate",
	"sentinel":           "FlagSentinel",
	"only_sentinel":      "FlagOnlySentinel",
	"no_mandatory_keys":  "FlagNoMandatoryKeys",
	"protected":          "FlagProtected",
	"module_getkeys":     "FlagModuleGetKeys",
	"module_no_cluster":  "FlagModuleNoCluster",
	"no_async_loading":   "FlagNoAsyncLoading",
	"no_multi":           "FlagNoMulti",
	"movablekeys":        "FlagMovableKeys",
	"allow_busy":         "FlagAllowBusy",
	"module_getchannels": "FlagModuleGetChannels",
}

// catIdents maps ACL category names to the constants in categories.go.
var catIdents = map[string]string{
	"keyspace":    "CatKeyspace",
	"read":        "CatRead",
	"write":       "CatWrite",
	"set":         "CatSet",
	"sortedset":   "CatSortedSet",
	"list":        "CatList",
	"hash":        "CatHash",
	"string":      "CatString",
	"bitmap":      "CatBitmap",
	"hyperloglog": "CatHyperLogLog",
	"geo":         "CatGeo",
	"stream":      "CatStream",
	"pubsub":      "CatPubsub",
	"admin":       "CatAdmin",
	"fast":        "CatFast",
	"slow":        "CatSlow",
	"blocking":    "CatBlocking",
	"dangerous":   "CatDangerous",
	"connection":  "CatConnection",
	"transaction": "CatTransaction",
	"scripting":   "CatScripting",
}

func render(specs []*spec, version string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/command/gen from redis-server " + version + " (COMMAND INFO, COMMAND DOCS); DO NOT EDIT.\n")
	b.WriteString("// Only facts are harvested; summaries are our own (summaries.go).\n\n")
	b.WriteString("package command\n\n")
	b.WriteString("// generatedSpecs is the command table harvested from Redis, sorted by name.\n")
	b.WriteString("var generatedSpecs = []*Spec{\n")
	for _, s := range specs {
		renderSpec(&b, s)
		b.WriteString(",\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gofmt generated source: %w", err)
	}
	return src, nil
}

func idents(names []string, m map[string]string) string {
	if len(names) == 0 {
		return "0"
	}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = m[n]
	}
	return strings.Join(ids, " | ")
}

func strList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func renderSpec(b *bytes.Buffer, s *spec) {
	fmt.Fprintf(b, "{\nName: %q, Arity: %d,\n", s.name, s.arity)
	if len(s.flags) > 0 {
		fmt.Fprintf(b, "Flags: %s,\n", idents(s.flags, flagIdents))
	}
	if s.firstKey != 0 || s.lastKey != 0 || s.step != 0 {
		fmt.Fprintf(b, "FirstKey: %d, LastKey: %d, Step: %d,\n", s.firstKey, s.lastKey, s.step)
	}
	if len(s.cats) > 0 {
		fmt.Fprintf(b, "Cats: %s,\n", idents(s.cats, catIdents))
	}
	if len(s.tips) > 0 {
		fmt.Fprintf(b, "Tips: %s,\n", strList(s.tips))
	}
	if len(s.keySpecs) > 0 {
		b.WriteString("KeySpecs: []KeySpec{\n")
		for _, ks := range s.keySpecs {
			renderKeySpec(b, ks)
		}
		b.WriteString("},\n")
	}
	if s.since != "" {
		fmt.Fprintf(b, "Since: %q,\n", s.since)
	}
	if s.group != "" {
		fmt.Fprintf(b, "Group: %q,\n", s.group)
	}
	if len(s.docFlags) > 0 {
		fmt.Fprintf(b, "DocFlags: %s,\n", strList(s.docFlags))
	}
	if s.deprecatedSince != "" {
		fmt.Fprintf(b, "DeprecatedSince: %q,\n", s.deprecatedSince)
	}
	if s.replacedBy != "" {
		fmt.Fprintf(b, "ReplacedBy: %q,\n", s.replacedBy)
	}
	if len(s.args) > 0 {
		b.WriteString("Args: ")
		renderArgs(b, s.args)
		b.WriteString(",\n")
	}
	if len(s.subs) > 0 {
		b.WriteString("Subs: []*Spec{\n")
		for _, sub := range s.subs {
			renderSpec(b, sub)
			b.WriteString(",\n")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}")
}

func renderKeySpec(b *bytes.Buffer, ks keySpec) {
	var f []string
	if len(ks.flags) > 0 {
		f = append(f, "Flags: "+strList(ks.flags))
	}
	switch {
	case ks.beginUnknown:
		f = append(f, "BeginUnknown: true")
	case ks.beginKeyword != "":
		f = append(f, fmt.Sprintf("BeginKeyword: %q, BeginKeywordPos: %d", ks.beginKeyword, ks.beginPos))
	default:
		f = append(f, fmt.Sprintf("BeginIndex: %d", ks.beginIndex))
	}
	switch {
	case ks.findUnknown:
		f = append(f, "FindUnknown: true")
	case ks.findKeynum:
		f = append(f, fmt.Sprintf("FindKeynum: true, KeyNumIdx: %d, FirstKey: %d, KeyStep: %d", ks.keyNumIdx, ks.firstKey, ks.keyStep))
	default:
		f = append(f, fmt.Sprintf("LastKey: %d, KeyStep: %d, Limit: %d", ks.lastKey, ks.keyStep, ks.limit))
	}
	b.WriteString("{" + strings.Join(f, ", ") + "},\n")
}

func renderArgs(b *bytes.Buffer, args []*arg) {
	b.WriteString("[]Arg{\n")
	for _, a := range args {
		f := []string{fmt.Sprintf("Name: %q, Type: %q", a.name, a.typ)}
		if a.displayText != "" {
			f = append(f, fmt.Sprintf("DisplayText: %q", a.displayText))
		}
		f = append(f, fmt.Sprintf("KeySpecIndex: %d", a.keySpecIndex))
		if a.token != "" {
			f = append(f, fmt.Sprintf("Token: %q", a.token))
		}
		if a.since != "" {
			f = append(f, fmt.Sprintf("Since: %q", a.since))
		}
		if a.deprecatedSince != "" {
			f = append(f, fmt.Sprintf("DeprecatedSince: %q", a.deprecatedSince))
		}
		if len(a.flags) > 0 {
			f = append(f, "Flags: "+strList(a.flags))
		}
		if a.value != "" {
			f = append(f, fmt.Sprintf("Value: %q", a.value))
		}
		b.WriteString("{" + strings.Join(f, ", "))
		if len(a.args) > 0 {
			b.WriteString(", Args: ")
			renderArgs(b, a.args)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}")
}
