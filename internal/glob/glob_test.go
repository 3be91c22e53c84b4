package glob

import (
	"strings"
	"testing"
	"time"
)

// The tables below were produced by running KEYS against redis-server
// 7.0.15 with every subject stored as a key (the pattern "*", which KEYS
// special-cases, was filled in from stringmatchlen's semantics).

var redisSubjects = []string{"", "a", "b", "A", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "a-c", "hello", "hallo", "hxllo", "hllo", "heeeello", "^", "]", "[", "-", "\\", "x\x80y", "\xff", "\x00", "a\x00b", "foo:bar:baz", "ABC", "aaaaab", "aaaaa", "?\\-?^", "a*?a\\\\", "*b*-]b", "]ab", "^a^", "?\\?^^]", "?", "]]-", "[]\\[]\\", "?**?aa", "]^]\\", "b--aa", "-[-aa", "abab[]", "b\\b]]", "ba", "^*b-b]", "[[\\", "a[^", "a[[", "?*^a\\", "b[*a?", "]b^-\\", "^a", "b*-*", "[?^-^", "]*", "bb", "?b[[", "b\\a[", "^^"}

var redisCases = []struct {
	pattern string
	matches []string
}{
	{"", []string{""}},
	{"*", []string{"\x00", "*b*-]b", "-", "-[-aa", "?", "?**?aa", "?*^a\\", "?\\-?^", "?\\?^^]", "?b[[", "A", "ABC", "[", "[?^-^", "[[\\", "[]\\[]\\", "\\", "]", "]*", "]]-", "]^]\\", "]ab", "]b^-\\", "^", "^*b-b]", "^^", "^a", "^a^", "a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc", "b", "b*-*", "b--aa", "b[*a?", "b\\a[", "b\\b]]", "ba", "bb", "foo:bar:baz", "hallo", "heeeello", "hello", "hllo", "hxllo", "x\x80y", "\xff"}},
	{"**", []string{"\x00", "*b*-]b", "-", "-[-aa", "?", "?**?aa", "?*^a\\", "?\\-?^", "?\\?^^]", "?b[[", "A", "ABC", "[", "[?^-^", "[[\\", "[]\\[]\\", "\\", "]", "]*", "]]-", "]^]\\", "]ab", "]b^-\\", "^", "^*b-b]", "^^", "^a", "^a^", "a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc", "b", "b*-*", "b--aa", "b[*a?", "b\\a[", "b\\b]]", "ba", "bb", "foo:bar:baz", "hallo", "heeeello", "hello", "hllo", "hxllo", "x\x80y", "\xff"}},
	{"?", []string{"\x00", "-", "?", "A", "[", "\\", "]", "^", "a", "b", "\xff"}},
	{"??", []string{"]*", "^^", "^a", "ab", "ba", "bb"}},
	{"?*", []string{"\x00", "*b*-]b", "-", "-[-aa", "?", "?**?aa", "?*^a\\", "?\\-?^", "?\\?^^]", "?b[[", "A", "ABC", "[", "[?^-^", "[[\\", "[]\\[]\\", "\\", "]", "]*", "]]-", "]^]\\", "]ab", "]b^-\\", "^", "^*b-b]", "^^", "^a", "^a^", "a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc", "b", "b*-*", "b--aa", "b[*a?", "b\\a[", "b\\b]]", "ba", "bb", "foo:bar:baz", "hallo", "heeeello", "hello", "hllo", "hxllo", "x\x80y", "\xff"}},
	{"*?", []string{"\x00", "*b*-]b", "-", "-[-aa", "?", "?**?aa", "?*^a\\", "?\\-?^", "?\\?^^]", "?b[[", "A", "ABC", "[", "[?^-^", "[[\\", "[]\\[]\\", "\\", "]", "]*", "]]-", "]^]\\", "]ab", "]b^-\\", "^", "^*b-b]", "^^", "^a", "^a^", "a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc", "b", "b*-*", "b--aa", "b[*a?", "b\\a[", "b\\b]]", "ba", "bb", "foo:bar:baz", "hallo", "heeeello", "hello", "hllo", "hxllo", "x\x80y", "\xff"}},
	{"a*", []string{"a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc"}},
	{"*c", []string{"a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "abc"}},
	{"a*c", []string{"a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "abc"}},
	{"a?c", []string{"a*c", "a-c", "a?c", "aXc", "a[c", "a\\c", "a]c", "abc"}},
	{"a\\*c", []string{"a*c"}},
	{"a\\?c", []string{"a?c"}},
	{"a[*]c", []string{"a*c"}},
	{"a[?]c", []string{"a?c"}},
	{"h?llo", []string{"hallo", "hello", "hxllo"}},
	{"h*llo", []string{"hallo", "heeeello", "hello", "hllo", "hxllo"}},
	{"h[ae]llo", []string{"hallo", "hello"}},
	{"h[^e]llo", []string{"hallo", "hxllo"}},
	{"h[a-b]llo", []string{"hallo"}},
	{"h[b-a]llo", []string{"hallo"}},
	{"[", []string{}},
	{"[^", []string{"\x00", "-", "?", "A", "[", "\\", "]", "^", "a", "b", "\xff"}},
	{"[a", []string{"a"}},
	{"[^a", []string{"\x00", "-", "?", "A", "[", "\\", "]", "^", "b", "\xff"}},
	{"a[", []string{}},
	{"[]", []string{}},
	{"[]]", []string{}},
	{"[^]]", []string{}},
	{"[\\]]", []string{"]"}},
	{"[\\", []string{"\\"}},
	{"a\\", []string{}},
	{"\\", []string{"\\"}},
	{"\\\\", []string{"\\"}},
	{"a[\\\\]c", []string{"a\\c"}},
	{"a[-]c", []string{"a-c"}},
	{"a[a-]c", []string{}},
	{"a[-c]c", []string{"a-c"}},
	{"[a-c]*", []string{"a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc", "b", "b*-*", "b--aa", "b[*a?", "b\\a[", "b\\b]]", "ba", "bb"}},
	{"[A-Z]*", []string{"A", "ABC"}},
	{"[a-Z]", []string{"[", "\\", "]", "^", "a"}},
	{"[\x80-\xff]", []string{"\xff"}},
	{"x[\x80-z]y", []string{"x\x80y"}},
	{"x[^a-z]y", []string{"x\x80y"}},
	{"\xff", []string{"\xff"}},
	{"[\x00]", []string{"\x00"}},
	{"a[\x00]b", []string{"a\x00b"}},
	{"*:*:*", []string{"foo:bar:baz"}},
	{"foo:*", []string{"foo:bar:baz"}},
	{"*a*a*a*b", []string{"aaaaab"}},
	{"*a*a*a*a*", []string{"aaaaa", "aaaaab"}},
	{"a*a*b", []string{"aaaaab"}},
	{"*[", []string{}},
	{"*]", []string{"?\\?^^]", "]", "^*b-b]", "abab[]", "b\\b]]"}},
	{"[*", []string{}},
	{"?[", []string{}},
	{"[[]", []string{"["}},
	{"[a-c-e]", []string{"-", "a", "b"}},
	{"[]-]", []string{}},
	{"[a-]", []string{"]", "^", "a"}},
	{"[!a]*", []string{"a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc"}},
	{"*\\", []string{"?*^a\\", "[[\\", "[]\\[]\\", "\\", "]^]\\", "]b^-\\", "a*?a\\\\"}},
	{"[^\\", []string{"\x00", "-", "?", "A", "[", "]", "^", "a", "b", "\xff"}},
	{"[\\a]", []string{"a"}},
	{"[a\\-c]", []string{"-", "a"}},
	{"a[^-]c", []string{"a*c", "a?c", "aXc", "a[c", "a\\c", "a]c", "abc"}},
	{"*^ab\\", []string{}},
	{"]", []string{"]"}},
	{"ab^", []string{}},
	{"b?b\\^a", []string{}},
	{"a?a\\*[", []string{}},
	{"*\\b[\\*", []string{}},
	{"b\\ba?", []string{}},
	{"\\^]--][", []string{}},
	{"*?b", []string{"*b*-]b", "]ab", "a\x00b", "aaaaab", "ab", "bb"}},
	{"\\-]-", []string{}},
	{"bb\\^", []string{}},
	{"]*", []string{"]", "]*", "]]-", "]^]\\", "]ab", "]b^-\\"}},
	{"^ab\\]]]", []string{}},
	{"-bb[-ba", []string{}},
	{"-[^]", []string{}},
	{"]*b-a?[", []string{}},
	{"?^", []string{"^^"}},
	{"-b*-^\\", []string{}},
	{"*^\\[", []string{}},
	{"]^?*b*", []string{}},
	{"*[[a*^\\", []string{"-[-aa", "?**?aa", "?*^a\\", "?\\-?^", "?b[[", "[", "[?^-^", "[[\\", "[]\\[]\\", "\\", "]*", "]^]\\", "]b^-\\", "^", "^^", "^a", "^a^", "a", "a*?a\\\\", "a[[", "a[^", "aaaaa", "b*-*", "b--aa", "b\\a[", "ba"}},
	{"]*\\a-", []string{}},
	{"^^^b-^", []string{}},
	{"b?-", []string{}},
	{"b]", []string{}},
	{"a", []string{"a"}},
	{"\\b", []string{"b"}},
	{"ab?^*", []string{}},
	{"]]-b", []string{}},
	{"-", []string{"-"}},
	{"--[b*b]", []string{}},
	{"-*\\a", []string{"-[-aa"}},
	{"\\]*", []string{"]", "]*", "]]-", "]^]\\", "]ab", "]b^-\\"}},
	{"b[\\]", []string{}},
	{"]?", []string{"]*"}},
	{"???^?", []string{}},
	{"\\-]", []string{}},
	{"-[?]", []string{}},
	{"]]b?b?-", []string{}},
	{"]?-", []string{"]]-"}},
	{"]bb^?-*", []string{}},
	{"]b^-^b", []string{}},
	{"-*", []string{"-", "-[-aa"}},
	{"]*\\\\*aa", []string{}},
	{"^?", []string{"^^", "^a"}},
	{"a[?", []string{}},
	{"\\?][", []string{}},
	{"*a]-\\^", []string{}},
	{"\\*", []string{}},
	{"*a***-b", []string{}},
	{"\\\\\\-b", []string{}},
	{"?[a", []string{"^a", "ba"}},
	{"\\ab-]\\\\", []string{}},
	{"[-\\", []string{"-", "\\"}},
	{"\\?\\[\\?-", []string{}},
	{"^b", []string{}},
	{"-]b?^b", []string{}},
	{"[b*", []string{"b"}},
	{"*[*-?", []string{"-", "?", "]*", "]]-", "b*-*", "b[*a?"}},
	{"^", []string{"^"}},
	{"*?*^\\^]", []string{"?\\?^^]"}},
	{"?]]b]a", []string{}},
	{"\\--a^", []string{}},
	{"\\[\\bb", []string{}},
	{"bb[", []string{}},
	{"a*[*", []string{}},
	{"[^*\\\\-", []string{"\x00", "?", "A", "[", "]", "^", "a", "b", "\xff"}},
	{"b[a*^", []string{"ba"}},
	{"\\^[*a", []string{"^a"}},
	{"b*[", []string{}},
	{"\\?[-", []string{}},
	{"aaa\\", []string{}},
	{"\\-?", []string{}},
	{"b^-\\^\\[", []string{}},
	{"?]?", []string{"]]-", "a]c"}},
	{"^]", []string{}},
	{"ab", []string{"ab"}},
	{"^*ab", []string{}},
	{"\\[?[a-", []string{}},
	{"a[]]\\]?", []string{}},
	{"?]*a", []string{}},
	{"^b-[\\", []string{}},
	{"?\\a", []string{"^a", "ba"}},
	{"a^a[[?", []string{}},
	{"*[*a\\^\\", []string{"-[-aa", "?**?aa", "?*^a\\", "?\\-?^", "[?^-^", "[[\\", "[]\\[]\\", "\\", "]*", "]^]\\", "]b^-\\", "^", "^^", "^a", "^a^", "a", "a*?a\\\\", "a[^", "aaaaa", "b*-*", "b--aa", "ba"}},
	{"baa", []string{}},
	{"]b", []string{}},
	{"-\\aa\\?", []string{}},
	{"[a-b\\\\b", []string{"\\", "a", "b"}},
	{"b[??", []string{}},
	{"--^", []string{}},
	{"a?b*", []string{"a\x00b"}},
	{"[[*a-", []string{"-", "[", "a"}},
	{"[b?-[\\[", []string{"?", "A", "[", "b"}},
	{"--b\\?[b", []string{}},
	{"a[-b\\-[", []string{"ab"}},
	{"??bb*\\", []string{}},
	{"]*\\[", []string{}},
	{"a-", []string{}},
	{"^[*^]^]", []string{}},
	{"]^b?a", []string{}},
	{"[]b^", []string{}},
	{"b]^[a[", []string{}},
	{"*?[^", []string{"*b*-]b", "-[-aa", "?**?aa", "?*^a\\", "?\\-?^", "?\\?^^]", "?b[[", "ABC", "[?^-^", "[[\\", "[]\\[]\\", "]*", "]]-", "]^]\\", "]ab", "]b^-\\", "^*b-b]", "^^", "^a", "^a^", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc", "b*-*", "b--aa", "b[*a?", "b\\a[", "b\\b]]", "ba", "bb", "foo:bar:baz", "hallo", "heeeello", "hello", "hllo", "hxllo", "x\x80y"}},
	{"?]^a^", []string{}},
	{"ba^", []string{}},
	{"*[-a\\**", []string{"-", "-[-aa", "?**?aa", "]*", "]]-", "^a", "a", "aaaaa", "b*-*", "b--aa", "ba"}},
	{"^][[[[^", []string{}},
	{"b**b?\\", []string{}},
	{"\\?-]-^*", []string{}},
	{"?b*", []string{"*b*-]b", "?b[[", "]b^-\\", "ab", "abab[]", "abc", "bb"}},
	{"\\b]?]", []string{}},
	{"?a^^", []string{}},
	{"\\?^[]a", []string{}},
	{"[]*\\\\?b", []string{}},
	{"?^^-", []string{}},
	{"[a*a^-", []string{"-", "^", "a"}},
	{"ab^\\--?", []string{}},
	{"?a", []string{"^a", "ba"}},
	{"*[\\^", []string{"?\\-?^", "[?^-^", "^", "^^", "^a^", "a[^"}},
	{"b", []string{"b"}},
	{"^[?", []string{}},
	{"-[]?", []string{}},
	{"\\?\\?a^[", []string{}},
	{"-^b", []string{}},
	{"?^]?", []string{"]^]\\"}},
	{"a]^]^?a", []string{}},
	{"\\b?-", []string{}},
	{"[??", []string{"?"}},
	{"?[[b-*?", []string{"]*", "^^", "^a", "ab", "ba", "bb"}},
	{"^a*^a?a", []string{}},
	{"^a", []string{"^a"}},
	{"^-", []string{}},
	{"bb*]?", []string{}},
	{"\\-", []string{"-"}},
	{"^]]-", []string{}},
	{"ba", []string{"ba"}},
	{"b\\?^][", []string{}},
	{"ba-?]\\", []string{}},
	{"?]]-a^?", []string{}},
	{"a^a-ba", []string{}},
	{"?b]]", []string{}},
	{"]a[]", []string{}},
	{"[aba", []string{"a", "b"}},
	{"b--", []string{}},
	{"[^-*-*", []string{"\x00", "?", "A", "[", "\\", "]", "^", "a", "b", "\xff"}},
	{"*?]]", []string{"b\\b]]"}},
	{"]b\\?^*?", []string{}},
	{"ba-\\\\]", []string{}},
	{"-*?*^-?", []string{}},
	{"[[][", []string{}},
	{"?-?*", []string{"a-c", "b--aa"}},
	{"?*[", []string{}},
	{"]b^", []string{}},
	{"?\\\\?", []string{"a\\c"}},
	{"?-]a[?b", []string{}},
	{"?b]", []string{}},
	{"-[", []string{}},
	{"a]]", []string{}},
	{"a?", []string{"ab"}},
	{"a?a]", []string{}},
	{"]*[b?a", []string{"]ab"}},
	{"\\-b^b^\\", []string{}},
	{"^[", []string{}},
	{"[[^a[]", []string{"[", "^", "a"}},
	{"^a]?^^", []string{}},
	{"a^*", []string{}},
	{"bb^]-*", []string{}},
	{"aa", []string{}},
	{"\\**][", []string{}},
	{"-?[*a-", []string{}},
	{"a^b*?", []string{}},
	{"?-*?a^", []string{}},
	{"?a\\", []string{}},
	{"b^-\\[", []string{}},
	{"[?^^]-", []string{}},
	{"*aa--?-", []string{}},
	{"*-^bb*]", []string{}},
	{"]b-\\\\a", []string{}},
	{"*abb?*", []string{}},
	{"[*?b][*", []string{}},
	{"[-*[\\", []string{"-", "[", "\\"}},
	{"?[\\?]]a", []string{}},
	{"*^*", []string{"?*^a\\", "?\\-?^", "?\\?^^]", "[?^-^", "]^]\\", "]b^-\\", "^", "^*b-b]", "^^", "^a", "^a^", "a[^"}},
	{"]^*[", []string{}},
	{"-\\\\b[", []string{}},
	{"][^]*]", []string{}},
	{"b-?*a", []string{"b--aa"}},
	{"\\[[]", []string{}},
	{"*[^", []string{"\x00", "*b*-]b", "-", "-[-aa", "?", "?**?aa", "?*^a\\", "?\\-?^", "?\\?^^]", "?b[[", "A", "ABC", "[", "[?^-^", "[[\\", "[]\\[]\\", "\\", "]", "]*", "]]-", "]^]\\", "]ab", "]b^-\\", "^", "^*b-b]", "^^", "^a", "^a^", "a", "a\x00b", "a*?a\\\\", "a*c", "a-c", "a?c", "aXc", "a[[", "a[^", "a[c", "a\\c", "a]c", "aaaaa", "aaaaab", "ab", "abab[]", "abc", "b", "b*-*", "b--aa", "b[*a?", "b\\a[", "b\\b]]", "ba", "bb", "foo:bar:baz", "hallo", "heeeello", "hello", "hllo", "hxllo", "x\x80y", "\xff"}},
	{"\\]a*-?", []string{}},
	{"[b\\]\\", []string{"\\", "]", "b"}},
	{"^[*", []string{}},
	{"]-*", []string{}},
	{"-b", []string{}},
	{"^[aa", []string{"^a"}},
	{"-\\-?*", []string{}},
	{"*?*aba", []string{}},
	{"*^?", []string{"?\\?^^]", "^^", "^a"}},
}

func TestMatchAgainstRedis(t *testing.T) {
	for _, tc := range redisCases {
		want := map[string]bool{}
		for _, m := range tc.matches {
			want[m] = true
		}
		for _, s := range redisSubjects {
			if got := MatchString(tc.pattern, s, false); got != want[s] {
				t.Errorf("MatchString(%q, %q) = %v, redis says %v", tc.pattern, s, got, want[s])
			}
			if got := Match([]byte(tc.pattern), []byte(s), false); got != want[s] {
				t.Errorf("Match(%q, %q) = %v, redis says %v", tc.pattern, s, got, want[s])
			}
		}
	}
}

func TestMatchNocase(t *testing.T) {
	cases := []struct {
		p, s   string
		nocase bool
		want   bool
	}{
		{"hello", "HeLLo", true, true},
		{"hello", "HeLLo", false, false},
		{"H*O", "hello", true, true},
		{"[A-C]x", "bx", true, true},
		{"[A-C]x", "bx", false, false},
		{"[a-c]x", "BX", true, true},
		{"[^a-c]x", "BX", true, false},
		{"[abc]", "B", true, true},
		{"[abc]", "B", false, false},
		// An escaped byte in a set compares case-sensitively, as in Redis.
		{"[\\a]", "A", true, false},
		{"[\\a]", "a", true, true},
		{"\\A", "a", true, true},
		// Only ASCII letters fold.
		{"\xc0", "\xe0", true, false},
		// Range bounds >= 0x80 are signed chars; under nocase glibc's
		// tolower maps them to 128..254, but not 0xff (EOF).
		{"[\x80-\xfe]", "\x90", false, true},
		{"[\x80-\xfe]", "\x90", true, true},
		{"[a-\xff]", "b", false, false},
		{"[a-\xff]", "0", false, true},
		{"[\x80-a]", "0", false, true},
		{"[\x80-a]", "0", true, false},
		{"[\xff-a]", "0", true, true},
	}
	for _, tc := range cases {
		if got := MatchString(tc.p, tc.s, tc.nocase); got != tc.want {
			t.Errorf("MatchString(%q, %q, nocase=%v) = %v, want %v", tc.p, tc.s, tc.nocase, got, tc.want)
		}
	}
}

func TestMatchPathological(t *testing.T) {
	// Exponential backtracking would take ages; the skip rule makes these
	// fast, and the nesting guard bounds the recursion depth.
	subject := strings.Repeat("a", 5000)
	patterns := []string{
		strings.Repeat("*a", 30) + "b",
		strings.Repeat("a*", 2000) + "b",
		strings.Repeat("*?", 3000) + "b",
		strings.Repeat("*[a-z]", 500) + "[^a]",
	}
	for _, p := range patterns {
		start := time.Now()
		if MatchString(p, subject, false) {
			t.Errorf("pattern %.20q... matched", p)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("pattern %.20q... took %v", p, d)
		}
	}
	// The nesting guard: more than 1000 nested stars never match, even
	// where a plain glob would (Redis behaves the same).
	many := strings.Repeat("*", 1) + strings.Repeat("a*", 1001)
	if MatchString(many, strings.Repeat("a", 1200), false) {
		t.Errorf("pattern nested beyond 1000 stars matched")
	}
	few := strings.Repeat("a*", 999)
	if !MatchString(few, strings.Repeat("a", 1200), false) {
		t.Errorf("pattern nested below the limit did not match")
	}
}

// refMatch is a plain dynamic-programming glob for patterns made only of
// literals, '*' and '?', with stringmatchlen's rule that an empty subject
// matches only the empty pattern.
func refMatch(p, s string) bool {
	if s == "" {
		return p == ""
	}
	// dp[j]: p[:i] matches s[:j]
	dp := make([]bool, len(s)+1)
	dp[0] = true
	for i := 0; i < len(p); i++ {
		next := make([]bool, len(s)+1)
		switch p[i] {
		case '*':
			acc := false
			for j := 0; j <= len(s); j++ {
				acc = acc || dp[j]
				next[j] = acc
			}
		default:
			for j := 1; j <= len(s); j++ {
				next[j] = dp[j-1] && (p[i] == '?' || p[i] == s[j-1])
			}
		}
		dp = next
	}
	return dp[len(s)]
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte('\\')
		b.WriteByte(s[i])
	}
	return b.String()
}

func FuzzMatch(f *testing.F) {
	for _, tc := range redisCases {
		f.Add(tc.pattern, "abc", false)
	}
	for _, s := range redisSubjects {
		f.Add("*", s, true)
	}
	f.Add(strings.Repeat("*a", 40)+"b", strings.Repeat("a", 200), false)
	f.Fuzz(func(t *testing.T, pattern, s string, nocase bool) {
		if len(pattern) > 4096 || len(s) > 4096 {
			return
		}
		got := MatchString(pattern, s, nocase)
		if got != Match([]byte(pattern), []byte(s), nocase) {
			t.Fatalf("string and byte matchers disagree on %q %q", pattern, s)
		}
		// An escaped subject matches itself exactly.
		if !MatchString(escape(s), s, nocase) {
			t.Fatalf("escaped %q does not match itself", s)
		}
		// Folding: under nocase, the case of ASCII letters outside sets and
		// escapes is irrelevant.
		if !strings.ContainsAny(pattern, "[\\") && nocase {
			if MatchString(asciiUpper(pattern), s, true) != got {
				t.Fatalf("nocase folding differs for %q %q", pattern, s)
			}
		}
		// Patterns without sets or escapes agree with a plain glob while
		// the star count stays below the nesting guard.
		if !nocase && !strings.ContainsAny(pattern, "[\\") && strings.Count(pattern, "*") < maxNesting {
			if want := refMatch(pattern, s); got != want {
				t.Fatalf("MatchString(%q, %q) = %v, reference %v", pattern, s, got, want)
			}
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	p := []byte("user:*:session:[0-9]*")
	s := []byte("user:12345:session:987")
	for i := 0; i < b.N; i++ {
		Match(p, s, false)
	}
}
