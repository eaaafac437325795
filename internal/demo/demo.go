// Package demo generates a realistic, deterministic population of care providers for the
// shipped policies: Dutch organisation names per care type, real PC4 postcodes and places,
// valid KvK numbers and AGB codes, and facts for every fact the policies' rules use. The
// population holds, for every policy, providers that are eligible, not eligible and
// incomplete, and providers just on either side of every threshold in the rules.
package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/geo"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Generate returns n providers for the policies in lib. The same library, n and seed give
// the same providers. Provider i has id "kvk-" + its KvK number, which depends on i only, so
// generating again with another seed replaces the same providers. Fact values are canonical
// (money in cents), ready for provider.Service.Import. Providers ask for, or are offered,
// parts of the policies, and some have contracts (see dealings).
func Generate(lib *policy.Library, n int, seed int64) []provider.Provider {
	if n <= 0 {
		return nil
	}
	g := newGenerator(lib, seed)
	ps := make([]provider.Provider, n)
	planned := g.schedule()
	for i := range ps {
		var job job
		if i < len(planned) {
			job = planned[i]
		} else {
			job = g.randomJob()
		}
		ps[i] = g.provider(i, job)
		g.dealings(&ps[i], seed)
	}
	return ps
}

// MaxProviders is the largest population Generate makes.
const MaxProviders = 1_000_000

// kvkOf is the KvK number of provider i: distinct for every i below 90 million.
func kvkOf(i int) string {
	return strconv.Itoa(10_000_000 + (i*7919+1_234_567)%90_000_000)
}

// kvkInverse is 7919's inverse modulo 90,000,000: it turns kvkOf back into i.
const kvkInverse = 50_017_679

// IsGenerated reports whether id is one Generate gives a provider of a population of up
// to MaxProviders, whatever the seed: demo removes those of an earlier, larger population
// and leaves records with other ids (a file someone imported) alone.
func IsGenerated(id string) bool {
	digits, ok := strings.CutPrefix(id, "kvk-")
	if !ok || len(digits) != 8 {
		return false
	}
	k, err := strconv.Atoi(digits)
	if err != nil || k < 10_000_000 {
		return false
	}
	i := ((k-10_000_000-1_234_567)%90_000_000 + 90_000_000) % 90_000_000 * kvkInverse % 90_000_000
	return i < MaxProviders && kvkOf(i) == digits
}

// job is what one provider is to be: a care type and a variant of its facts.
type job struct {
	profile *careProfile
	variant *variant
	guiding []*variant
}

type generator struct {
	lib       *policy.Library
	r         *rand.Rand
	profiles  []*careProfile
	weights   []float64
	total     float64
	pc4s      []geo.PC4
	agbSerial map[string]int
}

func newGenerator(lib *policy.Library, seed int64) *generator {
	pl := &planner{lib: lib, act: lib.Env.NewActivation(), proof: map[string]bool{}}
	pl.goodValues()
	var insurers []string
	for _, ins := range lib.Registry.Insurers {
		insurers = append(insurers, ins.ID)
	}
	g := &generator{lib: lib, r: rand.New(rand.NewPCG(uint64(seed), 0x7a6f7267)), pc4s: geo.All(), agbSerial: map[string]int{}}
	for _, ct := range lib.Registry.CareTypes {
		cp := pl.profile(ct.ID, insurers)
		pl.variants(cp)
		g.profiles = append(g.profiles, cp)
		g.weights = append(g.weights, kindOf(ct.ID).weight)
		g.total += kindOf(ct.ID).weight
	}
	for _, cp := range g.profiles {
		cp.dates = factDates(lib, cp.careType)
	}
	return g
}

func kindOf(careType string) careKind {
	if k, ok := careKinds[careType]; ok {
		return k
	}
	return otherKind
}

func (g *generator) profile(careType string) *careProfile {
	for _, cp := range g.profiles {
		if cp.careType == careType {
			return cp
		}
	}
	return nil
}

