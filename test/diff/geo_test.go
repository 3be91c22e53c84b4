package diff

import (
	"math/rand"
	"strconv"
	"testing"
)

// geoCities is a set of places used by the geo tests.
var geoCities = [][3]string{
	{"13.361389", "38.115556", "Palermo"},
	{"15.087269", "37.502669", "Catania"},
	{"12.758489", "38.788135", "edge1"},
	{"12.758489", "38.788135", "edge1dup"},
	{"2.3522", "48.8566", "Paris"},
	{"-0.1276", "51.5072", "London"},
	{"-74.0060", "40.7128", "NewYork"},
	{"139.6917", "35.6895", "Tokyo"},
	{"151.2093", "-33.8688", "Sydney"},
	{"-58.3816", "-34.6037", "BuenosAires"},
	{"179.9999", "0.5", "dateline"},
	{"-179.9999", "0.5", "dateline2"},
	{"0", "0", "null"},
	{"0", "85.05112878", "north"},
	{"0", "-85.05112878", "south"},
	{"-180", "-85.05112878", "corner"},
	{"180", "85.05112878", "corner2"},
	{"13.583333", "37.316667", "Agrigento"},
	{"13.5", "38", "nearPalermo"},
	{"13.361389", "38.115557", "Palermo2"},
}

func geoLoad(p *pair, key string) {
	args := []string{"GEOADD", key}
	for _, city := range geoCities {
		args = append(args, city[0], city[1], city[2])
	}
	p.do(args...)
}

func TestGeoAddPosHashDist(t *testing.T) {
	p := newPair(t)
	geoLoad(p, "g")
	p.run(
		c("ZRANGE", "g", "0", "-1", "WITHSCORES"),
		c("GEOADD", "g", "NX", "13.361389", "38.115556", "Palermo", "1", "1", "newone"),
		c("GEOADD", "g", "XX", "CH", "13.4", "38.1", "Palermo", "1", "1", "nonexist"),
		c("GEOADD", "g", "CH", "NX", "1", "2", "x"),
		c("GEOADD", "g", "NX", "XX", "1", "2", "x"),
		c("GEOADD", "g", "1", "2"),
		c("GEOADD", "g", "CH"),
		c("GEOADD", "g", "200", "10", "bad"),
		c("GEOADD", "g", "10", "86", "bad"),
		c("GEOADD", "g", "-0", "100", "bad"),
		c("GEOADD", "g", "inf", "10", "bad"),
		c("GEOADD", "g", "x", "10", "bad"),
		c("GEOADD", "g", "1", "1", "ok", "1", "x", "bad"),
		c("EXISTS", "ok"),
		c("ZSCORE", "g", "ok"),
		c("GEOPOS", "g", "Palermo", "Catania", "nosuch", "north", "south", "corner", "corner2", "dateline", "null", "edge1"),
		c("GEOPOS", "nokey", "a", "b"),
		c("GEOPOS", "g"),
		c("GEOHASH", "g", "Palermo", "Catania", "nosuch", "north", "south", "corner", "corner2", "Sydney", "null"),
		c("GEOHASH", "nokey", "a"),
		c("GEOHASH", "g"),
		c("GEODIST", "g", "Palermo", "Catania"),
		c("GEODIST", "g", "Palermo", "Catania", "km"),
		c("GEODIST", "g", "Palermo", "Catania", "MI"),
		c("GEODIST", "g", "Palermo", "Catania", "ft"),
		c("GEODIST", "g", "Palermo", "Catania", "m"),
		c("GEODIST", "g", "Palermo", "Catania", "yd"),
		c("GEODIST", "g", "Palermo", "Catania", "km", "x"),
		c("GEODIST", "g", "Palermo", "nosuch"),
		c("GEODIST", "nokey", "a", "b"),
		c("GEODIST", "g", "Palermo", "Palermo"),
		c("GEODIST", "g", "Palermo", "Palermo2"),
		c("GEODIST", "g", "north", "south"),
		c("GEODIST", "g", "dateline", "dateline2"),
		c("GEODIST", "g", "corner", "corner2"),
		c("GEODIST", "g", "Tokyo", "BuenosAires", "km"),
		c("GEODIST", "g", "edge1", "edge1dup"),
		c("SET", "str", "x"),
		c("GEOADD", "str", "1", "1", "a"),
		c("GEOPOS", "str", "a"),
		c("GEOHASH", "str", "a"),
		c("GEODIST", "str", "a", "b"),
		c("GEODIST", "str", "a", "b", "yd"),
	)
	// Arbitrary zset scores decode as positions too.
	p.run(
		c("ZADD", "zs", "0", "zero", "-1", "neg", "4503599627370496", "big", "1e300", "huge", "-inf", "ninf", "1.5", "frac"),
		c("GEOPOS", "zs", "zero", "neg", "big", "huge", "ninf", "frac"),
		c("GEOHASH", "zs", "zero", "neg", "big", "huge", "ninf", "frac"),
		c("GEODIST", "zs", "zero", "frac"),
	)
	p.resp3()
	p.run(
		c("GEOPOS", "g", "Palermo", "nosuch", "null"),
		c("GEODIST", "g", "Palermo", "Catania"),
		c("GEODIST", "g", "Palermo", "nosuch"),
		c("GEOHASH", "g", "Palermo", "nosuch"),
	)
}

