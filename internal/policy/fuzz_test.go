package policy_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/policies"
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
	names, err := fs.Glob(policies.FS, "*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		if n == "registry.yaml" {
			continue
		}
		data, err := fs.ReadFile(policies.FS, n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
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
