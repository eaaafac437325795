package identity_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/identity/idptest"
)

const redirectURL = "https://zorginkoop.example/inloggen/oidc/cz/terug"

// oidcEnv is newEnv with CZ and Zorg en Zekerheid both logging in at one identity provider
// (as two tenants of one cloud provider would).
func oidcEnv(t *testing.T) (*env, *idptest.Provider) {
	t.Helper()
	e := newEnv(t)
	idp := idptest.New(t)
	idp.Now = e.clock.now
	for _, o := range []identity.Organisation{
		{ID: "cz", Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{"cz-groep"}, OIDC: idp.Config()},
		{ID: "zz", Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{"zorg-en-zekerheid"}, OIDC: idp.Config()},
	} {
		if err := e.svc.SaveOrganisation(context.Background(), e.admin, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	return e, idp
}

// oidcLogin runs the whole flow for org: start, the browser's visit to the provider (which
// logs in at once), and the callback; change, if set, alters what comes back.
func oidcLogin(t *testing.T, e *env, org string, change func(*identity.OIDCPending, *identity.OIDCCallback)) (identity.Principal, string, error) {
	t.Helper()
	ctx := context.Background()
	authURL, pending, err := e.svc.StartOIDCLogin(ctx, org, redirectURL)
	if err != nil {
		return identity.Anonymous, "", err
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), redirectURL) {
		t.Fatalf("the provider sent the browser to %q (%v), want %s", resp.Header.Get("Location"), err, redirectURL)
	}
	q := back.Query()
	cb := identity.OIDCCallback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error")}
	if change != nil {
		change(&pending, &cb)
	}
	p, secret, _, err := e.svc.FinishOIDCLogin(ctx, pending, cb, redirectURL)
	return p, secret, err
}

func TestOIDCFirstLoginLinksByVerifiedEmailThenBySubject(t *testing.T) {
	e, idp := oidcEnv(t)
	ctx := context.Background()
	anna := e.addUser(t, "cz", "anna@cz.example", identity.RoleBuyer)
	idp.LogInAs(idptest.Identity{Subject: "sub-anna", Email: "Anna@CZ.example", EmailVerified: true})
	p, secret, err := oidcLogin(t, e, "cz", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID() != anna.ID || p.OrgID() != "cz" {
		t.Fatalf("logged in as %s of %s, want %s of cz", p.UserID(), p.OrgID(), anna.ID)
	}
	if got, _, err := e.svc.Authenticate(ctx, secret); err != nil || got.UserID() != anna.ID {
		t.Fatalf("the session does not authenticate: %v", err)
	}
	linked, err := e.db.UserByOIDC(ctx, idp.URL+" sub-anna")
	if err != nil || linked.ID != anna.ID {
		t.Fatalf("subject not linked to anna: %v", err)
	}
	// From now on the subject decides, whatever address the provider sends.
	idp.LogInAs(idptest.Identity{Subject: "sub-anna", Email: "anna.privé@example.org"})
	if p, _, err := oidcLogin(t, e, "cz", nil); err != nil || p.UserID() != anna.ID {
		t.Fatalf("second login: %v, %v", p.UserID(), err)
	}
	entries, err := audit.NewLog(e.db, time.Now).Entries(ctx, audit.Operator, audit.Filter{Subject: "user:" + anna.ID})
	if err != nil {
		t.Fatal(err)
	}
	var link, logins int
	for _, en := range entries {
		switch {
		case en.Action == "user.oidc_link":
			link++
		case en.Action == "login" && en.Reason == "oidc":
			logins++
		}
	}
	if link != 1 || logins != 2 {
		t.Errorf("audit trail has %d links and %d OIDC logins, want 1 and 2", link, logins)
	}
}

func TestOIDCRefusals(t *testing.T) {
	e, idp := oidcEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "anna@cz.example", identity.RoleBuyer)
	bram := e.addUser(t, "zz", "bram@zz.example", identity.RoleBuyer)
	linkedBram := *bram
	linkedBram.OIDCSubject = idp.URL + " sub-bram"
	if err := e.db.UpdateUser(ctx, linkedBram); err != nil {
		t.Fatal(err)
	}
	e.addUser(t, "zz", "piet@zz.example", identity.RoleBuyer)
	anna := idptest.Identity{Subject: "sub-anna", Email: "anna@cz.example", EmailVerified: true}

	tests := []struct {
		name   string
		as     idptest.Identity
		tamper func(map[string]any)
		change func(*identity.OIDCPending, *identity.OIDCCallback)
		dutch  string
	}{
		{name: "an ID token for another client (wrong audience)", as: anna,
			tamper: func(c map[string]any) { c["aud"] = "een-andere-applicatie" }, dutch: "niet geldig"},
		{name: "several audiences without azp naming this client", as: anna,
			tamper: func(c map[string]any) { c["aud"] = []string{"zorginkoop", "ander"} }, dutch: "niet geldig"},
		{name: "an ID token from another issuer", as: anna,
			tamper: func(c map[string]any) { c["iss"] = "https://elders.example" }, dutch: "niet geldig"},
		{name: "an expired ID token", as: anna,
			tamper: func(c map[string]any) { c["exp"] = e.clock.now().Add(-time.Minute).Unix() }, dutch: "niet geldig"},
		{name: "an ID token with another nonce", as: anna,
			tamper: func(c map[string]any) { c["nonce"] = "replayed" }, dutch: "niet geldig"},
		{name: "a callback with another state", as: anna,
			change: func(_ *identity.OIDCPending, cb *identity.OIDCCallback) { cb.State = "forged" }, dutch: "niet in deze browser begonnen"},
		{name: "a callback without the browser's pending login", as: anna,
			change: func(p *identity.OIDCPending, _ *identity.OIDCCallback) { *p = identity.OIDCPending{OrgID: "cz"} }, dutch: "niet in deze browser begonnen"},
		{name: "a wrong PKCE verifier", as: anna,
			change: func(p *identity.OIDCPending, _ *identity.OIDCCallback) { p.Verifier = otherFirst(p.Verifier) }, dutch: "niet geldig"},
		{name: "the provider refused", as: anna,
			change: func(_ *identity.OIDCPending, cb *identity.OIDCCallback) { cb.Code, cb.Error = "", "access_denied" }, dutch: "geweigerd"},
		{name: "a subject linked to another organisation's user",
			as: idptest.Identity{Subject: "sub-bram", Email: "anna@cz.example", EmailVerified: true}, dutch: "een andere organisatie"},
		{name: "a verified address of another organisation's user",
			as: idptest.Identity{Subject: "sub-piet", Email: "piet@zz.example", EmailVerified: true}, dutch: "geen actief account"},
		{name: "an address the provider has not verified",
			as: idptest.Identity{Subject: "sub-anna", Email: "anna@cz.example"}, dutch: "geen bevestigd e-mailadres"},
		{name: "an address without an account",
			as: idptest.Identity{Subject: "sub-nieuw", Email: "nieuw@cz.example", EmailVerified: true}, dutch: "geen actief account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idp.LogInAs(tt.as)
			idp.Tamper(tt.tamper)
			defer idp.Tamper(nil)
			p, secret, err := oidcLogin(t, e, "cz", tt.change)
			if code(err) != apperr.Unauthenticated || !strings.Contains(dutch(err), tt.dutch) {
				t.Fatalf("got %v (%q), want Unauthenticated saying %q", err, dutch(err), tt.dutch)
			}
			if !p.IsAnonymous() || secret != "" {
				t.Errorf("a refused login gave a session for %s", p.UserID())
			}
		})
	}
	// Nothing was linked by the refused logins.
	for _, sub := range []string{"sub-anna", "sub-piet", "sub-nieuw"} {
		if u, err := e.db.UserByOIDC(ctx, idp.URL+" "+sub); err == nil {
			t.Errorf("%s was linked to %s", sub, u.Email)
		}
	}
	denied, err := audit.NewLog(e.db, time.Now).Entries(ctx, audit.Operator, audit.Filter{Subject: "organisation:cz", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range denied {
		if en.Action == "login.oidc" && en.Denied {
			n++
		}
	}
	if n != len(tests) {
		t.Errorf("%d denied OIDC logins in the audit trail, want %d", n, len(tests))
	}
}

func TestOIDCLoginOfADisabledUserIsRefused(t *testing.T) {
	e, idp := oidcEnv(t)
	anna := e.addUser(t, "cz", "anna@cz.example", identity.RoleBuyer)
	idp.LogInAs(idptest.Identity{Subject: "sub-anna", Email: "anna@cz.example", EmailVerified: true})
	if _, _, err := oidcLogin(t, e, "cz", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetDisabled(context.Background(), e.admin, anna.ID, true, "uit dienst"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := oidcLogin(t, e, "cz", nil); code(err) != apperr.Forbidden {
		t.Errorf("disabled user: %v, want Forbidden", err)
	}
}

func TestOIDCIsOffForAnOrganisationWithoutProvider(t *testing.T) {
	e, _ := oidcEnv(t)
	for _, org := range []string{"kliniek", "bestaat-niet"} {
		_, _, err := e.svc.StartOIDCLogin(context.Background(), org, redirectURL)
		if code(err) != apperr.NotFound || !strings.Contains(dutch(err), "niet ingesteld") {
			t.Errorf("%s: %v, want NotFound", org, err)
		}
	}
}

// otherFirst changes the first character of s: always a different string (replacing it
// with a fixed "x" left a verifier that began with x unchanged, one run in 64).
func otherFirst(s string) string {
	if s[0] == 'x' {
		return "y" + s[1:]
	}
	return "x" + s[1:]
}
