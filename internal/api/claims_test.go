package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
)

// claimsEnv is the API over the tenants with their claims objects (apptest.OpenClaims);
// every answer is checked against openapi.json.
type claimsEnv struct {
	ts  *apptest.Tenants
	o   *apptest.ClaimsObjects
	srv *httptest.Server
}

func newClaimsEnv(t *testing.T) *claimsEnv {
	t.Helper()
	return newClaimsEnvWith(t, nil)
}

// newClaimsEnvWith is newClaimsEnv with the server's http.Server set up by config before
// it starts (its timeouts).
func newClaimsEnvWith(t *testing.T, config func(*http.Server)) *claimsEnv {
	t.Helper()
	env := apptest.New(t)
	ts := apptest.NewTenants(t, env)
	o := ts.OpenClaims(t)
	h := New(ts.Identity.Services, Options{Log: slog.New(slog.DiscardHandler)})
	srv := httptest.NewUnstartedServer(newContract(t, h))
	if config != nil {
		config(srv.Config)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return &claimsEnv{ts: ts, o: o, srv: srv}
}

func (e *claimsEnv) do(t *testing.T, key, method, path, contentType string, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := e.ts.Actor(key).Token; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") && len(raw) > 0 {
		json.Unmarshal(raw, &a.v)
	}
	return a
}

func (e *claimsEnv) want(t *testing.T, status int, key, method, path, ct string, body []byte) answer {
	t.Helper()
	a := e.do(t, key, method, path, ct, body)
	if a.status != status {
		t.Fatalf("%s %s as %s: %d, want %d\n%.1500s", method, path, key, a.status, status, a.raw)
	}
	return a
}

func TestClaimsFileSentRawIsAdjudicatedAndItsReturnIsPaged(t *testing.T) {
	e := newClaimsEnv(t)
	f := e.want(t, 201, "x-beheerder", "POST", "/api/claims/files?name=api.asc", "application/octet-stream", apptest.ClaimFileAX(t, "API-1"))
	id := f.str("id")
	if f.str("provider_id") != apptest.ProviderX || f.str("insurer") != apptest.InsurerA || f.str("channel") != "api" {
		t.Errorf("file: %s", f.raw)
	}
	if got := f.header.Get("Location"); got != "/api/claims/files/"+id {
		t.Errorf("Location %q", got)
	}
	lines := e.want(t, 200, "x-beheerder", "GET", "/api/claims/files/"+id+"/lines?limit=1", "", nil)
	if lines.at("total") != float64(1) || lines.str("items.0.bsn") != apptest.ClaimsBSNA || lines.str("items.0.reason") == "" {
		t.Errorf("lines: %s", lines.raw)
	}
	csv := e.want(t, 200, "a-declaratiebeoordelaar", "GET", "/api/claims/files/"+id+"/return.csv", "", nil)
	if !strings.Contains(string(csv.raw), "regel;referentie;bsn;datum;declaratiecode") {
		t.Errorf("return CSV: %.300s", csv.raw)
	}
	js := e.want(t, 200, "x-contractmanager", "GET", "/api/claims/files/"+id+"/return.json", "", nil)
	if !strings.Contains(string(js.raw), `"lines"`) {
		t.Errorf("return JSON: %.300s", js.raw)
	}
}

func TestClaimsFileSentAsMultipartIsTakenToo(t *testing.T) {
	e := newClaimsEnv(t)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "multi.asc")
	fw.Write(apptest.ClaimFileAX(t, "API-M"))
	mw.Close()
	f := e.want(t, 201, "x-beheerder", "POST", "/api/claims/files", mw.FormDataContentType(), b.Bytes())
	if f.str("name") != "multi.asc" || f.str("invoice") != "API-M" {
		t.Errorf("file: %s", f.raw)
	}
}

func TestClaimsDuplicateFileIs409AndAStructuralErrorIs422NamingTheLine(t *testing.T) {
	e := newClaimsEnv(t)
	file := apptest.ClaimFileAX(t, "API-D")
	e.want(t, 201, "x-beheerder", "POST", "/api/claims/files?name=a.asc", "application/octet-stream", file)
	e.want(t, 409, "x-beheerder", "POST", "/api/claims/files?name=b.asc", "application/octet-stream", file)
	broken := bytes.Replace(apptest.ClaimFileAX(t, "API-E"), []byte("\r\n99"), []byte("\r\n98"), 1)
	bad := e.want(t, 422, "x-beheerder", "POST", "/api/claims/files?name=c.asc", "application/octet-stream", broken)
	if !strings.Contains(string(bad.raw), "line") {
		t.Errorf("the problem does not name the line: %s", bad.raw)
	}
	list := e.want(t, 200, "x-beheerder", "GET", "/api/claims/files", "", nil)
	if strings.Contains(string(list.raw), "API-E") {
		t.Error("a refused file was stored")
	}
}

func TestClaimsOtherTenantGets404AndAWrongRole403(t *testing.T) {
	e := newClaimsEnv(t)
	e.want(t, 404, "y-beheerder", "GET", "/api/claims/files/"+e.o.FileAX, "", nil)
	e.want(t, 404, "b-inkoper", "GET", "/api/claims/files/"+e.o.FileAX+"/lines", "", nil)
	e.want(t, 404, "x-beheerder", "GET", "/api/claims/authorisations/"+e.o.AuthBY, "", nil)
	e.want(t, 403, "y-beheerder", "POST", "/api/claims/files?name=x.asc", "application/octet-stream", apptest.ClaimFileAX(t, "API-Y"))
	e.want(t, 401, "anoniem", "GET", "/api/claims/files", "", nil)
}

