package questionnaire_test

import (
	"context"
	"testing"

	"zorginkoop/internal/apperr"
)

// The insurer's zorgbemiddelaar works for a party of the dossier but does not handle
// dossiers: refused (Forbidden), not told the dossier does not exist; another insurer's
// user does not learn it exists.
func TestAPartysRoleThatDoesNotHandleDossiersIsRefusedAnotherTenantFindsNothing(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for actor, code := range map[string]apperr.Code{"eucare-zorgbemiddel": apperr.Forbidden, "cz-adviseur": apperr.NotFound} {
			_, err := f.svc.Form(ctx, f.who(actor), dossierX)
			wantCode(t, actor+" Form", err, code)
			err = f.svc.SaveAnswers(ctx, f.who(actor), dossierX, map[string]string{"vermoeden_fraude": "nee"})
			wantCode(t, actor+" SaveAnswers", err, code)
			_, err = f.svc.ReviewItems(ctx, f.who(actor), dossierX)
			wantCode(t, actor+" ReviewItems", err, code)
		}
	})
}
