package assessment_test

import (
	"strings"
	"testing"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/policies"
)

// partsPolicy buys a base contract, care bought selectively (asked for by the provider),
// a module the insurer offers to some and one it offers to all.
const partsPolicy = `id: zz-parts-2024
title: Testbeleid met onderdelen
insurer: zorg-en-zekerheid
sector: msz
contract_years: [2024]
source: {file: test.txt, title: Testbeleid}
care_types: [zbc, ziekenhuis]
base: {id: basis, title: Overeenkomst medisch-specialistische zorg, source: test.txt §3}
parts:
  - {id: borstkanker, title: Borstkankerzorg, source: test.txt §4.1, care_types: [ziekenhuis], initiative: provider, requires: basis}
  - {id: telemonitoring, title: Telemonitoring, source: test.txt §4.2, initiative: insurer}
  - {id: hybride, title: Hybride zorg, source: test.txt §4.3, initiative: insurer, offered_to_all: true}
  - {id: tm-thuis, title: Addendum telemonitoring thuis, source: test.txt §4.4, initiative: provider, requires: telemonitoring}
requirements:
  - id: geen-faillissement
    kind: exclusion
    title: Geen faillissement
    text: Wij contracteren niet met een zorgaanbieder in faillissement.
    source: test.txt §5.1
    rule: "!in_faillissement"
  - id: nieuwkomer-omzet
    kind: knockout
    title: Omzet nieuwkomer
    text: Een nieuwe zorgaanbieder heeft ten minste € 100.000 omzet.
    source: test.txt §5.2
    rule: lopend_contract || omzet_verzekeraar >= eur(100000)
  - id: volumenorm
    kind: knockout
    title: Volumenorm borstkanker
    text: Ten minste 150 operaties per jaar. Dan contracteren we hen niet langer voor deze zorg.
    source: test.txt §4.1
    part: borstkanker
    rule: jaren_volwaardig_in_bedrijf >= 150
  - id: tm-nen
    kind: knockout
    title: NEN voor telemonitoring
    text: Telemonitoring vraagt een geldig NEN 7510-certificaat.
    source: test.txt §4.2
    part: telemonitoring
    rule: nen_7510_geldig_tot >= peildatum
  - id: hybride-gesprek
    kind: guiding
    title: Hybride zorg in gesprek
    text: Wij verwachten dat u met ons in gesprek gaat over hybride zorg.
    source: test.txt §4.3
    part: hybride
    points: 1
    rule: zkn_lid
  - id: ondoelmatig
    kind: review
    title: "Uitsluiting mogelijk: ondoelmatige zorg"
    text: Bij ondoelmatige zorg kunnen wij de zorgaanbieder uitsluiten.
    source: test.txt §5.3
    rule: "!in_liquidatie"
  - id: wij-publiceren
    kind: information
    title: Publicatie gecontracteerde zorgaanbieders
    text: Wij publiceren de gecontracteerde zorgaanbieders op onze website.
    source: test.txt §6
`

func partsSetup(t *testing.T) (*policy.Compiled, *assessment.Assessor) {
	t.Helper()
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	c, err := lib.Parse("parts.yaml", []byte(partsPolicy))
	if err != nil {
		t.Fatal(err)
	}
	lib.Add(c)
	return c, assessment.New(lib, c)
}

func part(t *testing.T, r assessment.Result, id string) assessment.PartResult {
	t.Helper()
	for _, p := range r.Contract {
		if p.Part == id {
			return p
		}
	}
	t.Fatalf("no outcome for part %s in %+v", id, r.Contract)
	return assessment.PartResult{}
}

