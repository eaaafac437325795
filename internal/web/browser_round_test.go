package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/round"
)

// roundWalk is one headless Chromium on the round fixture's server: the users of the
// rounds each with a real session, the operator logging in through the login form.
type roundWalk struct {
	f        *apptest.RoundFixture
	p        *pageTab
	secrets  map[string]string // session secrets by user key
	operator bool              // the browser holds the operator's session
	dir      string
}

// as makes the browser the user with key: its cookies are cleared and the user's session
// cookie set, as after logging in.
func (w *roundWalk) as(t *testing.T, key string) {
	t.Helper()
	secret, ok := w.secrets[key]
	if !ok {
		_, s, _, err := w.f.Identity.StartSession(context.Background(), w.f.P(key).User, "test")
		if err != nil {
			t.Fatalf("session for %s: %v", key, err)
		}
		w.secrets[key], secret = s, s
	}
	ctx, cancel := w.p.step()
	defer cancel()
	httpOnly := true
	_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
	if err == nil {
		_, err = chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: httpauth.SessionCookie, Value: secret,
			URL: w.p.base, Path: "/", HTTPOnly: &httpOnly})
	}
	if err != nil {
		t.Fatalf("session cookie of %s: %v", key, err)
	}
	w.operator = false
}

// setClock moves the platform date through the operator's test-clock page, the operator
// logging in through the login form.
func (w *roundWalk) setClock(t *testing.T, at time.Time) {
	t.Helper()
	p := w.p
	if !w.operator {
		ctx, cancel := p.step()
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		cancel()
		p.login(apptest.OperatorEmail, apptest.Password)
		w.operator = true
	}
	p.open("/platform/klok")
	p.setValue(`input[name="datum"]`, at.In(nl.Amsterdam).Format(time.DateOnly))
	p.setValue(`input[name="tijd"]`, at.In(nl.Amsterdam).Format("15:04"))
	if status := p.click(`form[action="/platform/klok"] button[type="submit"]`); status != 200 {
		t.Fatalf("set the clock: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"De platformdatum is gezet.", nl.Date(at.In(nl.Amsterdam))}, nil)
	p.wantText("body", []string{"Testklok: de platformdatum is " + nl.Date(at.In(nl.Amsterdam))}, nil)
}

// setValue sets the value of an input or textarea, as typing it would.
func (p *pageTab) setValue(sel, value string) {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		p.t.Fatalf("set %s: %v", sel, err)
	}
}

// has reports whether the page has an element sel selects.
func (p *pageTab) has(sel string) bool {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`) !== null`))
	if err != nil {
		p.t.Fatalf("look for %s: %v", sel, err)
	}
	return ok
}

// location is the path of the page the browser shows.
func (p *pageTab) location() string {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, p.base)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// fetch downloads path with the session of the user with key, as the browser's download
// link would: the body and its headers.
func (w *roundWalk) fetch(t *testing.T, key, path string) ([]byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", w.p.base+path, nil)
	req.AddCookie(&http.Cookie{Name: httpauth.SessionCookie, Value: w.secrets[key]})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("download %s as %s: status %d: %s", path, key, resp.StatusCode, b)
	}
	return b, resp.Header
}

