package apptest

import (
	"context"
	"strings"
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/provider"
)

// What the tests of the policy desk share: a new version of B's policy that lowers the ZBC
// revenue threshold, and a ZBC whose outcome that changes.

// ZBCID and ZBCName name the ZBC that the lowered threshold lets through.
const (
	ZBCID   = "zbc-drempel"
	ZBCName = "Kliniek De Drempel"
)

// ZBCDraftYAML is PolicyB with another id and title, naming PolicyB as previous, and the
// ZBC revenue threshold lowered from € 100.000 to € 75.000.
func ZBCDraftYAML(t *testing.T, id, title string) []byte {
	t.Helper()
	src := string(DraftYAML(t, PolicyB+".yaml", id, title))
	i := strings.Index(src, "id: zbc-minimale-omzet")
	j := strings.Index(src[max(i, 0):], "eur(100000)")
	if i < 0 || j < 0 {
		t.Fatalf("%s has no ZBC revenue threshold of eur(100000)", PolicyB)
	}
	src = src[:i+j] + "eur(75000)" + src[i+j+len("eur(100000)"):]
	return []byte(setPrevious(t, src, PolicyB))
}

// setPrevious makes the file name prev as its previous version.
func setPrevious(t *testing.T, src, prev string) string {
	t.Helper()
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "previous:") {
			lines[i] = "previous: " + prev
			return strings.Join(lines, "\n")
		}
	}
	return strings.Replace(src, "\ninsurer:", "\nprevious: "+prev+"\ninsurer:", 1)
}

// ImportZBC imports a ZBC with € 80.000 revenue with B's insured and no other facts: not
// eligible under PolicyB (below € 100.000), no longer refused on revenue under the draft.
func ImportZBC(t *testing.T, e *Env) {
	t.Helper()
	revenue := fact("omzet_verzekeraar", "80000")
	revenue.Insurer, revenue.Source = InsurerB, provider.SourceInsurer
	ps := []provider.Provider{{ID: ZBCID, Name: ZBCName, KvK: "45678901",
		AGBCodes:  []provider.AGBCode{{Code: "22010001", Kind: provider.AGBInstitution}},
		CareTypes: []string{"zbc"},
		Locations: []provider.Location{{Name: "Kliniek", Street: "Drempelweg 1", Postcode: "3011 AA", City: "Rotterdam"}},
		Facts:     []provider.Fact{revenue, fact("marktaandeel_verzekeraar_binnen_instelling", "10"), fact("jaren_volwaardig_in_bedrijf", "1")}}}
	ps[0].Facts[1].Insurer, ps[0].Facts[1].Source = InsurerB, provider.SourceInsurer
	if err := e.Providers.Normalize(ps, nil); err != nil {
		t.Fatalf("ZBC: %v", err)
	}
	if err := e.Providers.Import(context.Background(), identity.System(), ps, nil, nil); err != nil {
		t.Fatalf("import ZBC: %v", err)
	}
}
