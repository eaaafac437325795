package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

const czAdminEmail = "beheer@cz.example"

// newAuditEnv is the pages with a beheerder of CZ groep (czAdminEmail) besides the
// seeded users.
func newAuditEnv(t *testing.T) *authEnv {
	t.Helper()
	e := newAuthEnv(t, Limits{})
	e.ids.AddUser(t, apptest.OrgCZ, czAdminEmail, "Bea Beheer", identity.RoleAdmin)
	return e
}

// record appends entries to the trail, at the services' fixed time.
func (e *authEnv) record(t *testing.T, entries ...audit.Entry) {
	t.Helper()
	for _, en := range entries {
		if _, err := e.app.Audit.Record(context.Background(), en); err != nil {
			t.Fatal(err)
		}
	}
}

// dossierEntries records n entries of CZ's users, alternately of dossier d-1 and d-2.
func (e *authEnv) dossierEntries(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		d := fmt.Sprintf("d-%d", i%2+1)
		e.record(t, audit.Entry{UserID: "u-x", UserName: "Ingrid Inkoper", OrgID: apptest.OrgCZ, Scope: "cz-groep", Action: "dossier.update",
			Subject: "dossier:" + d, Dossier: d, Before: audit.JSON(map[string]int{"stap": i}), After: audit.JSON(map[string]int{"stap": i + 1})})
	}
}

func (e *authEnv) loggedIn(t *testing.T, email string) *webClient {
	t.Helper()
	c := e.client(t)
	c.login(email, apptest.Password)
	return c
}

var auditRowRE = regexp.MustCompile(`(?s)<tr(?: class="denied")?>\s*<td class="num">.*?</tr>`)

// auditRows are the rows of the Logboek's table.
func auditRows(body string) []string { return auditRowRE.FindAllString(body, -1) }

var rawRE = regexp.MustCompile(`(?s)<details class="raw">.*?</details>`)

// withoutRaw is the page without the stored entries under "Technische gegevens": what a
// reader sees before opening them.
func withoutRaw(body string) string { return rawRE.ReplaceAllString(body, "") }

func rowWith(t *testing.T, body, text string) string {
	t.Helper()
	for _, r := range auditRows(body) {
		if strings.Contains(r, text) {
			return r
		}
	}
	t.Fatalf("no row of the Logboek holds %q:\n%s", text, body)
	return ""
}

func TestLogboekShowsTheOrganisationsTrailInDutchWithRefusedAttempts(t *testing.T) {
	e := newAuditEnv(t)
	ctx := context.Background()
	// A wrong password of CZ's inkoper, and Zorg en Zekerheid's inkoper trying to write
	// CZ's policy: both refused, both in CZ's trail.
	resp, body := e.client(t).submit("/inloggen", "/inloggen", url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {"fout wachtwoord!"}})
	wantStatus(t, resp, body, http.StatusUnauthorized)
	zz := e.ids.Principal(t, e.ids.User(t, apptest.ZZBuyerEmail))
	if _, _, err := e.app.Policies.SaveDraft(ctx, zz, "concept.yaml", apptest.DraftYAML(t, testPolicy+".yaml", "cz-overname-2027", "Overname")); err == nil {
		t.Fatal("Zorg en Zekerheid saved a draft of CZ")
	}

	c := e.loggedIn(t, czAdminEmail)
	resp, body = c.get("/logboek")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "<title>Logboek van CZ groep · Zorginkoop</title>", `href="/logboek">Logboek</a>`,
		"<th>Nr.</th><th>Wanneer</th><th>Wie</th><th>Wat</th><th>Waarop</th><th>Reden</th>",
		`<input type="hidden" name="organisatie" value="cz">`)
	wantLacks(t, body, `<select name="organisatie">`, "Logboek van het hele platform")
	wantLacks(t, withoutRaw(body), "wrong password", "does not act for")

	login := rowWith(t, body, "Inloggen mislukt: verkeerd wachtwoord")
	wantContains(t, login, `<tr class="denied">`, "1 november 2021 om 10:30", "niet ingelogd",
		"verkeerd wachtwoord (1e poging op rij vanaf 127.0.0.1)", "gebruiker Ingrid Inkoper", "(geweigerd)",
		"<summary>Technische gegevens</summary>", "wrong password (1 in a row from 127.0.0.1)")
	refused := rowWith(t, body, "Concept zorginkoopbeleid opslaan geweigerd")
	wantContains(t, refused, `<tr class="denied">`, "Zeger Zorgvuldig", "Zorg en Zekerheid", "zorginkoopbeleid cz-overname-2027",
		"werkt niet voor de zorgverzekeraar van dit beleid")
	own := rowWith(t, body, "Bea Beheer<br>")
	wantContains(t, own, "Ingelogd", "CZ groep", "met wachtwoord", "gebruiker Bea Beheer")
	added := rowWith(t, body, "Gebruiker toegevoegd")
	wantContains(t, added, "Platformbeheer", "Bea Beheer (beheer@cz.example), rollen: beheerder", "gebruiker Bea Beheer",
		`&#34;name&#34;: &#34;Bea Beheer&#34;`)
	for _, r := range auditRows(withoutRaw(body)) {
		wantLacks(t, r, "<td>cz</td>", "<td>zz</td>", "policy:cz")
	}
}

