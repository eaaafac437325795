package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/policy"
)

// The insurer's policy desk: B (Zorg en Zekerheid) uploads a new version of its MSZ policy
// with a lower ZBC threshold; A (CZ, the session of testEnv) must not see it.

const deskDraft = "zz-msz-2025"

// session is a browser session of the user with email: its cookie and CSRF token.
type session struct {
	e      *testEnv
	cookie *http.Cookie
	csrf   string
}

func (e *testEnv) sessionOf(t *testing.T, email string) *session {
	t.Helper()
	_, secret, sess, err := e.ids.Service.StartSession(context.Background(), e.ids.User(t, email), "test")
	if err != nil {
		t.Fatal(err)
	}
	return &session{e: e, cookie: &http.Cookie{Name: httpauth.SessionCookie, Value: secret}, csrf: sess.CSRF}
}

func (s *session) do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	req.AddCookie(s.cookie)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (s *session) get(t *testing.T, path string) (*http.Response, string) {
	req, _ := http.NewRequest("GET", s.e.srv.URL+path, nil)
	return s.do(t, req)
}

func (s *session) post(t *testing.T, path string, form url.Values) (*http.Response, string) {
	form.Set("csrf", s.csrf)
	req, _ := http.NewRequest("POST", s.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(t, req)
}

// upload sends a file through the upload form.
func (s *session) upload(t *testing.T, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", s.csrf)
	fw, _ := mw.CreateFormFile("bestand", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", s.e.srv.URL+"/beleid/nieuw", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.do(t, req)
}

// stored is the stored versions of every policy, to prove a refusal changed nothing.
func (e *testEnv) stored(t *testing.T) map[string]int {
	t.Helper()
	v, err := e.db.PolicyVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func sameVersions(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// lineOf is the 1-based line of the first line of src that starts with prefix.
func lineOf(t *testing.T, src, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return 0
}

// A file the desk cannot take is shown with every problem, line by line, and nothing is
// stored: another type, too large, YAML that does not parse, a policy that does not validate.
func TestUploadRefusesBadFilesAndStoresNothing(t *testing.T) {
	e := newEnv(t)
	zz := e.sessionOf(t, apptest.ZZBuyerEmail)
	good := string(apptest.ZBCDraftYAML(t, deskDraft, "Concept MSZ 2025"))
	// A requirement's title indented one space less than its siblings.
	title := "    title: \"Minimale zorgomzet ZBC"
	syntax := strings.Replace(good, title, title[1:], 1)
	// A rule over a fact that does not exist.
	badRule := strings.Replace(good, "rule: omzet_verzekeraar >= eur(75000)", "rule: omzet_onbekend >= eur(75000)", 1)
	tests := []struct {
		name   string
		file   string
		data   string
		status int
		want   []string
	}{
		{"a PDF", "beleid.pdf", "%PDF-1.4", 400, []string{"beleid.pdf is geen YAML-bestand"}},
		{"a file over the limit of the form", "groot.yaml", good + "# " + strings.Repeat("x", MaxPolicyFileBytes), 400, []string{"groot.yaml is groter dan 512 kB"}},
		{"a YAML syntax error", "kapot.yaml", syntax, 400,
			[]string{"kapot.yaml is niet opgeslagen", "Er is niets gewijzigd", "Regel " + itoa(lineOf(t, syntax, title[1:])) + ": did not find expected"}},
		{"a rule over an unknown fact", "regel.yaml", badRule, 400,
			[]string{"Regel " + itoa(lineOf(t, badRule, "    rule: omzet_onbekend")) + ", veld requirements[", "].rule: the rule does not compile: undeclared reference to &#39;omzet_onbekend&#39;"}},
		{"another insurer's policy", "cz.yaml", string(apptest.DraftYAML(t, testPolicy+".yaml", "cz-concept-2027", "Concept")), 403,
			[]string{"Regel 3, veld insurer: U stelt geen zorginkoopbeleid op voor verzekeraar CZ groep."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.stored(t)
			resp, body := zz.upload(t, tc.file, []byte(tc.data))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; page:\n%s", resp.StatusCode, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if i := strings.Index(body, `id="fouten"`); t.Failed() && i >= 0 {
				t.Logf("errors shown: %s", body[i:min(len(body), i+1500)])
			}
			if !sameVersions(before, e.stored(t)) {
				t.Error("a refused upload changed the stored policies")
			}
		})
	}
	t.Run("a body over the limit of every form", func(t *testing.T) {
		before := e.stored(t)
		resp, body := zz.upload(t, "enorm.yaml", bytes.Repeat([]byte("#"), MaxFormBytes+1))
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Te veel gegevens") {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
		if !sameVersions(before, e.stored(t)) {
			t.Error("a refused upload changed the stored policies")
		}
	})
	t.Run("a provider's user may not open the desk", func(t *testing.T) {
		linde := e.sessionOf(t, apptest.LindeEmail)
		if resp, _ := linde.get(t, "/beleid/nieuw"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET: status %d, want 403", resp.StatusCode)
		}
		before := e.stored(t)
		if resp, _ := linde.upload(t, "zz.yaml", []byte(good)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST: status %d, want 403", resp.StatusCode)
		}
		if !sameVersions(before, e.stored(t)) {
			t.Error("a refused upload changed the stored policies")
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// The desk of one insurer is not another's: CZ's buyer gets the answer of a policy that
// does not exist for B's draft page, its impact, its download and its publication.
func TestDeskOfAnotherInsurerIsNotFound(t *testing.T) {
	e := newEnv(t)
	zz := e.sessionOf(t, apptest.ZZBuyerEmail)
	if resp, body := zz.upload(t, "zz.yaml", apptest.ZBCDraftYAML(t, deskDraft, "Vertrouwelijk concept")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: status %d\n%s", resp.StatusCode, body)
	}
	cz := &session{e: e, cookie: e.session, csrf: e.csrf}
	_, missing := cz.get(t, "/beleid/zz-bestaat-niet/concept")
	for _, path := range []string{"/beleid/" + deskDraft + "/concept", "/beleid/" + deskDraft + "/gevolgen", "/beleid/" + deskDraft + "/gevolgen.csv",
		"/beleid/" + apptest.PolicyB + "/concept", "/beleid/" + apptest.PolicyB + "/gevolgen"} {
		resp, body := cz.get(t, path)
		if resp.StatusCode != http.StatusNotFound || body != missing {
			t.Errorf("GET %s: status %d, want the answer of a policy that does not exist", path, resp.StatusCode)
		}
	}
	resp, body := cz.post(t, "/beleid/"+deskDraft+"/publiceren", url.Values{"bevestigen": {"ja"}})
	if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Vertrouwelijk concept") {
		t.Errorf("publish: status %d, want 404", resp.StatusCode)
	}
	if c, err := e.app.Library.Policy(deskDraft); err != nil || c.Status != policy.Draft {
		t.Errorf("the draft after another insurer's attempt to publish it: %v, %v", c.Status, err)
	}
}

// B uploads its new version, sees the diff in words beside its own list of changes, the
// providers whose outcome changes, downloads them, and publishes after confirming.
func TestDeskUploadDiffImpactPublish(t *testing.T) {
	e := newEnv(t)
	apptest.ImportZBC(t, e.app)
	zz := e.sessionOf(t, apptest.ZZBuyerEmail)
	if resp, body := zz.get(t, "/beleid/nieuw"); resp.StatusCode != 200 || !strings.Contains(body, "Beleid opstellen") {
		t.Fatalf("upload page: %d", resp.StatusCode)
	}
	resp, body := zz.upload(t, "zz-msz-2025.yaml", apptest.ZBCDraftYAML(t, deskDraft, "Concept MSZ 2025"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/beleid/"+deskDraft+"/concept" {
		t.Fatalf("upload: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	_, body = zz.get(t, "/beleid/"+deskDraft+"/concept")
	for _, w := range []string{"Concept, niet gepubliceerd", "Belangrijkste wijzigingen volgens het beleid", "Berekende verschillen met " + apptest.PolicyB,
		"Minimale zorgomzet ZBC", "ten minste <strong>€ 75.000,00</strong> (was € 100.000,00)", "Regel (CEL)", "Gevolgen bekijken", "Ik wil dit beleid publiceren"} {
		if !strings.Contains(body, w) {
			t.Errorf("draft page lacks %q", w)
		}
	}
	_, body = zz.get(t, "/beleid/"+deskDraft+"/gevolgen")
	for _, w := range []string{apptest.ZBCName, "komt niet in aanmerking", "Basisovereenkomst", "voldoet niet → voldoet"} {
		if !strings.Contains(body, w) {
			t.Errorf("impact page lacks %q", w)
		}
	}
	resp, body = zz.get(t, "/beleid/"+deskDraft+"/gevolgen.csv")
	if resp.StatusCode != 200 || !strings.Contains(body, apptest.ZBCName) || !strings.Contains(body, "Uitkomst met concept") {
		t.Errorf("impact CSV: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := zz.post(t, "/beleid/"+deskDraft+"/publiceren", url.Values{}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("publish without confirmation: status %d, want 400", resp.StatusCode)
	}
	if c, _ := e.app.Library.Policy(deskDraft); c.Status != policy.Draft {
		t.Fatal("published without confirmation")
	}
	resp, _ = zz.post(t, "/beleid/"+deskDraft+"/publiceren", url.Values{"bevestigen": {"ja"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/beleid/"+deskDraft {
		t.Fatalf("publish: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body = zz.get(t, "/beleid/"+deskDraft); !strings.Contains(body, "In werking") {
		t.Error("the published policy is not shown as in force")
	}
	if _, body = zz.get(t, "/beleid/"+apptest.PolicyB); !strings.Contains(body, "een latere versie is in werking") {
		t.Error("the replaced policy is still shown as in force")
	}
}
