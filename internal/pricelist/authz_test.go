package pricelist_test

import (
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/pricelist"
)

// Prices are competition-sensitive: of the parties only the staff who negotiate or sign
// see them, and only the negotiators change them.
func TestWhoSeesProposesAndNegotiatesPrices(t *testing.T) {
	d := pricelist.Dossier{ID: dossierID, Insurer: insurerA, ProviderID: providerX}
	tests := []struct {
		name                 string
		p                    identity.Principal
		party, read, propose bool
		side                 pricelist.Side
	}{
		{"inkoper", who("a", identity.RoleBuyer), true, true, true, pricelist.SideInsurer},
		{"contractbeheerder", who("a", identity.RoleContractManager), true, true, true, pricelist.SideInsurer},
		{"inkoper of the purchasing party", who("ap", identity.RoleBuyer), true, true, true, pricelist.SideInsurer},
		{"medisch adviseur", who("a", identity.RoleMedicalAdvisor), true, false, false, ""},
		{"beheerder of the insurer", who("a", identity.RoleAdmin), true, false, false, ""},
		{"beheerder of the provider", who("x", identity.RoleAdmin), true, true, false, pricelist.SideProvider},
		{"contractmanager", who("x", identity.RoleProviderContractManager), true, true, false, pricelist.SideProvider},
		{"tekenbevoegde", who("x", identity.RoleSignatory), true, true, false, ""},
		{"invuller", who("x", identity.RoleFiller), true, false, false, ""},
		{"operator", operator, true, true, false, ""},
		{"inkoper of another insurer", who("b", identity.RoleBuyer), false, false, false, ""},
		{"beheerder of another provider", who("y", identity.RoleAdmin), false, false, false, ""},
		{"anonymous", identity.Anonymous, false, false, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			side, negotiates := pricelist.MayNegotiate(tc.p, d)
			if pricelist.IsParty(tc.p, d) != tc.party || pricelist.MayRead(tc.p, d) != tc.read ||
				pricelist.MayPropose(tc.p, d) != tc.propose || side != tc.side || negotiates != (tc.side != "") {
				t.Fatalf("party %v read %v propose %v negotiate %q %v", pricelist.IsParty(tc.p, d), pricelist.MayRead(tc.p, d),
					pricelist.MayPropose(tc.p, d), side, negotiates)
			}
		})
	}
}
