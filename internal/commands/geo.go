package commands

import (
	"math"
	"slices"
	"strconv"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/types"
)

func init() {
	engine.Register("geoadd", cmdGeoAdd)
	engine.Register("geodist", cmdGeoDist)
	engine.Register("geohash", cmdGeoHash)
	engine.Register("geopos", cmdGeoPos)
	engine.Register("georadius", cmdGeoRadius)
	engine.Register("georadius_ro", cmdGeoRadiusRO)
	engine.Register("georadiusbymember", cmdGeoRadiusByMember)
	engine.Register("georadiusbymember_ro", cmdGeoRadiusByMemberRO)
	engine.Register("geosearch", cmdGeoSearch)
	engine.Register("geosearchstore", cmdGeoSearchStore)
}

var bZADD = []byte("zadd")

// GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
func cmdGeoAdd(c *engine.Ctx) {
	argv := c.Argv
	xx, nx := false, false
	longidx := 2
	for ; longidx < len(argv); longidx++ {
		switch opt := argv[longidx]; {
		case eqFold(opt, "NX"):
			nx = true
		case eqFold(opt, "XX"):
			xx = true
		case eqFold(opt, "CH"):
		default:
			goto parsed
		}
	}
parsed:
	if (len(argv)-longidx)%3 != 0 || (xx && nx) {
		c.Err(errs.Syntax)
		return
	}
	elements := (len(argv) - longidx) / 3
	zargv := make([][]byte, longidx+elements*2)
	zargv[0] = bZADD
	copy(zargv[1:], argv[1:longidx])
	for i := 0; i < elements; i++ {
		lon, lat, ok := geoLonLat(c, argv[longidx+i*3:])
		if !ok {
			return
		}
		bits, _ := types.GeoScore(lon, lat)
		zargv[longidx+i*2] = strconv.AppendUint(nil, bits, 10)
		zargv[longidx+i*2+1] = argv[longidx+i*3+2]
	}
	// As Redis, GEOADD runs (and is propagated) as the equivalent ZADD.
	if zsAddGeneric(c, zargv, 0) {
		c.Propagate(zargv...)
	} else {
		c.NoPropagate()
	}
}

// geoLonLat parses a longitude, latitude pair (extractLongLatOrReply).
func geoLonLat(c *engine.Ctx, argv [][]byte) (float64, float64, bool) {
	lon, ok := zsGetDouble(argv[0])
	if !ok {
		c.Err(errs.NotFloat)
		return 0, 0, false
	}
	lat, ok := zsGetDouble(argv[1])
	if !ok {
		c.Err(errs.NotFloat)
		return 0, 0, false
	}
	if lon < types.GeoLongMin || lon > types.GeoLongMax || lat < types.GeoLatMin || lat > types.GeoLatMax {
		c.ErrString("ERR invalid longitude,latitude pair " + geoFmtF(lon) + "," + geoFmtF(lat))
		return 0, 0, false
	}
	return lon, lat, true
}

// geoFmtF formats as C's "%f".
func geoFmtF(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case math.IsNaN(v):
		return "nan"
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

// geoUnit returns the meters per unit, or -1 after replying the error.
func geoUnit(c *engine.Ctx, u []byte) float64 {
	switch {
	case eqFold(u, "M"):
		return 1
	case eqFold(u, "KM"):
		return 1000
	case eqFold(u, "FT"):
		return 0.3048
	case eqFold(u, "MI"):
		return 1609.34
	}
	c.ErrString("ERR unsupported unit provided. please use M, KM, FT, MI")
	return -1
}

// geoDistanceArg parses "<radius> <unit>" (extractDistanceOrReply).
func geoDistanceArg(c *engine.Ctx, argv [][]byte) (radius, conv float64, ok bool) {
	d, ok := zsGetDouble(argv[0])
	if !ok {
		c.ErrString("ERR need numeric radius")
		return 0, 0, false
	}
	if d < 0 {
		c.ErrString("ERR radius cannot be negative")
		return 0, 0, false
	}
	conv = geoUnit(c, argv[1])
	if conv < 0 {
		return 0, 0, false
	}
	return d, conv, true
}

// geoBoxArg parses "<width> <height> <unit>" (extractBoxOrReply).
func geoBoxArg(c *engine.Ctx, argv [][]byte) (w, h, conv float64, ok bool) {
	if w, ok = zsGetDouble(argv[0]); !ok {
		c.ErrString("ERR need numeric width")
		return 0, 0, 0, false
	}
	if h, ok = zsGetDouble(argv[1]); !ok {
		c.ErrString("ERR need numeric height")
		return 0, 0, 0, false
	}
	if h < 0 || w < 0 {
		c.ErrString("ERR height or width cannot be negative")
		return 0, 0, 0, false
	}
	conv = geoUnit(c, argv[2])
	if conv < 0 {
		return 0, 0, 0, false
	}
	return w, h, conv, true
}

// geoMemberPos returns the position of member in z.
func geoMemberPos(z *types.ZSet, member []byte) (float64, float64, bool) {
	s, ok := z.Score(member)
	if !ok {
		return 0, 0, false
	}
	return types.GeoDecodeScore(s)
}

// geoHuman formats as Redis's addReplyHumanLongDouble ("%.17Lf" without
// trailing zeros).
func geoHuman(dst []byte, v float64) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, v, 'f', 17, 64)
	l := len(dst)
	for l > start && dst[l-1] == '0' {
		l--
	}
	if l > start && dst[l-1] == '.' {
		l--
	}
	dst = dst[:l]
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}

