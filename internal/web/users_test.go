package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
)

func TestABeheerderInvitesAUserWhoSetsAPasswordFromTheMail(t *testing.T) {
	e := newAuditEnv(t)
	c := e.loggedIn(t, czAdminEmail)
	resp, body := c.get("/organisatie/gebruikers")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "<title>Gebruikers van CZ groep · Zorginkoop</title>", `href="/organisatie/gebruikers">Gebruikers</a>`,
		"Ingrid Inkoper", apptest.CZBuyerEmail, "inkoper", "Bea Beheer", "beheerder", "actief",
		`value="medisch-adviseur"> medisch adviseur`, "Uitnodigen")
	wantLacks(t, body, "Zeger Zorgvuldig", apptest.ZZBuyerEmail, `value="tekenbevoegde"`)

	resp, body = c.submit("/organisatie/gebruikers", "/organisatie/gebruikers",
		url.Values{"naam": {"Nina Nieuw"}, "email": {"nieuw@cz.example"}, "rol": {"inkoper", "medisch-adviseur"}})
	wantRedirect(t, resp, body, "/organisatie/gebruikers?uitgenodigd=1")
	_, body = c.get("/organisatie/gebruikers?uitgenodigd=1")
	wantContains(t, body, "De gebruiker is toegevoegd en heeft een e-mail gekregen", "Nina Nieuw", "inkoper, medisch adviseur",
		"uitgenodigd; nog geen wachtwoord gekozen")
	msgs := e.smtp.Messages()
	m := msgs[len(msgs)-1]
	if m.To[0] != "nieuw@cz.example" || m.Subject != "Uitnodiging voor zorginkoop" || !strings.Contains(m.Body, "Bea Beheer heeft u namens CZ groep") {
		t.Fatalf("mail to %v about %q:\n%s", m.To, m.Subject, m.Body)
	}
	link := strings.TrimPrefix(resetLink.FindString(m.Body), e.srv.URL)
	resp, body = e.client(t).get(link)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Nieuw wachtwoord instellen")

	// The Logboek says it in Dutch.
	_, body = c.get("/logboek")
	wantContains(t, body, "Uitnodiging verstuurd", "gebruiker Nina Nieuw", "Nina Nieuw (nieuw@cz.example), rollen: inkoper en medisch adviseur")
}

