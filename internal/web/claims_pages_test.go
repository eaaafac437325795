package web

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/httpauth"
)

// claimsSite is the pages over the tenants of the authorisation tests with their claims
// objects (apptest.OpenClaims): X's file to A, Y's to B, their contracts and requests.
type claimsSite struct {
	ts  *apptest.Tenants
	o   *apptest.ClaimsObjects
	srv *httptest.Server
}

func newClaimsSite(t *testing.T) *claimsSite {
	t.Helper()
	return newClaimsSiteWith(t, nil)
}

// newClaimsSiteWith is newClaimsSite with the server's http.Server set up by config
// before it starts (its timeouts).
func newClaimsSiteWith(t *testing.T, config func(*http.Server)) *claimsSite {
	t.Helper()
	env := apptest.New(t)
	ts := apptest.NewTenants(t, env)
	o := ts.OpenClaims(t)
	h, err := New(ts.Identity.Services, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	if config != nil {
		config(srv.Config)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return &claimsSite{ts: ts, o: o, srv: srv}
}

type pageAnswer struct {
	status   int
	location string
	body     string
}

// do sends a request as the actor key; a POST carries the session's CSRF token, and
// the file as multipart/form-data when there is one.
func (s *claimsSite) do(t *testing.T, key, method, path string, form url.Values, fileName string, file []byte) pageAnswer {
	t.Helper()
	secret, csrf := s.ts.Session(t, s.ts.Actor(key))
	var body io.Reader
	ct := ""
	if method == "POST" {
		if form == nil {
			form = url.Values{}
		}
		form.Set(httpauth.CSRFField, csrf)
		if file != nil {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for k, vs := range form {
				for _, v := range vs {
					mw.WriteField(k, v)
				}
			}
			fw, _ := mw.CreateFormFile("bestand", fileName)
			fw.Write(file)
			mw.Close()
			body, ct = &b, mw.FormDataContentType()
		} else {
			body, ct = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
		}
	}
	req, err := http.NewRequest(method, s.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.AddCookie(&http.Cookie{Name: httpauth.SessionCookie, Value: secret})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return pageAnswer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(raw)}
}

func wantText(t *testing.T, a pageAnswer, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(a.body, s) {
			t.Errorf("the page lacks %q:\n%.3000s", s, a.body)
		}
	}
}

func TestClaimsUploadShowsTheReturnWithDutchDatesAmountsAndReasons(t *testing.T) {
	s := newClaimsSite(t)
	up := s.do(t, "x-beheerder", "POST", "/declaraties", nil, "linde-maart.asc", apptest.ClaimFileAX(t, "WEB-1"))
	if up.status != http.StatusSeeOther || !strings.HasPrefix(up.location, "/declaraties/") {
		t.Fatalf("upload: %d %q\n%.2000s", up.status, up.location, up.body)
	}
	page := s.do(t, "x-beheerder", "GET", up.location, nil, "", nil)
	if page.status != http.StatusOK {
		t.Fatalf("return page: %d\n%.2000s", page.status, page.body)
	}
	// The file's one line: A's insured person, X's contracted code at the tariff.
	wantText(t, page, "Retourinformatie linde-maart.asc", "14 maart 2021", "€ 4.242,17", "WEB-1", "retour.csv", "Per uitkomst")
	csv := s.do(t, "x-beheerder", "GET", up.location+"/retour.csv", nil, "", nil)
	if csv.status != http.StatusOK || !strings.Contains(csv.body, "regel;referentie;bsn") {
		t.Errorf("return CSV: %d\n%.500s", csv.status, csv.body)
	}
}

func TestClaimsUploadOfAnotherProvidersFileIsRefusedInDutchAndStoresNothing(t *testing.T) {
	s := newClaimsSite(t)
	before := s.do(t, "y-beheerder", "GET", "/declaraties", nil, "", nil)
	up := s.do(t, "y-beheerder", "POST", "/declaraties", nil, "linde.asc", apptest.ClaimFileAX(t, "WEB-Y"))
	if up.status != http.StatusForbidden {
		t.Fatalf("Y sending X's file: %d, want 403\n%.2000s", up.status, up.body)
	}
	wantText(t, up, "Het bestand is niet verwerkt.")
	after := s.do(t, "x-beheerder", "GET", "/declaraties", nil, "", nil)
	if strings.Contains(after.body, "WEB-Y") || strings.Count(before.body, "<tr") != strings.Count(s.do(t, "y-beheerder", "GET", "/declaraties", nil, "", nil).body, "<tr") {
		t.Error("a refused file was stored")
	}
}

func TestClaimsDuplicateFileIsRefusedNamingTheEarlierFile(t *testing.T) {
	s := newClaimsSite(t)
	file := apptest.ClaimFileAX(t, "WEB-D")
	if up := s.do(t, "x-beheerder", "POST", "/declaraties", nil, "a.asc", file); up.status != http.StatusSeeOther {
		t.Fatalf("first upload: %d\n%.2000s", up.status, up.body)
	}
	again := s.do(t, "x-contractmanager", "POST", "/declaraties", nil, "b.asc", file)
	if again.status != http.StatusConflict {
		t.Fatalf("the same file again: %d, want 409\n%.2000s", again.status, again.body)
	}
	wantText(t, again, "al ontvangen")
}

func TestClaimsOverviewDrawsEscapedSVGChartsBesideATable(t *testing.T) {
	s := newClaimsSite(t)
	page := s.do(t, "a-inkoper", "GET", "/declaraties/overzicht", nil, "", nil)
	if page.status != http.StatusOK {
		t.Fatalf("overview: %d\n%.2000s", page.status, page.body)
	}
	wantText(t, page, "<svg", "Declaraties per zorgaanbieder", "Declaraties per onderdeel", "Per zorgaanbieder", "Per onderdeel",
		"Huisartsenpraktijk De Linde ("+apptest.ProviderX+")", apptest.RoundBase, "Telt voor plafond", "Zorgaanbieders 1–1 van 1, grootste eerst.",
		`<title id="zorgaanbieders-title">`, `<title id="onderdelen-title">`)
	if strings.Contains(page.body, "<script") {
		t.Error("the overview uses script")
	}
	if strings.Contains(page.body, apptest.ClaimsBSNA) {
		t.Error("the overview shows a BSN: it holds aggregates only")
	}
	if strings.Contains(page.body, "pagina 1 van") {
		t.Error("one provider, yet the overview offers pages")
	}
}

func TestClaimsNavigationShowsTheClaimsPagesOnlyToTheirRoles(t *testing.T) {
	s := newClaimsSite(t)
	for key, want := range map[string]bool{"x-beheerder": true, "a-declaratiebeoordelaar": true, "x-invuller": false, "a-zorgbemiddelaar": false} {
		page := s.do(t, key, "GET", "/", nil, "", nil)
		if got := strings.Contains(page.body, `href="/declaraties"`); got != want {
			t.Errorf("%s: link to Declaraties %v, want %v", key, got, want)
		}
	}
}

func TestClaimsImportErrorPageListsEveryProblemWithItsPlace(t *testing.T) {
	s := newClaimsSite(t)
	csv := "polisnummer;bsn;label;polissoort;begindatum;einddatum;aanvullend\n" +
		"P1;123456789;cz;natura;2021-01-01;;\n" + // fails the eleven test
		"P2;" + apptest.ClaimsBSNA + ";onbekend-label;natura;2021-01-01;;\n"
	page := s.do(t, "a-declaratiebeoordelaar", "POST", "/declaraties/verzekerden", url.Values{"verzekeraar": {apptest.InsurerA}}, "verzekerden.csv", []byte(csv))
	if page.status != http.StatusBadRequest {
		t.Fatalf("import with errors: %d, want 400\n%.2000s", page.status, page.body)
	}
	wantText(t, page, "er is niets opgeslagen", "regel 2", "regel 3")
}

func TestClaimsContractImportErrorsNameSheetRowAndColumn(t *testing.T) {
	s := newClaimsSite(t)
	book := excelize.NewFile()
	book.SetSheetName("Sheet1", "Contracten")
	book.NewSheet("Prijslijst")
	rows := map[string][][]any{
		"Contracten": {{"contractnummer", "agb of zorgaanbieder-id", "polis-id", "ingangsdatum", "einddatum", "onderdelen"},
			{"WEB-C1", apptest.ProviderX, "", "2021-01-01", "2021-12-31", apptest.RoundBase}},
		"Prijslijst": {{"contractnummer", "onderdeel", "declaratiecode", "omschrijving", "tarief", "volume", "categorie", "productgroep", "toestemming vereist"},
			{"WEB-C1", apptest.RoundBase, "150000", "Consult", "geen bedrag", "10", "", "", "nee"},
			{"WEB-ONBEKEND", apptest.RoundBase, "150001", "Consult", "12,50", "10", "", "", "nee"}},
	}
	for sheet, rs := range rows {
		for i, r := range rs {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := book.SetSheetRow(sheet, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := book.Write(&buf); err != nil {
		t.Fatal(err)
	}
	page := s.do(t, "a-contractbeheerder", "POST", "/declaraties/contracten", url.Values{"verzekeraar": {apptest.InsurerA}}, "contracten.xlsx", buf.Bytes())
	if page.status != http.StatusBadRequest {
		t.Fatalf("import with errors: %d, want 400\n%.2000s", page.status, page.body)
	}
	wantText(t, page, "er is niets opgeslagen", "blad Prijslijst, rij 2, kolom E", "blad Prijslijst, rij 3, kolom A")
	list := s.do(t, "a-contractbeheerder", "GET", "/declaraties/contracten", nil, "", nil)
	if strings.Contains(list.body, "WEB-C1") {
		t.Error("a refused import stored a contract")
	}
}

func TestClaimsMedicalAdviserGrantsAnAuthorisationWithItsPeriod(t *testing.T) {
	s := newClaimsSite(t)
	path := "/machtigingen/" + s.o.AuthAX
	if a := s.do(t, "x-beheerder", "GET", path, nil, "", nil); strings.Contains(a.body, "Besluit vastleggen") {
		t.Error("the provider is offered the decision form")
	}
	dec := s.do(t, "a-medisch-adviseur", "POST", path+"/besluit", url.Values{"besluit": {"toekennen"}, "reden": {"Indicatie voldoet"},
		"geldig_van": {"2021-01-01"}, "geldig_tot": {"2021-12-31"}}, "", nil)
	if dec.status != http.StatusSeeOther {
		t.Fatalf("decision: %d\n%.2000s", dec.status, dec.body)
	}
	page := s.do(t, "x-beheerder", "GET", path, nil, "", nil)
	wantText(t, page, "toegekend", "Indicatie voldoet", "1 januari 2021 tot en met 31 december 2021")
}

// urlAttr is an attribute of a page that holds a URL.
var urlAttr = regexp.MustCompile(`(?i)\b(?:href|action|formaction|src)\s*=\s*"([^"]*)"`)

// wantNoBSNInURLs fails when a URL of the page (a link, a form's action) or its redirect
// carries the BSN: URLs land in access logs, proxies and browser history.
func wantNoBSNInURLs(t *testing.T, what string, page pageAnswer, bsn string) {
	t.Helper()
	if strings.Contains(page.location, bsn) {
		t.Errorf("%s: the redirect %q carries the BSN", what, page.location)
	}
	for _, m := range urlAttr.FindAllStringSubmatch(page.body, -1) {
		if strings.Contains(m[1], bsn) {
			t.Errorf("%s: the URL %q carries the BSN", what, m[1])
		}
	}
}

func TestClaimsPagesNeverPutABSNInAURL(t *testing.T) {
	s := newClaimsSite(t)
	bsn := apptest.ClaimsBSNA
	list := s.do(t, "a-declaratiebeoordelaar", "GET", "/declaraties/verzekerden", nil, "", nil)
	if list.status != http.StatusOK || !strings.Contains(list.body, bsn) {
		t.Fatalf("insured list: %d, want 200 listing %s\n%.2000s", list.status, bsn, list.body)
	}
	// The person's button posts the BSN in a hidden field.
	if !strings.Contains(list.body, `action="/declaraties/verzekerden/declaraties"`) || !strings.Contains(list.body, `name="bsn" value="`+bsn+`"`) {
		t.Errorf("the list has no POST button for %s\n%.3000s", bsn, list.body)
	}
	wantNoBSNInURLs(t, "insured list", list, bsn)

	found := s.do(t, "a-declaratiebeoordelaar", "POST", "/declaraties/verzekerden/declaraties",
		url.Values{"verzekeraar": {apptest.InsurerA}, "bsn": {bsn}}, "", nil)
	if found.status != http.StatusOK {
		t.Fatalf("lookup: %d\n%.2000s", found.status, found.body)
	}
	wantText(t, found, "Declaratieregels van BSN "+bsn, s.o.FileAX)
	wantNoBSNInURLs(t, "a person's claims", found, bsn)

	file := s.do(t, "a-declaratiebeoordelaar", "GET", "/declaraties/"+s.o.FileAX, nil, "", nil)
	wantNoBSNInURLs(t, "a file's return", file, bsn)

	// A lookup without a BSN or with a wrong one shows the list with the problem.
	for _, b := range []string{"", "123456789"} {
		bad := s.do(t, "a-declaratiebeoordelaar", "POST", "/declaraties/verzekerden/declaraties",
			url.Values{"verzekeraar": {apptest.InsurerA}, "bsn": {b}}, "", nil)
		if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, `id="zoekfout"`) {
			t.Errorf("lookup of %q: %d, want 400 with the problem\n%.2000s", b, bad.status, bad.body)
		}
	}
	// A BSN in the query of the old address is not looked up.
	old := s.do(t, "a-declaratiebeoordelaar", "GET", "/declaraties/verzekerden?bsn="+bsn, nil, "", nil)
	if strings.Contains(old.body, "Declaratieregels van BSN") {
		t.Error("GET ?bsn= still looks a person up")
	}
}

func TestClaimsInsuredPagingPostsThePageNumber(t *testing.T) {
	p := newPostPager(2, 50, 160, pageButton{CSRF: "c", Insurer: "i", BSN: "b"})
	if p.Pages != 4 || p.Prev == nil || p.Prev.Page != 1 || p.Next == nil || p.Next.Page != 3 || p.Next.BSN != "b" {
		t.Errorf("pager: %+v", p)
	}
	if p := newPostPager(1, 50, 10, pageButton{}); p.Prev != nil || p.Next != nil || p.Pages != 1 {
		t.Errorf("one page: %+v", p)
	}
}

// slowBody hands out data in n chunks with pause before each but the first: a large
// upload on a slow line.
type slowBody struct {
	data  []byte
	chunk int
	pause time.Duration
	sent  bool
}

func newSlowBody(data []byte, n int, pause time.Duration) *slowBody {
	return &slowBody{data: data, chunk: len(data)/n + 1, pause: pause}
}

func (b *slowBody) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, io.EOF
	}
	if b.sent {
		time.Sleep(b.pause)
	}
	b.sent = true
	n := copy(p[:min(len(p), b.chunk)], b.data)
	b.data = b.data[n:]
	return n, nil
}

// postSlowly posts the claim file as the form's bestand in 6 chunks over about a second,
// as key; err is the transport's when the server cut the request off.
func (s *claimsSite) postSlowly(t *testing.T, key, path, name string, file []byte) (int, error) {
	t.Helper()
	secret, csrf := s.ts.Session(t, s.ts.Actor(key))
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField(httpauth.CSRFField, csrf)
	mw.WriteField("verzekeraar", apptest.InsurerA)
	fw, _ := mw.CreateFormFile("bestand", name)
	fw.Write(file)
	mw.Close()
	req, err := http.NewRequest("POST", s.srv.URL+path, newSlowBody(b.Bytes(), 6, 200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(b.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: httpauth.SessionCookie, Value: secret})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func TestClaimsUploadOutlastsTheServersReadTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond // the upload takes about a second
	s := newClaimsSiteWith(t, func(srv *http.Server) { srv.ReadTimeout, srv.WriteTimeout = timeout, timeout })
	start := time.Now()
	status, err := s.postSlowly(t, "x-beheerder", "/declaraties", "traag.asc", apptest.ClaimFileAX(t, "WEB-TRAAG"))
	if err != nil || status != http.StatusSeeOther {
		t.Fatalf("slow claim file upload: status %d, error %v; want 303", status, err)
	}
	if took := time.Since(start); took < 3*timeout {
		t.Fatalf("the upload took %v, not longer than the ReadTimeout %v: the test proves nothing", took, timeout)
	}
	// Every other request keeps the server's ReadTimeout: a slow contracts workbook is cut off.
	if status, err := s.postSlowly(t, "a-contractbeheerder", "/declaraties/contracten", "traag.xlsx", []byte(strings.Repeat("x", 600))); err == nil && status < 400 {
		t.Errorf("a slow upload to another form got %d: the ReadTimeout no longer holds", status)
	}
}
