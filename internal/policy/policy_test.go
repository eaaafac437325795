package policy_test

import (
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/policies"
)

// base loads the shipped registry and fact vocabulary.
func base(t testing.TB) *policy.Library {
	t.Helper()
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatalf("load registry and facts: %v", err)
	}
	return lib
}

const validPolicy = `id: test-2024
title: Testbeleid 2024
insurer: zorg-en-zekerheid
labels: [zorg-en-zekerheid]
policy_types: [natura]
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
timeline:
  - {id: offerte, kind: deadline, what: Offerte indienen, actor: zorgaanbieder, date: 2023-07-01, hard: true, source: test.txt §6}
windows:
  - {id: bij, kind: additional_purchasing, title: Aanvullende inkoop, opens: 2024-08-01, closes: 2024-10-01, answer_within: 6w, source: test.txt §7}
base: {id: basis, title: Basisovereenkomst, source: test.txt §3}
`

// The shipped policy files must all load and validate: they are the product's specification.
func TestShippedPoliciesLoad(t *testing.T) {
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatalf("shipped policies do not load:\n%v", err)
	}
	for _, c := range lib.Policies() {
		if len(c.Requirements) == 0 {
			t.Errorf("%s has no requirements", c.ID)
		}
		for i, r := range c.Requirements {
			if r.Rule != "" && c.Rules[i] == nil {
				t.Errorf("%s: requirement %s has a rule that was not compiled", c.ID, r.ID)
			}
		}
	}
}

func TestValidPolicyParses(t *testing.T) {
	lib := base(t)
	c, err := lib.Parse("test.yaml", []byte(validPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if c.ReferenceDate.String() != "2024-01-01" {
		t.Errorf("reference date defaults to 1 January of the contract year, got %s", c.ReferenceDate)
	}
	if got := c.Windows[0].AnswerWithin.Dutch(); got != "6 weken" {
		t.Errorf("answer term = %q", got)
	}
	if facts := c.Rules[0].Facts; strings.Join(facts, ",") != "omzet_verzekeraar,marktaandeel_verzekeraar,jaren_volwaardig_in_bedrijf" {
		t.Errorf("referenced facts = %v", facts)
	}
}

// Every broken policy is refused with file, line and a message that says what is wrong.
func TestBrokenPolicyNamesFileLineAndField(t *testing.T) {
	cases := []struct {
		name, from, to string
		line           int
		field, message string
	}{
		{"undeclared fact in rule", "omzet_verzekeraar >= eur(100000)", "omzet_onbekend >= eur(100000)", 19, "requirements[0].rule", "undeclared reference to 'omzet_onbekend'"},
		{"rule that is not a condition", "rule: >-\n      omzet_verzekeraar >= eur(100000) || marktaandeel_verzekeraar >= 25 ||\n      jaren_volwaardig_in_bedrijf >= 2", "rule: omzet_verzekeraar + 1", 18, "requirements[0].rule", "must be true or false"},
		{"unknown field", "    care_types: [zbc]\n", "    care_types: [zbc]\n    drempel: 3\n", 18, "requirements[0].drempel", `unknown field "drempel"`},
		{"bad date", "date: 2023-07-01", "date: 2023-13-01", 22, "", "not a date"},
		{"unknown insurer", "insurer: zorg-en-zekerheid", "insurer: zz", 3, "insurer", `unknown insurer "zz"`},
		{"unknown care type", "care_types: [zbc]\n", "care_types: [kliniek]\n", 17, "requirements[0].care_types[0]", `unknown care type "kliniek"`},
		{"unknown kind", "kind: knockout", "kind: verplicht", 13, "requirements[0].kind", `"verplicht" is not one of`},
		{"window closes before it opens", "closes: 2024-10-01", "closes: 2024-07-01", 24, "windows[0].closes", "closes"},
		{"bad answer term", "answer_within: 6w", "answer_within: zes weken", 24, "", "not a term"},
		{"knockout without rule", "    rule: >-\n      omzet_verzekeraar >= eur(100000) || marktaandeel_verzekeraar >= 25 ||\n      jaren_volwaardig_in_bedrijf >= 2\n", "", 12, "requirements[0].rule", "needs a rule"},
		{"label of another insurer", "labels: [zorg-en-zekerheid]", "labels: [ohra]", 4, "labels[0]", `label "ohra" is not a label of Zorg en Zekerheid`},
		{"duplicate key", "sector: msz", "sector: msz\nsector: hz", 7, "", `"sector" already defined at line 6`},
		{"NUL escaped in a title", "title: Minimale omzet ZBC", `title: "Minimale\0omzet"`, 14, "requirements[0].title", "NUL"},
		{"NUL byte in the file", "title: Minimale omzet ZBC", "title: Minimale\x00omzet", 14, "", "NUL byte"},
		{"invalid UTF-8", "title: Minimale omzet ZBC", "title: Minimale\xffomzet", 14, "", "not valid UTF-8"},
	}
	lib := base(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(validPolicy, tc.from, tc.to, 1)
			if src == validPolicy {
				t.Fatalf("test case did not change the policy")
			}
			_, err := lib.Parse("broken.yaml", []byte(src))
			errs := apperr.Errors(err)
			if len(errs) == 0 {
				t.Fatalf("broken policy accepted (err=%v)", err)
			}
			e := errs[0]
			if e.File != "broken.yaml" || e.Line != tc.line || !strings.Contains(e.Field, tc.field) || !strings.Contains(e.Message, tc.message) {
				t.Errorf("got %q (line %d, field %q); want line %d, field %q, message containing %q", e.Error(), e.Line, e.Field, tc.line, tc.field, tc.message)
			}
		})
	}
}