func TestUserFormsNameTheFieldAndARefusedActionChangesNothing(t *testing.T) {
	e := newAuditEnv(t)
	ctx := context.Background()
	c := e.loggedIn(t, czAdminEmail)
	count := func() int {
		us, err := e.app.DB.Users(ctx, apptest.OrgCZ)
		if err != nil {
			t.Fatal(err)
		}
		return len(us)
	}
	n := count()
	resp, body := c.submit("/organisatie/gebruikers", "/organisatie/gebruikers", url.Values{"naam": {""}, "email": {"geen adres"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "E-mailadres: Vul een geldig e-mailadres in", "Naam: Vul de naam van de gebruiker in.", "Rollen: Kies minstens één rol.",
		`value="geen adres"`)
	resp, body = c.submit("/organisatie/gebruikers", "/organisatie/gebruikers",
		url.Values{"naam": {"X"}, "email": {apptest.CZBuyerEmail}, "rol": {"inkoper"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "Er bestaat al een gebruiker met dit e-mailadres.")
	resp, body = c.submit("/organisatie/gebruikers", "/organisatie/gebruikers",
		url.Values{"naam": {"X"}, "email": {"x@cz.example"}, "rol": {"tekenbevoegde"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Rollen: De rol &#34;tekenbevoegde&#34; bestaat niet voor deze organisatie")
	resp, body = c.submit("/organisatie/gebruikers", "/organisatie/gebruikers",
		url.Values{"naam": {strings.Repeat("x", 201)}, "email": {"y@cz.example"}, "rol": {"inkoper"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Naam: is 201 tekens lang; er zijn er hoogstens 200 toegestaan.")
	if count() != n {
		t.Fatal("a refused invitation added a user")
	}

	// The only beheerder cannot give up the role, nor disable itself.
	bea := e.ids.User(t, czAdminEmail)
	page := "/organisatie/gebruikers/" + bea.ID
	resp, body = c.submit(page, page+"/rollen", url.Values{"rol": {"inkoper"}, "reden": {"andere taken"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "De organisatie moet minstens één actieve beheerder houden.", `value="andere taken"`)
	resp, body = c.submit(page, page+"/uitschakelen", url.Values{"reden": {"vakantie"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "U kunt uzelf niet uitschakelen.")
	if u := e.ids.User(t, czAdminEmail); u.Disabled || !u.HasRole(identity.RoleAdmin) {
		t.Fatalf("a refused change was written: %+v", u)
	}
	_, body = c.get("/logboek")
	wantContains(t, withoutRaw(body), "Rollen wijzigen geweigerd", "de organisatie zou geen actieve beheerder meer hebben")

	// Roles, disable and enable of another user, each with its reason.
	ingrid := e.ids.User(t, apptest.CZBuyerEmail)
	page = "/organisatie/gebruikers/" + ingrid.ID
	resp, body = c.submit(page, page+"/rollen", url.Values{"rol": {"inkoper", "contractbeheerder"}, "reden": {"nieuwe taak"}})
	wantRedirect(t, resp, body, page+"?gewijzigd=1")
	resp, body = c.submit(page, page+"/uitschakelen", url.Values{"reden": {""}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Reden: vul in waarom u de gebruiker uitschakelt.")
	if e.ids.User(t, apptest.CZBuyerEmail).Disabled {
		t.Fatal("disabled without a reason")
	}
	resp, body = c.submit(page, page+"/uitschakelen", url.Values{"reden": {"uit dienst"}})
	wantRedirect(t, resp, body, page+"?uitgeschakeld=1")
	_, body = c.get(page + "?uitgeschakeld=1")
	wantContains(t, body, "De gebruiker is uitgeschakeld", "uitgeschakeld", "inkoper, contractbeheerder", "Gebruiker inschakelen")
	resp, body = c.submit(page, page+"/inschakelen", url.Values{"reden": {"terug"}})
	wantRedirect(t, resp, body, page+"?ingeschakeld=1")
	_, body = c.get("/logboek")
	wantContains(t, withoutRaw(body), "Gebruiker uitgeschakeld", "uit dienst", "Gebruiker ingeschakeld", "terug",
		"rollen: inkoper → inkoper en contractbeheerder", "gebruiker Ingrid Inkoper")
}

func TestOnlyTheOrganisationsBeheerderSeesItsUsers(t *testing.T) {
	e := newAuditEnv(t)
	zz := e.ids.User(t, apptest.ZZBuyerEmail)
	resp, body := e.client(t).get("/organisatie/gebruikers")
	wantRedirect(t, resp, body, "/inloggen?terug=%2Forganisatie%2Fgebruikers")

	buyer := e.loggedIn(t, apptest.CZBuyerEmail)
	resp, body = buyer.get("/organisatie/gebruikers")
	wantStatus(t, resp, body, http.StatusForbidden)
	wantLacks(t, body, `href="/organisatie/gebruikers"`)
	resp, body = buyer.submit("/account", "/organisatie/gebruikers", url.Values{"naam": {"X"}, "email": {"x@cz.example"}, "rol": {"beheerder"}})
	wantStatus(t, resp, body, http.StatusForbidden)
	if _, err := e.app.DB.UserByEmail(context.Background(), "x@cz.example"); err == nil {
		t.Fatal("an inkoper added a user")
	}

	admin := e.loggedIn(t, czAdminEmail)
	for _, path := range []string{"/organisatie/gebruikers/" + zz.ID, "/organisatie/gebruikers?organisatie=zz", "/organisatie/gebruikers/bestaat-niet"} {
		resp, body = admin.get(path)
		wantStatus(t, resp, body, http.StatusNotFound)
		wantLacks(t, body, "Zeger Zorgvuldig")
	}
	page := "/organisatie/gebruikers/" + zz.ID
	resp, body = admin.submit("/organisatie/gebruikers", page+"/uitschakelen", url.Values{"reden": {"overname"}})
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = admin.submit("/organisatie/gebruikers", page+"/rollen", url.Values{"rol": {"beheerder"}})
	wantStatus(t, resp, body, http.StatusNotFound)
	if u := e.ids.User(t, apptest.ZZBuyerEmail); u.Disabled || u.HasRole(identity.RoleAdmin) {
		t.Fatalf("CZ's beheerder changed Z&Z's user: %+v", u)
	}

	op := e.loggedIn(t, apptest.OperatorEmail)
	resp, body = op.get("/organisatie/gebruikers?organisatie=zz")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Gebruikers van Zorg en Zekerheid", "Zeger Zorgvuldig", `<option value="zz" selected>`)
}
