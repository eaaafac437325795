package demo

import (
	"maps"
	"slices"
	"strconv"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// How many variants of each kind are kept per policy and care type; enough for variety,
// few enough to check quickly.
const (
	maxNotEligible = 8
	maxIncomplete  = 6
	maxGuiding     = 6
)

// facts returns a provider's facts for the variant v (nil: the good values).
func (cp *careProfile) facts(v *variant, date string) []provider.Fact {
	out := make([]provider.Fact, 0, len(cp.good))
	for i, f := range cp.good {
		s := cp.slots[i]
		if v != nil {
			if slices.Contains(v.drop, s) {
				continue
			}
			if x, ok := v.set[s]; ok {
				f.Value = x
			}
			if slices.Contains(v.noProof, s) {
				f.Evidence = ""
			}
		}
		f.Date = date
		out = append(out, f)
	}
	return out
}

// outcome judges the variant against pol with the real assessor.
func (cp *careProfile) outcome(as *assessment.Assessor, v *variant) assessment.Outcome {
	p := provider.Provider{ID: "check", Name: "check", CareTypes: []string{cp.careType}, Facts: cp.facts(v, "2025-01-01")}
	s := as.NewSubject()
	as.Bind(s, &p)
	var sum assessment.Summary
	as.Summarize(s, &sum)
	return sum.Outcome
}

// ruleSlots are the slots a rule refers to, for pol.
func (pl *planner) ruleSlots(pol *policy.Compiled, r *policy.Rule) []slot {
	out := make([]slot, 0, len(r.Facts))
	for _, k := range r.Facts {
		out = append(out, pl.slotOf(pol, k))
	}
	return out
}

// steer solves rule r of pol for want, starting from the good values without the rule's own
// facts, and returns the values of the rule's facts it chose.
func (pl *planner) steer(pol *policy.Compiled, r *policy.Rule, want bool, prefer *policy.Leaf) (values, bool) {
	own := pl.ruleSlots(pol, r)
	try := maps.Clone(pl.good)
	for _, s := range own {
		delete(try, s)
	}
	if !pl.solve(pol, r.Tree, want, prefer, try) {
		return nil, false
	}
	set := values{}
	for _, s := range own {
		if v, ok := try[s]; ok && v != pl.good[s] {
			set[s] = v
		}
	}
	return set, len(set) > 0 || prefer == nil
}

// variants works out the checked variants of a care type for every policy about it.
func (pl *planner) variants(cp *careProfile) {
	for _, pol := range pl.lib.Policies() {
		if len(pol.CareTypes) > 0 && !slices.Contains(pol.CareTypes, cp.careType) {
			continue
		}
		as := assessment.New(pl.lib, pol)
		keep := func(v variant, want assessment.Outcome, limit int) bool {
			v.policy = pol.ID
			v.outcome = cp.outcome(as, &v)
			if want != "" && v.outcome != want {
				return false
			}
			if limit > 0 && countFor(cp.byOut[want], pol.ID) >= limit {
				return false
			}
			cp.byOut[v.outcome] = append(cp.byOut[v.outcome], v)
			return true
		}
		keep(variant{}, "", 0)
		for i, req := range pol.Requirements {
			r := pol.Rules[i]
			if !applies(pol, i, cp.careType) || !req.Kind.KnocksOut() {
				continue
			}
			if r != nil {
				if set, ok := pl.steer(pol, r, false, nil); ok {
					keep(variant{set: set}, assessment.NotEligible, maxNotEligible)
				}
				for _, s := range pl.ruleSlots(pol, r) {
					keep(variant{drop: []slot{s}}, assessment.Incomplete, maxIncomplete)
				}
			}
			for _, key := range req.Evidence {
				keep(variant{noProof: []slot{pl.slotOf(pol, key)}}, assessment.Incomplete, maxIncomplete)
			}
		}
		pl.boundaries(cp, pol, as)
		pl.guidingMisses(cp, pol, as)
	}
}

func countFor(vs []variant, policyID string) int {
	n := 0
	for _, v := range vs {
		if v.policy == policyID {
			n++
		}
	}
	return n
}

// boundaries adds, for every threshold in a rule about this care type, a provider just on
// the passing side and one just on the failing side (e.g. € 100.000,00 and € 99.999,99 for
// ">= eur(100000)"; a certificate valid until the reference date and one until the day before).
func (pl *planner) boundaries(cp *careProfile, pol *policy.Compiled, as *assessment.Assessor) {
	for i, r := range pol.Rules {
		if r == nil || !applies(pol, i, cp.careType) {
			continue
		}
		for _, l := range leaves(r.Tree, nil) {
			if l.Fact == "" || l.Op == "" || l.Op == "in" || (l.Const == nil && l.ConstIs == "") {
				continue
			}
			for _, want := range []bool{true, false} {
				set, ok := pl.steer(pol, r, want, l)
				if !ok {
					continue
				}
				v := variant{policy: pol.ID, set: set, boundary: pol.ID + "/" + l.Expr + "/" + strconv.FormatBool(want)}
				v.outcome = cp.outcome(as, &v)
				cp.boundary = append(cp.boundary, v)
			}
		}
	}
}

// guidingMisses adds variants in which one guiding criterion is not met.
func (pl *planner) guidingMisses(cp *careProfile, pol *policy.Compiled, as *assessment.Assessor) {
	n := 0
	for i, req := range pol.Requirements {
		r := pol.Rules[i]
		if r == nil || req.Kind != policy.Guiding || !applies(pol, i, cp.careType) || n >= maxGuiding {
			continue
		}
		if set, ok := pl.steer(pol, r, false, nil); ok {
			v := variant{policy: pol.ID, set: set}
			v.outcome = cp.outcome(as, &v)
			cp.guiding = append(cp.guiding, v)
			n++
		}
	}
}