// A policy saved and published shows its title, and another organisation's entries
// never show in a beheerder's Logboek or its CSV.
func TestLogboekNamesPoliciesAndNeverShowsAnotherOrganisationsEntries(t *testing.T) {
	e := newAuditEnv(t)
	ctx := context.Background()
	e.ids.AddUser(t, apptest.OrgZZ, "beheer@zz.example", "Zora Zorgbeheer", identity.RoleAdmin)
	cz := e.ids.Principal(t, e.ids.User(t, apptest.CZBuyerEmail))
	if _, _, err := e.app.Policies.SaveDraft(ctx, cz, "concept.yaml", apptest.DraftYAML(t, testPolicy+".yaml", "cz-nieuw-2027", "Nieuw CZ-beleid 2027")); err != nil {
		t.Fatal(err)
	}
	e.record(t, audit.Entry{UserID: "u-zz", UserName: "Zeger Geheim", OrgID: apptest.OrgZZ, Scope: apptest.OrgZZ,
		Action: identity.ActionUserRoles, Subject: "user:u-zz", Reason: "geheime reden van ZZ"})

	c := e.loggedIn(t, czAdminEmail)
	resp, body := c.get("/logboek")
	wantStatus(t, resp, body, http.StatusOK)
	saved := rowWith(t, body, "Concept zorginkoopbeleid opgeslagen")
	wantContains(t, saved, "zorginkoopbeleid Nieuw CZ-beleid 2027", "Ingrid Inkoper<br>", "CZ groep")
	wantLacks(t, body, "Zeger Geheim", "geheime reden van ZZ", "Zora Zorgbeheer")
	resp, body = c.get("/logboek.csv")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Concept zorginkoopbeleid opgeslagen;zorginkoopbeleid Nieuw CZ-beleid 2027")
	wantLacks(t, body, "Zeger Geheim", "geheime reden van ZZ", "Zora Zorgbeheer")

	zz := e.loggedIn(t, "beheer@zz.example")
	resp, body = zz.get("/logboek")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Zeger Geheim", "geheime reden van ZZ")
	wantLacks(t, body, "Nieuw CZ-beleid 2027", "cz-nieuw-2027", "Ingrid Inkoper", "Bea Beheer")
}

