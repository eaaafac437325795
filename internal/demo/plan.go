package demo

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// The plan is worked out once per library: which facts the rules use, a "good" value for each
// that meets every rule, and per care type the variants (changes to the good values) that
// make a provider not eligible, incomplete, or sit just on either side of a threshold. Each
// variant is checked with the real assessor, so the outcome it is scheduled for is the
// outcome it gets.

// slot is one fact of a provider: the key and, for per-insurer facts, the insurer.
type slot struct{ key, insurer string }

// values maps slots to canonical values.
type values map[slot]string

// variant changes the good values of a care type.
type variant struct {
	policy   string
	outcome  assessment.Outcome // for policy, as checked
	set      values
	drop     []slot // facts left unknown
	noProof  []slot // facts whose evidence is missing
	boundary string // for a threshold case: policy, rule part and side, e.g. "p/x >= 7/true"
}

// careProfile is everything needed to generate providers of one care type.
type careProfile struct {
	careType string
	slots    []slot          // the facts a provider of this type gets, in catalogue order
	good     []provider.Fact // good values for slots (Source and Evidence set; Date per provider)
	index    map[slot]int    // slot -> position in good
	byOut    map[assessment.Outcome][]variant
	boundary []variant
	guiding  []variant // a guiding criterion not met; never changes the outcome
	dates    []string  // when facts were established, to choose from
}

type planner struct {
	lib   *policy.Library
	act   *policy.Activation
	good  values
	proof map[string]bool // fact keys that need evidence somewhere
}

func (pl *planner) def(key string) *provider.FactDef {
	d, _ := pl.lib.Facts.Lookup(key)
	return d
}

func (pl *planner) slotOf(pol *policy.Compiled, key string) slot {
	if d := pl.def(key); d != nil && d.PerInsurer {
		return slot{key, pol.Insurer}
	}
	return slot{key, ""}
}

// holds reports whether a leaf evaluates to want with the fact set to v.
func (pl *planner) holds(pol *policy.Compiled, l *policy.Leaf, v string, want bool) bool {
	d := pl.def(l.Fact)
	val, err := policy.Value(d.Type, v)
	if err != nil {
		return false
	}
	pl.act.Reset()
	pl.act.SetBuiltins(pol.ReferenceTime(), contractYear(pol), nil, nil, false)
	pl.act.Set(l.Fact, val)
	r := l.Eval(pl.act)
	return (r == policy.True) == want && r != policy.Unknown && r != policy.Failed
}

func contractYear(pol *policy.Compiled) int {
	if len(pol.ContractYears) > 0 {
		return pol.ContractYears[0]
	}
	return 0
}

// candidates proposes values for a leaf's fact: near the threshold first when tight, with
// a comfortable margin first otherwise. holds picks the first that gives the wanted result.
func (pl *planner) candidates(pol *policy.Compiled, l *policy.Leaf, tight bool) []string {
	d := pl.def(l.Fact)
	if d == nil {
		return nil
	}
	// Only values a provider could really have: within the fact's range, and no
	// percentage below one, which a person would have to write with a % sign.
	return slices.DeleteFunc(pl.proposals(pol, l, d, tight), func(v string) bool {
		f, err := strconv.ParseFloat(v, 64)
		return d.CheckRange(v) != nil || d.Type == provider.Percent && err == nil && f > 0 && f < 1
	})
}

func (pl *planner) proposals(pol *policy.Compiled, l *policy.Leaf, d *provider.FactDef, tight bool) []string {
	if l.Op == "" { // a bare boolean fact
		return []string{"true", "false"}
	}
	var c ref.Val = l.Const
	if l.ConstIs == policy.VarReferenceDate {
		c = types.Timestamp{Time: pol.ReferenceTime()}
	}
	if c == nil {
		return nil
	}
	switch d.Type {
	case provider.Int, provider.Money:
		n, ok := asFloat(c)
		if !ok {
			return nil
		}
		k := int64(math.Ceil(n))
		near := []int64{k, k + 1, k - 1}
		far := []int64{k + max(k*3/10, 5), max(k-max(k*3/10, 5), 0)}
		return ints(order(near, far, tight))
	case provider.Number, provider.Percent:
		f, ok := asFloat(c)
		if !ok {
			return nil
		}
		near := []float64{f, round1(f + 0.1), round1(f - 0.1)}
		far := []float64{round1(f + math.Max(math.Abs(f)*0.2, 1)), round1(f - math.Max(math.Abs(f)*0.2, 1))}
		if d.Type == provider.Percent {
			far = []float64{math.Min(round1(f+math.Max(f*0.2, 5)), 100), math.Max(round1(f-math.Max(f*0.2, 5)), 0)}
		}
		return floats(order(near, far, tight))
	case provider.Date:
		ts, ok := c.(types.Timestamp)
		if !ok {
			return nil
		}
		t := ts.Time
		near := []time.Time{t, t.AddDate(0, 0, -1), t.AddDate(0, 0, 1)}
		far := []time.Time{t.AddDate(1, 2, 0), t.AddDate(-1, -2, 0)}
		var out []string
		for _, x := range order(near, far, tight) {
			out = append(out, x.Format(time.DateOnly))
		}
		return out
	case provider.List:
		if s, ok := c.(types.String); ok {
			return []string{`["` + string(s) + `"]`, `[]`}
		}
	case provider.Text:
		if s, ok := c.(types.String); ok {
			return []string{string(s), "anders"}
		}
	case provider.Bool:
		return []string{"true", "false"}
	}
	return nil
}