// Rules over list facts have a finite cost bound (facts hold at most MaxListItems items),
// so ordinary membership tests compile, while a rule that could do a million steps is
// refused when the policy loads.
func TestRuleCostIsBoundedByFactSizes(t *testing.T) {
	lib := base(t)
	for _, expr := range []string{
		`'zbc' in zorgsoorten`,
		`zorgsoorten.exists(z, z == 'ziekenhuis' || z == 'umc')`,
		`specialismen.all(s, s != '') && size(specialismen) > 0`,
	} {
		if _, err := lib.Env.Compile(expr); err != nil {
			t.Errorf("Compile(%s): %v", expr, err)
		}
	}
	costly := `zorgsoorten.all(a, zorgsoorten.all(b, zorgsoorten.all(c, a + b + c != '')))`
	_, err := lib.Env.Compile(costly)
	if err == nil || !strings.Contains(err.Error(), "too costly") {
		t.Errorf("Compile(%s) = %v, want a 'too costly' error", costly, err)
	}
}

// A rule longer than MaxRuleLength is refused before the compiler sees it.
func TestOverlongRuleIsRefused(t *testing.T) {
	lib := base(t)
	long := "true" + strings.Repeat(" && true", policy.MaxRuleLength/8)
	_, err := lib.Env.Compile(long)
	if err == nil || !strings.Contains(err.Error(), "at most 4000") {
		t.Errorf("Compile(%d bytes) = %v, want a length error", len(long), err)
	}
}

// A file that is not valid YAML is refused on the line of the problem: yaml.v3 reports its
// parser errors a line early (or where the enclosing list starts), which sent a policy
// writer to the wrong line.
func TestYAMLSyntaxErrorIsOnItsOwnLine(t *testing.T) {
	cases := []struct {
		name, from, to string
		line           int
	}{
		// requirements[0].title indented one space less than its siblings: line 14.
		{"key indented wrongly in a list item", "    title: Minimale omzet ZBC", "   title: Minimale omzet ZBC", 14},
		// a list item among the keys of the policy: line 7.
		{"list item among keys", "sector: msz\n", "sector: msz\n- zbc\n", 7},
		// a key indented less than the keys before it, inside a mapping: line 11.
		{"mapping key outdented", "care_types: [zbc, ziekenhuis]\n", "care_types: [zbc, ziekenhuis]\n extra: 1\n", 11},
		// scanner errors were already right; they stay so.
		{"mapping value in a plain scalar", "sector: msz", "sector: msz: hz", 6},
		{"tab as indentation", "    kind: knockout", "\tkind: knockout", 13},
	}
	lib := base(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(validPolicy, tc.from, tc.to, 1)
			if src == validPolicy {
				t.Fatal("test case did not change the policy")
			}
			_, err := lib.Parse("broken.yaml", []byte(src))
			errs := apperr.Errors(err)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %v", err)
			}
			if errs[0].Line != tc.line {
				t.Errorf("reported on line %d, want %d: %v", errs[0].Line, tc.line, errs[0])
			}
		})
	}
}

