// Package principaltest makes principals for the tests of the areas' permission rules
// (each area's authz_test.go), without a database.
package principaltest

import "zorginkoop/internal/identity"

// Of returns a user with roles in an organisation of kind: an insurer acting for
// cz-groep, a purchasing party for eucare and aevitae, a provider organisation managing
// provider kvk-x, or the operator.
func Of(kind identity.OrgKind, roles ...identity.Role) identity.Principal {
	o := &identity.Organisation{ID: string(kind) + "-org", Kind: kind}
	switch kind {
	case identity.Insurer:
		o.Insurers = []string{"cz-groep"}
	case identity.Purchaser:
		o.Insurers = []string{"eucare", "aevitae"}
	case identity.Provider:
		o.Providers = []string{"kvk-x"}
	}
	return identity.Principal{User: &identity.User{ID: "u", OrgID: o.ID, Roles: roles}, Org: o}
}
