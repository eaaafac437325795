package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/round"
)

// uploadTo posts a multipart form with fields and one file "bestand".
func (s *session) uploadTo(t *testing.T, path string, fields url.Values, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", s.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("bestand", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", s.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.do(t, req)
}

func (e *roundEnv) priceList(t *testing.T, id, part string) *pricelist.PriceList {
	t.Helper()
	pl, err := e.svc.PriceLists.PriceList(context.Background(), e.who(t, euBuyer), id, part)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestTheInkoperProposesAPriceListFromTheForm(t *testing.T) {
	e := newRoundEnv(t)
	id := e.offered(t)
	path := "/dossiers/" + id + "/prijslijst/" + rBase
	buyer := e.session(t, euBuyer)
	resp, body := buyer.get(t, path)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Voor dit onderdeel is nog geen prijslijst voorgesteld.", "Prijslijst voorstellen")

	bad := "ZP001; Knie; 12,345; 10\nZP002; Heup; 100,00"
	resp, body = buyer.post(t, path, url.Values{"regels": {bad}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Regel 1: het tarief &#39;12,345&#39; is geen bedrag", "Regel 2: schrijf code; omschrijving; tarief; volume",
		"ZP001; Knie; 12,345; 10")
	resp, body = e.session(t, kxAdmin).post(t, path, url.Values{"regels": {"ZP001; Knie; 100,00; 1"}})
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Alleen een inkoper of contractbeheerder van de zorgverzekeraar stelt een prijslijst voor.")
	if _, err := e.svc.PriceLists.PriceList(context.Background(), e.who(t, euBuyer), id, rBase); err == nil {
		t.Fatal("a refused proposal was stored")
	}

	resp, body = buyer.post(t, path, url.Values{"regels": {"ZP001; Knie-artroscopie; 1.234,56; 10\r\nZP002\tHeupprothese\t9876\t3\t2\t50000"}, "toelichting": {"Voorstel 2026"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	pl := e.priceList(t, id, rBase)
	if len(pl.Lines) != 2 || pl.Lines[0].Tariff != 123456 || pl.Lines[1].Tariff != 987600 || pl.Lines[1].Category != 2 || pl.Lines[1].Ceiling != 5000000 {
		t.Fatalf("lines %+v", pl.Lines)
	}
	_, body = buyer.get(t, path)
	wantContains(t, body, "€ 1.234,56", "€ 12.345,60", "Voorstel 2026", "Versie 1", "nieuw")
	wantLacks(t, body, "Versie 1 accepteren") // its own proposal
}

func TestAStaleCounterProposalShowsTheConflictWithTheUsersLinesBack(t *testing.T) {
	e := newRoundEnv(t)
	id := e.proposed(t)
	path := "/dossiers/" + id + "/prijslijst/" + rBase
	admin, manager := e.session(t, kxAdmin), e.session(t, kxContract)
	resp, body := admin.post(t, path, url.Values{"versie": {"1"}, "regels": {"ZP001; Knie-artroscopie; 1300,00; 10\nZP002; Heupprothese; 9876,00; 3"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if e.dossier(t, id).Stage != round.Negotiating {
		t.Fatal("the first counter-proposal did not start the negotiation")
	}
	// The contractmanager had the page open at version 1.
	mine := "ZP001; Knie-artroscopie; 1111,11; 12\nZP002; Heupprothese; 9000,00; 4"
	resp, body = manager.post(t, path, url.Values{"versie": {"1"}, "regels": {mine}, "toelichting": {"Mijn voorstel"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "De prijslijst is intussen gewijzigd: versie 2 van Bram Beheer", "1111,11; 12", "9000,00; 4", "Mijn voorstel",
		`name="versie" value="2"`)
	if pl := e.priceList(t, id, rBase); pl.Version != 2 || pl.Lines[0].Tariff != 130000 {
		t.Fatalf("after the conflict: version %d, %+v", pl.Version, pl.Lines)
	}

	// The history shows who changed what; the insurer accepts version 2.
	buyer := e.session(t, euBuyer)
	_, body = buyer.get(t, path)
	wantContains(t, body, "Versie 2", "Zorgaanbieder, Bram Beheer", "gewijzigd", "€ 1.234,56", "€ 1.300,00", "Versie 2 accepteren")
	resp, body = e.session(t, kxFiller).get(t, path)
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = e.session(t, apptest.ZZBuyerEmail).get(t, path)
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = admin.post(t, path+"/akkoord", url.Values{"versie": {"2"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "Versie 2 is het voorstel van uw eigen kant.")
	resp, body = buyer.post(t, path+"/akkoord", url.Values{"versie": {"1"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "De prijslijst is intussen gewijzigd")
	resp, body = buyer.post(t, path+"/akkoord", url.Values{"versie": {"2"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if pl := e.priceList(t, id, rBase); pl.Status != pricelist.Agreed {
		t.Fatalf("status %s", pl.Status)
	}
	_, body = buyer.get(t, path)
	wantContains(t, body, "overeengekomen", "Geaccepteerd door de zorgverzekeraar (Ilse Inkoper)")
	wantLacks(t, body, "Tegenvoorstel opslaan", "accepteren</button>")
}

func TestAPriceListDownloadsAndUploadsAsXLSX(t *testing.T) {
	e := newRoundEnv(t)
	id := e.proposed(t)
	path := "/dossiers/" + id + "/prijslijst/" + rDrugs
	admin := e.session(t, kxAdmin)
	resp, body := admin.get(t, path+".xlsx")
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("content type %q", ct)
	}
	u, err := pricelist.Import(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if u.DossierID != id || u.Part != rDrugs || u.Version != 1 || len(u.Lines) != 2 {
		t.Fatalf("downloaded %+v", u)
	}
	resp, body = e.session(t, apptest.ZZBuyerEmail).get(t, path+".xlsx")
	wantStatus(t, resp, body, http.StatusNotFound)

	// A malformed sheet is refused with its rows and columns, and nothing is stored.
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", pricelist.SheetLines)
	f.SetSheetRow(pricelist.SheetLines, "A1", &[]any{"Code", "Omschrijving", "Tarief (€)", "Volume"})
	f.SetSheetRow(pricelist.SheetLines, "A2", &[]any{"ZP001", "Knie", "duur", 10})
	f.SetSheetRow(pricelist.SheetLines, "A3", &[]any{"ZP002", "Heup", 100.5, -3})
	var bad bytes.Buffer
	f.WriteTo(&bad)
	resp, body = admin.uploadTo(t, path+"/upload", url.Values{"versie": {"1"}}, "prijslijst.xlsx", bad.Bytes())
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Rij 2, kolom C", "Rij 3, kolom D")
	if pl := e.priceList(t, id, rDrugs); pl.Version != 1 {
		t.Fatalf("a refused upload stored version %d", pl.Version)
	}

	u.Lines[0].Volume = 25
	var good bytes.Buffer
	if err := pricelist.WriteXLSX(&good, *u); err != nil {
		t.Fatal(err)
	}
	resp, body = admin.uploadTo(t, path+"/upload", url.Values{"versie": {"1"}, "toelichting": {"Meer volume"}}, "prijslijst.xlsx", good.Bytes())
	wantStatus(t, resp, body, http.StatusSeeOther)
	if pl := e.priceList(t, id, rDrugs); pl.Version != 2 || pl.Lines[0].Volume != 25 {
		t.Fatalf("after the upload: version %d, %+v", pl.Version, pl.Lines)
	}
	_, body = admin.get(t, path)
	wantContains(t, body, "Meer volume", "Versie 2", "gewijzigd")
}

func TestARunningMultiYearContractGetsOnlyTheNewYearsPriceList(t *testing.T) {
	e := newRoundEnv(t)
	ctx := context.Background()
	p := apptest.Providers()[0]
	p.ID, p.Name, p.KvK = "hap-meerjarig", "Praktijk Meerjarig", "66666666"
	p.AGBCodes = []provider.AGBCode{{Code: "01030003", Kind: provider.AGBPractice}}
	p.Contracts = []provider.Contract{{Insurer: "cz-groep", Policy: "cz-hz-mdz-2021", Parts: []string{"s3-zorginnovatie"}, FirstYear: 2021, LastYear: 2023}}
	ps := []provider.Provider{p}
	if err := e.svc.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Providers.Import(ctx, identity.System(), ps, nil, nil); err != nil {
		t.Fatal(err)
	}
	buyer := e.who(t, apptest.CZBuyerEmail)
	if _, err := e.svc.Rounds.OpenRound(ctx, buyer, apptest.Policy, 2022, nil); err != nil {
		t.Fatal(err)
	}
	page, err := e.svc.Rounds.Dossiers(ctx, buyer, apptest.Policy+"-2022", round.DossierFilter{ProviderID: p.ID}, round.Page{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Kind != round.KindPriceListOnly {
		t.Fatalf("dossiers %+v, %v: want one price list only", page, err)
	}
	d := page.Items[0]
	part := d.Parts[len(d.Parts)-1].Part
	s := e.session(t, apptest.CZBuyerEmail)
	_, body := s.get(t, "/dossiers/"+d.ID)
	wantContains(t, body, `href="/dossiers/`+d.ID+`/prijslijst/`+part+`"`)
	resp, body := s.post(t, "/dossiers/"+d.ID+"/prijslijst/"+part, url.Values{"regels": {"13001; Consult; 10,50; 1000"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	pl, err := e.svc.PriceLists.PriceList(ctx, buyer, d.ID, part)
	if err != nil || !pl.PriceListOnly {
		t.Fatalf("price list %+v, %v: want the new year's price list only", pl, err)
	}
}
