package web

import (
	"net/http"
	"testing"

	"zorginkoop/internal/apptest"
)

func TestTheHomePageIntroducesThePlatformToEachKindOfVisitor(t *testing.T) {
	e := newAuditEnv(t)
	const what = "Zorginkoop is het open platform waarop zorgverzekeraars hun jaarlijkse zorginkoop uitvoeren"
	tests := []struct {
		name, email string
		want, lacks []string
	}{
		{"anonymous", "", []string{what, `<a href="/inloggen">Log in</a> om beoordelingen`}, []string{"<strong>Inkoop:</strong>", "<strong>Beheer:</strong>"}},
		{"inkoper", apptest.CZBuyerEmail, []string{what, "<strong>Inkoop:</strong>", `<a href="/beoordelingen">Beoordelingen</a>`},
			[]string{"<strong>Zorgaanbieder:</strong>", "<strong>Beheer:</strong>", "Log in</a> om"}},
		{"a provider's beheerder", apptest.LindeEmail, []string{what, "<strong>Zorgaanbieder:</strong>", "<strong>Beheer:</strong>",
			`<a href="/organisatie/gebruikers">Gebruikers</a>`}, []string{"<strong>Inkoop:</strong>"}},
		{"an insurer's beheerder", czAdminEmail, []string{"<strong>Inkoop:</strong>", "<strong>Beheer:</strong>"}, []string{"<strong>Zorgaanbieder:</strong>"}},
		{"the operator", apptest.OperatorEmail, []string{what, "<strong>Platformbeheer:</strong>"}, []string{"<strong>Beheer:</strong>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(t)
			if tc.email != "" {
				c = e.loggedIn(t, tc.email)
			}
			resp, body := c.get("/")
			wantStatus(t, resp, body, http.StatusOK)
			wantContains(t, body, tc.want...)
			wantLacks(t, body, tc.lacks...)
		})
	}
}