// TestBrowserWalksACompleteRound walks the purchasing round of Caresq's ZBC policy 2026
// and of CZ's GP policy 2022 through the pages in headless Chromium, each step by the
// user whose role it is: the inkoper opens the round; the provider's beheerder applies
// for a part, the invuller answers the questionnaire and uploads a PDF as evidence, the
// beheerder submits and sees the outcome per part; the medisch adviseur handles the
// items ter beoordeling; the inkoper decides per part, sends the offer (e-mailed) and
// proposes a price list; the beheerder downloads it as .xlsx, raises a tariff and
// uploads it as a counter-proposal, which the contractbeheerder accepts; the contract is
// generated, signed by the tekenbevoegde and the contractbeheerder, and published after
// the operator moves the test clock past the publication date. For Caresq a signature on
// 12 November 2025, a day after the hard signing deadline, is refused first.
func TestBrowserWalksACompleteRound(t *testing.T) {
	f := apptest.NewRoundFixture(t, "sqlite")
	h, err := New(f.Services, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	w := &roundWalk{f: f, p: newPageTab(t, srv.URL), secrets: map[string]string{}, dir: t.TempDir()}
	for _, rc := range apptest.RoundCases {
		t.Run(rc.Policy, func(t *testing.T) {
			w.p.t = t
			w.walk(t, rc)
		})
		w.p.t = t
	}
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	for _, v := range w.p.violations {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
}

func (w *roundWalk) walk(t *testing.T, rc apptest.RoundCase) {
	ctx := context.Background()
	f, p := w.f, w.p
	f.Clock.Set(rc.Start)
	pol, err := f.Library.Policy(rc.Policy)
	if err != nil {
		t.Fatal(err)
	}
	base := pol.Base.ID
	roundID := round.RoundID(rc.Policy, rc.Year)

	// The inkoper opens the round, with a (soft) quote date; CZ's policy gives no
	// application date, so the inkoper sets one, passed already.
	w.as(t, rc.Buyer)
	p.open("/rondes")
	row := `[id="ronde-` + roundID + `"]`
	p.wantText(row, []string{pol.Title, "Ronde openen"}, nil)
	if sel := row + ` input[name="datum_quote"]`; p.has(sel) {
		p.setValue(sel, rc.Start.AddDate(0, 1, 0).Format(time.DateOnly))
	}
	if sel := row + ` input[name="datum_application"]`; rc.Policy == apptest.RoundPolicyCZ && p.has(sel) {
		p.setValue(sel, rc.Start.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	if status := p.click(row + ` button[type="submit"]`); status != 200 {
		t.Fatalf("open the round: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"Inkoopronde " + pol.Title + " " + itoa(rc.Year), "Tijdlijn", "Trechter", "Geen dossiers"}, nil)

	// The provider's beheerder applies for the base contract and a part.
	w.as(t, rc.Admin)
	p.open("/rondes")
	p.click(`main a[href="/rondes/` + roundID + `/aanmelden"]`)
	p.wantText("main", []string{"Aanmelden: " + pol.Title, pol.Base.Title + " (basisovereenkomst, altijd)"}, nil)
	for _, part := range rc.Parts {
		p.tick(`input[name="onderdeel"][value="` + part + `"]`)
	}
	if status := p.click(`form[action="/rondes/` + roundID + `/aanmelden"] button[type="submit"]`); status != 200 {
		t.Fatalf("apply: status %d; page: %s", status, p.text("main"))
	}
	if rc.Policy == apptest.RoundPolicyCZ {
		// A soft application date passed: applied, with a warning.
		p.wantText("main", []string{"U bent aangemeld, met een waarschuwing"}, nil)
		p.click(`main .notice a[href$="/uitvraag"]`)
	}
	loc := p.location()
	id, ok := strings.CutSuffix(strings.TrimPrefix(loc, "/dossiers/"), "/uitvraag")
	if !ok {
		t.Fatalf("after applying the browser shows %s, not the questionnaire", loc)
	}
	dossierPath := "/dossiers/" + id
	p.wantText("main", []string{"Uitvraag: " + pol.Title + ", contractjaar " + itoa(rc.Year), "Uitvraag indienen"}, nil)

	// The invuller answers every question and uploads a PDF for every evidence slot.
	w.as(t, rc.Filler)
	form, err := f.Questionnaires.Form(ctx, f.P(rc.Filler), id)
	if err != nil {
		t.Fatal(err)
	}
	p.open(dossierPath + "/uitvraag")
	p.wantText("main", nil, []string{"Uitvraag indienen"}) // the invuller does not submit
	var slots []string
	for _, sec := range form.Questionnaire.Sections {
		for _, q := range sec.Questions {
			p.setValue(`input[name="`+answerField+q.Fact+`"]`, apptest.RoundAnswer(q.Fact, string(q.Type)))
		}
		for _, s := range sec.Evidence {
			slots = append(slots, s.RequirementID)
		}
	}
	if status := p.click(`form#antwoorden button[type="submit"]`); status != 200 {
		t.Fatalf("save the answers: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"De antwoorden zijn opgeslagen."}, []string{"Niet verwerkt"})
	if len(slots) == 0 {
		t.Fatalf("the questionnaire of %s asks for no evidence", rc.Policy)
	}
	pdfPath := filepath.Join(w.dir, "verklaring.pdf")
	if err := os.WriteFile(pdfPath, apptest.SmallPDF(t), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, slot := range slots {
		sel := `[id="bewijs-` + slot + `"]`
		p.setFile(sel+` input[type="file"]`, pdfPath)
		if status := p.click(sel + ` button[type="submit"]`); status != 200 {
			t.Fatalf("upload evidence for %s: status %d; page: %s", slot, status, p.text("main"))
		}
		p.wantText("p.notice", []string{"Het bewijsstuk is toegevoegd."}, nil)
		p.wantText(sel, []string{"verklaring.pdf", "SHA-256"}, []string{"Nog geen bewijsstuk"})
	}

	// The beheerder submits: the outcome per part shows at once.
	w.as(t, rc.Admin)
	p.open(dossierPath + "/uitvraag")
	if status := p.click(`form[action="` + dossierPath + `/uitvraag/indienen"] button[type="submit"]`); status != 200 {
		t.Fatalf("submit: status %d; page: %s", status, p.text("main"))
	}
	outcome := []string{"De uitvraag is ingediend en beoordeeld.", "Uitkomst per onderdeel", pol.Base.Title + " (basisovereenkomst)"}
	for _, part := range rc.Parts {
		outcome = append(outcome, partTitle(pol, part))
	}
	p.wantText("main", outcome, []string{"Uitvraag indienen"})
	p.open(dossierPath)
	p.wantText("#fase", []string{"beoordeeld"}, nil)
	p.wantText("main", []string{"Uitkomst: "}, nil)

	// The medisch adviseur handles every item ter beoordeling, with a reason.
	w.as(t, rc.MedicalAdvisor)
	reviews, err := f.Questionnaires.ReviewItems(ctx, f.P(rc.MedicalAdvisor), id)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d evidence slots, %d items ter beoordeling", len(slots), len(reviews))
	p.open(dossierPath)
	for i, it := range reviews {
		sel := `[id="beoordeling-` + it.RequirementID + `"]`
		if i == 0 { // the rest as the first: checked after saving only, to keep the walk short
			p.wantText(sel, []string{"Nog niet beoordeeld."}, nil)
		}
		p.tick(sel + ` input[name="oordeel"][value="met"]`)
		p.setValue(sel+` textarea[name="reden"]`, "Gecontroleerd aan de hand van de verklaring")
		if status := p.click(sel + ` button[type="submit"]`); status != 200 {
			t.Fatalf("review %s: status %d; page: %s", it.RequirementID, status, p.text("main"))
		}
		if i == 0 {
			p.wantText("p.notice", []string{"De beoordeling is vastgelegd."}, nil)
		}
		p.wantText(sel, []string{"Beoordeeld: voldoet", "Gecontroleerd aan de hand van de verklaring"}, nil)
	}

	// The inkoper sees the evidence, decides per part (CZ refuses its extra part om
	// moverende redenen) and sends the offer.
	w.as(t, rc.Buyer)
	p.open(dossierPath)
	p.wantText("#documenten + *", []string{"verklaring.pdf", "application/pdf"}, nil)
	parts := append([]string{base}, rc.Parts...)
	for i, part := range parts {
		sel := `[id="onderdeel-` + part + `"]`
		if rc.Policy == apptest.RoundPolicyCZ && i > 0 {
			p.tick(sel + ` input[name="besluit"][value="moverende-redenen"]`)
		} else {
			p.tick(sel + ` input[name="besluit"][value="toekennen"]`)
			p.setValue(sel+` textarea[name="reden"]`, "Voldoet aan het beleid")
		}
		if status := p.click(sel + ` button[type="submit"]`); status != 200 {
			t.Fatalf("decide %s: status %d; page: %s", part, status, p.text("main"))
		}
		p.wantText("main", []string{"Het besluit is vastgelegd."}, nil)
		if rc.Policy == apptest.RoundPolicyCZ && i > 0 {
			p.wantText(sel, []string{"afgewezen om moverende redenen"}, nil)
		} else {
			p.wantText(sel, []string{"toegekend", "Voldoet aan het beleid"}, nil)
		}
	}
	if status := p.click(`form[action="` + dossierPath + `/aanbod"] button[type="submit"]`); status != 200 {
		t.Fatalf("offer: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"Het contractaanbod is verstuurd."}, nil)
	p.wantText("#fase", []string{"aanbod verstuurd"}, nil)
	p.wantText(`[id="onderdeel-`+base+`"]`, []string{"Aangeboden", "ja, op"}, nil)
	if _, err := f.Notices.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	wantRoundMail(t, f, rc.Admin, "Contractaanbod")

	// The provider sees the offer in its inbox and on its dossiers, and submits its quote.
	w.as(t, rc.Admin)
	p.open("/berichten")
	p.wantText("main", []string{"Contractaanbod", "Naar het dossier"}, nil)
	p.open("/mijn-dossiers")
	p.wantText("main", []string{pol.Title, "contractjaar " + itoa(rc.Year)}, nil)
	p.click(`main a[href="` + dossierPath + `"]`)
	p.wantText("#fase", []string{"aanbod verstuurd"}, nil)
	if !p.has(`form[action="` + dossierPath + `/offerte"]`) {
		t.Errorf("the provider is offered no quote form, although the round has a quote date")
	} else {
		p.setValue(`form[action="`+dossierPath+`/offerte"] textarea[name="tekst"]`, "Wij bieden de zorg aan tegen de voorgestelde tarieven.")
		if status := p.click(`form[action="` + dossierPath + `/offerte"] button[type="submit"]`); status != 200 {
			t.Fatalf("quote: status %d; page: %s", status, p.text("main"))
		}
		p.wantText("main", []string{"De offerte is ingediend", "Wij bieden de zorg aan tegen de voorgestelde tarieven."}, nil)
	}

	// The inkoper proposes the base contract's price list.
	plPath := dossierPath + "/prijslijst/" + base
	w.as(t, rc.Buyer)
	p.open(plPath)
	p.wantText("main", []string{"Prijslijst " + pol.Base.Title, "Voor dit onderdeel is nog geen prijslijst voorgesteld.", "Prijslijst voorstellen"}, nil)
	p.setValue(`form[action="`+plPath+`"] textarea[name="regels"]`, "A100; Consult; 100,00; 120\nB200; Behandeling; 2500,50; 10")
	p.setValue(`form[action="`+plPath+`"] textarea[name="toelichting"]`, "Ons voorstel")
	if status := p.click(`form[action="` + plPath + `"] button[type="submit"]`); status != 200 {
		t.Fatalf("propose: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"De prijslijst is voorgesteld.", "Consult", "€ 100,00", "Behandeling", "€ 2.500,50"}, nil)
	p.wantText("#status", []string{"voorgesteld"}, nil)

	// The beheerder downloads it as .xlsx, raises the consult's tariff and uploads it as
	// a counter-proposal.
	w.as(t, rc.Admin)
	p.open(plPath)
	if !p.has(`a[href="` + plPath + `.xlsx"]`) {
		t.Fatalf("the price list page has no .xlsx download")
	}
	book, hdr := w.fetch(t, rc.Admin, plPath+".xlsx")
	if !strings.Contains(hdr.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("the download is %s", hdr.Get("Content-Type"))
	}
	xlsxPath := filepath.Join(w.dir, "prijslijst-"+rc.Policy+".xlsx")
	if err := os.WriteFile(xlsxPath, apptest.WithPriceListCell(t, book, "C2", 112.50), 0o600); err != nil {
		t.Fatal(err)
	}
	upload := `form[action="` + plPath + `/upload"]`
	p.setFile(upload+` input[type="file"]`, xlsxPath)
	p.setValue(upload+` textarea[name="toelichting"]`, "Hoger tarief consult")
	if status := p.click(upload + ` button[type="submit"]`); status != 200 {
		t.Fatalf("upload the counter-proposal: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"Het tegenvoorstel is opgeslagen.", "€ 112,50", "Versie 2", "Hoger tarief consult"}, nil)
	p.wantText("#status", []string{"tegenvoorstel"}, nil)

	// Caresq's contractbeheerder accepts version 2. CZ's answers with a counter-proposal
	// of its own in the form, back to its tariff, which the practice's beheerder accepts.
	w.as(t, rc.ContractManager)
	p.open(plPath)
	p.wantText("main", []string{"€ 112,50", "Versie 2 accepteren", "Gebaseerd op versie 2."}, nil)
	version := "3"
	if rc.Policy == apptest.RoundPolicyCZ {
		counter := `form[action="` + plPath + `"]`
		p.setValue(counter+` textarea[name="regels"]`, "A100; Consult; 100,00; 120\nB200; Behandeling; 2500,50; 10")
		p.setValue(counter+` textarea[name="toelichting"]`, "Terug naar ons voorstel")
		if status := p.click(counter + ` button[type="submit"]`); status != 200 {
			t.Fatalf("counter: status %d; page: %s", status, p.text("main"))
		}
		p.wantText("main", []string{"Het tegenvoorstel is opgeslagen.", "Versie 3", "Terug naar ons voorstel"}, nil)
		w.as(t, rc.Admin)
		p.open(plPath)
	} else {
		version = "2"
	}
	if status := p.click(`form[action="` + plPath + `/akkoord"] button[type="submit"]`); status != 200 {
		t.Fatalf("accept version %s: status %d; page: %s", version, status, p.text("main"))
	}
	p.wantText("main", []string{"U heeft de prijslijst geaccepteerd.", version + ", van de zorg", "Geaccepteerd door"}, []string{"Tegenvoorstel doen"})
	p.wantText("#status", []string{"overeengekomen"}, nil)
	p.wantText("#versie-1", []string{"Versie 1", "Ons voorstel"}, nil) // the history keeps every version
	p.wantText("#versie-2", []string{"Hoger tarief consult", "€ 100,00", "€ 112,50"}, nil)
	w.as(t, rc.ContractManager)

	// The contract is generated.
	p.open(dossierPath)
	p.wantText("#fase", []string{"overeenstemming"}, nil)
	p.click(`main a[href="` + dossierPath + `/contract"]`)
	if status := p.click(`form[action="` + dossierPath + `/contract"] button[type="submit"]`); status != 200 {
		t.Fatalf("generate the contract: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"Het contract is opgesteld.", "Nog niet ondertekend.", "Contract downloaden (PDF)"}, nil)
	p.wantText("#status", []string{"wacht"}, nil)
	hash := strings.TrimSpace(p.text("#sha256"))
	con, err := f.Contracts.ContractForDossier(ctx, f.P(rc.ContractManager), id)
	if err != nil {
		t.Fatal(err)
	}

	// The tekenbevoegde reads the PDF: its SHA-256 is the one the page shows.
	w.as(t, rc.Signatory)
	p.open(dossierPath + "/contract")
	pdf, _ := w.fetch(t, rc.Signatory, "/contracten/"+con.ID+".pdf")
	sum := sha256.Sum256(pdf)
	if got := hex.EncodeToString(sum[:]); got != hash || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the PDF's SHA-256 is %s; the page shows %s", got, hash)
	}
	sign := `form[action="/contracten/` + con.ID + `/ondertekenen"]`
	w.as(t, rc.Admin)
	p.open(dossierPath + "/contract")
	if p.has(sign) {
		t.Errorf("the beheerder, not tekenbevoegd, is offered the signature")
	}
	w.as(t, rc.Signatory)
	p.open(dossierPath + "/contract")
	if rc.Policy == apptest.RoundPolicyCaresq {
		// 12 November 2025, a day after the hard signing deadline: refused, naming it.
		w.setClock(t, time.Date(2025, 11, 12, 10, 0, 0, 0, nl.Amsterdam))
		w.as(t, rc.Signatory)
		p.open(dossierPath + "/contract")
		p.tick(sign + ` input[name="gelezen"]`)
		if status := p.click(sign + ` button[type="submit"]`); status != 409 {
			t.Errorf("a signature after the deadline: status %d, want 409", status)
		}
		p.wantText("main .error", []string{"is verstreken", "11 november 2025"}, nil)
		p.wantText("main", []string{"Nog niet ondertekend."}, []string{"U heeft het contract ondertekend."})
		if c, err := f.Contracts.Contract(ctx, f.P(rc.Signatory), con.ID); err != nil || len(c.Signatures) != 0 {
			t.Errorf("the refused signature changed the contract: %v", err)
		}
		wantDeniedIn(t, f, id, "contract.sign")
		// The day of the deadline, in the afternoon.
		w.setClock(t, time.Date(2025, 11, 11, 16, 0, 0, 0, nl.Amsterdam))
		w.as(t, rc.Signatory)
		p.open(dossierPath + "/contract")
	}
	if rc.Policy == apptest.RoundPolicyCaresq {
		p.wantText("main", []string{"Uiterste datum voor ondertekenen: 11 november 2025"}, nil)
	}
	p.tick(sign + ` input[name="gelezen"]`)
	if status := p.click(sign + ` button[type="submit"]`); status != 200 {
		t.Fatalf("the tekenbevoegde signs: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"U heeft het contract ondertekend.", "zorgaanbieder", "Gebruiker " + rc.Signatory, hash}, nil)

	// Then the insurer's contractbeheerder.
	w.as(t, rc.ContractManager)
	p.open(dossierPath + "/contract")
	p.tick(sign + ` input[name="gelezen"]`)
	if status := p.click(sign + ` button[type="submit"]`); status != 200 {
		t.Fatalf("the contractbeheerder signs: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"U heeft het contract ondertekend.", "Gebruiker " + rc.ContractManager}, nil)
	p.wantText("#status", []string{"ondertekend door beide partijen"}, nil)

	// Published on the publication date (12 November before the contract year), once
	// the jobs run.
	w.setClock(t, time.Date(rc.Year-1, 11, 12, 0, 30, 0, 0, nl.Amsterdam))
	rep, err := f.Services.RunJobs(ctx, f.Clock.Now())
	if err != nil || rep.Published != 1 {
		t.Fatalf("the jobs published %d contracts: %v", rep.Published, err)
	}
	w.as(t, rc.Admin)
	p.open(dossierPath)
	p.wantText("#fase", []string{"gepubliceerd"}, nil)
	p.open(dossierPath + "/contract")
	p.wantText("#status", []string{"gepubliceerd"}, nil)

	// The database agrees.
	d, err := f.Rounds.Lookup(ctx, id)
	if err != nil || d.Stage != round.Published {
		t.Errorf("the dossier's stage: %v, %v", d.Stage, err)
	}
	pub, n, err := f.Contracts.PublishedContracts(ctx, contract.PublishedFilter{Insurer: rc.Insurer, PolicyID: rc.Policy}, contract.Page{})
	if err != nil || n != 1 || pub[0].ProviderID != rc.ProviderID {
		t.Errorf("published contracts of %s: %d %+v, %v", rc.Insurer, n, pub, err)
	}
	c, err := f.Contracts.Contract(ctx, f.P(rc.ContractManager), con.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != contract.Published || len(c.Signatures) != 2 {
		t.Errorf("the contract: status %s, %d signatures", c.Status, len(c.Signatures))
	}
	for _, s := range c.Signatures {
		if s.DocumentSHA256 != hash {
			t.Errorf("the %s signature's hash %s is not the PDF's %s", s.Side, s.DocumentSHA256, hash)
		}
	}
}

// wantRoundMail fails unless the user with key got an e-mail whose subject has subject.
func wantRoundMail(t *testing.T, f *apptest.RoundFixture, key, subject string) {
	t.Helper()
	to := f.Email(key)
	var got []string
	for _, m := range f.Mail.Messages() {
		for _, rcpt := range m.To {
			if rcpt == to && strings.Contains(m.Subject, subject) {
				return
			}
		}
		got = append(got, strings.Join(m.To, ",")+" "+m.Subject)
	}
	t.Errorf("no e-mail %q to %s; received: %v", subject, to, got)
}

// wantDeniedIn fails unless the dossier's trail has a refused attempt at action.
func wantDeniedIn(t *testing.T, f *apptest.RoundFixture, dossierID, action string) {
	t.Helper()
	es, err := f.Audit.Entries(context.Background(), audit.Operator, audit.Filter{Dossier: dossierID})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range es {
		if en.Action == action && en.Denied {
			return
		}
	}
	t.Errorf("no refused %s in the trail of %s", action, dossierID)
}
