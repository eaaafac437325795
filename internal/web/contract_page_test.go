package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/contract"
)

func (e *roundEnv) contract(t *testing.T, id string) *contract.Contract {
	t.Helper()
	c, err := e.svc.Contracts.ContractForDossier(context.Background(), e.who(t, euBuyer), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTheContractIsGeneratedThenSignedByTheTekenbevoegdeAndTheContractbeheerder(t *testing.T) {
	e := newRoundEnv(t)
	id := e.agreed(t)
	path := "/dossiers/" + id + "/contract"
	buyer := e.session(t, euBuyer)
	_, body := buyer.get(t, path)
	wantContains(t, body, "Er is nog geen contract.", "Contract opstellen", "11 november 2025")
	resp, body := e.session(t, kxAdmin).post(t, path, url.Values{})
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Alleen de inkoper of contractbeheerder van de zorgverzekeraar stelt het contract op.")
	resp, body = e.session(t, apptest.ZZBuyerEmail).post(t, path, url.Values{})
	wantStatus(t, resp, body, http.StatusNotFound)
	if _, err := e.svc.Contracts.ContractForDossier(context.Background(), e.who(t, euBuyer), id); err == nil {
		t.Fatal("a refused generation made a contract")
	}
	resp, body = buyer.post(t, path, url.Values{})
	wantStatus(t, resp, body, http.StatusSeeOther)
	c := e.contract(t, id)
	_, body = buyer.get(t, path)
	wantContains(t, body, c.DocumentSHA256, "/contracten/"+c.ID+".pdf", "/contracten/"+c.ID+".xlsx", "wacht op ondertekening",
		"Zorgovereenkomst ZBC&#39;s 2026", "Nog niet ondertekend")
	wantLacks(t, body, `action="/contracten/`+c.ID+`/ondertekenen"`) // the insurer signs second

	// Downloads: to the parties only.
	resp, body = e.session(t, kxSigner).get(t, "/contracten/"+c.ID+".pdf")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.HasPrefix(body, "%PDF") || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %q", resp.Header.Get("Content-Type"))
	}
	resp, body = buyer.get(t, "/contracten/"+c.ID+".xlsx")
	wantStatus(t, resp, body, http.StatusOK)
	for _, p := range []string{"/contracten/" + c.ID + ".doc", "/contracten/" + c.ID} {
		resp, body = buyer.get(t, p)
		wantStatus(t, resp, body, http.StatusNotFound)
	}
	resp, body = e.session(t, apptest.ZZBuyerEmail).get(t, "/contracten/"+c.ID+".pdf")
	wantStatus(t, resp, body, http.StatusNotFound)

	// The beheerder is no tekenbevoegde; the contractbeheerder does not sign first.
	sign := "/contracten/" + c.ID + "/ondertekenen"
	form := url.Values{"sha256": {c.DocumentSHA256}}
	resp, body = e.session(t, kxAdmin).post(t, sign, form)
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Alleen de tekenbevoegde van de zorgaanbieder en de contractbeheerder van de zorgverzekeraar ondertekenen het contract.")
	resp, body = e.session(t, euManager).post(t, sign, form)
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "De tekenbevoegde van de zorgaanbieder ondertekent eerst")
	signer := e.session(t, kxSigner)
	resp, body = signer.post(t, sign, url.Values{"sha256": {strings.Repeat("0", 64)}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Het document dat u ondertekent is niet het actuele contract.")
	if c := e.contract(t, id); len(c.Signatures) != 0 {
		t.Fatalf("a refused signature was recorded: %+v", c.Signatures)
	}

	_, body = signer.get(t, path)
	wantContains(t, body, `action="/contracten/`+c.ID+`/ondertekenen"`, `name="sha256" value="`+c.DocumentSHA256+`"`)
	resp, body = signer.post(t, sign, form)
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = e.session(t, euManager).get(t, path)
	wantContains(t, body, "Tess Tekenbevoegd", "11223344", "ondertekend door de zorgaanbieder", `action="/contracten/`+c.ID+`/ondertekenen"`)

	// After the signing date the insurer's signature is refused, in Dutch, and audited by the service.
	e.now = e.now.AddDate(0, 6, 0) // 1 December 2025
	resp, body = e.session(t, euManager).post(t, sign, form)
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "is verstreken: die liep tot en met 11 november 2025")
	if c := e.contract(t, id); len(c.Signatures) != 1 {
		t.Fatalf("signatures after a late one: %d", len(c.Signatures))
	}
}

func TestTheContractbeheerderSignsInTime(t *testing.T) {
	e := newRoundEnv(t)
	id := e.agreed(t)
	if _, err := e.svc.Contracts.Generate(context.Background(), e.who(t, euManager), id); err != nil {
		t.Fatal(err)
	}
	c := e.contract(t, id)
	if _, err := e.svc.Contracts.Sign(context.Background(), e.who(t, kxSigner), c.ID, c.DocumentSHA256); err != nil {
		t.Fatal(err)
	}
	resp, body := e.session(t, euManager).post(t, "/contracten/"+c.ID+"/ondertekenen", url.Values{"sha256": {c.DocumentSHA256}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = e.session(t, kxAdmin).get(t, "/dossiers/"+id+"/contract?gedaan=ondertekend")
	wantContains(t, body, "ondertekend door beide partijen", "Coen Contractbeheer", "Tess Tekenbevoegd")
	_, body = e.session(t, kxAdmin).get(t, "/dossiers/"+id)
	wantContains(t, body, "ondertekend")
}
