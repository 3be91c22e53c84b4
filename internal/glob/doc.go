// Package glob implements Redis's glob-style pattern matching
// (stringmatchlen in Redis's util.c), as used by KEYS, SCAN MATCH,
// PSUBSCRIBE, CONFIG GET and ACL key patterns.
//
// Syntax: '*' matches any run of bytes, '?' any one byte, '[abc]' one byte
// of a set, '[^abc]' one byte not in it, '[a-z]' a range (bounds in either
// order), and '\' escapes the next byte (also inside a set). Matching is
// byte-wise; nocase folds ASCII letters only, as the C locale's tolower.
//
// The matcher reproduces Redis 7.0's behaviour exactly, quirks included:
//
//   - an empty subject matches only the empty pattern (so "*" does not
//     match "", although KEYS and SCAN special-case the pattern "*");
//   - an unterminated set ("[abc") ends at the end of the pattern, and
//     "[" alone never matches while "[^" matches any byte;
//   - range bounds compare as signed chars (bytes >= 0x80 are negative),
//     and under nocase bounds >= 0x80 are folded as glibc's tolower does;
//   - the recursion for '*' is bounded: below 1000 nested stars a match
//     fails, as Redis's guard against abusive patterns (CVE-2022-36021);
//   - once the rest of a pattern after a '*' matched no suffix of the
//     subject, every enclosing '*' gives up too, which keeps patterns such
//     as "*a*a*a*a*b" from backtracking exponentially.
package glob
