package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/provider"
)

// getAs fetches a page in a new session of the user with email.
func (e *testEnv) getAs(t *testing.T, email, path string) (*http.Response, string) {
	t.Helper()
	_, secret, _, err := e.ids.Service.StartSession(context.Background(), e.ids.User(t, email), "test")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: httpauth.SessionCookie, Value: secret})
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// withInsurerRevenue gives De Linde a revenue fact kept by CZ groep and one kept by Zorg
// en Zekerheid, each with its own evidence.
func (e *testEnv) withInsurerRevenue(t *testing.T) {
	t.Helper()
	linde := apptest.Providers()[0]
	linde.Facts = append(linde.Facts,
		provider.Fact{Key: "omzet_verzekeraar", Insurer: "cz-groep", Value: "250000", Source: provider.SourceInsurer, Date: "2021-03-01", Evidence: "cz-omzet.pdf"},
		provider.Fact{Key: "omzet_verzekeraar", Insurer: "zorg-en-zekerheid", Value: "31415", Source: provider.SourceInsurer, Date: "2021-03-02", Evidence: "zz-omzet.pdf"},
		provider.Fact{Key: "marktaandeel_verzekeraar", Insurer: "cz-groep", Value: "12.5", Source: provider.SourceInsurer, Date: "2021-03-01"})
	e.importProviders(t, linde)
}

// importProviders normalises and imports records as the operator.
func (e *testEnv) importProviders(t *testing.T, ps ...provider.Provider) {
	t.Helper()
	if err := e.ids.Services.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.ids.Services.Providers.Import(context.Background(), e.ids.Operator, ps, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestAProviderPageShowsItsFactsInDutchAndEachInsurerOnlyItsOwn(t *testing.T) {
	e := newEnv(t)
	e.withInsurerRevenue(t)
	resp, body := e.get(t, "/zorgaanbieders?q=linde")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, `<a href="/zorgaanbieders/hap-de-linde">Huisartsenpraktijk De Linde</a>`)

	resp, body = e.get(t, "/zorgaanbieders/hap-de-linde")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "<title>Huisartsenpraktijk De Linde · Zorginkoop</title>", "12345678", "01012345 (praktijk)", "01123456 (zorgverlener)",
		"Huisarts", "Dorpsstraat 1", "5611 AB", "Eindhoven",
		"Gegevens voor alle zorgverzekeraars", "Totale omzet basisverzekerde zorg", "€ 100.000,00", "1 juni 2021", "waarneemregeling-2021.pdf",
		"opgegeven door de zorgaanbieder", "ja",
		"Gegevens bij CZ groep", "Omzet CZ groep-verzekerden", "€ 250.000,00", "cz-omzet.pdf", "uit gegevens van de zorgverzekeraar",
		"1 maart 2021", "12,5%",
		"Beoordelingen", `href="/beleid/`+testPolicy+`/beoordeling/hap-de-linde"`, "komt in aanmerking")
	wantLacks(t, body, "zz-omzet.pdf", "€ 31.415,00", "Zorg en Zekerheid-verzekerden", "Gegevens bij Zorg en Zekerheid", "omzet_totaal")

	resp, body = e.getAs(t, apptest.ZZBuyerEmail, "/zorgaanbieders/hap-de-linde")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Gegevens bij Zorg en Zekerheid", "€ 31.415,00", "zz-omzet.pdf", "€ 100.000,00")
	wantLacks(t, body, "cz-omzet.pdf", "€ 250.000,00", "Gegevens bij CZ groep", "12,5%", "/beleid/"+testPolicy+"/beoordeling/hap-de-linde")

	// The provider sees its own page with what every insurer keeps about it, and its outcome.
	resp, body = e.getAs(t, apptest.LindeEmail, "/zorgaanbieders/hap-de-linde")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "cz-omzet.pdf", "zz-omzet.pdf", "komt in aanmerking", `href="/beleid/`+testPolicy+`/beoordeling/hap-de-linde"`)
}

func TestAProviderUserSeesOnlyItsOwnProviderPage(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/zorgaanbieders/hap-failliet", "/zorgaanbieders/ziekenhuis-zuid", "/zorgaanbieders/bestaat-niet"} {
		resp, body := e.getAs(t, apptest.LindeEmail, path)
		wantStatus(t, resp, body, http.StatusNotFound)
		wantContains(t, body, "Pagina niet gevonden")
		wantLacks(t, body, "Failliet", "Ziekenhuis Zuid", "Tilburg")
	}
	resp, body := e.getAs(t, apptest.LindeEmail, "/zorgaanbieders")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, `href="/zorgaanbieders/hap-de-linde"`)
	if strings.Contains(body, "hap-failliet") {
		t.Error("another provider is listed")
	}
}

func TestPlacesAreListedOnceAndSectorsByName(t *testing.T) {
	e := newEnv(t)
	linde := apptest.Providers()[0]
	linde.Locations = append(linde.Locations, provider.Location{Name: "Tweede locatie", Street: "Markt 2", Postcode: "5611 AC", City: "Eindhoven"},
		provider.Location{Name: "Derde locatie", Street: "Kerkstraat 3", Postcode: "5555 AA", City: "Valkenswaard"})
	e.importProviders(t, linde)
	_, body := e.get(t, "/zorgaanbieders?q=linde")
	wantContains(t, body, "<td>Eindhoven, Valkenswaard</td>")
	_, body = e.get(t, "/")
	wantContains(t, body, "<td>Huisartsenzorg</td>")
	wantLacks(t, body, "<td>huisartsenzorg</td>")
	_, body = e.get(t, "/beleid/"+testPolicy)
	wantContains(t, body, "<dt>Sector</dt><dd>Huisartsenzorg</dd>")
}
