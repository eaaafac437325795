package assessment_test

import (
	"context"
	"strings"
	"testing"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/policies"
)

const testPolicy = `id: test-2024
title: Testbeleid 2024
insurer: zorg-en-zekerheid
sector: msz
contract_years: [2024]
published: 2023-03-31
source: {file: test.txt}
care_types: [zbc, ziekenhuis]
requirements:
  - id: zbc-omzet
    kind: knockout
    title: Minimale omzet ZBC
    text: Ten minste € 100.000 omzet, of 25% marktaandeel, of 2 jaar volwaardig in bedrijf.
    source: test.txt §5.1
    care_types: [zbc]
    rule: >-
      omzet_verzekeraar >= eur(100000) || marktaandeel_verzekeraar >= 25 ||
      jaren_volwaardig_in_bedrijf >= 2
  - id: geen-faillissement
    kind: exclusion
    title: Geen faillissement
    text: De zorgaanbieder is niet failliet.
    source: test.txt §5.2
    rule: "!in_faillissement"
  - id: zkn
    kind: guiding
    title: Bovengemiddeld presteren
    text: Aangesloten bij ZKN en een geldig keurmerk.
    source: test.txt §5.3
    points: 10
    rule: zkn_lid && zkn_keurmerk_geldig_tot >= peildatum
  - id: nen
    kind: attestation
    title: NEN 7510
    text: Een geldig NEN 7510-certificaat, met bewijs.
    source: test.txt §5.4
    rule: nen_7510_geldig_tot >= peildatum
    evidence: [nen_7510_geldig_tot]
  - id: visie
    kind: review
    title: Visie op passende zorg
    text: De zorgaanbieder beschrijft zijn visie.
    source: test.txt §5.5
base: {id: basis, title: Basisovereenkomst, source: test.txt §3}
`

func setup(t testing.TB) (*policy.Library, *assessment.Assessor) {
	t.Helper()
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	c, err := lib.Parse("test.yaml", []byte(testPolicy))
	if err != nil {
		t.Fatal(err)
	}
	lib.Add(c)
	return lib, assessment.New(lib, c)
}

func fact(key, value string) provider.Fact {
	return provider.Fact{Key: key, Value: value, Source: provider.SourceProvider, Date: "2023-06-01"}
}

func zzFact(key, value string) provider.Fact {
	f := fact(key, value)
	f.Insurer = "zorg-en-zekerheid"
	return f
}

func withEvidence(f provider.Fact, doc string) provider.Fact { f.Evidence = doc; return f }

func zbc(facts ...provider.Fact) *provider.Provider {
	return &provider.Provider{ID: "zbc-1", Name: "Kliniek De Maasoever", KvK: "12345678", CareTypes: []string{"zbc"}, Facts: facts}
}

// complete gives a ZBC every fact the test policy needs, all passing, with evidence.
func complete(extra ...provider.Fact) []provider.Fact {
	base := []provider.Fact{
		zzFact("omzet_verzekeraar", "15000000"), zzFact("marktaandeel_verzekeraar", "5"), fact("jaren_volwaardig_in_bedrijf", "1"),
		fact("in_faillissement", "false"), fact("zkn_lid", "true"), fact("zkn_keurmerk_geldig_tot", "2025-06-30"),
		withEvidence(fact("nen_7510_geldig_tot", "2025-01-01"), "nen7510.pdf"),
	}
	// Later facts override earlier ones with the same key, as the store would keep one.
	for _, e := range extra {
		for i := range base {
			if base[i].Key == e.Key && base[i].Insurer == e.Insurer {
				base[i] = e
				e.Key = ""
			}
		}
		if e.Key != "" {
			base = append(base, e)
		}
	}
	return base
}

func item(t *testing.T, r assessment.Result, id string) assessment.Item {
	t.Helper()
	for _, it := range r.Items {
		if it.RequirementID == id {
			return it
		}
	}
	t.Fatalf("no item %s", id)
	return assessment.Item{}
}

func TestZBCRevenueRequirement(t *testing.T) {
	_, as := setup(t)
	cases := []struct {
		name        string
		facts       []provider.Fact
		status      assessment.Status
		explanation string
	}{
		{"ZBC below € 100.000, 12% share and 1 year is not eligible",
			complete(zzFact("omzet_verzekeraar", "8000000"), zzFact("marktaandeel_verzekeraar", "12")),
			assessment.NotMet,
			"Omzet Zorg en Zekerheid-verzekerden € 80.000,00 < € 100.000,00, marktaandeel Zorg en Zekerheid 12% < 25% en jaren volwaardig in bedrijf 1 < 2"},
		{"ZBC with exactly € 100.000 revenue meets it",
			complete(zzFact("omzet_verzekeraar", "10000000")), assessment.Met,
			"Omzet Zorg en Zekerheid-verzekerden € 100.000,00 ≥ € 100.000,00"},
		{"ZBC one cent below € 100.000 does not",
			complete(zzFact("omzet_verzekeraar", "9999999")), assessment.NotMet,
			"Omzet Zorg en Zekerheid-verzekerden € 99.999,99 < € 100.000,00"},
		{"ZBC below € 100k revenue but 25% market share is eligible",
			complete(zzFact("omzet_verzekeraar", "100"), zzFact("marktaandeel_verzekeraar", "25")), assessment.Met,
			"Marktaandeel Zorg en Zekerheid 25% ≥ 25%"},
		{"unknown revenue is decided by a 30% market share",
			[]provider.Fact{zzFact("marktaandeel_verzekeraar", "30")}, assessment.Met,
			"Marktaandeel Zorg en Zekerheid 30% ≥ 25%"},
		{"unknown revenue with a small share stays unknown, never false",
			[]provider.Fact{zzFact("marktaandeel_verzekeraar", "3"), fact("jaren_volwaardig_in_bedrijf", "1")}, assessment.Unknown,
			"Omzet Zorg en Zekerheid-verzekerden onbekend"},
		{"revenue with another insurer does not count",
			complete(zzFact("omzet_verzekeraar", "100"), provider.Fact{Key: "omzet_verzekeraar", Insurer: "cz-groep", Value: "90000000", Source: "aanbieder", Date: "2023-01-01"}),
			assessment.NotMet, "€ 1,00 < € 100.000,00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := as.Assess(zbc(tc.facts...))
			it := item(t, r, "zbc-omzet")
			if it.Status != tc.status || !strings.Contains(it.Explanation, tc.explanation) {
				t.Errorf("status %s, explanation %q; want %s containing %q", it.Status, it.Explanation, tc.status, tc.explanation)
			}
		})
	}
}

