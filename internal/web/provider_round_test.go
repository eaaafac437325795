package web

import (
	"bytes"
	"context"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/chromedp/chromedp"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/clock"
	"zorginkoop/internal/document"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
)

// providerRoundEnv is the pages over a seeded database whose services run on a test clock
// (serve --test-clock), with Caresq's ZBC round for 2026 open: insurer eucare's inkoper,
// provider X (kliniek-x) with a beheerder and an invuller, and provider Y (kliniek-y)
// with a beheerder. The clock starts on 1 August 2025, before the application deadline
// of 1 September 2025.
type providerRoundEnv struct {
	app   *apptest.Env
	svc   *app.Services
	ids   *apptest.Identity
	clock *clock.Test
	srv   *httptest.Server
	users map[string]*identity.User
}

const (
	caresqRound = "caresq-zbc-2026-2026"
	clinicX     = "kliniek-x"
	clinicY     = "kliniek-y"
)

func newProviderRoundEnv(t *testing.T) *providerRoundEnv {
	t.Helper()
	ctx := context.Background()
	env := apptest.New(t)
	ids := env.NewIdentity(t, apptest.NewClock(), nil, "")
	clk := clock.NewTest()
	clk.Set(time.Date(2025, 8, 1, 9, 0, 0, 0, nl.Amsterdam))
	svc := app.New(env.DB, env.Library, app.Config{TestClock: clk, SyncPolicies: true})
	clinic := func(id, name, kvk, agb string) provider.Provider {
		return provider.Provider{ID: id, Name: name, KvK: kvk, CareTypes: []string{"zbc"},
			AGBCodes:  []provider.AGBCode{{Code: agb, Kind: provider.AGBInstitution}},
			Locations: []provider.Location{{Name: "Hoofdlocatie", Street: "Kade 1", Postcode: "3011 TB", City: "Rotterdam"}}}
	}
	ps := []provider.Provider{clinic(clinicX, "Kliniek Xenon", "11223344", "22012345"), clinic(clinicY, "Kliniek Ypsilon", "22334455", "22054321")}
	if err := env.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := env.Providers.Import(ctx, identity.System(), ps, nil, nil); err != nil {
		t.Fatal(err)
	}
	ids.AddOrganisation(t, identity.Organisation{ID: "eucare", Kind: identity.Insurer, Name: "Eucare", Insurers: []string{"eucare"}})
	ids.AddOrganisation(t, identity.Organisation{ID: "org-x", Kind: identity.Provider, Name: "Kliniek Xenon", Providers: []string{clinicX}})
	ids.AddOrganisation(t, identity.Organisation{ID: "org-y", Kind: identity.Provider, Name: "Kliniek Ypsilon", Providers: []string{clinicY}})
	e := &providerRoundEnv{app: env, svc: svc, ids: ids, clock: clk, users: map[string]*identity.User{
		"eucare-inkoper": ids.AddUser(t, "eucare", "inkoper@eucare.example", "Ilse Inkoper", identity.RoleBuyer),
		"x-beheerder":    ids.AddUser(t, "org-x", "beheer@xenon.example", "Xander Beheer", identity.RoleAdmin),
		"x-invuller":     ids.AddUser(t, "org-x", "invul@xenon.example", "Xandra Invul", identity.RoleFiller),
		"y-beheerder":    ids.AddUser(t, "org-y", "beheer@ypsilon.example", "Yvonne Beheer", identity.RoleAdmin),
	}}
	h, err := New(svc, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	if _, err := svc.Rounds.OpenRound(ctx, e.principal(t, "eucare-inkoper"), "caresq-zbc-2026", 2026, nil); err != nil {
		t.Fatalf("open the round: %v", err)
	}
	return e
}

func (e *providerRoundEnv) principal(t *testing.T, key string) identity.Principal {
	t.Helper()
	return e.ids.Principal(t, e.users[key])
}

// as is a browser logged in as the user with key.
func (e *providerRoundEnv) as(t *testing.T, key string) *webClient {
	t.Helper()
	_, secret, _, err := e.svc.Identity.StartSession(context.Background(), e.users[key], "test")
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(e.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: httpauth.SessionCookie, Value: secret, Path: "/"}})
	return &webClient{t: t, base: e.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var dossierPath = regexp.MustCompile(`^/dossiers/(dos-[0-9a-f]+)/uitvraag$`)

// applyAs applies the user's provider record through the form and returns the dossier id.
func (e *providerRoundEnv) applyAs(t *testing.T, key, providerID string) string {
	t.Helper()
	page := "/rondes/" + caresqRound + "/aanmelden"
	resp, body := e.as(t, key).submit(page, page, url.Values{"zorgaanbieder": {providerID}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	m := dossierPath.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("apply: redirect to %q, want the questionnaire of the new dossier", resp.Header.Get("Location"))
	}
	return m[1]
}

// postFile sends the evidence form of page with a file, as a browser does (multipart).
func (c *webClient) postFile(page, action string, fields url.Values, name string, content []byte) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields.Set(httpauth.CSRFField, c.csrf(page))
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("bestand", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+action, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestProviderAppliesToTheRoundAndGoesOnToTheQuestionnaire(t *testing.T) {
	e := newProviderRoundEnv(t)
	page := "/rondes/" + caresqRound + "/aanmelden"
	resp, body := e.as(t, "x-beheerder").get(page)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Kliniek Xenon", "1 september 2025", "Afspraken dure geneesmiddelen", `name="onderdeel" value="dure-geneesmiddelen"`)
	id := e.applyAs(t, "x-beheerder", clinicX)
	v, err := e.svc.Rounds.Dossier(context.Background(), e.principal(t, "x-beheerder"), id)
	if err != nil || v.ProviderID != clinicX || v.RoundID != caresqRound {
		t.Fatalf("the dossier applied for = %+v, %v", v, err)
	}
}

func TestALateApplicationIsRefusedOnTheFormNamingTheDeadline(t *testing.T) {
	e := newProviderRoundEnv(t)
	e.clock.Set(time.Date(2025, 9, 2, 0, 0, 1, 0, nl.Amsterdam))
	page := "/rondes/" + caresqRound + "/aanmelden"
	c := e.as(t, "y-beheerder")
	resp, body := c.get(page)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "De uiterste datum voor aanmelden (1 september 2025) is verstreken")
	resp, body = c.submit(page, page, url.Values{"zorgaanbieder": {clinicY}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Niet aangemeld", "1 september 2025")
	mine, err := e.svc.Rounds.ProviderDossiers(context.Background(), e.principal(t, "y-beheerder"), round.Page{})
	if err != nil || mine.Total != 0 {
		t.Errorf("the refused application left dossiers: %+v, %v", mine, err)
	}
}

func TestOnlyTheBeheerderOrContractmanagerApplies(t *testing.T) {
	e := newProviderRoundEnv(t)
	page := "/rondes/" + caresqRound + "/aanmelden"
	resp, body := e.as(t, "x-invuller").get(page)
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = e.as(t, "eucare-inkoper").get(page)
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = e.as(t, "x-beheerder").get("/rondes/caresq-zbc-2026-2031/aanmelden")
	wantStatus(t, resp, body, http.StatusNotFound)
}

// questionsOf are the questions of the dossier's questionnaire.
func (e *providerRoundEnv) questionsOf(t *testing.T, id string) (*questionnaire.Form, []questionnaire.Question) {
	t.Helper()
	form, err := e.svc.Questionnaires.Form(context.Background(), e.principal(t, "x-invuller"), id)
	if err != nil {
		t.Fatal(err)
	}
	return form, form.Questionnaire.Questions()
}

func TestAQuestionnaireWithAWrongAnswerSavesNothingAndShowsItBesideTheField(t *testing.T) {
	e := newProviderRoundEnv(t)
	id := e.applyAs(t, "x-beheerder", clinicX)
	_, qs := e.questionsOf(t, id)
	var yesNo, other *questionnaire.Question
	for i := range qs {
		switch {
		case qs[i].Type == provider.Bool && yesNo == nil:
			yesNo = &qs[i]
		case qs[i].Type == provider.Bool && other == nil:
			other = &qs[i]
		}
	}
	if yesNo == nil || other == nil {
		t.Fatalf("the questionnaire has no two yes/no questions: %+v", qs)
	}
	page := "/dossiers/" + id + "/uitvraag"
	c := e.as(t, "x-invuller")
	resp, body := c.get(page)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, yesNo.Label, "Antwoord: ja of nee", "Antwoorden opslaan")
	wantLacks(t, body, "Uitvraag indienen") // the invuller does not submit
	resp, body = c.submit(page, page, url.Values{answerField + yesNo.Fact: {"misschien"}, answerField + other.Fact: {"ja"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, `class="field-error"`, "&#34;misschien&#34; is geen ja of nee", `value="misschien"`, `name="`+answerField+other.Fact+`" value="ja"`)
	if form, _ := e.questionsOf(t, id); len(form.Answers) != 0 {
		t.Errorf("a refused form saved answers: %+v", form.Answers)
	}
	resp, body = c.submit(page, page, url.Values{answerField + yesNo.Fact: {"nee"}, answerField + other.Fact: {"ja"}})
	wantRedirect(t, resp, body, page+"?gedaan=opgeslagen")
	if form, _ := e.questionsOf(t, id); form.Answers[yesNo.Fact].Value != "false" || form.Answers[other.Fact].Value != "true" {
		t.Errorf("saved answers = %+v", form.Answers)
	}
	_, body = c.get(page)
	wantContains(t, body, `name="`+answerField+yesNo.Fact+`" value="nee"`)
}

// pdf is a small file that sniffs as a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestEvidenceUploadIsSniffedAttachedAndOnlyForTheParties(t *testing.T) {
	e := newProviderRoundEnv(t)
	id := e.applyAs(t, "x-beheerder", clinicX)
	form, _ := e.questionsOf(t, id)
	slot := ""
	for _, sec := range form.Questionnaire.Sections {
		for _, s := range sec.Evidence {
			if slot == "" {
				slot = s.RequirementID
			}
		}
	}
	if slot == "" {
		t.Fatal("the questionnaire has no evidence slot")
	}
	page, action := "/dossiers/"+id+"/uitvraag", "/dossiers/"+id+"/uitvraag/bewijs"
	c := e.as(t, "x-invuller")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 64)...)
	resp, body := c.postFile(page, action, url.Values{"eis": {slot}}, "verklaring.pdf", exe)
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, `class="field-error"`)
	if docs, _ := e.svc.Documents.List(context.Background(), e.principal(t, "x-beheerder"), id, document.Page{}); docs.Total != 0 {
		t.Fatalf("a program renamed .pdf was stored: %+v", docs)
	}
	// The insurer's side may read the dossier but attaches no evidence: nothing is stored.
	resp, body = e.as(t, "eucare-inkoper").postFile(page, action, url.Values{"eis": {slot}}, "verklaring.pdf", pdf)
	wantStatus(t, resp, body, http.StatusForbidden)
	if docs, _ := e.svc.Documents.List(context.Background(), e.principal(t, "x-beheerder"), id, document.Page{}); docs.Total != 0 {
		t.Fatalf("a refused upload was stored: %+v", docs)
	}
	resp, body = c.postFile(page, action, url.Values{"eis": {slot}}, "verklaring.pdf", pdf)
	wantRedirect(t, resp, body, page+"?gedaan=bewijs")
	docs, err := e.svc.Documents.List(context.Background(), e.principal(t, "x-beheerder"), id, document.Page{})
	if err != nil || docs.Total != 1 {
		t.Fatalf("documents = %+v, %v", docs, err)
	}
	doc := docs.Documents[0]
	_, body = c.get(page)
	wantContains(t, body, "verklaring.pdf", doc.SHA256, "/documenten/"+doc.ID)

	resp, body = e.as(t, "x-beheerder").get("/documenten/" + doc.ID)
	wantStatus(t, resp, body, http.StatusOK)
	if body != string(pdf) || resp.Header.Get("Content-Type") != document.TypePDF || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %v, %d bytes", resp.Header, len(body))
	}
	for _, path := range []string{"/documenten/" + doc.ID, page} {
		resp, body = e.as(t, "y-beheerder").get(path)
		wantStatus(t, resp, body, http.StatusNotFound)
		wantLacks(t, body, "verklaring.pdf", "Kliniek Xenon")
	}
}

