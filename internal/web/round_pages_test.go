package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

func TestTheInkoperOpensARoundOnTheRoundsPageAndOtherRolesCannot(t *testing.T) {
	e := newRoundEnv(t)
	buyer := e.session(t, euBuyer)
	resp, body := buyer.get(t, "/rondes")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, `href="/rondes"`, "Ronde openen", `name="beleid" value="`+rPolicy+`"`,
		`name="datum_questionnaire"`, `name="datum_quote"`)
	wantLacks(t, body, `name="datum_signing"`, `name="datum_application"`) // the policy dates these

	open := url.Values{"beleid": {rPolicy}, "jaar": {"2026"}, "datum_quote": {"2025-08-15"}, "hard_quote": {"ja"}}
	resp, body = e.session(t, euManager).post(t, "/rondes", open)
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Alleen een inkoper van de zorgverzekeraar opent een inkoopronde.")
	bad := url.Values{"beleid": {rPolicy}, "jaar": {"2026"}, "datum_quote": {"15-08-2025"}}
	resp, body = buyer.post(t, "/rondes", bad)
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "De datum voor offerte indienen is geen geldige datum.", `value="15-08-2025"`)
	resp, body = buyer.post(t, "/rondes", url.Values{"beleid": {rPolicy}, "jaar": {"2031"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "2031 is geen contractjaar van dit inkoopbeleid.")
	if _, _, err := e.svc.Rounds.ReadRound(context.Background(), e.who(t, euBuyer), rRound); err == nil {
		t.Fatal("a refused form opened the round")
	}

	resp, body = buyer.post(t, "/rondes", open)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/rondes/"+rRound {
		t.Fatalf("redirect to %q", loc)
	}
	resp, body = buyer.get(t, "/rondes/"+rRound)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "15 augustus 2025", "vastgesteld door de zorgverzekeraar", "offerte indienen", "Trechter", "uitgenodigd",
		"in onderhandeling", "gepubliceerd", "afgewezen", "Data die nog komen", "Uiterste datum verlengen")

	// Another insurer does not see the round; the provider sees it and may apply.
	resp, body = e.session(t, apptest.ZZBuyerEmail).get(t, "/rondes/"+rRound)
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = e.session(t, apptest.ZZBuyerEmail).get(t, "/rondes")
	wantStatus(t, resp, body, http.StatusOK)
	wantLacks(t, body, rRound)
	resp, body = e.session(t, kxAdmin).get(t, "/rondes")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, `href="/rondes/`+rRound+`/aanmelden"`)
	wantLacks(t, body, "Ronde openen", `href="/rondes">Rondes`)
	resp, body = e.session(t, kxAdmin).get(t, "/rondes/"+rRound)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Tijdlijn", "Aanmelden voor deze inkoopronde")
	wantLacks(t, body, "Trechter", "Uiterste datum verlengen")
}

// insurerBuyer is an inkoper of insurer, for opening the rounds of every seed policy.
func insurerBuyer(insurer string) identity.Principal {
	return identity.Principal{User: &identity.User{ID: "u-inkoper-" + insurer, Name: "Inkoper " + insurer, Roles: []identity.Role{identity.RoleBuyer}},
		Org: &identity.Organisation{ID: "org-" + insurer, Kind: identity.Insurer, Insurers: []string{insurer}}}
}

func TestTheRoundViewShowsEverySeedPolicysTimelineInDateOrder(t *testing.T) {
	e := newRoundEnv(t)
	op := e.session(t, apptest.OperatorEmail)
	seen := 0
	for _, c := range e.svc.Library.Policies() {
		if c.Status != policy.Published || len(c.ContractYears) == 0 {
			continue
		}
		year := c.ContractYears[0]
		if _, err := e.svc.Rounds.OpenRound(context.Background(), insurerBuyer(c.Insurer), c.ID, year, nil); err != nil {
			t.Fatalf("open %s: %v", c.ID, err)
		}
		seen++
		resp, body := op.get(t, "/rondes/"+round.RoundID(c.ID, year))
		wantStatus(t, resp, body, http.StatusOK)
		last := 0
		for _, m := range c.TimelineByDate() {
			at := strings.Index(body, `id="mijlpaal-`+m.ID+`"`)
			if at < last {
				t.Fatalf("%s: milestone %s is missing or out of date order", c.ID, m.ID)
			}
			last = at
			row := body[at:]
			row = row[:strings.Index(row, "</tr>")]
			hard := "zacht"
			if m.Hard {
				hard = "hard"
			}
			wants := []string{nl.Date(m.Date.Time), html.EscapeString(m.What), ">" + hard + "<"}
			if m.Step != "" {
				wants = append(wants, policy.StepNames[m.Step])
			}
			if m.Source != "" {
				wants = append(wants, html.EscapeString(c.Cite(m.Source)))
			}
			for _, w := range wants {
				if !strings.Contains(row, w) {
					t.Errorf("%s milestone %s: row lacks %q:\n%s", c.ID, m.ID, w, row)
				}
			}
		}
	}
	if seen < 5 {
		t.Fatalf("%d published seed policies, want every one of the five", seen)
	}
}

func TestTheInkoperExtendsADeadlineWithAReasonAndOthersCannot(t *testing.T) {
	e := newRoundEnv(t)
	id := e.offered(t)
	buyer := e.session(t, euBuyer)
	path := "/rondes/" + rRound + "/verlenging"
	form := url.Values{"stap": {"signing"}, "dossier": {id}, "datum": {"2025-11-20"}}
	resp, body := buyer.post(t, path, form)
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Geef een reden voor de verlenging.")
	form.Set("reden", "Storing bij VECOZO")
	resp, body = e.session(t, euAdviser).post(t, path, form)
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Alleen een inkoper van de zorgverzekeraar verlengt een uiterste datum.")
	resp, body = e.session(t, apptest.ZZBuyerEmail).post(t, path, form)
	wantStatus(t, resp, body, http.StatusNotFound)
	_, body = buyer.get(t, "/dossiers/"+id)
	wantLacks(t, body, "verlengd van")

	resp, body = buyer.post(t, path, form)
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = buyer.get(t, "/dossiers/"+id)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "verlengd van 11 november 2025 naar 20 november 2025: Storing bij VECOZO")
}

func TestTheRoundsEntryShowsForInsurerStaffOnly(t *testing.T) {
	e := newRoundEnv(t)
	for email, want := range map[string]bool{euBuyer: true, euManager: true, euAdviser: true, kxAdmin: false, kxFiller: false} {
		_, body := e.session(t, email).get(t, "/")
		if got := strings.Contains(body, `<a href="/rondes">Rondes</a>`); got != want {
			t.Errorf("%s sees the entry Rondes: %v, want %v", email, got, want)
		}
	}
}

func TestTheRoundsPagesAskAnAnonymousVisitorToLogIn(t *testing.T) {
	e := newRoundEnv(t)
	id := e.proposed(t)
	for _, path := range []string{"/rondes", "/rondes/" + rRound, "/dossiers/" + id, "/dossiers/" + id + "/prijslijst/" + rBase,
		"/dossiers/" + id + "/contract"} {
		resp, err := noRedirect.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/inloggen") {
			t.Errorf("%s: status %d to %q, want the login page", path, resp.StatusCode, loc)
		}
	}
}