func TestOutcomes(t *testing.T) {
	_, as := setup(t)
	cases := []struct {
		name    string
		p       *provider.Provider
		outcome assessment.Outcome
		score   int
	}{
		{"all knock-outs met is eligible", zbc(complete()...), assessment.Eligible, 10},
		{"bankruptcy is an exclusion ground", zbc(complete(fact("in_faillissement", "true"))...), assessment.NotEligible, 10},
		{"missing evidence makes the assessment incomplete", zbc(complete(fact("nen_7510_geldig_tot", "2025-01-01"))...), assessment.Incomplete, 10},
		{"certificate expiring the day before the reference date fails", zbc(complete(withEvidence(fact("nen_7510_geldig_tot", "2023-12-31"), "x.pdf"))...), assessment.NotEligible, 10},
		{"certificate valid on the reference date passes", zbc(complete(withEvidence(fact("nen_7510_geldig_tot", "2024-01-01"), "x.pdf"))...), assessment.Eligible, 10},
		{"a failed guiding criterion lowers the score but never knocks out", zbc(complete(fact("zkn_lid", "false"))...), assessment.Eligible, 0},
		{"no facts at all is incomplete", zbc(), assessment.Incomplete, 0},
		{"a GP practice is outside an MSZ policy", &provider.Provider{ID: "ha", Name: "Huisartsenpraktijk", CareTypes: []string{"huisarts"}}, assessment.OutOfScope, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := as.Assess(tc.p)
			if r.Outcome != tc.outcome || r.Score != tc.score {
				t.Errorf("outcome %s score %d; want %s score %d\n%+v", r.Outcome, r.Score, tc.outcome, tc.score, r.Items)
			}
		})
	}
}

func TestRequirementsApplyOnlyToTheirCareTypes(t *testing.T) {
	_, as := setup(t)
	hospital := &provider.Provider{ID: "zh", Name: "Ziekenhuis Rivierenland", CareTypes: []string{"ziekenhuis"}, Facts: complete(zzFact("omzet_verzekeraar", "1"))}
	r := as.Assess(hospital)
	it := item(t, r, "zbc-omzet")
	if it.Status != assessment.NotApplicable || !strings.Contains(it.Explanation, "Zelfstandig behandelcentrum (ZBC)") {
		t.Errorf("ZBC revenue rule on a hospital: %s %q", it.Status, it.Explanation)
	}
	if r.Outcome != assessment.Eligible {
		t.Errorf("outcome %s", r.Outcome)
	}
}

func TestExplanationsNameFactsAndDates(t *testing.T) {
	_, as := setup(t)
	r := as.Assess(zbc(complete(fact("nen_7510_geldig_tot", "2023-12-31"), fact("zkn_lid", "false"))...))
	nen := item(t, r, "nen")
	if want := "NEN 7510-certificaat geldig tot 31 december 2023 < peildatum 1 januari 2024"; !strings.Contains(nen.Explanation, want) {
		t.Errorf("nen: %q, want %q", nen.Explanation, want)
	}
	if want := "31 december 2023 < peildatum 1 januari 2024. Bewijsstuk ontbreekt"; !strings.HasSuffix(nen.Explanation, want) || strings.Count(nen.Explanation, "31 december 2023") != 1 {
		t.Errorf("nen: %q, want the date once and then %q", nen.Explanation, want)
	}
	zkn := item(t, r, "zkn")
	if want := "Aangesloten bij Zelfstandige Klinieken Nederland (ZKN): nee"; zkn.Explanation != want {
		t.Errorf("zkn: %q, want %q", zkn.Explanation, want)
	}
	if visie := item(t, r, "visie"); visie.Status != assessment.Review {
		t.Errorf("review item: %s", visie.Status)
	}
}

// Run in parallel must give the same summaries as one at a time, in input order.
func TestRunMatchesSingleAssessments(t *testing.T) {
	_, as := setup(t)
	var ps []provider.Provider
	for i := 0; i < 500; i++ {
		p := zbc(complete(zzFact("omzet_verzekeraar", strings.Repeat("9", 1+i%9)))...)
		p.ID = "p-" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		ps = append(ps, *p)
	}
	got, err := as.Run(context.Background(), assessment.Slice(ps), 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ps) {
		t.Fatalf("%d summaries for %d providers", len(got), len(ps))
	}
	for i := range ps {
		want := as.Assess(&ps[i])
		if got[i].ProviderID != ps[i].ID || got[i].Outcome != want.Outcome || got[i].Score != want.Score {
			t.Fatalf("provider %d: run gave %+v, single gave %+v", i, got[i], want.Summary)
		}
	}
}
