package identity_test

import (
	"testing"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

func TestActionTextNamesTheNewStateOfAUser(t *testing.T) {
	tests := []struct {
		e    audit.Entry
		want string
	}{
		{audit.Entry{Action: identity.ActionLogin}, "Ingelogd"},
		{audit.Entry{Action: identity.ActionLogin, Denied: true}, "Inloggen mislukt"},
		{audit.Entry{Action: identity.ActionUserDisable, After: audit.JSON(true)}, "Gebruiker uitgeschakeld"},
		{audit.Entry{Action: identity.ActionUserDisable, After: audit.JSON(false)}, "Gebruiker ingeschakeld"},
		{audit.Entry{Action: identity.ActionUserDisable, After: audit.JSON(true), Denied: true}, "Gebruiker in- of uitschakelen geweigerd"},
		{audit.Entry{Action: identity.ActionUserCertificate, After: audit.JSON("")}, "Certificaat ontkoppeld"},
		{audit.Entry{Action: identity.ActionUserCertificate, After: audit.JSON("ab12")}, "Certificaat gekoppeld"},
		{audit.Entry{Action: identity.ActionUserCertificate}, "Certificaat gewijzigd"},
	}
	for _, tc := range tests {
		if got := audit.ActionText(tc.e); got != tc.want {
			t.Errorf("ActionText(%s, denied %v, after %s) = %q, want %q", tc.e.Action, tc.e.Denied, tc.e.After, got, tc.want)
		}
	}
}