func TestClaimsAuthorisationIsDecidedByTheMedicalAdviserOnly(t *testing.T) {
	e := newClaimsEnv(t)
	path := "/api/claims/authorisations/" + e.o.AuthAX + "/decision"
	body := []byte(`{"grant":true,"reason":"Indicatie voldoet","valid_from":"2021-01-01","valid_to":"2021-12-31"}`)
	e.want(t, 403, "x-beheerder", "POST", path, "application/json", body)
	a := e.want(t, 200, "a-medisch-adviseur", "POST", path, "application/json", body)
	if a.str("status") != "granted" || a.at("valid_from") != float64(20210101) {
		t.Errorf("decided: %s", a.raw)
	}
	e.want(t, 409, "a-medisch-adviseur", "POST", path, "application/json", body)
}

func TestClaimsOverviewAndPercentagesAreTheInsurersOwn(t *testing.T) {
	e := newClaimsEnv(t)
	ov := e.want(t, 200, "a-inkoper", "GET", "/api/claims/overview", "", nil)
	if !strings.Contains(string(ov.raw), apptest.ProviderX) || strings.Contains(string(ov.raw), apptest.ProviderY) ||
		ov.at("total") != float64(1) || ov.str("items.0.provider_id") != apptest.ProviderX || ov.str("items.0.contract_id") != e.o.ContractAX {
		t.Errorf("A's overview: %s", ov.raw)
	}
	e.want(t, 204, "a-contractbeheerder", "PUT", "/api/claims/percentages/natura", "application/json", []byte(`{"percent":75}`))
	p := e.want(t, 200, "a-contractbeheerder", "GET", "/api/claims/percentages", "", nil)
	if p.at("percentages.natura") != float64(75) {
		t.Errorf("percentages: %s", p.raw)
	}
	e.want(t, 403, "a-inkoper", "PUT", "/api/claims/percentages/natura", "application/json", []byte(`{"percent":10}`))
}

func TestClaimsInsuredLinesTakeTheBSNInTheBodyNeverInTheURL(t *testing.T) {
	e := newClaimsEnv(t)
	e.want(t, 201, "x-beheerder", "POST", "/api/claims/files?name=api.asc", "application/octet-stream", apptest.ClaimFileAX(t, "API-BSN"))
	path := "/api/claims/insured/lines?insurer=" + apptest.InsurerA
	lines := e.want(t, 200, "a-declaratiebeoordelaar", "POST", path+"&limit=1", "application/json", []byte(`{"bsn":"`+apptest.ClaimsBSNA+`"}`))
	if lines.at("total") == float64(0) || lines.str("items.0.bsn") != apptest.ClaimsBSNA || lines.at("limit") != float64(1) {
		t.Errorf("lines: %s", lines.raw)
	}
	for _, c := range []struct {
		body   string
		status int
		field  string
	}{
		{``, 400, ""},
		{`{"bsn":`, 400, ""},
		{`{"bsn":718293046}`, 400, "bsn"},
		{`{"bsn":"718293046","extra":1}`, 400, "extra"},
		{`{}`, 422, "bsn"},
		{`{"bsn":"123456789"}`, 422, "bsn"},
	} {
		a := e.want(t, c.status, "a-declaratiebeoordelaar", "POST", path, "application/json", []byte(c.body))
		if c.field != "" && !strings.Contains(string(a.raw), `"field":"`+c.field+`"`) {
			t.Errorf("body %q: the problem does not name %q: %s", c.body, c.field, a.raw)
		}
	}
	e.want(t, 404, "b-inkoper", "POST", path, "application/json", []byte(`{"bsn":"`+apptest.ClaimsBSNA+`"}`))
}

// slowBody hands out data in n chunks with pause before each but the first: a large
// upload on a slow line.
type slowBody struct {
	data  []byte
	chunk int
	pause time.Duration
	sent  bool
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

// sendSlowly posts body to path as key in 6 chunks over about a second; err is the
// transport's when the server cut the request off.
func (e *claimsEnv) sendSlowly(t *testing.T, key, path, contentType string, body []byte) (int, error) {
	t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, &slowBody{data: body, chunk: len(body)/6 + 1, pause: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+e.ts.Actor(key).Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func TestClaimsFileUploadOutlastsTheServersReadTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond // the upload takes about a second
	e := newClaimsEnvWith(t, func(srv *http.Server) { srv.ReadTimeout, srv.WriteTimeout = timeout, timeout })
	start := time.Now()
	status, err := e.sendSlowly(t, "x-beheerder", "/api/claims/files?name=traag.asc", "application/octet-stream", apptest.ClaimFileAX(t, "API-TRAAG"))
	if err != nil || status != http.StatusCreated {
		t.Fatalf("slow claim file upload: status %d, error %v; want 201", status, err)
	}
	if took := time.Since(start); took < 3*timeout {
		t.Fatalf("the upload took %v, not longer than the ReadTimeout %v: the test proves nothing", took, timeout)
	}
	// Every other request keeps the server's ReadTimeout: a slow insured CSV is cut off.
	csv := []byte("polisnummer;bsn;label;polissoort;begindatum;einddatum;aanvullend\n" + strings.Repeat("X1;718293046;onbekend;natura;2026-01-01;;\n", 20))
	if status, err := e.sendSlowly(t, "a-declaratiebeoordelaar", "/api/claims/insured?insurer="+apptest.InsurerA, "text/csv", csv); err == nil && status < 400 {
		t.Errorf("a slow upload to another route got %d: the ReadTimeout no longer holds", status)
	}
}
