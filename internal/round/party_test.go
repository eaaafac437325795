package round_test

import (
	"context"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/round"
)

// A user of the dossier's insurer whose role has no part in the round is refused (it is
// its own organisation's dossier); another insurer's user does not learn it exists.
func TestAPartysRoleWithoutAPartInTheRoundIsForbiddenAnotherTenantNotFound(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r := f.open(t, "caresq-zbc-2026", 2026)
		d := f.apply(t, r.ID, "kliniek-a")
		in := round.DecisionInput{Part: "zorgovereenkomst-zbc", Outcome: round.Accepted, Reason: "Voldoet"}
		for name, tc := range map[string]struct {
			who  identity.Principal
			code apperr.Code
		}{
			"the insurer's zorgbemiddelaar": {insurer("eucare", identity.RoleCareMediator), apperr.Forbidden},
			"the insurer's beheerder":       {insurer("eucare", identity.RoleAdmin), apperr.Forbidden},
			"another insurer's inkoper":     {buyerCZ, apperr.NotFound},
			"another provider's beheerder":  {adminOf("kliniek-b"), apperr.NotFound},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := f.svc.Dossier(ctx, tc.who, d.ID)
				wantCode(t, err, tc.code)
				_, err = f.svc.Decide(ctx, tc.who, d.ID, in)
				wantCode(t, err, tc.code)
			})
		}
	})
}
