package policy_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/policies"
)

// The claims section of the validPolicy fixture; the table below breaks it one way at a time.
const claimsSection = `claims:
  hold_until_signed:
    text: Pas als het inkooptraject met u volledig is afgerond, nemen we de declaraties in behandeling.
    source: test.txt §8
  supplementary_outside_ceiling:
    text: Zorg uit aanvullende verzekeringen maakt geen deel uit van het omzetplafond.
    source: test.txt §9
  authorisations:
    - id: msr-vervolg-dbc
      kind: machtiging
      title: Machtiging vervolg-DBC MSR
      text: Vóór het ingaan van een vervolg DBC wordt toestemming aangevraagd.
      source: test.txt §3
      zorgtypes: ["21"]
      specialisms: ["0327"]
    - id: add-on
      kind: toestemming
      title: Nieuwe add-on geneesmiddelen
      text: Wij vergoeden een middel alleen na schriftelijk akkoord.
      source: test.txt §4
      codes: ["Z", "190"]
      marked: true
`

func TestPolicyWithClaimsParses(t *testing.T) {
	c, err := base(t).Parse("test.yaml", []byte(validPolicy+claimsSection))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := c.Claims.Authorisation("msr-vervolg-dbc")
	if !ok || a.Kind != policy.Machtiging || a.Zorgtypes[0] != "21" || a.Specialisms[0] != "0327" {
		t.Errorf("msr-vervolg-dbc = %+v, %v", a, ok)
	}
	if got := a.Selectors(); got != "zorgtype 21; specialisme 0327" {
		t.Errorf("selectors in words = %q", got)
	}
	if c.Claims.HoldUntilSigned == nil || c.Claims.SupplementaryOutsideCeiling == nil || c.Claims.IsEmpty() {
		t.Errorf("claim texts not read: %+v", c.Claims)
	}
}

// Every broken claims section is refused with file, line, field and what is wrong.
func TestBrokenClaimsNameFileLineAndField(t *testing.T) {
	cases := []struct {
		name, from, to string
		line           int
		field, message string
	}{
		{"kind neither machtiging nor toestemming", "kind: machtiging", "kind: vergunning", 35, "claims.authorisations[0].kind", `"vergunning" is not one of machtiging, toestemming`},
		{"id twice", "id: add-on", "id: msr-vervolg-dbc", 41, "claims.authorisations[1].id", `id "msr-vervolg-dbc" is used twice`},
		{"id not lowercase-dashed", "id: add-on", "id: Add_On", 41, "claims.authorisations[1].id", "must be lowercase letters, digits and '-'"},
		{"id of a built-in rule", "id: add-on", "id: dubbel", 41, "claims.authorisations[1].id", `"dubbel" is the name of a built-in claim rule`},
		{"title missing", "      title: Machtiging vervolg-DBC MSR\n", "", 34, "claims.authorisations[0].title", "is required"},
		{"text missing", "      text: Vóór het ingaan van een vervolg DBC wordt toestemming aangevraagd.\n", "", 34, "claims.authorisations[0].text", "is required"},
		{"source missing", "      source: test.txt §3\n", "", 34, "claims.authorisations[0].source", "is required"},
		{"no selector", "      zorgtypes: [\"21\"]\n      specialisms: [\"0327\"]\n", "", 34, "claims.authorisations[0]", "set at least one of codes, zorgtypes, specialisms or marked"},
		{"zorgtype not 2 digits", `zorgtypes: ["21"]`, `zorgtypes: ["021"]`, 39, "claims.authorisations[0].zorgtypes[0]", `"021" is not a zorgtype code of 2 digits`},
		{"specialism not 4 digits", `specialisms: ["0327"]`, `specialisms: ["327"]`, 40, "claims.authorisations[0].specialisms[0]", `"327" is not a specialism code of 4 digits`},
		{"specialism listed twice", `specialisms: ["0327"]`, `specialisms: ["0327", "0327"]`, 40, "claims.authorisations[0].specialisms[1]", `"0327" is listed twice`},
		{"empty code prefix", `codes: ["Z", "190"]`, `codes: ["Z", ""]`, 46, "claims.authorisations[1].codes[1]", `"" is not a code prefix`},
		{"code prefix in lowercase", `codes: ["Z", "190"]`, `codes: ["z", "190"]`, 46, "claims.authorisations[1].codes[0]", `"z" is not a code prefix of 1 to 9 capital letters and digits`},
		{"code prefix longer than a zorgproductcode", `codes: ["Z", "190"]`, `codes: ["Z", "1901234567"]`, 46, "claims.authorisations[1].codes[1]", "is not a code prefix"},
		{"hold text missing", "    text: Pas als het inkooptraject met u volledig is afgerond, nemen we de declaraties in behandeling.\n", "", 28, "claims.hold_until_signed.text", "is required"},
		{"supplementary source missing", "    source: test.txt §9\n", "", 31, "claims.supplementary_outside_ceiling.source", "is required"},
		{"unknown field", "      marked: true\n", "      marked: true\n      percent: 80\n", 48, "claims.authorisations[1].percent", `unknown field "percent"`},
	}
	lib := base(t)
	fixture := validPolicy + claimsSection
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(fixture, tc.from, tc.to, 1)
			if src == fixture {
				t.Fatal("test case did not change the policy")
			}
			_, err := lib.Parse("broken.yaml", []byte(src))
			errs := apperr.Errors(err)
			if len(errs) != 1 {
				t.Fatalf("want exactly one error, got %v", err)
			}
			e := errs[0]
			if e.File != "broken.yaml" || e.Line != tc.line || e.Field != tc.field || !strings.Contains(e.Message, tc.message) {
				t.Errorf("got %q (line %d, field %q); want line %d, field %q, message containing %q", e.Error(), e.Line, e.Field, tc.line, tc.field, tc.message)
			}
		})
	}
}