func TestPartsAreJudgedApart(t *testing.T) {
	_, as := partsSetup(t)
	hospital := func(facts []provider.Fact, parts ...string) *provider.Provider {
		p := &provider.Provider{ID: "zh-1", Name: "Ziekenhuis Rivierenland", CareTypes: []string{"ziekenhuis"}, Facts: facts}
		for _, pt := range parts {
			by := provider.SourceProvider
			if pt == "telemonitoring" {
				by = provider.SourceInsurer
			}
			p.Parts = append(p.Parts, provider.PartChoice{Policy: "zz-parts-2024", Part: pt, By: by})
		}
		return p
	}
	good := []provider.Fact{fact("in_faillissement", "false"), zzFact("omzet_verzekeraar", "20000000"), fact("in_liquidatie", "false")}

	t.Run("failing a part's condition excludes that part only", func(t *testing.T) {
		r := as.Assess(hospital(append(good, fact("jaren_volwaardig_in_bedrijf", "90")), "borstkanker"))
		if r.Outcome != assessment.Eligible {
			t.Fatalf("base outcome = %s, want eligible: %+v", r.Outcome, r.Contract[0])
		}
		bk := part(t, r, "borstkanker")
		if bk.Outcome != assessment.NotEligible || !strings.Contains(bk.Explanation, "Volumenorm borstkanker") {
			t.Fatalf("borstkanker = %+v", bk)
		}
		if r.PartOutcomes[0] != assessment.NotEligible {
			t.Fatalf("summary part outcomes = %v", r.PartOutcomes)
		}
	})
	t.Run("a part nobody asked for or offered is not judged", func(t *testing.T) {
		r := as.Assess(hospital(good))
		if bk := part(t, r, "borstkanker"); bk.Outcome != assessment.NotRequested || bk.OutcomeText != "niet aangevraagd" {
			t.Fatalf("borstkanker = %+v", bk)
		}
		if tm := part(t, r, "telemonitoring"); tm.Outcome != assessment.NotRequested || tm.OutcomeText != "niet aangeboden" {
			t.Fatalf("telemonitoring = %+v", tm)
		}
		if r.Outcome != assessment.Eligible {
			t.Fatalf("base = %s: unrequested parts must not leave the base incomplete", r.Outcome)
		}
		it := item(t, r, "volumenorm")
		if it.Status != assessment.NotApplicable || !strings.Contains(it.Explanation, "niet is aangevraagd") {
			t.Fatalf("volumenorm item = %+v", it)
		}
	})
	t.Run("an offered part is judged; one offered to all is judged for everyone", func(t *testing.T) {
		r := as.Assess(hospital(good, "telemonitoring"))
		if tm := part(t, r, "telemonitoring"); tm.Outcome != assessment.Incomplete {
			t.Fatalf("telemonitoring without a NEN date = %+v, want incomplete", tm)
		}
		if hy := part(t, r, "hybride"); hy.Outcome != assessment.Eligible {
			t.Fatalf("hybride (guiding only, offered to all) = %+v", hy)
		}
	})
	t.Run("an addendum is worth no more than the agreement it adds to", func(t *testing.T) {
		p := hospital(good, "telemonitoring", "tm-thuis")
		if r := as.Assess(p); part(t, r, "tm-thuis").Outcome != assessment.Incomplete {
			t.Fatalf("addendum to an incomplete telemonitoring part = %+v", part(t, r, "tm-thuis"))
		}
		p.Facts = append(p.Facts, fact("nen_7510_geldig_tot", "2020-01-01"))
		tm := part(t, as.Assess(p), "tm-thuis")
		if tm.Outcome != assessment.NotEligible || !strings.Contains(tm.Explanation, "Vereist telemonitoring, waarvoor de uitkomst is: komt niet in aanmerking") {
			t.Fatalf("addendum to a failed telemonitoring part = %+v", tm)
		}
		bankrupt := []provider.Fact{fact("in_faillissement", "true"), zzFact("omzet_verzekeraar", "20000000"), fact("in_liquidatie", "false"),
			fact("jaren_volwaardig_in_bedrijf", "200")}
		r := as.Assess(hospital(bankrupt, "borstkanker"))
		if bk := part(t, r, "borstkanker"); r.Outcome != assessment.NotEligible || bk.Outcome != assessment.NotEligible ||
			!strings.Contains(bk.Explanation, "Vereist overeenkomst medisch-specialistische zorg, waarvoor de uitkomst is: komt niet in aanmerking") {
			t.Fatalf("base %s, borstkanker %+v", r.Outcome, bk)
		}
	})
	t.Run("a part open to other care types is out of scope", func(t *testing.T) {
		p := hospital(good, "borstkanker")
		p.CareTypes = []string{"zbc"}
		if bk := part(t, as.Assess(p), "borstkanker"); bk.Outcome != assessment.OutOfScope {
			t.Fatalf("borstkanker for a ZBC = %+v", bk)
		}
	})
	t.Run("a running contract is not judged as a newcomer", func(t *testing.T) {
		small := []provider.Fact{fact("in_faillissement", "false"), zzFact("omzet_verzekeraar", "100"), fact("in_liquidatie", "false")}
		if r := as.Assess(hospital(small)); r.Outcome != assessment.NotEligible {
			t.Fatalf("newcomer with € 1 = %s", r.Outcome)
		}
		p := hospital(small)
		p.Contracts = []provider.Contract{{Insurer: "zorg-en-zekerheid", Policy: "zz-msz-2023", FirstYear: 2023, LastYear: 2024}}
		r := as.Assess(p)
		if r.Outcome != assessment.Eligible {
			t.Fatalf("inside a 2023–2024 contract = %s: %+v", r.Outcome, item(t, r, "nieuwkomer-omzet"))
		}
		if e := item(t, r, "nieuwkomer-omzet").Explanation; !strings.Contains(e, "opend contract met Zorg en Zekerheid in dit contractjaar") {
			t.Fatalf("explanation = %q", e)
		}
		p.Contracts[0].LastYear = 2023 // ended: a newcomer again
		if r := as.Assess(p); r.Outcome != assessment.NotEligible {
			t.Fatalf("after the contract ended = %s", r.Outcome)
		}
	})
	t.Run("a discretionary ground is reviewed, never a knock-out; information is never judged", func(t *testing.T) {
		bad := []provider.Fact{fact("in_faillissement", "false"), zzFact("omzet_verzekeraar", "20000000"), fact("in_liquidatie", "true")}
		r := as.Assess(hospital(bad))
		if it := item(t, r, "ondoelmatig"); it.Status != assessment.Review || r.Outcome != assessment.Eligible {
			t.Fatalf("review = %+v, base %s", it, r.Outcome)
		}
		if it := item(t, as.Assess(hospital(good)), "ondoelmatig"); it.Status != assessment.Met {
			t.Fatalf("review whose rule holds = %+v", it)
		}
		for _, it := range r.Items {
			if it.RequirementID == "wij-publiceren" {
				t.Fatalf("information was judged: %+v", it)
			}
		}
	})
}

