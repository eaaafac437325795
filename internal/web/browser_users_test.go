package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
)

// A beheerder invites a colleague through the form in a real browser, then reads it in the
// Logboek in Dutch, with the stored entry one click away; an inkoper opens a provider's
// page from the list.
func TestBrowserABeheerderInvitesAndReadsTheLogboek(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	e.ids.AddUser(t, apptest.OrgCZ, czAdminEmail, "Bea Beheer", identity.RoleAdmin)
	p := newPageTab(t, e.srv.URL)

	p.login(czAdminEmail, apptest.Password)
	p.wantText("main", []string{"Zorginkoop is het open platform", "Beheer:"}, nil)
	p.click(`header a[href="/organisatie/gebruikers"]`)
	p.wantText("main", []string{"Gebruikers van CZ groep", "Ingrid Inkoper", "Bea Beheer"}, []string{"Zeger Zorgvuldig"})
	ctx, cancel := p.step()
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="naam"]`), "Nina Nieuw"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "nieuw@cz.example"),
		chromedp.Click(chromedp.CSS(`input[name="rol"][value="inkoper"]`)))
	cancel()
	if err != nil {
		t.Fatalf("fill in the invitation: %v", err)
	}
	if status := p.click(`form[action="/organisatie/gebruikers"] button[type="submit"]`); status != 200 {
		t.Fatalf("invite: status %d: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"De gebruiker is toegevoegd", "Nina Nieuw", "uitgenodigd; nog geen wachtwoord gekozen"}, nil)

	p.click(`header a[href="/logboek"]`)
	p.wantText("table.audit tbody tr:first-child", []string{"Uitnodiging verstuurd", "Bea Beheer", "CZ groep", "gebruiker Nina Nieuw", "Technische gegevens"},
		[]string{`"action"`, "user.invite"})
	ctx, cancel = p.step()
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`table.audit tbody tr:first-child details summary`)))
	cancel()
	if err != nil {
		t.Fatalf("open the technical data: %v", err)
	}
	p.wantText("table.audit tbody tr:first-child", []string{`"action": "user.invite"`, `"subject": "user:`}, nil)
	p.open("/")
	p.click(`form.logout button`)

	p.login(apptest.CZBuyerEmail, apptest.Password)
	p.open("/zorgaanbieders?q=linde")
	if status := p.click(`main a[href="/zorgaanbieders/hap-de-linde"]`); status != 200 {
		t.Fatalf("provider page: status %d", status)
	}
	p.wantText("main", []string{"Huisartsenpraktijk De Linde", "01012345 (praktijk)", "Eindhoven", "komt in aanmerking", "€ 100.000,00"}, nil)

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range p.violations {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
}