// schedule lists the providers every population starts with: per policy an eligible, a not
// eligible and an incomplete one, then one of every care type, then the threshold cases.
func (g *generator) schedule() []job {
	var jobs []job
	for _, pol := range g.lib.Policies() {
		cts := pol.CareTypes
		if len(cts) == 0 {
			cts = nil
			for _, ct := range g.lib.Registry.CareTypes {
				cts = append(cts, ct.ID)
			}
		}
		for k, out := range []assessment.Outcome{assessment.Eligible, assessment.NotEligible, assessment.Incomplete} {
			for j := range cts { // rotate over the policy's care types, so all get a turn
				cp := g.profile(cts[(k+j)%len(cts)])
				if cp == nil {
					continue
				}
				if v := firstFor(cp.byOut[out], pol.ID); v != nil {
					jobs = append(jobs, job{profile: cp, variant: v})
					break
				}
			}
		}
	}
	for _, cp := range g.profiles {
		jobs = append(jobs, job{profile: cp, variant: g.anyOf(cp.byOut[assessment.Eligible])})
	}
	// Each threshold case once, for the first care type that has it; the others stay
	// available to the random part of the population.
	seen := map[string]bool{}
	for _, cp := range g.profiles {
		for i, v := range cp.boundary {
			if !seen[v.boundary] {
				seen[v.boundary] = true
				jobs = append(jobs, job{profile: cp, variant: &cp.boundary[i]})
			}
		}
	}
	return jobs
}

func firstFor(vs []variant, policyID string) *variant {
	for i := range vs {
		if vs[i].policy == policyID {
			return &vs[i]
		}
	}
	return nil
}

func (g *generator) anyOf(vs []variant) *variant {
	if len(vs) == 0 {
		return nil
	}
	return &vs[g.r.IntN(len(vs))]
}

// randomJob draws a care type by weight and an outcome: most providers meet the policy,
// some fail a requirement, some left facts or evidence out, a few sit on a threshold.
func (g *generator) randomJob() job {
	x := g.r.Float64() * g.total
	cp := g.profiles[len(g.profiles)-1]
	for i, w := range g.weights {
		if x < w {
			cp = g.profiles[i]
			break
		}
		x -= w
	}
	j := job{profile: cp}
	switch y := g.r.Float64(); {
	case y < 0.55:
		j.variant = g.anyOf(cp.byOut[assessment.Eligible])
	case y < 0.75:
		j.variant = g.anyOf(cp.byOut[assessment.NotEligible])
	case y < 0.92:
		j.variant = g.anyOf(cp.byOut[assessment.Incomplete])
	default:
		j.variant = g.anyOf(cp.boundary)
	}
	for i := range cp.guiding {
		if g.r.IntN(3) == 0 {
			j.guiding = append(j.guiding, &cp.guiding[i])
		}
	}
	return j
}