func TestPartsRefuseBadDeclarations(t *testing.T) {
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ from, to, want string }{
		"unknown part":          {"part: telemonitoring", "part: teleconsult", `requirements[3].part: unknown part "teleconsult"`},
		"part without a source": {"source: test.txt §4.2, initiative", "initiative", "parts[1].source: is required"},
		"unknown initiative":    {"initiative: provider, requires: basis}", "initiative: iedereen, requires: basis}", `parts[0].initiative: "iedereen" is not one of provider, insurer`},
		"requires a later part": {"requires: basis}", "requires: tm-thuis}", `parts[0].requires: "tm-thuis" is neither the base contract nor a part declared before this one`},
		"information with rule": {"    source: test.txt §6\n", "    source: test.txt §6\n    rule: zkn_lid\n", "requirements[6].kind: information is never judged"},
	} {
		t.Run(name, func(t *testing.T) {
			src := strings.Replace(partsPolicy, tc.from, tc.to, 1)
			if src == partsPolicy {
				t.Fatal("replacement did not apply")
			}
			_, err := lib.Parse("parts.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "parts.yaml:") {
				t.Fatalf("err = %v, want %q with file and line", err, tc.want)
			}
		})
	}
}

func TestGuidingCriterionWithoutRuleIsNotScored(t *testing.T) {
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(partsPolicy, "    rule: zkn_lid\n", "", 1)
	c, err := lib.Parse("parts.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lib.Add(c)
	p := &provider.Provider{ID: "zh-1", Name: "Ziekenhuis", CareTypes: []string{"ziekenhuis"}, Facts: []provider.Fact{fact("zkn_lid", "true")}}
	r := assessment.New(lib, c).Assess(p)
	if it := item(t, r, "hybride-gesprek"); it.Status != assessment.Review || it.MaxPoints != 0 {
		t.Fatalf("guiding without rule = %+v, want ter beoordeling without points", it)
	}
	if r.MaxScore != 0 {
		t.Fatalf("max score %d counts points nobody can earn from facts", r.MaxScore)
	}
	_, as := partsSetup(t)
	if r := as.Assess(p); r.MaxScore != 1 || r.Score != 1 {
		t.Fatalf("with its rule: score %d of %d, want 1 of 1", r.Score, r.MaxScore)
	}
}

func TestRequirementThatAppliesOnlyUnderItsCondition(t *testing.T) {
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(partsPolicy, "    points: 1\n    rule: zkn_lid\n", "    points: 1\n    applies_if: in_kernwerkgebied_verzekeraar\n    rule: zkn_lid\n", 1)
	c, err := lib.Parse("parts.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lib.Add(c)
	as := assessment.New(lib, c)
	p := func(facts ...provider.Fact) *provider.Provider {
		return &provider.Provider{ID: "zh-1", Name: "Ziekenhuis", CareTypes: []string{"ziekenhuis"}, Facts: append(facts, fact("zkn_lid", "true"))}
	}
	outside := as.Assess(p(zzFact("in_kernwerkgebied_verzekeraar", "false")))
	if it := item(t, outside, "hybride-gesprek"); it.Status != assessment.NotApplicable || !strings.Contains(it.Explanation, "Geldt alleen als") || outside.MaxScore != 0 {
		t.Fatalf("outside the core area: %+v, max score %d; want n.v.t. without points", it, outside.MaxScore)
	}
	inside := as.Assess(p(zzFact("in_kernwerkgebied_verzekeraar", "true")))
	if it := item(t, inside, "hybride-gesprek"); it.Status != assessment.Met || inside.Score != 1 || inside.MaxScore != 1 {
		t.Fatalf("inside the core area: %+v, score %d of %d", it, inside.Score, inside.MaxScore)
	}
	unknown := as.Assess(p())
	if it := item(t, unknown, "hybride-gesprek"); it.Status != assessment.Unknown || !strings.Contains(it.Explanation, "Onbekend of deze eis geldt") {
		t.Fatalf("core area unknown: %+v", it)
	}
	bad := strings.Replace(src, "applies_if: in_kernwerkgebied_verzekeraar", "applies_if: in_kernwerkgebied_verzekeraar >= 'ja'", 1)
	if _, err := lib.Parse("parts.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), ".applies_if: the condition does not compile") {
		t.Fatalf("a condition that does not compile: %v", err)
	}
}
