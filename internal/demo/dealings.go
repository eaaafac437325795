package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// A provider's part choices and contracts. They are drawn by hashing the seed, the
// provider's id and the part or contract, not from the generator's random stream, so that
// adding them changed no provider's facts, and a policy with new parts changes no other
// choice.

// contractPlan is a contract some providers of the care types have with an insurer.
type contractPlan struct {
	insurer, policy string
	careTypes       []string
	first, last     int
	parts           []string // contracted besides the base contract
}

var contractPlans = []contractPlan{
	// CZ's GP practices: the second year of a two-year agreement covers 2022, the
	// contract year of cz-hz-mdz-2022 (lopend_contract).
	{"cz-groep", "cz-hz-mdz-2021", []string{"huisarts", "gezondheidscentrum"}, 2021, 2022, []string{"rsv-voetzorg"}},
	// Clinics buying through Caresq: a multi-year contract running through 2026.
	{"eucare", "caresq-zbc-2025", []string{"zbc", "msr"}, 2025, 2027, nil},
	// Hospitals and clinics whose one-year contract with Zorg en Zekerheid has ended.
	{"zorg-en-zekerheid", "zz-msz-2022", []string{"ziekenhuis", "zbc"}, 2022, 2022, nil},
}

// oneIn reports, for about one in n of the (seed, id, what) combinations, true. A
// cryptographic hash, since FNV's remainders followed the sequential ids (one part was
// chosen by a sixth of the providers instead of a third).
func oneIn(n uint64, seed int64, id, what string) bool {
	sum := sha256.Sum256([]byte(strconv.FormatInt(seed, 10) + "/" + id + "/" + what))
	return binary.BigEndian.Uint64(sum[:8])%n == 0
}

// dealings gives p its part choices and contracts: of every published policy, each part
// open to p's care types is asked for by about a third of the providers (a part the
// provider asks for) or offered to about a third (a part the insurer offers, unless it
// offers it to all); and about a third of the providers a plan is for have its contract.
func (g *generator) dealings(p *provider.Provider, seed int64) {
	for _, pol := range g.lib.Policies() {
		if pol.Status != policy.Published {
			continue
		}
		for i, pt := range pol.Parts {
			if cts := pol.PartCareTypes(i); len(cts) > 0 && !p.HasCareType(cts) {
				continue
			}
			by := provider.SourceProvider
			if pt.Initiative == policy.ByInsurer {
				if pt.OfferedToAll {
					continue
				}
				by = provider.SourceInsurer
			}
			if oneIn(3, seed, p.ID, pol.ID+"/"+pt.ID) {
				p.Parts = append(p.Parts, provider.PartChoice{Policy: pol.ID, Part: pt.ID, By: by, Insurer: pol.Insurer})
			}
		}
	}
	for _, c := range contractPlans {
		if _, known := g.lib.Registry.Insurer(c.insurer); !known || !p.HasCareType(c.careTypes) {
			continue
		}
		if oneIn(3, seed, p.ID, c.policy) {
			p.Contracts = append(p.Contracts, provider.Contract{Insurer: c.insurer, Policy: c.policy, Parts: c.parts,
				FirstYear: c.first, LastYear: c.last})
		}
	}
}
