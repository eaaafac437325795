package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apptest"
)

// noRedirect lets a test see the redirect after a POST.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches a page in the environment's session.
func (e *testEnv) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(e.session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// runAssessment presses the button on the overview page.
func (e *testEnv) runAssessment(t *testing.T) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/beleid/"+testPolicy+"/beoordeling", strings.NewReader(url.Values{"csrf": {e.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(e.session)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/beleid/"+testPolicy+"/beoordeling" {
		t.Fatalf("POST beoordeling: %d to %q, want 303 to the overview", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestPagesRenderInDutch(t *testing.T) {
	e := newEnv(t)
	e.runAssessment(t)
	tests := []struct {
		name    string
		path    string
		status  int
		want    []string
		notWant []string
	}{
		{"the home page lists the policies in force", "/", 200,
			[]string{"Zorginkoopbeleid in werking", "Zorginkoopbeleid Huisartsenzorg en multidisciplinaire zorg 2022", "CZ groep",
				"1 april 2021", "/beleid/" + testPolicy}, nil},
		{"a policy page shows header, requirements by kind, timeline, contract forms, windows and contacts", "/beleid/" + testPolicy, 200,
			[]string{"Peildatum", "1 januari 2022", "CZ, OHRA en Nationale-Nederlanden", "Samenvatting", "Belangrijkste wijzigingen",
				"Minimumeisen", "Uitsluitingsgronden", "Richtinggevende criteria", "minimumeis", "BIG-registratie als huisarts",
				"big_registratie_huisarts", "Zorginkoopbeleid Huisartsenzorg en multidisciplinaire zorg 2022, §3.1.6", "Huisartsenpraktijk en Gezondheidscentrum",
				"Tijdpad", "harde termijn", "Contractvormen", "Doorleverplicht", "Omzetplafond", "Aanvraagperiodes", "8 juni 2021",
				"31 juli 2021", "rz.huisartsen@cz.nl", "In werking", "Regel (CEL)", "BIG-registratie als huisarts: ja"},
			// Sources by the insurer's document title and section, never the seed file.
			[]string{"004_c6d06964f60a85df"}},
		{"the overview counts outcomes and names the open knock-outs", "/beleid/" + testPolicy + "/beoordeling", 200,
			[]string{"Nieuwe beoordeling uitvoeren", `method="post"`, "komt in aanmerking", "komt niet in aanmerking",
				"Huisartsenpraktijk De Linde", "Huisartsenpraktijk Failliet",
				"Faillissement, liquidatie, gestaakte werkzaamheden, surseance of akkoord", "1 november 2021 om 10:30",
				"beoordeling.csv", "beoordeling.xlsx"}, nil},
		{"the overview filters by outcome", "/beleid/" + testPolicy + "/beoordeling?uitkomst=eligible", 200,
			[]string{"Huisartsenpraktijk De Linde", "beoordeling.csv?uitkomst=eligible"}, []string{"Huisartsenpraktijk Failliet"}},
		{"the overview filters by care type", "/beleid/" + testPolicy + "/beoordeling?zorgsoort=rsv", 200,
			[]string{"Geen zorgaanbieders met deze filters."}, []string{"Huisartsenpraktijk De Linde"}},
		{"the drill-down shows provider data and every requirement explained", "/beleid/" + testPolicy + "/beoordeling/hap-de-linde", 200,
			[]string{"KvK-nummer", "12345678", "01012345 (praktijk)", "01123456 (zorgverlener)", "Dorpsstraat 1", "5611 AB", "Eindhoven",
				"komt in aanmerking", "voldoet", "n.v.t.", "BIG-registratie als huisarts: ja",
				"€ 100.000,00", "1 juni 2021", "waarneemregeling-2021.pdf", "Zorginkoopbeleid Huisartsenzorg en multidisciplinaire zorg 2022, §3.1.6"},
			[]string{"004_c6d06964f60a85df"}},
		{"the drill-down of a bankrupt provider says why", "/beleid/" + testPolicy + "/beoordeling/hap-failliet", 200,
			[]string{"komt niet in aanmerking", "voldoet niet", "onbekend"}, nil},
		{"the provider list searches", "/zorgaanbieders?q=linde", 200,
			[]string{"Zorgaanbieders", "Huisartsenpraktijk De Linde", "1 t/m 1 van 1 zorgaanbieders", "Eindhoven"},
			[]string{"Ziekenhuis Zuid"}},
		{"the provider list filters by care type", "/zorgaanbieders?zorgsoort=ziekenhuis", 200,
			[]string{"Ziekenhuis Zuid", "pagina 1 van 1"}, []string{"Huisartsenpraktijk De Linde"}},
		{"the provider list refuses an unknown care type, as the API does", "/zorgaanbieders?zorgsoort=tandarts", 400,
			[]string{"Onbekende zorgsoort", "tandarts"}, []string{"Huisartsenpraktijk De Linde"}},
		{"an unknown page is a Dutch 404", "/bestaat-niet", 404, []string{"Pagina niet gevonden"}, nil},
		{"an unknown policy is a Dutch 404", "/beleid/bestaat-niet", 404, []string{"Pagina niet gevonden"}, nil},
		{"an unknown provider is a Dutch 404", "/beleid/" + testPolicy + "/beoordeling/niemand", 404, []string{"Pagina niet gevonden"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.get(t, tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.Contains(body, `<html lang="nl">`) {
				t.Error("page is not marked as Dutch")
			}
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(body, s) {
					t.Errorf("page shows %q", s)
				}
			}
		})
	}
}

func TestOverviewBeforeAnyRunInvitesToRun(t *testing.T) {
	e := newEnv(t)
	resp, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling")
	if resp.StatusCode != 200 || !strings.Contains(body, "nog niet beoordeeld") || !strings.Contains(body, "Nieuwe beoordeling uitvoeren") {
		t.Errorf("status %d; page:\n%s", resp.StatusCode, body)
	}
	if resp, _ := e.get(t, "/beleid/"+testPolicy+"/beoordeling.csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("CSV without a run: status %d, want 404", resp.StatusCode)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/beleid/" + testPolicy, "/bestaat-niet", "/static/style.css", "/zorgaanbieders"} {
		resp, _ := e.get(t, path)
		h := resp.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
}

func TestCrossSiteFormPostIsRefused(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("POST", e.srv.URL+"/beleid/"+testPolicy+"/beoordeling", strings.NewReader(url.Values{"csrf": {e.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(e.session)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: status %d, want 403", resp.StatusCode)
	}
	if resp, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling"); resp.StatusCode != 200 || !strings.Contains(body, "nog niet beoordeeld") {
		t.Error("a refused POST still ran an assessment")
	}
}

func TestGetDoesNotRunAnAssessment(t *testing.T) {
	e := newEnv(t)
	resp, _ := e.get(t, "/beleid/"+testPolicy+"/beoordeling?run=1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling"); !strings.Contains(body, "nog niet beoordeeld") {
		t.Error("GET changed state")
	}
}

var wantRows = [][]string{
	{"Zorgaanbieder", "ID", "Uitkomst", "Score", "Maximale score", "Minimumeisen niet voldaan of onbekend"},
	{"Huisartsenpraktijk De Linde", "hap-de-linde", "komt in aanmerking", "2", "13", ""},
	{"Huisartsenpraktijk Failliet", "hap-failliet", "komt niet in aanmerking", "0", "13"},
}

func checkRows(t *testing.T, rows [][]string) {
	t.Helper()
	if len(rows) != len(wantRows) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(wantRows), rows)
	}
	for i, want := range wantRows {
		for j, cell := range want {
			if j >= len(rows[i]) && cell == "" {
				continue // spreadsheets drop empty trailing cells
			}
			if j >= len(rows[i]) || rows[i][j] != cell {
				t.Errorf("row %d: %q, want %q", i, rows[i], want)
				break
			}
		}
	}
	if last := rows[2][5]; !strings.Contains(last, "BIG-registratie als huisarts; ") ||
		!strings.Contains(last, "Faillissement, liquidatie, gestaakte werkzaamheden, surseance of akkoord") {
		t.Errorf("open knock-outs of the bankrupt provider: %q", last)
	}
}

func TestCSVDownloadOpensWithTheRows(t *testing.T) {
	e := newEnv(t)
	e.runAssessment(t)
	resp, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling.csv")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="beoordeling-`+testPolicy+`-2021-11-01.csv"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	checkRows(t, rows)

	_, filtered := e.get(t, "/beleid/"+testPolicy+"/beoordeling.csv?uitkomst=not_eligible")
	if strings.Contains(filtered, "hap-de-linde") || !strings.Contains(filtered, "hap-failliet") {
		t.Errorf("filtered CSV:\n%s", filtered)
	}
}

func TestXLSXDownloadOpensWithTheRows(t *testing.T) {
	e := newEnv(t)
	e.runAssessment(t)
	resp, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling.xlsx")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Beoordeling")
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, rows)
}

func TestDraftIsMarkedAndOnlyForItsInsurer(t *testing.T) {
	e := newEnv(t)
	buyer := e.ids.Principal(t, e.ids.User(t, apptest.CZBuyerEmail))
	yaml := apptest.DraftYAML(t, testPolicy+".yaml", "cz-concept-2027", "Concept huisartsenzorg 2027")
	if _, _, err := e.app.Policies.SaveDraft(context.Background(), buyer, "concept.yaml", yaml); err != nil {
		t.Fatal(err)
	}
	if _, body := e.get(t, "/"); !strings.Contains(body, "Concept huisartsenzorg 2027") || !strings.Contains(body, "concept, niet gepubliceerd") {
		t.Errorf("the home page does not list the insurer's draft as a draft")
	}
	if resp, body := e.get(t, "/beleid/cz-concept-2027"); resp.StatusCode != 200 || !strings.Contains(body, "nog niet gepubliceerd") {
		t.Errorf("draft page: status %d", resp.StatusCode)
	}
	resp, err := http.Get(e.srv.URL + "/beleid/cz-concept-2027")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("draft page for an anonymous visitor: status %d, want 404", resp.StatusCode)
	}
}
