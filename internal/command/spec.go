package command

import "strings"

// Flag is a command flag as reported by COMMAND INFO.
type Flag uint32

// Command flags, named as Redis names them in COMMAND INFO.
const (
	FlagWrite Flag = 1 << iota
	FlagReadonly
	FlagDenyOOM
	FlagModule
	FlagAdmin
	FlagPubsub
	FlagNoScript
	FlagBlocking
	FlagLoading
	FlagStale
	FlagSkipMonitor
	FlagSkipSlowlog
	FlagAsking
	FlagFast
	FlagNoAuth
	FlagMayReplicate
	FlagSentinel
	FlagOnlySentinel
	FlagNoMandatoryKeys
	FlagProtected
	FlagModuleGetKeys
	FlagModuleNoCluster
	FlagNoAsyncLoading
	FlagNoMulti
	FlagMovableKeys
	FlagAllowBusy
	FlagModuleGetChannels
)

// flagNames lists flags in the order Redis prints them.
var flagNames = []struct {
	f    Flag
	name string
}{
	{FlagWrite, "write"},
	{FlagReadonly, "readonly"},
	{FlagDenyOOM, "denyoom"},
	{FlagModule, "module"},
	{FlagAdmin, "admin"},
	{FlagPubsub, "pubsub"},
	{FlagNoScript, "noscript"},
	{FlagBlocking, "blocking"},
	{FlagLoading, "loading"},
	{FlagStale, "stale"},
	{FlagSkipMonitor, "skip_monitor"},
	{FlagSkipSlowlog, "skip_slowlog"},
	{FlagAsking, "asking"},
	{FlagFast, "fast"},
	{FlagNoAuth, "no_auth"},
	{FlagMayReplicate, "may_replicate"},
	{FlagSentinel, "sentinel"},
	{FlagOnlySentinel, "only_sentinel"},
	{FlagNoMandatoryKeys, "no_mandatory_keys"},
	{FlagProtected, "protected"},
	{FlagModuleGetKeys, "module_getkeys"},
	{FlagModuleNoCluster, "module_no_cluster"},
	{FlagNoAsyncLoading, "no_async_loading"},
	{FlagNoMulti, "no_multi"},
	{FlagMovableKeys, "movablekeys"},
	{FlagAllowBusy, "allow_busy"},
	{FlagModuleGetChannels, "module_getchannels"},
}

// Names returns the flag names in Redis's order.
func (f Flag) Names() []string {
	var out []string
	for _, fn := range flagNames {
		if f&fn.f != 0 {
			out = append(out, fn.name)
		}
	}
	return out
}

// ParseFlag returns the flag with the given COMMAND INFO name.
func ParseFlag(name string) (Flag, bool) {
	for _, fn := range flagNames {
		if fn.name == name {
			return fn.f, true
		}
	}
	return 0, false
}

// Category is an ACL category bit.
type Category uint32

// ACL categories in Redis's order.
var CategoryNames = []string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting",
}

// Names returns "@name" strings for the categories set in c.
func (c Category) Names() []string {
	var out []string
	for i, n := range CategoryNames {
		if c&(1<<uint(i)) != 0 {
			out = append(out, "@"+n)
		}
	}
	return out
}

// ParseCategory returns the bit for a category name (without '@').
func ParseCategory(name string) (Category, bool) {
	for i, n := range CategoryNames {
		if strings.EqualFold(n, name) {
			return 1 << uint(i), true
		}
	}
	return 0, false
}

// KeySpec describes where keys are in argv (Redis 7 key specifications).
type KeySpec struct {
	Notes string
	Flags []string // e.g. RW, access, update

	// Begin search: BeginIndex > 0 means type "index"; otherwise BeginKeyword is used.
	BeginIndex      int
	BeginKeyword    string
	BeginKeywordPos int // startfrom
	BeginUnknown    bool

	// Find keys: range (LastKey/KeyStep/Limit) or keynum (KeyNumIdx/FirstKey/KeyStep).
	FindKeynum  bool
	FindUnknown bool
	LastKey     int
	KeyStep     int
	Limit       int
	KeyNumIdx   int
	FirstKey    int
}

// Arg is one argument in COMMAND DOCS.
type Arg struct {
	Name            string
	Type            string
	DisplayText     string
	KeySpecIndex    int // -1 when absent
	Token           string
	Summary         string
	Since           string
	DeprecatedSince string
	Flags           []string
	Value           string
	Args            []Arg
}

// History is one entry of a command's history in COMMAND DOCS.
type History struct{ Version, Change string }

// Spec is the single declarative description of a command.
type Spec struct {
	Name     string // lower case; subcommands are "parent|sub"
	Arity    int
	Flags    Flag
	FirstKey int
	LastKey  int
	Step     int
	Cats     Category
	Tips     []string
	KeySpecs []KeySpec
	Subs     []*Spec

	// Documentation.
	Summary         string
	Since           string
	Group           string
	Complexity      string
	DocFlags        []string
	DeprecatedSince string
	ReplacedBy      string
	History         []History
	Args            []Arg

	// keys is derived from KeySpecs by the registry (see getkeys.go).
	keys keyInfo
}

// Has reports whether the spec has flag f.
func (s *Spec) Has(f Flag) bool { return s.Flags&f != 0 }

// CheckArity reports whether argc arguments (including the name) satisfy the arity.
func (s *Spec) CheckArity(argc int) bool {
	if s.Arity >= 0 {
		return argc == s.Arity
	}
	return argc >= -s.Arity
}

// Sub returns the subcommand spec with the given (case-insensitive) name.
func (s *Spec) Sub(name string) *Spec {
	for _, sc := range s.Subs {
		if strings.EqualFold(sc.Name[len(s.Name)+1:], name) {
			return sc
		}
	}
	return nil
}