func TestGeoRadiusAndSearch(t *testing.T) {
	p := newPair(t)
	geoLoad(p, "g")
	centres := [][2]string{{"15", "37"}, {"13.361389", "38.115556"}, {"0", "0"}, {"179.9", "0"}, {"-179.9", "0.4"}, {"0", "84"}, {"2", "49"}}
	radii := [][2]string{{"200", "km"}, {"10", "km"}, {"0", "m"}, {"1", "m"}, {"5000", "km"}, {"100", "mi"}, {"1000000", "ft"}, {"20000", "km"}}
	opts := [][]string{
		{}, {"WITHDIST"}, {"WITHCOORD"}, {"WITHHASH"}, {"WITHDIST", "WITHCOORD", "WITHHASH"},
		{"ASC"}, {"DESC"}, {"COUNT", "2"}, {"COUNT", "2", "DESC"}, {"COUNT", "1", "ANY"}, {"COUNT", "3", "ANY", "ASC", "WITHDIST"},
		{"COUNT", "100"}, {"WITHDIST", "ASC", "COUNT", "3"},
	}
	for _, ce := range centres {
		for _, r := range radii {
			for _, o := range opts {
				args := append([]string{"GEORADIUS", "g", ce[0], ce[1], r[0], r[1]}, o...)
				if len(o) == 0 || o[0] == "COUNT" && (len(o) < 3 || o[2] != "ANY") {
					p.do(args...)
				} else if len(o) > 2 && o[2] == "ANY" {
					p.do(args...)
				} else {
					p.do(args...)
				}
				args = append([]string{"GEOSEARCH", "g", "FROMLONLAT", ce[0], ce[1], "BYRADIUS", r[0], r[1]}, o...)
				p.do(args...)
				args = append([]string{"GEOSEARCH", "g", "FROMLONLAT", ce[0], ce[1], "BYBOX", r[0], r[0], r[1]}, o...)
				p.do(args...)
			}
		}
	}
	for _, m := range []string{"Palermo", "Catania", "null", "north", "dateline"} {
		for _, r := range radii {
			p.do("GEORADIUSBYMEMBER", "g", m, r[0], r[1], "WITHDIST", "WITHCOORD", "ASC")
			p.do("GEORADIUSBYMEMBER_RO", "g", m, r[0], r[1], "DESC", "COUNT", "3")
			p.do("GEOSEARCH", "g", "FROMMEMBER", m, "BYBOX", r[0], "10", r[1], "WITHDIST", "ASC")
			p.do("GEOSEARCH", "g", "FROMMEMBER", m, "BYRADIUS", r[0], r[1], "WITHHASH", "DESC")
		}
	}
	p.resp3()
	p.run(
		c("GEORADIUS", "g", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"),
		c("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "WITHCOORD", "DESC"),
		c("GEORADIUS_RO", "g", "15", "37", "200", "km"),
		c("GEORADIUS", "nokey", "15", "37", "200", "km"),
	)
}

func TestGeoRandomSearches(t *testing.T) {
	p := newPair(t)
	r := rand.New(rand.NewSource(42))
	args := []string{"GEOADD", "pts"}
	for i := 0; i < 400; i++ {
		lon := strconv.FormatFloat(r.Float64()*4-2, 'f', 6, 64)
		lat := strconv.FormatFloat(r.Float64()*4+45, 'f', 6, 64)
		args = append(args, lon, lat, "p"+strconv.Itoa(i))
	}
	p.do(args...)
	p.do("OBJECT", "ENCODING", "pts")
	for i := 0; i < 40; i++ {
		lon := strconv.FormatFloat(r.Float64()*4-2, 'f', 4, 64)
		lat := strconv.FormatFloat(r.Float64()*4+45, 'f', 4, 64)
		rad := strconv.Itoa(1 + r.Intn(150))
		p.do("GEORADIUS", "pts", lon, lat, rad, "km", "WITHDIST", "WITHCOORD", "ASC")
		p.do("GEORADIUS", "pts", lon, lat, rad, "km")
		p.do("GEOSEARCH", "pts", "FROMLONLAT", lon, lat, "BYBOX", rad, strconv.Itoa(1+r.Intn(150)), "km", "WITHDIST", "DESC")
		p.do("GEOSEARCH", "pts", "FROMLONLAT", lon, lat, "BYBOX", rad, rad, "km")
		p.do("GEOSEARCH", "pts", "FROMLONLAT", lon, lat, "BYRADIUS", rad, "km", "COUNT", "5", "WITHDIST")
		p.do("GEOSEARCH", "pts", "FROMLONLAT", lon, lat, "BYRADIUS", rad, "km", "COUNT", "5", "ANY")
		p.do("GEOSEARCH", "pts", "FROMMEMBER", "p"+strconv.Itoa(r.Intn(400)), "BYRADIUS", rad, "mi", "COUNT", "7", "DESC", "WITHCOORD")
	}
	// Small sets stay listpack-encoded.
	p.do("GEOADD", "few", "0.1", "45.1", "a", "0.2", "45.2", "b", "0.3", "45.3", "c")
	p.do("GEOSEARCH", "few", "FROMLONLAT", "0", "45", "BYRADIUS", "100", "km", "ASC", "WITHDIST")
	// Equal distances: identical positions with COUNT exercise the
	// partial sort.
	dup := []string{"GEOADD", "dup"}
	for i := 0; i < 60; i++ {
		dup = append(dup, strconv.Itoa(i%3), strconv.Itoa(i%2), "d"+strconv.Itoa(i))
	}
	p.do(dup...)
	for _, n := range []string{"1", "5", "17", "59", "60", "100"} {
		p.do("GEOSEARCH", "dup", "FROMLONLAT", "0", "0", "BYRADIUS", "500", "km", "COUNT", n)
		p.do("GEOSEARCH", "dup", "FROMLONLAT", "0", "0", "BYRADIUS", "500", "km", "COUNT", n, "DESC")
	}
	p.do("GEOSEARCH", "dup", "FROMLONLAT", "0", "0", "BYRADIUS", "500", "km", "ASC")
	p.do("GEOSEARCH", "dup", "FROMLONLAT", "0", "0", "BYRADIUS", "500", "km", "DESC")
}

func TestGeoStore(t *testing.T) {
	p := newPair(t)
	geoLoad(p, "g")
	p.run(
		c("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "s1"),
		c("ZRANGE", "s1", "0", "-1", "WITHSCORES"),
		c("OBJECT", "ENCODING", "s1"),
		c("GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "s2"),
		c("ZRANGE", "s2", "0", "-1", "WITHSCORES"),
		c("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "s1", "STOREDIST", "s3"),
		c("EXISTS", "s1", "s3"),
		c("GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "1", "STORE", "s4"),
		c("ZRANGE", "s4", "0", "-1", "WITHSCORES"),
		c("GEORADIUSBYMEMBER", "g", "Palermo", "100", "km", "STOREDIST", "s5", "DESC"),
		c("ZRANGE", "s5", "0", "-1", "WITHSCORES"),
		c("GEORADIUS", "g", "15", "37", "1", "m", "STORE", "s5"),
		c("EXISTS", "s5"),
		c("GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "s4"),
		c("EXISTS", "s4"),
		c("GEOSEARCHSTORE", "s6", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km"),
		c("ZRANGE", "s6", "0", "-1", "WITHSCORES"),
		c("GEOSEARCHSTORE", "s7", "g", "FROMMEMBER", "Catania", "BYRADIUS", "200", "km", "STOREDIST", "COUNT", "2"),
		c("ZRANGE", "s7", "0", "-1", "WITHSCORES"),
		c("GEOSEARCHSTORE", "s7", "nokey", "FROMMEMBER", "Catania", "BYRADIUS", "200", "km"),
		c("EXISTS", "s7"),
		c("GEOSEARCHSTORE", "g", "g", "FROMMEMBER", "Catania", "BYRADIUS", "200", "km"),
		c("ZRANGE", "g", "0", "-1", "WITHSCORES"),
		// Errors.
		c("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "s1", "WITHDIST"),
		c("GEORADIUS", "g", "15", "37", "200", "km", "WITHHASH", "STOREDIST", "s1"),
		c("GEOSEARCHSTORE", "s1", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHCOORD"),
		c("GEOSEARCHSTORE", "s1", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STORE", "x"),
		c("GEORADIUS_RO", "g", "15", "37", "200", "km", "STORE", "s1"),
		c("GEORADIUSBYMEMBER_RO", "g", "Catania", "200", "km", "STOREDIST", "s1"),
		c("GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"),
		c("GEORADIUS", "g", "15", "37", "200", "km", "STORE"),
	)
}

func TestGeoErrors(t *testing.T) {
	p := newPair(t)
	geoLoad(p, "g")
	p.run(
		c("GEORADIUS", "g", "15", "37", "-1", "km"),
		c("GEORADIUS", "g", "15", "37", "x", "km"),
		c("GEORADIUS", "g", "15", "37", "1", "yd"),
		c("GEORADIUS", "g", "15", "100", "1", "km"),
		c("GEORADIUS", "g", "x", "37", "1", "km"),
		c("GEORADIUS", "g", "15", "37", "1", "km", "COUNT", "0"),
		c("GEORADIUS", "g", "15", "37", "1", "km", "COUNT", "-3"),
		c("GEORADIUS", "g", "15", "37", "1", "km", "COUNT", "x"),
		c("GEORADIUS", "g", "15", "37", "1", "km", "COUNT"),
		c("GEORADIUS", "g", "15", "37", "1", "km", "ANY"),
		c("GEORADIUS", "g", "15", "37", "1", "km", "FOO"),
		c("GEORADIUS", "g", "15", "37", "1", "km", "FROMMEMBER", "x"),
		c("GEORADIUS", "nokey", "15", "37", "1", "km", "ANY"),
		c("GEORADIUS", "nokey", "15", "100", "1", "km"),
		c("GEORADIUSBYMEMBER", "g", "nosuch", "1", "km"),
		c("GEORADIUSBYMEMBER", "nokey", "nosuch", "x", "yd"),
		c("GEORADIUSBYMEMBER", "nokey", "nosuch", "x", "yd", "FOO"),
		c("GEORADIUSBYMEMBER", "g", "Palermo", "-1", "km"),
		c("GEOSEARCH", "g", "BYRADIUS", "1", "km"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1"),
		c("geosearch", "g", "FROMLONLAT", "1", "1"),
		c("GeoSearch", "g", "BYBOX", "1", "1", "km"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"),
		c("GEOSEARCH", "g", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"),
		c("GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"),
		c("GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km"),
		c("GEOSEARCH", "g", "FROMMEMBER", "nosuch", "BYRADIUS", "1", "km"),
		c("GEOSEARCH", "nokey", "FROMMEMBER", "nosuch", "BYRADIUS", "1", "km"),
		c("GEOSEARCH", "nokey", "FROMMEMBER", "nosuch"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYBOX", "1", "x", "km"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYBOX", "x", "1", "km"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYBOX", "1", "1", "yd"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYBOX", "1", "1"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "100", "BYRADIUS", "1", "km"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY"),
		c("GEOSEARCH", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "x"),
		c("SET", "str", "x"),
		c("GEORADIUS", "str", "15", "37", "1", "km"),
		c("GEORADIUS", "str", "x", "37", "1", "km"),
		c("GEOSEARCH", "str", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"),
		c("GEOSEARCHSTORE", "d", "str", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"),
		c("GEOSEARCHSTORE", "str", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"),
		c("TYPE", "str"),
		c("GEORADIUS", "g", "15", "37", "1"),
		c("GEOSEARCH", "g"),
		c("GEODIST", "g", "a"),
	)
}