func TestMilestoneOfUnknownKindIsRefused(t *testing.T) {
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for from, want := range map[string]string{
		"kind: deadline,":      `test.yaml:22: timeline[0].kind: milestone kind "" is not one of opening, deadline, publication, third_party_decision, event`,
		"kind: deadline, what": `test.yaml:22: timeline[0].kind: milestone kind "ooit" is not one of`,
		"actor: zorgaanbieder": `test.yaml:22: timeline[0].actor_name: is required`,
	} {
		to := map[string]string{"kind: deadline,": "", "kind: deadline, what": "kind: ooit, what", "actor: zorgaanbieder": "actor: derde"}[from]
		src := strings.Replace(validPolicy, from, to, 1)
		_, err := lib.Parse("test.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s → %s: err = %v, want %q", from, to, err, want)
		}
	}
}

func TestDiffNamesPartsAddedAndRequirementsThatMove(t *testing.T) {
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := lib.Policy("zz-msz-2023")
	cur, _ := lib.Policy("zz-msz-2024")
	d := lib.Compare(old, cur)
	var added []string
	for _, pt := range d.PartsAdded {
		added = append(added, pt.ID)
	}
	if !slices.Contains(added, "transformatieplan") || slices.Contains(added, "basiszorg-umc") {
		t.Errorf("parts added = %v, want transformatieplan and not basiszorg-umc (in both)", added)
	}
	// Move a requirement into a part in a copy of 2024: the diff says from which to which.
	src := strings.Replace(string(cur.Raw), "  - id: zbc-minimale-omzet\n", "  - id: zbc-minimale-omzet\n    part: transformatieplan\n    applies_if: jaren_volwaardig_in_bedrijf >= 1\n", 1)
	moved, err := lib.Parse("moved.yaml", []byte(strings.Replace(src, "id: zz-msz-2024", "id: zz-msz-2024b", 1)))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	lib.Compare(cur, moved).Write(&out)
	if !strings.Contains(out.String(), "geldt voor: was iedereen, wordt ") {
		t.Errorf("diff does not say the requirement got a condition:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "onderdeel: was "+cur.Base.Title+", wordt Transformatieplan") {
		t.Errorf("diff does not say the requirement moved:\n%s", out.String())
	}
}

func TestMilestoneStepIsValidated(t *testing.T) {
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	second := "\n  - {id: teken, kind: deadline, what: Tekenen, actor: zorgaanbieder, date: 2023-11-01, source: test.txt §6, step: STEP2}"
	for name, tc := range map[string]struct{ step, extra, want string }{
		"an unknown step is refused":                 {"ooit", "", `test.yaml:22: timeline[0].step: step "ooit" is not one of application`},
		"publication only on kind publication":       {"publication", "", `timeline[0].step: step "publication" belongs on a milestone of kind publication, not deadline`},
		"a step has at most one milestone":           {"quote", strings.Replace(second, "STEP2", "quote", 1), `timeline[1].step: step "quote" is already the step of milestone "offerte"`},
		"a deadline step on an opening is refused":   {"quote", strings.Replace(strings.Replace(second, "STEP2", "signing", 1), "kind: deadline", "kind: opening", 1), `timeline[1].step: step "signing" belongs on a milestone of kind deadline, not opening`},
		"a known step on the right kind is accepted": {"quote", strings.Replace(second, "STEP2", "signing", 1), ""},
	} {
		t.Run(name, func(t *testing.T) {
			src := strings.Replace(validPolicy, "source: test.txt §6}", "source: test.txt §6, step: "+tc.step+"}"+tc.extra, 1)
			c, err := lib.Parse("test.yaml", []byte(src))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if m, ok := c.Milestone(policy.StepSigning); !ok || m.ID != "teken" {
					t.Errorf("signing milestone = %v, %v", m, ok)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDiffShowsAChangedStep(t *testing.T) {
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	old, err := lib.Parse("old.yaml", []byte(validPolicy))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := lib.Parse("new.yaml", []byte(strings.Replace(validPolicy, "source: test.txt §6}", "source: test.txt §6, step: quote}", 1)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	lib.Compare(old, cur).Write(&b)
	if !strings.Contains(b.String(), "stap: was geen, wordt offerte indienen") {
		t.Errorf("diff does not show the step:\n%s", b.String())
	}
}