func TestLogboekFiltersByDossierAndSubjectAndPagesToOlderEntries(t *testing.T) {
	e := newAuditEnv(t)
	c := e.loggedIn(t, czAdminEmail)
	e.dossierEntries(t, 70)

	resp, body := c.get("/logboek?dossier=d-1")
	wantStatus(t, resp, body, http.StatusOK)
	if rows := auditRows(body); len(rows) != 35 {
		t.Fatalf("%d rows of dossier d-1, want 35", len(rows))
	}
	wantContains(t, body, `name="dossier" value="d-1"`, `href="/logboek.csv?dossier=d-1&amp;organisatie=cz"`, "dossier d-1",
		`&#34;stap&#34;: 68`, `&#34;stap&#34;: 69`)
	wantLacks(t, body, "dossier d-2", "oudere »", "« nieuwste")

	resp, body = c.get("/logboek?onderwerp=dossier:d-2")
	wantStatus(t, resp, body, http.StatusOK)
	if rows := auditRows(body); len(rows) != 35 || strings.Contains(body, "dossier:d-1") {
		t.Errorf("%d rows of subject dossier:d-2, want 35 and none of d-1", len(rows))
	}

	// All of CZ's trail: the newest 50 (the steps 70 down to 21), then the older ones.
	resp, body = c.get("/logboek")
	wantStatus(t, resp, body, http.StatusOK)
	first := auditRows(body)
	if len(first) != auditPerPage {
		t.Fatalf("%d rows on the first page, want %d", len(first), auditPerPage)
	}
	m := regexp.MustCompile(`<a href="(/logboek\?organisatie=cz&amp;voor=\d+)">oudere »</a>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link to older entries:\n%s", body)
	}
	wantContains(t, first[0], `: 70`)
	wantContains(t, first[49], `: 21`)
	resp, body = c.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	wantStatus(t, resp, body, http.StatusOK)
	older := auditRows(body)
	if len(older) == 0 || !strings.Contains(older[0], `: 20`) {
		t.Fatalf("the older page does not go on where the first stopped: %d rows", len(older))
	}
	wantContains(t, body, `<a href="/logboek?organisatie=cz">« nieuwste</a>`)

	resp, body = c.get("/logboek?voor=gisteren")
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "De pagina van het logboek bestaat niet.")
}

func TestLogboekCSVHasTheFiltersOfThePageAndOpensInASpreadsheet(t *testing.T) {
	e := newAuditEnv(t)
	e.dossierEntries(t, 6)
	// Text that a spreadsheet would run as a formula; and more than one page of the trail.
	e.record(t, audit.Entry{UserName: `=HYPERLINK("https://evil.example")`, OrgID: apptest.OrgCZ, Action: "dossier.update",
		Subject: "dossier:d-1", Dossier: "d-1", Reason: "-1+1", Denied: true})
	for range audit.MaxLimit + 3 {
		e.record(t, audit.Entry{OrgID: apptest.OrgCZ, Action: "dossier.view", Subject: "dossier:d-groot", Dossier: "d-groot"})
	}
	c := e.loggedIn(t, czAdminEmail)

	resp, body := c.get("/logboek.csv?dossier=d-1")
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="logboek-cz-2021-11-01.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Error("no byte-order mark: spreadsheets would not read UTF-8")
	}
	records := readCSV(t, body)
	if !slices.Equal(records[0], auditCSVHeader) {
		t.Fatalf("header %v", records[0])
	}
	rows := records[1:]
	if len(rows) != 4 {
		t.Fatalf("%d rows of dossier d-1, want 4", len(rows))
	}
	col := func(name string) int { return slices.Index(auditCSVHeader, name) }
	refused := rows[0]
	if refused[col("Gebruiker")] != `'=HYPERLINK("https://evil.example")` || refused[col("Reden")] != "'-1+1" {
		t.Errorf("formula-like text not defused: %q, %q", refused[col("Gebruiker")], refused[col("Reden")])
	}
	if refused[col("Geweigerd")] != "ja" || refused[col("Actiecode")] != "dossier.update" || refused[col("Organisatie")] != "CZ groep" ||
		refused[col("Organisatie-id")] != "cz" || refused[col("Onderwerp")] != "dossier d-1" || refused[col("Onderwerp-code")] != "dossier:d-1" {
		t.Errorf("refused entry: %v", refused)
	}
	for _, r := range rows[1:] {
		if r[col("Dossier")] != "d-1" || r[col("Geweigerd")] != "nee" || r[col("Tijdstip")] != "1 november 2021 om 10:30" ||
			r[col("Tijdstip (UTC)")] != "2021-11-01T09:30:00Z" || r[col("Betreft")] != "cz-groep" || !strings.HasPrefix(r[col("Na")], `{"stap":`) {
			t.Errorf("row %v", r)
		}
	}

	// Page by page through the whole trail of one dossier.
	resp, body = c.get("/logboek.csv?onderwerp=dossier:d-groot")
	wantStatus(t, resp, body, http.StatusOK)
	rows = readCSV(t, body)[1:]
	if len(rows) != audit.MaxLimit+3 {
		t.Errorf("%d rows, want all %d", len(rows), audit.MaxLimit+3)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r[0]] = true
	}
	if len(seen) != len(rows) {
		t.Errorf("%d distinct entries in %d rows", len(seen), len(rows))
	}
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read: %v", err)
	}
	return records
}

