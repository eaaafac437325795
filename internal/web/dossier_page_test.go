package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/round"
)

func TestTheDossierShowsToBothPartiesAndToNobodyElse(t *testing.T) {
	e := newRoundEnv(t)
	id := e.proposed(t)
	for _, tc := range []struct {
		email  string
		status int
		has    []string
		lacks  []string
	}{
		{euBuyer, http.StatusOK, []string{"Kliniek X", "aanbod verstuurd", "Uiterste tekendatum zorgovereenkomst", "11 november 2025",
			"Ter beoordeling (medisch adviseur)", "Uitkomst: onvolledig", "versie 1, voorgesteld", "Reageren op het aanbod en de prijslijst"},
			[]string{"Beoordeling vastleggen"}},
		{euAdviser, http.StatusOK, []string{"Beoordeling vastleggen", "Ter beoordeling (medisch adviseur)"}, []string{"versie 1, voorgesteld"}},
		{euManager, http.StatusOK, []string{"versie 1, voorgesteld"}, []string{"Beoordeling vastleggen", "Besluit vastleggen"}},
		{kxAdmin, http.StatusOK, []string{"Uitkomst: onvolledig", "versie 1, voorgesteld"}, []string{"Ter beoordeling (medisch adviseur)", "Besluit vastleggen"}},
		{kxFiller, http.StatusOK, []string{"Uitkomst: onvolledig"}, []string{"versie 1, voorgesteld", "/prijslijst/"}},
		{kxSigner, http.StatusOK, []string{"versie 1, voorgesteld"}, nil},
		{apptest.ZZBuyerEmail, http.StatusNotFound, []string{"Pagina niet gevonden"}, []string{"Kliniek X"}},
		{apptest.LindeEmail, http.StatusNotFound, nil, []string{"Kliniek X"}},
	} {
		resp, body := e.session(t, tc.email).get(t, "/dossiers/"+id)
		wantStatus(t, resp, body, tc.status)
		wantContains(t, body, tc.has...)
		wantLacks(t, body, tc.lacks...)
	}
	resp, body := e.session(t, euBuyer).get(t, "/dossiers/dos-0000000000000000")
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestTheMedischAdviseurJudgesAReviewItemWithAReason(t *testing.T) {
	e := newRoundEnv(t)
	id := e.assessed(t)
	const req = "dure-geneesmiddelen-inkoop"
	path := "/dossiers/" + id + "/beoordeling/" + req
	reviewed := func() bool {
		items, err := e.svc.Questionnaires.ReviewItems(context.Background(), e.who(t, euBuyer), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.RequirementID == req {
				return it.Review != nil
			}
		}
		t.Fatalf("no review item %s", req)
		return false
	}
	adviser := e.session(t, euAdviser)
	resp, body := adviser.post(t, path, url.Values{"oordeel": {"met"}, "reden": {"  "}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Geef de reden van uw beoordeling.")
	resp, body = e.session(t, euBuyer).post(t, path, url.Values{"oordeel": {"met"}, "reden": {"Prima"}})
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = e.session(t, apptest.ZZBuyerEmail).post(t, path, url.Values{"oordeel": {"met"}, "reden": {"Prima"}})
	wantStatus(t, resp, body, http.StatusNotFound)
	if reviewed() {
		t.Fatal("a refused review was recorded")
	}
	resp, body = adviser.post(t, path, url.Values{"oordeel": {"not_met"}, "reden": {"Geen inkoopbeleid voor dure geneesmiddelen aangeleverd"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if !reviewed() {
		t.Fatal("the review was not recorded")
	}
	_, body = adviser.get(t, "/dossiers/"+id)
	wantContains(t, body, "Beoordeeld: <strong>voldoet niet</strong> door Mira Adviseur", "Geen inkoopbeleid voor dure geneesmiddelen aangeleverd")
	_, body = e.session(t, kxAdmin).get(t, "/dossiers/"+id)
	wantContains(t, body, "Beoordeling medisch adviseur: voldoet niet")
	wantLacks(t, body, "Mira Adviseur")
}

func TestTheInkoperDecidesPerPartAndSendsTheOffer(t *testing.T) {
	e := newRoundEnv(t)
	id := e.assessed(t)
	buyer := e.session(t, euBuyer)
	path := "/dossiers/" + id + "/besluit"
	_, body := buyer.get(t, "/dossiers/"+id)
	wantContains(t, body, "Besluit vastleggen", "afwijzen om moverende redenen")

	resp, body := buyer.post(t, path, url.Values{"onderdeel": {rDrugs}, "besluit": {"afwijzen"}, "reden": {""}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	resp, body = e.session(t, euAdviser).post(t, path, url.Values{"onderdeel": {rDrugs}, "besluit": {"toekennen"}, "reden": {"Goed"}})
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Alleen een inkoper van de zorgverzekeraar besluit over een onderdeel.")
	resp, body = e.session(t, kxAdmin).post(t, path, url.Values{"onderdeel": {rDrugs}, "besluit": {"toekennen"}, "reden": {"Goed"}})
	wantStatus(t, resp, body, http.StatusForbidden)
	if d := e.dossier(t, id); d.Part(rDrugs).Decision != nil {
		t.Fatalf("a refused decision was recorded: %+v", d.Part(rDrugs).Decision)
	}

	resp, body = buyer.post(t, path, url.Values{"onderdeel": {rDrugs}, "besluit": {"moverende-redenen"}, "reden": {""}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = buyer.post(t, path, url.Values{"onderdeel": {rBase}, "besluit": {"toekennen"}, "reden": {"Voldoet aan de eisen"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	d := e.dossier(t, id)
	if dec := d.Part(rDrugs).Decision; dec == nil || dec.Outcome != round.RefusedIt || !dec.Discretionary {
		t.Fatalf("drugs decision %+v, want refused om moverende redenen", dec)
	}
	_, body = buyer.get(t, "/dossiers/"+id)
	wantContains(t, body, "afgewezen om moverende redenen", "toegekend op 1 juni 2025: Voldoet aan de eisen", "Aanbod versturen")

	resp, body = buyer.post(t, "/dossiers/"+id+"/aanbod", url.Values{"onderdeel": {rDrugs}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Alleen toegekende onderdelen kunnen worden aangeboden.")
	if e.dossier(t, id).Stage != round.Assessed {
		t.Fatal("a refused offer moved the dossier")
	}
	resp, body = buyer.post(t, "/dossiers/"+id+"/aanbod", url.Values{"onderdeel": {rBase}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if d := e.dossier(t, id); d.Stage != round.Offered || d.Part(rBase).OfferSent == nil {
		t.Fatalf("after the offer: stage %s", d.Stage)
	}
	_, body = buyer.get(t, "/dossiers/"+id+"?gedaan=aanbod")
	wantContains(t, body, "Het contractaanbod is verstuurd.", "aanbod verstuurd", `href="/dossiers/`+id+`/prijslijst/`+rBase+`"`)
}

func TestTheProviderSubmitsItsQuoteByTheRoundsDate(t *testing.T) {
	e := newRoundEnv(t)
	e.dates = []round.RoundDate{{Step: "quote", Date: mustDate(t, "2025-06-15"), Hard: true}}
	id := e.assessed(t)
	path := "/dossiers/" + id + "/offerte"
	admin := e.session(t, kxAdmin)
	_, body := admin.get(t, "/dossiers/"+id)
	wantContains(t, body, "Uiterlijk 15 juni 2025 (harde datum) dient de zorgaanbieder een offerte in.", "Offerte indienen")
	resp, body := admin.post(t, path, url.Values{"tekst": {"  "}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Vul de offerte in.")
	for _, email := range []string{kxFiller, euBuyer} {
		resp, body = e.session(t, email).post(t, path, url.Values{"tekst": {"Onze offerte"}})
		wantStatus(t, resp, body, http.StatusForbidden)
	}
	if e.dossier(t, id).Quote != nil {
		t.Fatal("a refused quote was recorded")
	}
	resp, body = admin.post(t, path, url.Values{"tekst": {"Wij bieden 120 heupprothesen aan."}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = e.session(t, euBuyer).get(t, "/dossiers/"+id)
	wantContains(t, body, "Wij bieden 120 heupprothesen aan.")

	e.now = e.now.AddDate(0, 0, 15) // 16 June: the hard date has passed
	resp, body = admin.post(t, path, url.Values{"tekst": {"Een betere offerte"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "is verstreken: dit kan niet meer.", "Een betere offerte")
	if q := e.dossier(t, id).Quote; q == nil || q.Text != "Wij bieden 120 heupprothesen aan." {
		t.Fatalf("quote after a late one: %+v", q)
	}
}