func geoReplyHuman(c *engine.Ctx, v float64) {
	var tmp [64]byte
	b := geoHuman(tmp[:0], v)
	if c.C.Proto > 2 {
		c.W.Raw([]byte{','})
		c.W.Raw(b)
		c.W.Raw([]byte{'\r', '\n'})
		return
	}
	c.W.Bulk(b)
}

func geoReplyDistance(c *engine.Ctx, d float64) {
	var tmp [64]byte
	c.W.Bulk(strconv.AppendFloat(tmp[:0], d, 'f', 4, 64))
}

// GEODIST key member1 member2 [M|KM|FT|MI]
func cmdGeoDist(c *engine.Ctx) {
	toMeter := 1.0
	if len(c.Argv) == 5 {
		if toMeter = geoUnit(c, c.Argv[4]); toMeter < 0 {
			return
		}
	} else if len(c.Argv) > 5 {
		c.Err(errs.Syntax)
		return
	}
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	lon1, lat1, ok1 := geoMemberPos(z, c.Argv[2])
	lon2, lat2, ok2 := geoMemberPos(z, c.Argv[3])
	if !ok1 || !ok2 {
		c.W.Null()
		return
	}
	geoReplyDistance(c, types.GeoDistance(lon1, lat1, lon2, lat2)/toMeter)
}

// GEOHASH key [member ...]
func cmdGeoHash(c *engine.Ctx) {
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Argv) - 2)
	for _, m := range c.Argv[2:] {
		if z == nil {
			c.W.Null()
			continue
		}
		s, found := z.Score(m)
		if !found {
			c.W.Null()
			continue
		}
		h, ok := types.GeoHashString(s)
		if !ok {
			c.W.Null()
			continue
		}
		c.W.Bulk(h)
	}
}

// GEOPOS key [member ...]
func cmdGeoPos(c *engine.Ctx) {
	z, ok := zsLookupRead(c, c.Argv[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Argv) - 2)
	for _, m := range c.Argv[2:] {
		if z == nil {
			c.W.NullArray()
			continue
		}
		lon, lat, found := geoMemberPos(z, m)
		if !found {
			c.W.NullArray()
			continue
		}
		c.W.Array(2)
		geoReplyHuman(c, lon)
		geoReplyHuman(c, lat)
	}
}

// Flags of geoSearchGeneric, as Redis's georadiusGeneric.
const (
	geoRadiusCoords = 1 << iota
	geoRadiusMember
	geoRadiusNoStore
	geoSearch
	geoSearchStore
)

// GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key] [STOREDIST key]
func cmdGeoRadius(c *engine.Ctx) { geoSearchGeneric(c, 1, geoRadiusCoords) }

// GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]
func cmdGeoRadiusRO(c *engine.Ctx) { geoSearchGeneric(c, 1, geoRadiusCoords|geoRadiusNoStore) }

// GEORADIUSBYMEMBER key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC] [STORE key] [STOREDIST key]
func cmdGeoRadiusByMember(c *engine.Ctx) { geoSearchGeneric(c, 1, geoRadiusMember) }

// GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC|DESC]
func cmdGeoRadiusByMemberRO(c *engine.Ctx) {
	geoSearchGeneric(c, 1, geoRadiusMember|geoRadiusNoStore)
}

// GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
func cmdGeoSearch(c *engine.Ctx) { geoSearchGeneric(c, 1, geoSearch) }

// GEOSEARCHSTORE destination source FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius M|KM|FT|MI|BYBOX width height M|KM|FT|MI [ASC|DESC] [COUNT count [ANY]] [STOREDIST]
func cmdGeoSearchStore(c *engine.Ctx) { geoSearchGeneric(c, 2, geoSearch|geoSearchStore) }

// geoPoint is one search result.
type geoPoint struct {
	lon, lat float64
	dist     float64
	score    float64
	member   []byte
}