// registryFS is the shipped policies folder with registry.yaml edited.
func registryFS(t *testing.T, from, to string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(policies.FS, path)
		m[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	reg := string(m["registry.yaml"].Data)
	if edited := strings.Replace(reg, from, to, 1); edited == reg {
		t.Fatalf("%q not in registry.yaml", from)
	} else {
		m["registry.yaml"].Data = []byte(edited)
	}
	return m
}

// A claim file names its insurer by the UZOVI number of a label: one that is not 4 digits
// or that two labels share is refused where the registry loads.
func TestBrokenUZOVINamesLineAndField(t *testing.T) {
	cases := []struct {
		name, from, to string
		field, message string
	}{
		{"not 4 digits", `uzovi: "9903"`, `uzovi: "993"`, "insurers[1].labels[0].uzovi", `UZOVI "993" of label cz is not 4 digits`},
		{"letters", `uzovi: "9903"`, `uzovi: "99O3"`, "insurers[1].labels[0].uzovi", "is not 4 digits"},
		{"shared by two labels of two insurers", `uzovi: "9906"`, `uzovi: "9901"`, "insurers[2].labels[0].uzovi", "UZOVI 9901 of label asr is also the UZOVI of label aevitae"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := registryFS(t, tc.from, tc.to)
			_, err := policy.LoadBase(fsys)
			errs := apperr.Errors(err)
			if len(errs) != 1 {
				t.Fatalf("want exactly one error, got %v", err)
			}
			e := errs[0]
			data, _ := fs.ReadFile(fsys, "registry.yaml")
			wantLine := 1 + strings.Count(string(data[:strings.LastIndex(string(data), tc.to)]), "\n")
			if e.File != "registry.yaml" || e.Line != wantLine || e.Field != tc.field || !strings.Contains(e.Message, tc.message) {
				t.Errorf("got %q (line %d, field %q); want line %d, field %q, message containing %q", e.Error(), e.Line, e.Field, wantLine, tc.field, tc.message)
			}
		})
	}
}

// Every label of the shipped registry has its own UZOVI number, and the number finds it.
func TestEveryShippedLabelHasAUZOVI(t *testing.T) {
	reg := base(t).Registry
	for _, ins := range reg.Insurers {
		for _, l := range ins.Labels {
			if l.UZOVI == "" {
				t.Errorf("label %s of %s has no UZOVI", l.ID, ins.ID)
				continue
			}
			gotIns, gotLabel, ok := reg.LabelByUZOVI(l.UZOVI)
			if !ok || gotIns.ID != ins.ID || gotLabel.ID != l.ID {
				t.Errorf("LabelByUZOVI(%s) = %v, %v, %v; want %s/%s", l.UZOVI, gotIns, gotLabel, ok, ins.ID, l.ID)
			}
		}
	}
	if _, _, ok := reg.LabelByUZOVI(""); ok {
		t.Error("an empty UZOVI finds a label")
	}
}

