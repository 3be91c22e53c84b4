package command

import "sort"

// maxNameLen bounds the length of any command or subcommand name in the
// table; longer names cannot match and are rejected without lowercasing.
const maxNameLen = 32

var (
	allSpecs []*Spec          // top-level specs sorted by name
	byName   map[string]*Spec // lower-case name -> top-level spec
)

func init() {
	allSpecs = make([]*Spec, 0, len(generatedSpecs)+len(newerSpecs))
	allSpecs = append(allSpecs, generatedSpecs...)
	allSpecs = append(allSpecs, newerSpecs...)
	sort.Slice(allSpecs, func(i, j int) bool { return allSpecs[i].Name < allSpecs[j].Name })
	byName = make(map[string]*Spec, len(allSpecs))
	for _, s := range allSpecs {
		if len(s.Name) > maxNameLen {
			panic("command: name longer than maxNameLen: " + s.Name)
		}
		byName[s.Name] = s
		prepare(s)
	}
}

// prepare fills in the parts of a spec that are not harvested: our own
// summary, complexity and history texts, and the derived key-extraction
// data.
func prepare(s *Spec) {
	if s.Summary == "" {
		s.Summary = summaries[s.Name]
	}
	if s.Complexity == "" {
		s.Complexity = complexities[s.Name]
	}
	if s.History == nil {
		s.History = histories[s.Name]
	}
	s.keys = deriveKeyInfo(s)
	sort.Slice(s.Subs, func(i, j int) bool { return s.Subs[i].Name < s.Subs[j].Name })
	for _, sub := range s.Subs {
		if len(sub.Name)-len(s.Name)-1 > maxNameLen {
			panic("command: subcommand name longer than maxNameLen: " + sub.Name)
		}
		prepare(sub)
	}
}

// Lookup returns the top-level spec named name (case-insensitively), or nil.
// Every command of the table is found, whether or not Redwing implements it.
// It does not allocate.
func Lookup(name string) *Spec {
	for i := 0; i < len(name); i++ {
		if c := name[i]; 'A' <= c && c <= 'Z' {
			return lookupFold(name)
		}
	}
	return byName[name]
}

func lookupFold(name string) *Spec {
	if len(name) > maxNameLen {
		return nil
	}
	var buf [maxNameLen]byte
	for i := 0; i < len(name); i++ {
		buf[i] = lower(name[i])
	}
	return byName[string(buf[:len(name)])]
}

// LookupBytes is Lookup for a name taken straight from argv. It does not
// allocate.
func LookupBytes(name []byte) *Spec {
	for i := 0; i < len(name); i++ {
		if c := name[i]; 'A' <= c && c <= 'Z' {
			if len(name) > maxNameLen {
				return nil
			}
			var buf [maxNameLen]byte
			for j := 0; j < len(name); j++ {
				buf[j] = lower(name[j])
			}
			return byName[string(buf[:len(name)])]
		}
	}
	return byName[string(name)]
}

// All returns every top-level spec, sorted by name. The slice is a copy; the
// specs are shared and must not be modified.
func All() []*Spec {
	out := make([]*Spec, len(allSpecs))
	copy(out, allSpecs)
	return out
}

// IsContainer reports whether s is a container command (one with
// subcommands, such as CONFIG or OBJECT).
func (s *Spec) IsContainer() bool { return len(s.Subs) > 0 }

// SubBytes is Sub for a name taken straight from argv. It does not allocate.
func (s *Spec) SubBytes(name []byte) *Spec {
	for _, sc := range s.Subs {
		if equalFold(name, sc.Name[len(s.Name)+1:]) {
			return sc
		}
	}
	return nil
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold reports whether b equals s under ASCII case folding.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}
