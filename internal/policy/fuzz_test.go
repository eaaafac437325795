package policy_test

import (
	"errors"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
)

// FuzzParse feeds Library.Parse, the entry point every policy file goes through (the CLI,
// the draft upload of the web and the API, the stored files at start-up), with mutations of
// the shipped policies. It must never panic; a file it accepts is a compiled policy whose
// every rule compiled; a file it refuses gets only apperr errors that name the file and a
// line in it.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s ./internal/policy
func FuzzParse(f *testing.F) {
	lib := base(f)
	// Small files: the mutator does more with them, and minimising each new input of a
	// shipped file (up to 80 kB) took the fuzzer's whole minute on a busy machine. The
	// shipped files themselves are checked by TestShippedPoliciesLoad.
	if _, err := lib.Parse("beleid.yaml", []byte(smallPolicy)); err != nil {
		f.Fatalf("the small policy is not valid: %v", err)
	}
	f.Add([]byte(smallPolicy))
	f.Add([]byte(strings.Replace(smallPolicy, "agb_code_zorgverlener && agb_geregistreerd", `omzet_totaal < 100000 || "x" in ["x"]`, 1)))
	f.Add([]byte("id: x\ntitle: &a y\nsector: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := lib.Parse("beleid.yaml", data)
		if err != nil {
			checkParseError(t, data, err)
			return
		}
		checkCompiled(t, c)
	})
}

func checkParseError(t *testing.T, data []byte, err error) {
	t.Helper()
	var list apperr.List
	var one *apperr.Error
	if !errors.As(err, &list) && !errors.As(err, &one) {
		t.Fatalf("error %T is not an apperr error: %v", err, err)
	}
	errs := apperr.Errors(err)
	if len(errs) == 0 {
		t.Fatalf("an empty error list: %v", err)
	}
	lines := strings.Count(string(data), "\n") + 1
	for _, e := range errs {
		if e.Code != apperr.Invalid {
			t.Errorf("code %s, want invalid: %v", e.Code, e)
		}
		if e.File != "beleid.yaml" {
			t.Errorf("error without the file name: %v", e)
		}
		if e.Line < 1 || e.Line > lines+1 {
			t.Errorf("line %d is not a line of the %d-line file: %v", e.Line, lines, e)
		}
	}
}

func checkCompiled(t *testing.T, c *policy.Compiled) {
	t.Helper()
	if c == nil || c.Policy == nil {
		t.Fatal("no error and no policy")
	}
	if len(c.Rules) != len(c.Requirements) {
		t.Fatalf("%d rules for %d requirements", len(c.Rules), len(c.Requirements))
	}
	for i, r := range c.Requirements {
		rule := c.Rules[i]
		if strings.TrimSpace(r.Rule) == "" {
			continue
		}
		if rule == nil || rule.Tree == nil {
			t.Errorf("requirement %s: the rule %q did not compile, yet the file was accepted", r.ID, r.Rule)
		}
	}
	if c.ID == "" || c.Title == "" || len(c.ContractYears) == 0 {
		t.Errorf("accepted without id, title or contract years: %+v", c.Policy)
	}
}

// Found by FuzzParse: YAML errors on the first line came without a line number.
func TestParseErrorsOnTheFirstLineNameIt(t *testing.T) {
	lib := base(t)
	for _, data := range []string{`"`, "id: \"x\ntitle: y\n", "[", "a: b: c", "\t"} {
		_, err := lib.Parse("beleid.yaml", []byte(data))
		if err == nil {
			t.Errorf("%q: accepted", data)
			continue
		}
		checkParseError(t, []byte(data), err)
	}
}

// smallPolicy is a valid policy file of two requirements with rules.
const smallPolicy = `id: fuzz-beleid
title: Klein beleid
insurer: cz-groep
sector: huisartsenzorg
contract_years: [2022]
published: 2021-04-01
source:
  file: beleid.txt
care_types: [huisarts]
requirements:
  - id: big
    kind: knockout
    title: BIG-registratie
    text: Een BIG-registratie als huisarts.
    source: "beleid.txt §1"
    care_types: [huisarts]
    rule: big_registratie_huisarts
  - id: agb
    kind: guiding
    title: AGB-code
    text: Een AGB-code.
    source: "beleid.txt §2"
    rule: agb_code_zorgverlener && agb_geregistreerd
    points: 2
base: {id: basis, title: Huisartsenovereenkomst, source: "beleid.txt §0"}
`