// The shipped policies carry the claim rules their texts state, and no others.
func TestShippedPoliciesClaimRules(t *testing.T) {
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		auths               []string // id:kind
		hold, supplementary bool
	}
	wants := map[string]want{
		"caresq-zbc-2026": {auths: []string{"msr-vervolg-dbc:machtiging"}},
		"zz-msz-2023":     {auths: []string{"nieuwe-add-on-geneesmiddelen:toestemming"}},
		"zz-msz-2024":     {auths: []string{"nieuwe-add-on-geneesmiddelen:toestemming"}},
		"asr-msz-2025":    {hold: true},
		"cz-msz-2024":     {supplementary: true},
		"cz-hz-mdz-2022":  {},
	}
	if len(lib.Policies()) != len(wants) {
		t.Errorf("%d policies shipped, the test knows %d", len(lib.Policies()), len(wants))
	}
	for _, c := range lib.Policies() {
		w, ok := wants[c.ID]
		if !ok {
			t.Errorf("no expectation for %s", c.ID)
			continue
		}
		var auths []string
		for _, a := range c.Claims.Authorisations {
			auths = append(auths, a.ID+":"+a.Kind)
		}
		if !slices.Equal(auths, w.auths) || (c.Claims.HoldUntilSigned != nil) != w.hold || (c.Claims.SupplementaryOutsideCeiling != nil) != w.supplementary {
			t.Errorf("%s claims = %v, hold %v, supplementary %v; want %+v", c.ID, auths, c.Claims.HoldUntilSigned != nil, c.Claims.SupplementaryOutsideCeiling != nil, w)
		}
	}
	caresq, _ := lib.Policy("caresq-zbc-2026")
	if a, _ := caresq.Claims.Authorisation("msr-vervolg-dbc"); !slices.Equal(a.Zorgtypes, []string{"21"}) || !slices.Equal(a.Specialisms, []string{"0327"}) || len(a.Codes) > 0 || a.Marked {
		t.Errorf("msr-vervolg-dbc selects %+v, want zorgtype 21 and specialism 0327 only", a)
	}
	zz, _ := lib.Policy("zz-msz-2024")
	if a, _ := zz.Claims.Authorisation("nieuwe-add-on-geneesmiddelen"); !a.Marked || len(a.Codes)+len(a.Zorgtypes)+len(a.Specialisms) > 0 ||
		!strings.Contains(normalize(a.Text), "Zorg en Zekerheid vergoedt een middel alleen als u schriftelijk akkoord van ons heeft ontvangen voor de betreffende indicatie") {
		t.Errorf("nieuwe-add-on-geneesmiddelen = %+v, want marked only, with the policy's wording", a)
	}
	asr, _ := lib.Policy("asr-msz-2025")
	if !strings.HasPrefix(normalize(asr.Claims.HoldUntilSigned.Text), "Pas als het inkooptraject met u volledig is afgerond, nemen we de declaraties over het betreffende contractjaar in behandeling.") {
		t.Errorf("a.s.r. hold text = %q", asr.Claims.HoldUntilSigned.Text)
	}
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// `policy diff` names the claim rules that came, went or changed, in words.
func TestDiffNamesClaimRules(t *testing.T) {
	lib := base(t)
	parse := func(name, src string) *policy.Compiled {
		t.Helper()
		c, err := lib.Parse(name, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	without, with := parse("old.yaml", validPolicy), parse("new.yaml", validPolicy+claimsSection)
	changed := parse("changed.yaml", strings.NewReplacer(`specialisms: ["0327"]`, `specialisms: ["0327", "0330"]`,
		"Wij vergoeden een middel alleen na schriftelijk akkoord.", "Wij vergoeden een middel alleen na ons akkoord.").Replace(validPolicy+claimsSection))
	for _, tc := range []struct {
		name     string
		old, new *policy.Compiled
		want     []string
	}{
		{"added", without, with, []string{"Claim rules",
			"  + " + policy.HoldUntilSignedTitle + " (hold_until_signed)\n",
			"  + " + policy.SupplementaryOutsideCeilingTitle + " (supplementary_outside_ceiling)\n",
			"  + Machtiging vervolg-DBC MSR (msr-vervolg-dbc, machtiging; zorgtype 21; specialisme 0327)\n",
			"  + Nieuwe add-on geneesmiddelen (add-on, toestemming; declaratiecode begint met Z, 190; prijslijstregels gemarkeerd als toestemming vereist)\n"}},
		{"removed", with, without, []string{"  - Machtiging vervolg-DBC MSR (msr-vervolg-dbc, machtiging; zorgtype 21; specialisme 0327)\n",
			"  - " + policy.HoldUntilSignedTitle + " (hold_until_signed)\n"}},
		{"changed", with, changed, []string{"  ~ Machtiging vervolg-DBC MSR (msr-vervolg-dbc)\n      regel: was machtiging; zorgtype 21; specialisme 0327, wordt machtiging; zorgtype 21; specialisme 0327, 0330\n",
			"  ~ Nieuwe add-on geneesmiddelen (add-on)\n      tekst gewijzigd, nu: Wij vergoeden een middel alleen na ons akkoord.\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			lib.Compare(tc.old, tc.new).Write(&b)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("diff lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
	if d := lib.Compare(with, with); len(d.Claims) != 0 {
		t.Errorf("a policy differs from itself in its claim rules: %+v", d.Claims)
	}
}
