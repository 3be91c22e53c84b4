package commands

// pqsort partially sorts a so that positions lrange..rrange hold what a
// full sort would put there. It follows Redis's pqsort.c (the NetBSD
// Bentley-McIlroy quicksort with recursion pruned to the wanted range)
// step by step, so that elements comparing equal end up in the same
// positions as in Redis (GEORADIUS ... COUNT, SORT ... LIMIT).
func pqsort[T any](a []T, cmp func(x, y *T) int, lrange, rrange int) {
	pqsortAt(a, 0, len(a), cmp, lrange, rrange)
}

func pqMed3[T any](a []T, x, y, z int, cmp func(x, y *T) int) int {
	if cmp(&a[x], &a[y]) < 0 {
		if cmp(&a[y], &a[z]) < 0 {
			return y
		}
		if cmp(&a[x], &a[z]) < 0 {
			return z
		}
		return x
	}
	if cmp(&a[y], &a[z]) > 0 {
		return y
	}
	if cmp(&a[x], &a[z]) < 0 {
		return x
	}
	return z
}

func pqVecSwap[T any](a []T, i, j, n int) {
	for ; n > 0; n-- {
		a[i], a[j] = a[j], a[i]
		i++
		j++
	}
}

func pqInsertion[T any](a []T, base, n int, cmp func(x, y *T) int) {
	for pm := base + 1; pm < base+n; pm++ {
		for pl := pm; pl > base && cmp(&a[pl-1], &a[pl]) > 0; pl-- {
			a[pl], a[pl-1] = a[pl-1], a[pl]
		}
	}
}

func pqInRange(l, r, lrange, rrange int) bool {
	return !((lrange < l && rrange < l) || (lrange > r && rrange > r))
}

func pqsortAt[T any](a []T, base, n int, cmp func(x, y *T) int, lrange, rrange int) {
	for {
		swapCnt := false
		if n < 7 {
			pqInsertion(a, base, n, cmp)
			return
		}
		pm := base + n/2
		if n > 7 {
			pl := base
			pn := base + n - 1
			if n > 40 {
				d := n / 8
				pl = pqMed3(a, pl, pl+d, pl+2*d, cmp)
				pm = pqMed3(a, pm-d, pm, pm+d, cmp)
				pn = pqMed3(a, pn-2*d, pn-d, pn, cmp)
			}
			pm = pqMed3(a, pl, pm, pn, cmp)
		}
		a[base], a[pm] = a[pm], a[base]
		pa, pb := base+1, base+1
		pc, pd := base+n-1, base+n-1
		for {
			for pb <= pc {
				r := cmp(&a[pb], &a[base])
				if r > 0 {
					break
				}
				if r == 0 {
					swapCnt = true
					a[pa], a[pb] = a[pb], a[pa]
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := cmp(&a[pc], &a[base])
				if r < 0 {
					break
				}
				if r == 0 {
					swapCnt = true
					a[pc], a[pd] = a[pd], a[pc]
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			a[pb], a[pc] = a[pc], a[pb]
			swapCnt = true
			pb++
			pc--
		}
		if !swapCnt {
			pqInsertion(a, base, n, cmp)
			return
		}
		pn := base + n
		r := min(pa-base, pb-pa)
		pqVecSwap(a, base, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		pqVecSwap(a, pb, pn-r, r)
		if r = pb - pa; r > 1 {
			if pqInRange(base, base+r-1, lrange, rrange) {
				pqsortAt(a, base, r, cmp, lrange, rrange)
			}
		}
		if r = pd - pc; r > 1 {
			base = pn - r
			n = r
			if pqInRange(base, base+r-1, lrange, rrange) {
				continue
			}
		}
		return
	}
}
