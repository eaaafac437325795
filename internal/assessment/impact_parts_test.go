package assessment

import (
	"io/fs"
	"strings"
	"testing"

	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/policies"
)

// A draft that drops a condition of a part changes that part's outcome only, for a
// provider that asked for the part under the version in force (its choice counts for the
// draft too); the dropped requirement is named as what made the difference. (The store
// does not keep part choices yet, so this judges a provider held in memory.)
func TestImpactReportsAChangeOfOnePart(t *testing.T) {
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	old, err := lib.Policy("zz-msz-2024")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := fs.ReadFile(policies.FS, "zz-msz-2024.yaml")
	src := strings.Replace(string(raw), "id: zz-msz-2024\n", "id: zz-msz-2025\n", 1)
	i := strings.Index(src, "  - id: add-on-advies-geneesmiddelcommissie")
	j := strings.Index(src[i+1:], "  - id: ")
	if i < 0 || j < 0 {
		t.Fatal("zz-msz-2024 has no requirement add-on-advies-geneesmiddelcommissie")
	}
	draft, err := lib.Parse("zz.yaml", []byte(src[:i]+src[i+1+j:]))
	if err != nil {
		t.Fatal(err)
	}
	fact := func(key, value, insurer string) provider.Fact {
		return provider.Fact{Key: key, Value: value, Insurer: insurer, Source: provider.SourceProvider, Date: "2023-06-01"}
	}
	p := provider.Provider{ID: "zbc-add-on", Name: "Kliniek Add-on", CareTypes: []string{"zbc"},
		Parts: []provider.PartChoice{{Policy: old.ID, Part: "nieuw-add-on-geneesmiddel", By: provider.SourceProvider}},
		Facts: []provider.Fact{fact("add_on_verzoek_vooraf_schriftelijk", "true", old.Insurer),
			fact("add_on_positief_advies_geneesmiddelcommissie", "false", "")}}
	im := newImpact(lib, old, draft)
	var changes []Change
	if err := im.judge(&p, func(c *Change) error {
		cp := *c
		cp.Requirements = append([]StatusChange(nil), c.Requirements...)
		changes = append(changes, cp)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 {
		t.Fatalf("changes %+v", changes)
	}
	c := changes[0]
	// Incomplete, not eligible: a part is worth no more than the base contract, of which
	// this provider has no facts.
	if c.Part != "nieuw-add-on-geneesmiddel" || c.Old != NotEligible || c.New != Incomplete || c.OldText != "komt niet in aanmerking" {
		t.Errorf("change %+v", c)
	}
	if len(c.Requirements) != 1 || c.Requirements[0].ID != "add-on-advies-geneesmiddelcommissie" ||
		c.Requirements[0].Old != NotMet || c.Requirements[0].New != "" {
		t.Errorf("requirements that made the difference: %+v", c.Requirements)
	}
	for _, pt := range im.totals.Parts {
		want := 0
		if pt.Part == "nieuw-add-on-geneesmiddel" {
			want = 1
		}
		if pt.Incomplete != want || pt.Eligible+pt.NotEligible+pt.NotJudged != 0 {
			t.Errorf("totals of %q: %+v", pt.Part, pt)
		}
	}
}