// answerAll answers every question of the dossier as the invuller, so that it can be
// submitted.
func (e *providerRoundEnv) answerAll(t *testing.T, id string) {
	t.Helper()
	_, qs := e.questionsOf(t, id)
	answers := map[string]string{}
	for _, q := range qs {
		switch q.Type {
		case provider.Bool:
			answers[q.Fact] = "ja"
		case provider.Int, provider.Number:
			answers[q.Fact] = "1"
			if q.Min != nil {
				answers[q.Fact] = strconv.FormatFloat(*q.Min+1, 'f', -1, 64)
			}
		case provider.Percent:
			answers[q.Fact] = "50"
		case provider.Money:
			answers[q.Fact] = "100.000,00"
		case provider.Date:
			answers[q.Fact] = "2025-01-01"
		default:
			answers[q.Fact] = questionnaire.Unknown
		}
	}
	if err := e.svc.Questionnaires.SaveAnswers(context.Background(), e.principal(t, "x-invuller"), id, answers); err != nil {
		t.Fatalf("answer every question: %v", err)
	}
}

func TestOnlyTheBeheerderSubmitsAndThenSeesTheOutcomePerPart(t *testing.T) {
	e := newProviderRoundEnv(t)
	id := e.applyAs(t, "x-beheerder", clinicX)
	e.answerAll(t, id)
	page, action := "/dossiers/"+id+"/uitvraag", "/dossiers/"+id+"/uitvraag/indienen"
	resp, body := e.as(t, "x-invuller").submit(page, action, url.Values{})
	wantStatus(t, resp, body, http.StatusForbidden)
	c := e.as(t, "x-beheerder")
	_, body = c.get(page)
	wantContains(t, body, "Uitvraag indienen")
	resp, body = c.submit(page, action, url.Values{})
	wantRedirect(t, resp, body, page+"?gedaan=ingediend")
	resp, body = c.get(page + "?gedaan=ingediend")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Uitkomst per onderdeel", "Zorgovereenkomst")
	wantLacks(t, body, "Uitvraag indienen", "Antwoorden opslaan")
}

