package demo

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/app"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/policies"
)

func loadLibrary(t testing.TB) *policy.Library {
	t.Helper()
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatalf("load shipped policies: %v", err)
	}
	if len(lib.Policies()) == 0 {
		t.Fatal("the library holds no policies")
	}
	return lib
}

func reference(lib *policy.Library) provider.Reference { return app.ProviderReference(lib) }

func TestPopulationValidates(t *testing.T) {
	lib := loadLibrary(t)
	ps := Generate(lib, 2000, 1)
	if len(ps) != 2000 {
		t.Fatalf("len = %d, want 2000", len(ps))
	}
	if err := reference(lib).Validate(ps, nil); err != nil {
		errs := strings.Split(err.Error(), "\n")
		t.Fatalf("%d validation errors, first: %s", len(errs), strings.Join(errs[:min(5, len(errs))], "\n"))
	}
}

func TestSameSeedSameProvidersOtherSeedOtherFacts(t *testing.T) {
	lib := loadLibrary(t)
	a, b := Generate(lib, 300, 7), Generate(lib, 300, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two populations from seed 7 differ")
	}
	c := Generate(lib, 300, 8)
	if reflect.DeepEqual(a, c) {
		t.Fatal("seeds 7 and 8 give the same population")
	}
	for i := range a {
		if a[i].ID != c[i].ID {
			t.Fatalf("provider %d has id %s with seed 7 and %s with seed 8: ids must not depend on the seed", i, a[i].ID, c[i].ID)
		}
	}
}

// Every policy the library holds, whatever is in policies/ today, gets eligible, not
// eligible and incomplete providers, even in a small population.
func TestEveryPolicyHasAllThreeOutcomes(t *testing.T) {
	lib := loadLibrary(t)
	for _, n := range []int{150, 1000} {
		ps := Generate(lib, n, 1)
		for _, pol := range lib.Policies() {
			as := assessment.New(lib, pol)
			counts := map[assessment.Outcome]int{}
			for i := range ps {
				counts[as.Assess(&ps[i]).Outcome]++
			}
			for _, out := range []assessment.Outcome{assessment.Eligible, assessment.NotEligible, assessment.Incomplete} {
				if counts[out] == 0 {
					t.Errorf("n=%d policy %s: no %s providers (counts %v)", n, pol.ID, out, counts)
				}
			}
		}
	}
}

func TestEveryCareTypeIsPresent(t *testing.T) {
	lib := loadLibrary(t)
	seen := map[string]int{}
	for _, p := range Generate(lib, 150, 1) {
		seen[p.CareTypes[0]]++
	}
	for _, ct := range lib.Registry.CareTypes {
		if seen[ct.ID] == 0 {
			t.Errorf("care type %s has no providers", ct.ID)
		}
	}
	big := map[string]int{}
	for _, p := range Generate(lib, 5000, 1) {
		big[p.CareTypes[0]]++
	}
	if big["huisarts"] <= big["umc"]*5 || big["zbc"] <= big["umc"]*5 {
		t.Errorf("care types are not weighted: huisarts %d, zbc %d, umc %d", big["huisarts"], big["zbc"], big["umc"])
	}
}

func TestIdsKvKAndAGBCodesAreUnique(t *testing.T) {
	lib := loadLibrary(t)
	ids, kvks, agbs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range Generate(lib, 20000, 3) {
		if ids[p.ID] || kvks[p.KvK] {
			t.Fatalf("id %s or KvK %s used twice", p.ID, p.KvK)
		}
		ids[p.ID], kvks[p.KvK] = true, true
		c := p.AGBCodes[0]
		if agbs[c.Code] {
			t.Fatalf("AGB code %s used twice", c.Code)
		}
		agbs[c.Code] = true
	}
}

// For every threshold in a rule ("fact >= constant", a date against the reference date)
// the population holds a provider on the threshold and one just past it.
func TestThresholdsHaveProvidersOnBothSides(t *testing.T) {
	lib := loadLibrary(t)
	ps := Generate(lib, 400, 1)
	for _, pol := range lib.Policies() {
		for i, r := range pol.Rules {
			if r == nil {
				continue
			}
			for _, l := range leaves(r.Tree, nil) {
				if l.Fact == "" || l.Op == "" || l.Op == "in" || (l.Const == nil && l.ConstIs == "") {
					continue
				}
				pass, fail := leafOutcomes(lib, pol, l, ps)
				if pass == 0 || fail == 0 {
					t.Errorf("policy %s requirement %s, %q: %d providers pass and %d fail it; want both",
						pol.ID, pol.Requirements[i].ID, l.Expr, pass, fail)
				}
			}
		}
	}
}

