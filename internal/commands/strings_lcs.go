package commands

import "github.com/redwingdb/redwing/internal/engine"

// lcsReply computes the longest common subsequence of a and b with the
// classic dynamic-programming table and writes LCS's reply: the string, its
// length (LEN) or the matching ranges (IDX), walking the table backwards
// from the end of both strings as Redis does, so ranges come out in the
// same order and with the same tie-breaking.
func lcsReply(c *engine.Ctx, a, b []byte, getLen, getIdx, withMatchLen bool, minMatchLen int64) {
	alen, blen := len(a), len(b)
	w := blen + 1
	tbl := make([]uint32, (alen+1)*w)
	for i := 1; i <= alen; i++ {
		row, prev := tbl[i*w:(i+1)*w], tbl[(i-1)*w:i*w]
		ai := a[i-1]
		for j := 1; j <= blen; j++ {
			switch {
			case ai == b[j-1]:
				row[j] = prev[j-1] + 1
			case prev[j] > row[j-1]:
				row[j] = prev[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	total := tbl[alen*w+blen]
	if getLen && !getIdx {
		c.W.Int(int64(total))
		return
	}

	var result []byte
	if !getIdx {
		result = make([]byte, total)
	}
	mark, count := 0, 0
	if getIdx {
		c.W.Map(2)
		c.W.BulkString("matches")
		mark = c.W.DeferLen()
	}
	// A range [aStart,aEnd]/[bStart,bEnd] is open while aStart != alen.
	aStart, aEnd, bStart, bEnd := alen, 0, 0, 0
	idx := int(total)
	i, j := alen, blen
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			if result != nil {
				result[idx-1] = a[i-1]
			}
			switch {
			case aStart == alen:
				aStart, aEnd, bStart, bEnd = i-1, i-1, j-1, j-1
			case aStart == i && bStart == j:
				aStart--
				bStart--
			default:
				emit = true
			}
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if tbl[(i-1)*w+j] > tbl[i*w+j-1] {
				i--
			} else {
				j--
			}
			if aStart != alen {
				emit = true
			}
		}
		if emit {
			matchLen := aEnd - aStart + 1
			if getIdx && (minMatchLen == 0 || int64(matchLen) >= minMatchLen) {
				if withMatchLen {
					c.W.Array(3)
				} else {
					c.W.Array(2)
				}
				c.W.Array(2)
				c.W.Int(int64(aStart))
				c.W.Int(int64(aEnd))
				c.W.Array(2)
				c.W.Int(int64(bStart))
				c.W.Int(int64(bEnd))
				if withMatchLen {
					c.W.Int(int64(matchLen))
				}
				count++
			}
			aStart = alen
		}
	}
	if getIdx {
		c.W.SetDeferred(mark, '*', count)
		c.W.BulkString("len")
		c.W.Int(int64(total))
		return
	}
	c.W.Bulk(result)
}
