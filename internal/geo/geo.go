// Package geo knows where Dutch 4-digit postcodes (PC4) are: their place name and centroid.
// The data is GeoNames (CC BY 4.0); see README.md for the attribution.
package geo

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed nl_pc4_centroids.csv
var centroidsCSV string

// PC4 is a 4-digit postcode area with its place and approximate centre (WGS84).
type PC4 struct {
	Code  string  // "3511"
	Place string  // "Utrecht"
	Lat   float64 // latitude
	Lon   float64 // longitude
}

var (
	loadOnce sync.Once
	all      []PC4
	byCode   map[string]int
)

// load parses the embedded table once. The file is part of the binary, so a parse error is a
// build mistake and panics.
func load() {
	loadOnce.Do(func() {
		rows, err := csv.NewReader(strings.NewReader(centroidsCSV)).ReadAll()
		if err != nil {
			panic(fmt.Sprintf("geo: embedded centroids: %v", err))
		}
		all = make([]PC4, 0, len(rows))
		byCode = make(map[string]int, len(rows))
		for i, r := range rows {
			if i == 0 {
				continue // header
			}
			lat, err1 := strconv.ParseFloat(r[2], 64)
			lon, err2 := strconv.ParseFloat(r[3], 64)
			if len(r[0]) != 4 || err1 != nil || err2 != nil {
				panic(fmt.Sprintf("geo: embedded centroids line %d is malformed", i+1))
			}
			byCode[r[0]] = len(all)
			all = append(all, PC4{Code: r[0], Place: r[1], Lat: lat, Lon: lon})
		}
		sort.Slice(all, func(i, j int) bool { return all[i].Code < all[j].Code })
		for i, p := range all {
			byCode[p.Code] = i
		}
	})
}

// Lookup returns the PC4 area of a postcode. It accepts "3511", "3511 AB" or "3511AB".
func Lookup(postcode string) (PC4, bool) {
	load()
	s := strings.TrimSpace(postcode)
	if len(s) < 4 {
		return PC4{}, false
	}
	i, ok := byCode[s[:4]]
	if !ok {
		return PC4{}, false
	}
	return all[i], true
}

// All returns every PC4 area, ordered by code. The slice is shared: do not modify it.
func All() []PC4 {
	load()
	return all
}

// DistanceKm is the great-circle distance between two areas' centroids, in kilometres.
func DistanceKm(a, b PC4) float64 {
	const earthRadiusKm = 6371.0
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(b.Lat-a.Lat), rad(b.Lon-a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(h))
}
