package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/policy"
)

var (
	inlineTag = regexp.MustCompile(`(?s)</?(a|span|strong|em|code)\b[^>]*>`)
	anyTag    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// visible is the text of a page as a reader sees it: no tags (a block ends a word, an
// inline element does not), entities read, runs of white space as one space.
func visible(body string) string {
	text := anyTag.ReplaceAllString(inlineTag.ReplaceAllString(body, ""), " ")
	return strings.Join(strings.Fields(html.UnescapeString(text)), " ")
}

// partsEnv is newEnv with apptest.PartsPolicy installed and assessed from the overview.
func partsEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newEnv(t)
	e.app.InstallPartsPolicy(t)
	path := "/beleid/" + apptest.PartsPolicy + "/beoordeling"
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(url.Values{"csrf": {e.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(e.session)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d", path, resp.StatusCode)
	}
	return e
}

func TestOverviewShowsTheBaseOutcomeAndEveryJudgedPart(t *testing.T) {
	e := partsEnv(t)
	base := "/beleid/" + apptest.PartsPolicy + "/beoordeling"
	resp, body := e.get(t, base)
	wantStatus(t, resp, body, http.StatusOK)
	text := visible(body)
	wantContains(t, text,
		"tegen versie 1 van dit beleid.", "2 zorgaanbieders beoordeeld: alle zorgaanbieders met een zorgsoort van dit beleid",
		"Praktijkovereenkomst huisartsenzorg (basis)",
		// the totals per part
		"Onderdelen", "Module praktijkmanagement aangeboden door de verzekeraar, aan iedereen 1 komt in aanmerking · 1 komt niet in aanmerking",
		"Stoppen met rokenprogramma aan te vragen door de zorgaanbieder 2 niet aangevraagd",
		// per row: the base outcome, then only the parts that were judged
		"Uitkomst basis Beoordeelde onderdelen",
		"Huisartsenpraktijk Failliet onvolledig Module praktijkmanagement: komt niet in aanmerking",
		"Huisartsenpraktijk De Linde komt in aanmerking Module praktijkmanagement: komt in aanmerking")
	wantLacks(t, text, "Stoppen met rokenprogramma: niet aangevraagd")
	wantContains(t, body, `href="`+base+`?onderdeel=praktijkmanagement&amp;onderdeel_uitkomst=not_eligible"`)

	t.Run("filtered by a part's outcome", func(t *testing.T) {
		resp, body := e.get(t, base+"?onderdeel=praktijkmanagement&onderdeel_uitkomst=not_eligible")
		wantStatus(t, resp, body, http.StatusOK)
		wantContains(t, visible(body), "Rijen 1–1 van 1", "Huisartsenpraktijk Failliet")
		wantLacks(t, visible(body), "Huisartsenpraktijk De Linde")
		wantContains(t, body, `href="`+base+`.csv?onderdeel=praktijkmanagement&amp;onderdeel_uitkomst=not_eligible"`)
	})
	t.Run("an unknown part or part outcome is refused in Dutch, on the page and the download", func(t *testing.T) {
		for query, dutch := range map[string]string{
			"onderdeel=telemonitoring&onderdeel_uitkomst=eligible":  "Onbekend onderdeel",
			"onderdeel=praktijkmanagement&onderdeel_uitkomst=prima": "Onbekende uitkomst van een onderdeel",
			"onderdeel_uitkomst=eligible":                           "Kies bij de uitkomst van een onderdeel ook het onderdeel.",
		} {
			for _, path := range []string{base + "?", base + ".csv?", base + ".xlsx?"} {
				resp, body := e.get(t, path+query)
				wantStatus(t, resp, body, http.StatusBadRequest)
				wantContains(t, body, dutch)
			}
		}
	})
}

func TestProviderPageShowsTheContractAndRequirementsPerPart(t *testing.T) {
	e := partsEnv(t)
	resp, body := e.get(t, "/beleid/"+apptest.PartsPolicy+"/beoordeling/hap-failliet")
	wantStatus(t, resp, body, http.StatusOK)
	text := visible(body)
	wantContains(t, text,
		"Praktijkovereenkomst huisartsenzorg: onvolledig",
		"Contract en onderdelen Elk onderdeel wordt apart beoordeeld",
		"Onderdeel Hoe Uitkomst Toelichting",
		"Praktijkovereenkomst huisartsenzorg basisovereenkomst onvolledig Nog niet te beoordelen, gegevens of bewijsstukken ontbreken voor: BIG-registratie als huisarts.",
		"Module praktijkmanagement aangeboden door de verzekeraar, aan iedereen komt niet in aanmerking Voldoet niet aan: Geen faillissement voor praktijkmanagement.",
		"Stoppen met rokenprogramma aan te vragen door de zorgaanbieder; aanvulling op Praktijkovereenkomst huisartsenzorg niet aangevraagd De zorgaanbieder heeft dit onderdeel niet aangevraagd",
		// the requirements per part, below the contract
		"Praktijkovereenkomst huisartsenzorg (basis) Eis en bron Soort Status Toelichting BIG-registratie als huisarts",
		"Onderdeel: Module praktijkmanagement Eis en bron Soort Status Toelichting Geen faillissement voor praktijkmanagement",
		// a part not asked for: why, and its conditions folded away
		"Onderdeel: Stoppen met rokenprogramma De zorgaanbieder heeft dit onderdeel niet aangevraagd; de voorwaarden zijn niet beoordeeld. "+
			"1 voorwaarde, niet beoordeeld Eis en bron Soort Status Toelichting Omzet voor stoppen met roken")
	if strings.Index(text, "Contract en onderdelen") > strings.Index(text, "Praktijkovereenkomst huisartsenzorg (basis) Eis en bron") {
		t.Errorf("the contract is not above the requirements:\n%s", text)
	}
}

func TestMyAssessmentsShowTheProvidersOwnOutcomePerPart(t *testing.T) {
	a := newAuthEnv(t, Limits{})
	a.app.InstallPartsPolicy(t)
	linde := a.client(t)
	linde.login(apptest.LindeEmail, apptest.Password)
	resp, body := linde.get("/beoordelingen")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, visible(body),
		"Testbeleid huisartsenzorg met onderdelen (CZ groep): Praktijkovereenkomst huisartsenzorg: komt in aanmerking "+
			"Onderdeel Module praktijkmanagement: komt in aanmerking Onderdeel Stoppen met rokenprogramma: niet aangevraagd")
}

func TestDownloadsHaveAColumnPerPart(t *testing.T) {
	e := partsEnv(t)
	base := "/beleid/" + apptest.PartsPolicy + "/beoordeling"
	want := map[string][]string{
		"header":       {"Module praktijkmanagement", "Stoppen met rokenprogramma"},
		"hap-de-linde": {"komt in aanmerking", "niet aangevraagd"},
		"hap-failliet": {"komt niet in aanmerking", "niet aangevraagd"},
	}
	check := func(t *testing.T, rows [][]string) {
		t.Helper()
		if len(rows) != 3 {
			t.Fatalf("%d rows, want a header and 2: %q", len(rows), rows)
		}
		for _, row := range rows {
			key := "header"
			if row[0] != "Zorgaanbieder" {
				key = row[1]
			}
			if len(row) != 8 || row[6] != want[key][0] || row[7] != want[key][1] {
				t.Errorf("%s: %q, want the parts %q in columns 7 and 8", key, row, want[key])
			}
		}
	}
	t.Run("csv", func(t *testing.T) {
		resp, body := e.get(t, base+".csv")
		wantStatus(t, resp, body, http.StatusOK)
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		check(t, rows)
	})
	t.Run("xlsx", func(t *testing.T) {
		resp, body := e.get(t, base+".xlsx")
		wantStatus(t, resp, body, http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Beoordeling")
		if err != nil {
			t.Fatal(err)
		}
		check(t, rows)
	})
}

// In a real browser: the buyer filters the overview by a part's outcome with the form and
// opens the provider found; the provider reads its own outcome per part.
func TestBrowserShowsOutcomesPerPart(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	e.app.InstallPartsPolicy(t)
	if _, err := e.app.Assessments.AssessAll(context.Background(), e.ids.Operator, apptest.PartsPolicy, nil); err != nil {
		t.Fatal(err)
	}
	p := newPageTab(t, e.srv.URL)
	p.login(apptest.CZBuyerEmail, apptest.Password)
	p.open("/beleid/" + apptest.PartsPolicy + "/beoordeling")
	p.wantText("table.part-totals", []string{"Module praktijkmanagement", "1 komt niet in aanmerking", "Stoppen met rokenprogramma", "2 niet aangevraagd"}, nil)
	ctx, cancel := p.step()
	err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="onderdeel"]`), "praktijkmanagement"),
		chromedp.SetValue(chromedp.CSS(`select[name="onderdeel_uitkomst"]`), "not_eligible"))
	cancel()
	if err != nil {
		t.Fatalf("choose the part's outcome: %v", err)
	}
	p.click(`form.inline button[type="submit"]`)
	p.wantText("main table.overview", []string{"Huisartsenpraktijk Failliet", "Module praktijkmanagement: komt niet in aanmerking"},
		[]string{"Huisartsenpraktijk De Linde"})
	p.click(`main a[href="/beleid/` + apptest.PartsPolicy + `/beoordeling/hap-failliet"]`)
	p.wantText("main", []string{"Contract en onderdelen", "Module praktijkmanagement", "Voldoet niet aan: Geen faillissement voor praktijkmanagement.",
		"Onderdeel: Stoppen met rokenprogramma"}, nil)

	p.open("/")
	p.click(`form.logout button`)
	p.login(apptest.LindeEmail, apptest.Password)
	p.open("/beoordelingen")
	p.wantText("main", []string{"Onderdeel Module praktijkmanagement: komt in aanmerking", "Onderdeel Stoppen met rokenprogramma: niet aangevraagd"}, nil)

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range p.violations {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
}

func TestOverviewSaysWhenThePolicyChangedSinceTheRun(t *testing.T) {
	e := partsEnv(t)
	name, data := apptest.PartsPolicyFile()
	changed := bytes.Replace(data, []byte("title: Testbeleid huisartsenzorg met onderdelen"), []byte("title: Testbeleid huisartsenzorg, gewijzigd"), 1)
	if _, err := policy.Install(context.Background(), e.app.Library, e.db, apptest.Now, map[string][]byte{name: changed}); err != nil {
		t.Fatal(err)
	}
	resp, body := e.get(t, "/beleid/"+apptest.PartsPolicy+"/beoordeling")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, visible(body), "tegen versie 1 van dit beleid.",
		"Dit beleid is sindsdien gewijzigd (nu versie 2). Voer een nieuwe beoordeling uit om de uitkomsten bij te werken.")
}
