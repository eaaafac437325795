package document

import (
	"testing"

	"zorginkoop/internal/identity"
)

func principal(kind identity.OrgKind, insurers, providers []string, roles ...identity.Role) identity.Principal {
	return identity.Principal{User: &identity.User{ID: "u", Roles: roles},
		Org: &identity.Organisation{ID: "o", Kind: kind, Insurers: insurers, Providers: providers}}
}

func TestOnlyTheDossierPartiesReadAndTheirCaseworkersUpload(t *testing.T) {
	d := Dossier{ID: "dos-1", Insurer: "cz-groep", ProviderID: "hap-de-linde"}
	cz, zz := []string{"cz-groep"}, []string{"zorg-en-zekerheid"}
	linde, other := []string{"hap-de-linde"}, []string{"hap-ypsilon"}
	cases := []struct {
		name     string
		p        identity.Principal
		read     bool
		side     Side // "" : may not upload
		mayWrite bool
	}{
		{"the provider's beheerder", principal(identity.Provider, nil, linde, identity.RoleAdmin), true, SideProvider, true},
		{"the provider's contractmanager", principal(identity.Provider, nil, linde, identity.RoleProviderContractManager), true, SideProvider, true},
		{"the provider's invuller", principal(identity.Provider, nil, linde, identity.RoleFiller), true, SideProvider, true},
		{"the provider's tekenbevoegde reads only", principal(identity.Provider, nil, linde, identity.RoleSignatory), true, "", false},
		{"the insurer's inkoper", principal(identity.Insurer, cz, nil, identity.RoleBuyer), true, SideInsurer, true},
		{"the insurer's contractbeheerder", principal(identity.Insurer, cz, nil, identity.RoleContractManager), true, SideInsurer, true},
		{"the insurer's medisch adviseur", principal(identity.Insurer, cz, nil, identity.RoleMedicalAdvisor), true, SideInsurer, true},
		{"a purchasing party's inkoper for the insurer", principal(identity.Purchaser, cz, nil, identity.RoleBuyer), true, SideInsurer, true},
		{"the insurer's zorgbemiddelaar does not handle dossiers", principal(identity.Insurer, cz, nil, identity.RoleCareMediator), false, "", false},
		{"the insurer's beheerder does not handle dossiers", principal(identity.Insurer, cz, nil, identity.RoleAdmin), false, "", false},
		{"the operator reads only", identity.System(), true, "", false},
		{"another insurer's inkoper", principal(identity.Insurer, zz, nil, identity.RoleBuyer), false, "", false},
		{"another provider's beheerder", principal(identity.Provider, nil, other, identity.RoleAdmin), false, "", false},
		{"anonymous", identity.Anonymous, false, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := MayRead(c.p, d); got != c.read {
				t.Errorf("MayRead = %v", got)
			}
			side, ok := UploadSide(c.p, d)
			if side != c.side || ok != c.mayWrite {
				t.Errorf("UploadSide = %q, %v", side, ok)
			}
		})
	}
}