func order[T any](near, far []T, tight bool) []T {
	if tight {
		return append(slices.Clone(near), far...)
	}
	return append(slices.Clone(far), near...)
}

func asFloat(v ref.Val) (float64, bool) {
	switch x := v.(type) {
	case types.Int:
		return float64(x), true
	case types.Uint:
		return float64(x), true
	case types.Double:
		return float64(x), true
	}
	return 0, false
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func ints(xs []int64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.FormatInt(x, 10)
	}
	return out
}

func floats(xs []float64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return out
}

// solve assigns values to make node evaluate to want, keeping values already in v. prefer,
// if not nil, is the leaf a boundary case is about: it gets a value next to its threshold,
// and where an "or" offers a choice the branch holding it is the one that decides.
func (pl *planner) solve(pol *policy.Compiled, n *policy.Node, want bool, prefer *policy.Leaf, v values) bool {
	switch n.Op {
	case "not":
		return pl.solve(pol, n.Kids[0], !want, prefer, v)
	case "and", "or":
		all := (n.Op == "and") == want // every kid must take the value want
		if all {
			ok := true
			for _, k := range n.Kids {
				ok = pl.solve(pol, k, want, prefer, v) && ok
			}
			return ok
		}
		// One kid decides: the one holding prefer, else the first that can.
		kids := slices.Clone(n.Kids)
		slices.SortStableFunc(kids, func(a, b *policy.Node) int {
			return boolRank(contains(b, prefer)) - boolRank(contains(a, prefer))
		})
		for _, k := range kids {
			try := maps.Clone(v)
			if !pl.solve(pol, k, want, prefer, try) {
				continue
			}
			maps.Copy(v, try)
			if prefer != nil && contains(k, prefer) {
				// The others take the opposite value, so the preferred branch decides.
				for _, o := range n.Kids {
					if o != k {
						pl.solve(pol, o, !want, nil, v)
					}
				}
			}
			return true
		}
		return false
	}
	l := n.Leaf
	if l == nil || l.Fact == "" || pl.def(l.Fact) == nil {
		return true // not a shape we can steer; the check by the assessor decides
	}
	s := pl.slotOf(pol, l.Fact)
	if cur, ok := v[s]; ok {
		return pl.holds(pol, l, cur, want)
	}
	for _, c := range pl.candidates(pol, l, l == prefer) {
		if pl.holds(pol, l, c, want) {
			v[s] = c
			return true
		}
	}
	return false
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func contains(n *policy.Node, l *policy.Leaf) bool {
	if l == nil {
		return false
	}
	if n.Leaf == l {
		return true
	}
	for _, k := range n.Kids {
		if contains(k, l) {
			return true
		}
	}
	return false
}

func leaves(n *policy.Node, out []*policy.Leaf) []*policy.Leaf {
	if n == nil {
		return out
	}
	if n.Leaf != nil {
		out = append(out, n.Leaf)
	}
	for _, k := range n.Kids {
		out = leaves(k, out)
	}
	return out
}

func hasOr(n *policy.Node) bool {
	if n == nil {
		return false
	}
	if n.Op == "or" {
		return true
	}
	return slices.ContainsFunc(n.Kids, hasOr)
}

// goodValues finds values meeting every rule of every policy: rules without a choice first,
// so that an "or" later picks a branch consistent with them; then every fact a rule or an
// evidence list names but no choice fixed gets a value meeting its own leaves where it can.
func (pl *planner) goodValues() {
	pl.good = values{}
	for pass := 0; pass < 2; pass++ {
		for _, pol := range pl.lib.Policies() {
			for i, r := range pol.Rules {
				if r == nil || hasOr(r.Tree) != (pass == 1) {
					continue
				}
				try := maps.Clone(pl.good)
				if pl.solve(pol, r.Tree, true, nil, try) {
					pl.good = try
				}
				_ = i
			}
		}
	}
	for _, pol := range pl.lib.Policies() {
		for i, r := range pol.Rules {
			if r != nil {
				for _, l := range leaves(r.Tree, nil) {
					pl.solve(pol, &policy.Node{Op: "leaf", Leaf: l}, true, nil, pl.good)
				}
			}
			for _, key := range pol.Requirements[i].Evidence {
				pl.proof[key] = true
				if s := pl.slotOf(pol, key); pl.good[s] == "" && pl.def(key) != nil {
					pl.good[s] = defaultValue(pl.def(key).Type, pol)
				}
			}
		}
	}
	for _, pol := range pl.lib.Policies() { // facts in leaves we cannot steer
		for _, r := range pol.Rules {
			if r == nil {
				continue
			}
			for _, key := range r.Facts {
				if s := pl.slotOf(pol, key); pl.good[s] == "" {
					pl.good[s] = defaultValue(pl.def(key).Type, pol)
				}
			}
		}
	}
}

// defaultValue is a plausible value for a fact no rule constrains.
func defaultValue(t provider.FactType, pol *policy.Compiled) string {
	switch t {
	case provider.Bool:
		return "true"
	case provider.Int:
		return "12"
	case provider.Number:
		return "7.5"
	case provider.Percent:
		return "35"
	case provider.Money:
		return "50000000"
	case provider.Date:
		return pol.ReferenceTime().AddDate(1, 3, 0).Format(time.DateOnly)
	case provider.List:
		return `[]`
	}
	return "ja"
}

// applies reports whether requirement i of pol concerns a provider of careType.
func applies(pol *policy.Compiled, i int, careType string) bool {
	inScope := len(pol.CareTypes) == 0 || slices.Contains(pol.CareTypes, careType)
	req := pol.Requirements[i]
	return inScope && (len(req.CareTypes) == 0 || slices.Contains(req.CareTypes, careType))
}

// profile works out the facts and checked variants for one care type.
func (pl *planner) profile(careType string, insurers []string) *careProfile {
	cp := &careProfile{careType: careType, index: map[slot]int{}, byOut: map[assessment.Outcome][]variant{}}
	used := map[slot]bool{}
	policyInsurers := map[string]bool{}
	for _, pol := range pl.lib.Policies() {
		for i := range pol.Requirements {
			if !applies(pol, i, careType) {
				continue
			}
			policyInsurers[pol.Insurer] = true
			var keys []string
			if r := pol.Rules[i]; r != nil {
				keys = append(keys, r.Facts...)
			}
			keys = append(keys, pol.Requirements[i].Evidence...)
			for _, k := range keys {
				if pl.def(k) != nil {
					used[pl.slotOf(pol, k)] = true
				}
			}
		}
	}
	// Per-insurer facts about size and position are known for every insurer, not only the
	// ones whose policy is about this care type.
	for s := range maps.Clone(used) {
		d := pl.def(s.key)
		if d.PerInsurer && (d.Type == provider.Money || d.Type == provider.Percent) {
			for _, ins := range insurers {
				used[slot{s.key, ins}] = true
			}
		}
	}
	for _, d := range pl.lib.Facts.Defs { // catalogue order, insurers in registry order
		for _, ins := range append([]string{""}, insurers...) {
			s := slot{d.Key, ins}
			if !used[s] {
				continue
			}
			v, ok := pl.good[s]
			if !ok {
				v = pl.good[slot{d.Key, firstInsurer(pl.good, d.Key)}]
			}
			if v == "" {
				v = defaultValue(d.Type, pl.lib.Policies()[0])
			}
			if d.CheckRange(v) != nil && d.Max != nil { // a default above the fact's range
				v = strconv.FormatFloat(*d.Max, 'f', -1, 64)
			}
			f := provider.Fact{Key: d.Key, Insurer: ins, Value: v, Source: sourceOf(&d)}
			if pl.proof[d.Key] {
				f.Evidence = "bewijs/" + d.Key + ".pdf"
			}
			cp.index[s] = len(cp.slots)
			cp.slots = append(cp.slots, s)
			cp.good = append(cp.good, f)
		}
	}
	return cp
}

func firstInsurer(v values, key string) string {
	for s := range v {
		if s.key == key && s.insurer != "" {
			return s.insurer
		}
	}
	return ""
}

// sourceOf says where a fact of this kind would come from.
func sourceOf(d *provider.FactDef) provider.Source {
	switch {
	case d.PerInsurer && (d.Type == provider.Money || d.Type == provider.Percent || d.Key == "contract_vorig_jaar"):
		return provider.SourceInsurer
	case slices.Contains([]string{"kvk_ingeschreven", "agb_geregistreerd", "big_geregistreerd_personeel", "big_registratie_huisarts",
		"zkn_lid", "zorgkaart_score", "zorgkaart_aantal_waarderingen", "in_faillissement", "fraude_registratie",
		"verscherpt_toezicht", "medisch_specialisten_rgs_geregistreerd", "wtza_toelating", "vecozo_aansluiting"}, d.Key):
		return provider.SourceRegister
	}
	return provider.SourceProvider
}