func TestOperatorChoosesAnOrganisationOrTheWholePlatform(t *testing.T) {
	e := newAuditEnv(t)
	c := e.loggedIn(t, apptest.OperatorEmail)
	resp, body := c.get("/logboek")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Logboek van het hele platform", `<select name="organisatie">`, `<option value="">alle organisaties</option>`,
		`<option value="cz">CZ groep</option>`, `<option value="zz">Zorg en Zekerheid</option>`, "organisation:zz", "organisation:cz")
	resp, body = c.get("/logboek?organisatie=zz")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Logboek van Zorg en Zekerheid", `<option value="zz" selected>`, "organisation:zz")
	wantLacks(t, body, "organisation:cz")
	resp, body = c.get("/logboek.csv")
	wantStatus(t, resp, body, http.StatusOK)
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "logboek-platform-") {
		t.Errorf("Content-Disposition %q", cd)
	}
}

func TestLogboekIsForTheBeheerderOnly(t *testing.T) {
	e := newAuditEnv(t)
	resp, body := e.client(t).get("/logboek")
	wantRedirect(t, resp, body, "/inloggen?terug=%2Flogboek")

	buyer := e.loggedIn(t, apptest.CZBuyerEmail)
	resp, body = buyer.get("/logboek")
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Alleen een beheerder van uw organisatie mag het logboek inzien.")
	wantLacks(t, body, `href="/logboek"`)
	resp, body = buyer.get("/logboek.csv")
	wantStatus(t, resp, body, http.StatusForbidden)

	admin := e.loggedIn(t, czAdminEmail)
	for _, path := range []string{"/logboek?organisatie=zz", "/logboek.csv?organisatie=zz", "/logboek?organisatie=bestaat-niet"} {
		resp, body = admin.get(path)
		wantStatus(t, resp, body, http.StatusNotFound)
	}
}

// A beheerder's Logboek and its CSV number the entries by their place in the
// organisation's trail: the numbers (and the page links) stay the same when another
// organisation acts, and tell nothing of how much it does. They once showed the global seq.
func TestLogboekNumbersDoNotMoveWhenAnotherOrganisationActs(t *testing.T) {
	e := newAuditEnv(t)
	zzActs := func(n int) {
		for range n {
			e.record(t, audit.Entry{OrgID: apptest.OrgZZ, Scope: apptest.OrgZZ, Action: "dossier.view", Subject: "dossier:zz-1", Dossier: "zz-1"})
		}
	}
	zzActs(5)
	e.dossierEntries(t, auditPerPage+2) // two pages of CZ's trail
	c := e.loggedIn(t, czAdminEmail)
	look := func() (rows []string, older string, csvRows [][]string) {
		t.Helper()
		resp, body := c.get("/logboek")
		wantStatus(t, resp, body, http.StatusOK)
		m := regexp.MustCompile(`<a href="([^"]*)">oudere »</a>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no link to older entries:\n%s", body)
		}
		resp, csvBody := c.get("/logboek.csv")
		wantStatus(t, resp, csvBody, http.StatusOK)
		return auditRows(body), m[1], readCSV(t, csvBody)[1:]
	}
	rows, older, csvRows := look()
	zzActs(7)
	rows2, older2, csvRows2 := look()
	if !slices.Equal(rows, rows2) || older != older2 || fmt.Sprint(csvRows) != fmt.Sprint(csvRows2) {
		t.Errorf("CZ's Logboek changed when Zorg en Zekerheid acted:\nlink %s, then %s", older, older2)
	}
	// Numbered 1, 2, 3, ... in CZ's trail, newest first: the global seqs have gaps here.
	for i, r := range csvRows {
		if want := fmt.Sprint(len(csvRows) - i); r[0] != want {
			t.Fatalf("CSV row %d has number %s, want %s (its place in CZ's trail)", i, r[0], want)
		}
	}
	if !strings.Contains(rows[0], fmt.Sprintf(`<td class="num">%d</td>`, len(csvRows))) {
		t.Errorf("the newest row is not numbered %d: %s", len(csvRows), rows[0])
	}
	// The older page goes on below the last number shown.
	resp, body := c.get(strings.ReplaceAll(older, "&amp;", "&"))
	wantStatus(t, resp, body, http.StatusOK)
	if next := auditRows(body); len(next) != len(csvRows)-auditPerPage ||
		!strings.Contains(next[0], fmt.Sprintf(`<td class="num">%d</td>`, len(csvRows)-auditPerPage)) {
		t.Errorf("older page: %d rows, want %d numbered from %d", len(next), len(csvRows)-auditPerPage, len(csvRows)-auditPerPage)
	}
}