func leafOutcomes(lib *policy.Library, pol *policy.Compiled, l *policy.Leaf, ps []provider.Provider) (pass, fail int) {
	def, _ := lib.Facts.Lookup(l.Fact)
	act := lib.Env.NewActivation()
	for _, p := range ps {
		for _, f := range p.Facts {
			if f.Key != l.Fact || (def.PerInsurer && f.Insurer != pol.Insurer) {
				continue
			}
			v, err := policy.Value(def.Type, f.Value)
			if err != nil {
				continue
			}
			act.Reset()
			act.SetBuiltins(pol.ReferenceTime(), 0, nil, nil, false)
			act.Set(l.Fact, v)
			switch l.Eval(act) {
			case policy.True:
				pass++
			case policy.False:
				fail++
			}
		}
	}
	return pass, fail
}

func BenchmarkGenerate(b *testing.B) {
	lib := loadLibrary(b)
	for b.Loop() {
		Generate(lib, 100_000, 1)
	}
}

// Every part of every policy that is not offered to all is asked for or offered to about a
// third of the providers it is open to, and some providers have each planned contract: the
// CZ GP practices' 2021–2022 contract runs in 2022, the year of cz-hz-mdz-2022.
func TestPartsAreChosenAndSomeProvidersHaveContracts(t *testing.T) {
	lib := loadLibrary(t)
	ps := Generate(lib, 2000, 1)
	parts := 0
	for _, pol := range lib.Policies() {
		for i, pt := range pol.Parts {
			if pt.OfferedToAll {
				continue
			}
			parts++
			open, chose := 0, 0
			for k := range ps {
				if cts := pol.PartCareTypes(i); len(cts) == 0 || ps[k].HasCareType(cts) {
					open++
					if ps[k].Chose(pol.ID, pt.ID) {
						chose++
					}
				}
			}
			// Drawn by hash: within wide bounds, so that a new part in the policies does
			// not fail here by chance.
			if open > 60 && (chose*6 < open || chose*2 > open) {
				t.Errorf("%s part %s: chosen by %d of %d providers it is open to, want about a third", pol.ID, pt.ID, chose, open)
			}
			if open > 0 && chose == 0 {
				t.Errorf("%s part %s: no provider chose it", pol.ID, pt.ID)
			}
		}
	}
	if parts == 0 {
		t.Log("the shipped policies have no parts besides the base contract that are not offered to all")
	}
	running := map[string]int{}
	for _, p := range ps {
		for _, c := range p.Contracts {
			running[c.Policy]++
		}
		if p.HasCareType([]string{"huisarts"}) && len(p.Contracts) > 0 && p.ContractFor("cz-groep", 2022) == nil {
			t.Errorf("%s: contracts %+v, want one with CZ that runs in 2022", p.ID, p.Contracts)
		}
	}
	for _, c := range contractPlans {
		if running[c.policy] == 0 {
			t.Errorf("no provider has the contract under %s", c.policy)
		}
	}
}

// A name says where the provider is: a region in the name is the region of its main
// location's postcode, a place in the name is its place, and a UMC is in a city that has one.
func TestNamesMatchPlaces(t *testing.T) {
	lib := loadLibrary(t)
	for _, p := range Generate(lib, 2000, 1) {
		loc := p.Locations[0]
		for _, rg := range regions {
			if strings.HasSuffix(p.Name, " "+rg.name) || strings.HasPrefix(p.Name, rg.name+" ") {
				if want := regionOf(loc.Postcode[:4]); rg.name != want && !strings.Contains(p.Name, want) {
					t.Errorf("%s is in %s (%s), region %s", p.Name, loc.City, loc.Postcode, want)
				}
			}
		}
		if slices.Contains(p.CareTypes, "umc") && !slices.Contains(umcCities, loc.City) {
			t.Errorf("%s is in %s, which has no university medical centre", p.Name, loc.City)
		}
	}
}

func TestIsGeneratedKnowsTheIdsOfEveryPopulationAndNoOthers(t *testing.T) {
	for _, i := range []int{0, 1, 59, 150, 399, 50_000, MaxProviders - 1} {
		if id := "kvk-" + kvkOf(i); !IsGenerated(id) {
			t.Errorf("IsGenerated(%s) of provider %d = false", id, i)
		}
	}
	for _, id := range []string{"kvk-" + kvkOf(MaxProviders), "kliniek-de-maasoever", "kvk-1234567", "kvk-0123456x", "kvk-+1234567", "KVK-" + kvkOf(0)} {
		if IsGenerated(id) {
			t.Errorf("IsGenerated(%s) = true", id)
		}
	}
}
