package glob

// maxNesting is Redis's limit on nested '*' recursion.
const maxNesting = 1000

// Match reports whether str matches pattern.
func Match(pattern, str []byte, nocase bool) bool {
	skip := false
	return match(pattern, str, nocase, &skip, 0)
}

// MatchString is Match for strings.
func MatchString(pattern, str string, nocase bool) bool {
	skip := false
	return match(pattern, str, nocase, &skip, 0)
}

// at returns p[i], or 0 past the end: the C code reads the pattern's NUL
// terminator there.
func at[T ~string | ~[]byte](p T, i int) byte {
	if i < len(p) {
		return p[i]
	}
	return 0
}

// ctolower is glibc's tolower in the C locale applied to a char that was
// sign-extended to int: ASCII upper case folds, -128..-2 index the table's
// mirror of 128..254, -1 (EOF) stays.
func ctolower(c int) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + ('a' - 'A')
	case c >= -128 && c < -1:
		return c + 256
	}
	return c
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

func match[T ~string | ~[]byte](p, s T, nocase bool, skipLonger *bool, nesting int) bool {
	if nesting > maxNesting {
		return false
	}
	pi, si := 0, 0
	plen, slen := len(p), len(s)
loop:
	for pi < plen && si < slen {
		switch p[pi] {
		case '*':
			for at(p, pi+1) == '*' {
				pi++
			}
			if plen-pi == 1 {
				return true
			}
			for si < slen {
				if match(p[pi+1:], s[si:], nocase, skipLonger, nesting+1) {
					return true
				}
				if *skipLonger {
					return false
				}
				si++
			}
			// The rest of the pattern matches no suffix of the subject, so
			// no enclosing '*' can succeed by consuming more.
			*skipLonger = true
			return false
		case '?':
			si++
		case '[':
			pi++
			not := at(p, pi) == '^'
			if not {
				pi++
			}
			matched := false
			for {
				c := at(p, pi)
				if c == '\\' && plen-pi >= 2 {
					pi++
					if p[pi] == s[si] {
						matched = true
					}
				} else if c == ']' {
					break
				} else if pi == plen {
					// Unterminated set: stay on the last byte so that the
					// step below ends at the end of the pattern.
					pi--
					break
				} else if plen-pi >= 3 && p[pi+1] == '-' {
					start, end, ch := int(int8(c)), int(int8(p[pi+2])), int(int8(s[si]))
					if start > end {
						start, end = end, start
					}
					if nocase {
						start, end, ch = ctolower(start), ctolower(end), ctolower(ch)
					}
					pi += 2
					if ch >= start && ch <= end {
						matched = true
					}
				} else if c == s[si] || (nocase && lower(c) == lower(s[si])) {
					matched = true
				}
				pi++
			}
			if not {
				matched = !matched
			}
			if !matched {
				return false
			}
			si++
		case '\\':
			if plen-pi >= 2 {
				pi++
			}
			fallthrough
		default:
			c := p[pi]
			if c != s[si] && (!nocase || lower(c) != lower(s[si])) {
				return false
			}
			si++
		}
		pi++
		if si == slen {
			for at(p, pi) == '*' {
				pi++
			}
			break loop
		}
	}
	return pi == plen && si == slen
}