const (
	geoSortNone = iota
	geoSortAsc
	geoSortDesc
)

// geoSearchGeneric is Redis's georadiusGeneric.
func geoSearchGeneric(c *engine.Ctx, srcKeyIndex int, flags int) {
	argv := c.Argv
	var storekey []byte
	storedist := false
	z, ok := zsLookupRead(c, argv[srcKeyIndex])
	if !ok {
		return
	}
	var shape types.GeoShape
	var baseArgs int
	switch {
	case flags&geoRadiusCoords != 0:
		baseArgs = 6
		lon, lat, ok := geoLonLat(c, argv[2:])
		if !ok {
			return
		}
		shape.Lon, shape.Lat = lon, lat
		if shape.Radius, shape.Conversion, ok = geoDistanceArg(c, argv[baseArgs-2:]); !ok {
			return
		}
	case flags&geoRadiusMember != 0 && z == nil:
		baseArgs = 5
	case flags&geoRadiusMember != 0:
		baseArgs = 5
		lon, lat, found := geoMemberPos(z, argv[2])
		if !found {
			c.ErrString("ERR could not decode requested zset member")
			return
		}
		shape.Lon, shape.Lat = lon, lat
		var ok bool
		if shape.Radius, shape.Conversion, ok = geoDistanceArg(c, argv[baseArgs-2:]); !ok {
			return
		}
	default:
		baseArgs = 2
		if flags&geoSearchStore != 0 {
			baseArgs = 3
			storekey = argv[1]
		}
	}
	withdist, withhash, withcoords := false, false, false
	frommember, fromloc, byradius, bybox := false, false, false, false
	sort := geoSortNone
	any := false
	var count int64
	remaining := len(argv) - baseArgs
	for i := 0; i < remaining; i++ {
		arg := argv[baseArgs+i]
		switch {
		case eqFold(arg, "WITHDIST"):
			withdist = true
		case eqFold(arg, "WITHHASH"):
			withhash = true
		case eqFold(arg, "WITHCOORD"):
			withcoords = true
		case eqFold(arg, "ANY"):
			any = true
		case eqFold(arg, "ASC"):
			sort = geoSortAsc
		case eqFold(arg, "DESC"):
			sort = geoSortDesc
		case eqFold(arg, "COUNT") && i+1 < remaining:
			var ok bool
			if count, ok = zsParseLong(c, argv[baseArgs+i+1]); !ok {
				return
			}
			if count <= 0 {
				c.ErrString("ERR COUNT must be > 0")
				return
			}
			i++
		case eqFold(arg, "STORE") && i+1 < remaining && flags&geoRadiusNoStore == 0 && flags&geoSearch == 0:
			storekey = argv[baseArgs+i+1]
			storedist = false
			i++
		case eqFold(arg, "STOREDIST") && i+1 < remaining && flags&geoRadiusNoStore == 0 && flags&geoSearch == 0:
			storekey = argv[baseArgs+i+1]
			storedist = true
			i++
		case eqFold(arg, "STOREDIST") && flags&geoSearch != 0 && flags&geoSearchStore != 0:
			storedist = true
		case eqFold(arg, "FROMMEMBER") && i+1 < remaining && flags&geoSearch != 0 && !fromloc:
			if z == nil {
				frommember = true
				i++
				continue
			}
			lon, lat, found := geoMemberPos(z, argv[baseArgs+i+1])
			if !found {
				c.ErrString("ERR could not decode requested zset member")
				return
			}
			shape.Lon, shape.Lat = lon, lat
			frommember = true
			i++
		case eqFold(arg, "FROMLONLAT") && i+2 < remaining && flags&geoSearch != 0 && !frommember:
			lon, lat, ok := geoLonLat(c, argv[baseArgs+i+1:])
			if !ok {
				return
			}
			shape.Lon, shape.Lat = lon, lat
			fromloc = true
			i += 2
		case eqFold(arg, "BYRADIUS") && i+2 < remaining && flags&geoSearch != 0 && !bybox:
			var ok bool
			if shape.Radius, shape.Conversion, ok = geoDistanceArg(c, argv[baseArgs+i+1:]); !ok {
				return
			}
			shape.Box = false
			byradius = true
			i += 2
		case eqFold(arg, "BYBOX") && i+3 < remaining && flags&geoSearch != 0 && !byradius:
			var ok bool
			if shape.Width, shape.Height, shape.Conversion, ok = geoBoxArg(c, argv[baseArgs+i+1:]); !ok {
				return
			}
			shape.Box = true
			bybox = true
			i += 3
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	if storekey != nil && (withdist || withhash || withcoords) {
		what := "STORE option in GEORADIUS"
		if flags&geoSearchStore != 0 {
			what = "GEOSEARCHSTORE"
		}
		c.ErrString("ERR " + what + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
		return
	}
	if flags&geoSearch != 0 && !(frommember || fromloc) {
		c.ErrString("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + hllCString(argv[0]))
		return
	}
	if flags&geoSearch != 0 && !(byradius || bybox) {
		c.ErrString("ERR exactly one of BYRADIUS and BYBOX can be specified for " + hllCString(argv[0]))
		return
	}
	if any && count == 0 {
		c.ErrString("ERR the ANY argument requires COUNT argument")
		return
	}
	if z == nil {
		if storekey != nil {
			if c.DB.Delete(storekey) {
				c.Modified(storekey)
				c.Notify(engine.NotifyGeneric, "del", storekey)
			}
			c.W.Int(0)
		} else {
			c.W.Array(0)
		}
		return
	}
	if count != 0 && sort == geoSortNone && !any {
		sort = geoSortAsc
	}
	var limit int64
	if any {
		limit = count
	}
	ga := geoMembersOfAllNeighbors(z, &shape, limit)
	if len(ga) == 0 && storekey == nil {
		c.W.Array(0)
		return
	}
	resultLen := int64(len(ga))
	returned := resultLen
	if count != 0 && resultLen >= count {
		returned = count
	}
	if sort != geoSortNone {
		cmp := func(a, b *geoPoint) int {
			r := 0
			if a.dist > b.dist {
				r = 1
			} else if a.dist < b.dist {
				r = -1
			}
			if sort == geoSortDesc {
				return -r
			}
			return r
		}
		if returned == resultLen {
			slices.SortStableFunc(ga, func(a, b geoPoint) int { return cmp(&a, &b) })
		} else {
			pqsort(ga, cmp, 0, int(returned-1))
		}
	}
	if storekey == nil {
		options := 0
		if withdist {
			options++
		}
		if withcoords {
			options++
		}
		if withhash {
			options++
		}
		c.W.Array(int(returned))
		for i := int64(0); i < returned; i++ {
			gp := &ga[i]
			gp.dist /= shape.Conversion
			if options > 0 {
				c.W.Array(options + 1)
			}
			c.W.Bulk(gp.member)
			if withdist {
				geoReplyDistance(c, gp.dist)
			}
			if withhash {
				c.W.Int(int64(gp.score))
			}
			if withcoords {
				c.W.Array(2)
				geoReplyHuman(c, gp.lon)
				geoReplyHuman(c, gp.lat)
			}
		}
		return
	}
	var dst *types.ZSet
	if returned > 0 {
		dst = types.NewZSetSkiplist(int(returned))
		maxlen := 0
		unlimited := types.ZLimits{Entries: math.MaxInt32, Value: math.MaxInt32}
		for i := int64(0); i < returned; i++ {
			gp := &ga[i]
			gp.dist /= shape.Conversion
			score := gp.score
			if storedist {
				score = gp.dist
			}
			if len(gp.member) > maxlen {
				maxlen = len(gp.member)
			}
			dst.Add(score, gp.member, 0, unlimited)
		}
		dst.MaybeConvertToListpack(maxlen, zsLimits(c))
	}
	event := "georadiusstore"
	if flags&geoSearch != 0 {
		event = "geosearchstore"
	}
	zsStore(c, storekey, dst, event)
	if returned > 1 {
		c.E.Stats.Dirty.Add(returned - 1) // Redis: dirty += returned_items
	}
	c.W.Int(returned)
}

// geoMembersOfAllNeighbors collects the members in the nine cells around
// the shape's centre that are inside the shape, in Redis's order; limit
// (ANY) stops the search once that many were found.
func geoMembersOfAllNeighbors(z *types.ZSet, shape *types.GeoShape, limit int64) []geoPoint {
	areas := types.GeoAreas(shape)
	cells := areas.Cells()
	var ga []geoPoint
	lastProcessed := 0
	for i, cell := range cells {
		if cell.IsZero() {
			continue
		}
		if lastProcessed != 0 && cell == cells[lastProcessed] {
			continue
		}
		if len(ga) > 0 && limit > 0 && int64(len(ga)) >= limit {
			break
		}
		min, max := cell.ScoreRange()
		r := types.ZRangeSpec{Min: min, Max: max, MaxEx: true}
		z.ForEachInRange(&r, func(m []byte, s float64) bool {
			lon, lat, ok := types.GeoDecodeScore(s)
			if ok {
				if d, in := shape.Within(lon, lat); in {
					ga = append(ga, geoPoint{lon: lon, lat: lat, dist: d, score: s, member: append([]byte(nil), m...)})
				}
			}
			return !(len(ga) > 0 && limit > 0 && int64(len(ga)) >= limit)
		})
		lastProcessed = i
	}
	return ga
}