// provider builds provider i.
func (g *generator) provider(i int, j job) provider.Provider {
	cp := j.profile
	kind := kindOf(cp.careType)
	kvk := kvkOf(i)
	p := provider.Provider{ID: "kvk-" + kvk, KvK: kvk, CareTypes: []string{cp.careType}}
	nlocs := 1 + g.r.IntN(max(kind.maxLocs, 1))
	for l := range nlocs {
		pc := g.pc4s[g.r.IntN(len(g.pc4s))]
		if l == 0 && cp.careType == "umc" { // in one of the cities that have one
			pc = g.inPlace(pick(g.r, umcCities))
		}
		if l > 0 { // further locations nearby: the same first two digits
			pc = g.near(p.Locations[0].Postcode[:2])
		}
		locName := locationNames[min(l, len(locationNames)-1)]
		if l > 0 {
			locName = "Locatie " + pc.Place
		}
		p.Locations = append(p.Locations, provider.Location{
			Name: locName, Street: fmt.Sprintf("%s %d", pick(g.r, streets), 1+g.r.IntN(180)),
			Postcode: pc.Code + " " + postcodeLetters(g.r), City: pc.Place,
		})
	}
	p.Name = name(g.r, pick(g.r, kind.names), p.Locations[0].City, p.Locations[0].Postcode[:4])
	p.AGBCodes = []provider.AGBCode{g.agb(kind)}
	if cp.careType == "huisarts" || cp.careType == "gezondheidscentrum" {
		for range 1 + g.r.IntN(3) { // the GPs of the practice
			p.AGBCodes = append(p.AGBCodes, provider.AGBCode{
				Code: kind.agbPrefix + strconv.Itoa(1+g.r.IntN(9)) + fmt.Sprintf("%05d", g.r.IntN(100_000)), Kind: provider.AGBCaregiver})
		}
	}
	if len(kind.specialisms) > 0 {
		k := 1 + g.r.IntN(min(3, len(kind.specialisms)))
		for _, x := range g.r.Perm(len(kind.specialisms))[:k] {
			p.Specialisms = append(p.Specialisms, kind.specialisms[x])
		}
	}
	p.Facts = cp.facts(j.variant, cp.dates[g.r.IntN(len(cp.dates))])
	for _, gv := range j.guiding {
		for k := range p.Facts {
			f := &p.Facts[k]
			if v, ok := gv.set[slot{f.Key, f.Insurer}]; ok && (j.variant == nil || !j.variant.touches(slot{f.Key, f.Insurer})) {
				f.Value = v
			}
		}
	}
	return p
}

// touches reports whether the variant changes s.
func (v *variant) touches(s slot) bool {
	_, set := v.set[s]
	return set || slices.Contains(v.drop, s) || slices.Contains(v.noProof, s)
}

// inPlace returns a PC4 area of place, or any when the place has none.
func (g *generator) inPlace(place string) geo.PC4 {
	var in []geo.PC4
	for _, pc := range g.pc4s {
		if pc.Place == place {
			in = append(in, pc)
		}
	}
	if len(in) == 0 {
		return g.pc4s[g.r.IntN(len(g.pc4s))]
	}
	return in[g.r.IntN(len(in))]
}

// near returns a PC4 area whose code starts with prefix (the same region), or any.
func (g *generator) near(prefix string) geo.PC4 {
	lo, _ := slices.BinarySearchFunc(g.pc4s, prefix, func(p geo.PC4, pre string) int {
		if p.Code < pre {
			return -1
		}
		return 1
	})
	hi := lo
	for hi < len(g.pc4s) && g.pc4s[hi].Code[:2] == prefix {
		hi++
	}
	if hi == lo {
		return g.pc4s[g.r.IntN(len(g.pc4s))]
	}
	return g.pc4s[lo+g.r.IntN(hi-lo)]
}

// agb returns the next AGB code of an institution or practice: the zorgsoort, the tussennul
// and a serial number.
func (g *generator) agb(kind careKind) provider.AGBCode {
	n := g.agbSerial[kind.agbPrefix]
	g.agbSerial[kind.agbPrefix] = n + 1
	k := provider.AGBInstitution
	if kind.practice {
		k = provider.AGBPractice
	}
	return provider.AGBCode{Code: kind.agbPrefix + "0" + fmt.Sprintf("%05d", (n*7+11)%100_000), Kind: k}
}

// factDates are the dates facts of a care type were established: in the half year before the
// earliest reference date of the policies about it.
func factDates(lib *policy.Library, careType string) []string {
	var first time.Time
	for _, pol := range lib.Policies() {
		t := pol.ReferenceTime()
		inScope := len(pol.CareTypes) == 0 || slices.Contains(pol.CareTypes, careType)
		if inScope && !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if first.IsZero() {
		first = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var out []string
	for d := 30; d <= 210; d += 3 {
		out = append(out, first.AddDate(0, 0, -d).Format(time.DateOnly))
	}
	return out
}