func TestMyDossiersListsOnlyTheProvidersOwnAndItsCalendarParses(t *testing.T) {
	e := newProviderRoundEnv(t)
	x := e.applyAs(t, "x-beheerder", clinicX)
	y := e.applyAs(t, "y-beheerder", clinicY)
	c := e.as(t, "x-invuller")
	resp, body := c.get("/mijn-dossiers")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "/dossiers/"+x, "Eucare", "Uitvraag invullen en indienen", "/mijn-dossiers.ics", ">Mijn dossiers</a>")
	wantLacks(t, body, y, clinicY)

	resp, body = c.get("/mijn-dossiers.ics")
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="zorginkoop-termijnen.ics"`) {
		t.Errorf("calendar headers: %v", resp.Header)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the calendar does not parse: %v\n%s", err, body)
	}
	if len(cal.Events()) == 0 {
		t.Fatalf("the calendar has no events:\n%s", body)
	}
	for _, ev := range cal.Events() {
		if !strings.HasPrefix(ev.Id(), x+"-") {
			t.Errorf("event %q is not of X's dossier", ev.Id())
		}
	}
	resp, body = e.as(t, "eucare-inkoper").get("/mijn-dossiers")
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestTheInboxShowsOnlyTheOrganisationsMessagesAndMarksThemRead(t *testing.T) {
	e := newProviderRoundEnv(t)
	x := e.applyAs(t, "x-beheerder", clinicX)
	ctx := context.Background()
	if err := e.svc.Notices.Send(ctx, notify.Notice{Kind: notify.KindOffer, Key: "offer:" + x, DossierID: x,
		To: []notify.Party{{ProviderID: clinicX}}, Topic: "Caresq ZBC 2026 – Kliniek Xenon"}); err != nil {
		t.Fatal(err)
	}
	in, err := e.svc.Notices.Inbox(ctx, e.principal(t, "x-beheerder"), notify.Page{})
	if err != nil || len(in.Items) != 1 {
		t.Fatalf("X's inbox = %+v, %v", in, err)
	}
	msg := in.Items[0]
	c := e.as(t, "x-invuller")
	resp, body := c.get("/berichten")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Berichten (1)", msg.Subject, `class="unread"`, `href="/dossiers/`+x+`"`)

	resp, body = e.as(t, "y-beheerder").get("/berichten")
	wantStatus(t, resp, body, http.StatusOK)
	wantLacks(t, body, msg.Subject, "Berichten (1)", x)
	resp, body = e.as(t, "y-beheerder").submit("/berichten", "/berichten/"+msg.ID+"/gelezen", url.Values{})
	wantStatus(t, resp, body, http.StatusNotFound)

	resp, body = c.submit("/berichten", "/berichten/"+msg.ID+"/gelezen", url.Values{})
	wantRedirect(t, resp, body, "/berichten")
	_, body = c.get("/berichten")
	wantLacks(t, body, "Berichten (1)", `class="unread"`)
	wantContains(t, body, msg.Subject)
}

func TestEveryPageShowsTheTestClockBannerOnlyWithATestClock(t *testing.T) {
	e := newProviderRoundEnv(t)
	for _, path := range []string{"/", "/berichten", "/pagina-die-niet-bestaat"} {
		_, body := e.as(t, "x-beheerder").get(path)
		wantContains(t, body, "Testklok: de platformdatum is 1 augustus 2025")
	}
	_, body := e.as(t, "x-beheerder").get("/")
	wantLacks(t, body, `href="/platform/klok"`) // only the operator sets it

	plain := newEnv(t)
	resp, body := plain.get(t, "/")
	wantStatus(t, resp, body, http.StatusOK)
	wantLacks(t, body, "Testklok")
	resp, body = plain.get(t, "/platform/klok")
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestTheOperatorSetsThePlatformDate(t *testing.T) {
	e := newProviderRoundEnv(t)
	resp, body := e.as(t, "x-beheerder").get("/platform/klok")
	wantStatus(t, resp, body, http.StatusForbidden)
	op := e.ids.User(t, apptest.OperatorEmail)
	e.users["operator"] = op
	c := e.as(t, "operator")
	resp, body = c.submit("/platform/klok", "/platform/klok", url.Values{"datum": {"2025-11-09"}, "tijd": {"10:00"}})
	wantRedirect(t, resp, body, "/platform/klok?gedaan=gezet")
	_, body = c.get("/platform/klok?gedaan=gezet")
	wantContains(t, body, "Testklok: de platformdatum is 9 november 2025", "De platformdatum is gezet")
	if got := e.clock.Now().In(nl.Amsterdam); got.Format("2006-01-02 15") != "2025-11-09 10" {
		t.Errorf("clock = %v", got)
	}
	resp, body = c.submit("/platform/klok", "/platform/klok", url.Values{"datum": {"9 november"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
}

// The provider's round pages, with a dossier, evidence and a message, fit a 390 px phone
// and a 1,280 px window without scrolling sideways.
func TestBrowserProviderRoundPagesFitAPhone(t *testing.T) {
	e := newProviderRoundEnv(t)
	id := e.applyAs(t, "x-beheerder", clinicX)
	form, _ := e.questionsOf(t, id)
	for _, sec := range form.Questionnaire.Sections {
		for _, s := range sec.Evidence {
			page := "/dossiers/" + id + "/uitvraag"
			resp, body := e.as(t, "x-invuller").postFile(page, page+"/bewijs", url.Values{"eis": {s.RequirementID}},
				"een-bewijsstuk-met-een-heel-lange-naam-die-op-een-telefoon-moet-afbreken.pdf", pdf)
			wantStatus(t, resp, body, http.StatusSeeOther)
		}
	}
	if err := e.svc.Notices.Send(context.Background(), notify.Notice{Kind: notify.KindOffer, Key: "offer:" + id, DossierID: id,
		To: []notify.Party{{ProviderID: clinicX}}, Topic: "Caresq ZBC 2026 – Kliniek Xenon"}); err != nil {
		t.Fatal(err)
	}
	p := newPageTab(t, e.srv.URL)
	p.login("beheer@xenon.example", apptest.Password)
	paths := []string{"/rondes/" + caresqRound + "/aanmelden", "/dossiers/" + id + "/uitvraag", "/mijn-dossiers", "/berichten"}
	for _, size := range []struct{ w, h int64 }{{1280, 800}, {390, 844}} {
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(size.w, size.h)); err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			if status := p.open(path); status != http.StatusOK {
				t.Errorf("%s: status %d", path, status)
			}
			ctx, cancel := p.step()
			rep, err := chromedp.Run(ctx, chromedp.Evaluate[layoutReport](overflowProbe))
			cancel()
			if err != nil {
				t.Fatalf("measure %s: %v", path, err)
			}
			if rep.SW > int(size.w)+1 || rep.SW > rep.W+1 {
				t.Errorf("%s at %d px: the page is %d px wide: %s", path, size.w, rep.SW, strings.Join(rep.Out, "; "))
			}
		}
	}
}
