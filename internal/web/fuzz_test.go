package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/ratelimit"
)

// Fuzzing the form and query decoders of the pages. Where a decoder is a function of its
// own it is fuzzed directly (readAuditQuery, localPath); the handlers that read their form
// inline are fuzzed through the whole page stack (sessions, CSRF, body limit) over a real
// SQLite database: whatever a browser or an attacker sends, the answer is never a server
// error and nothing panics.
//
//	go test -run '^$' -fuzz FuzzReadAuditQuery -fuzztime 60s ./internal/web
//	go test -run '^$' -fuzz FuzzLocalPath -fuzztime 60s ./internal/web
//	go test -run '^$' -fuzz FuzzForms -fuzztime 60s ./internal/web

// FuzzReadAuditQuery: the Logboek's query string is read without panic, an error is the
// Invalid error of the field voor, and what is read survives the trip through the links
// the page makes of it.
func FuzzReadAuditQuery(f *testing.F) {
	for _, q := range []string{"", "organisatie=cz&onderwerp=policy:x&dossier=d&voor=12", "voor=0", "voor=-1", "voor=%2B5",
		"organisatie=%20cz%20&voor=9223372036854775807", "voor=9223372036854775808", "organisatie=a&organisatie=b", "%zz=1&voor"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/logboek", RawQuery: query}}
		r = r.WithContext(identity.WithPrincipal(context.Background(), operator()))
		aq, err := readAuditQuery(r)
		if err != nil {
			if e := apperr.Errors(err); len(e) != 1 || e[0].Code != apperr.Invalid || e[0].Field != "voor" {
				t.Fatalf("error %v, want the Invalid error of voor", err)
			}
			return
		}
		if aq.Before < 0 {
			t.Fatalf("before %d", aq.Before)
		}
		link, err := url.Parse(aq.url("/logboek"))
		if err != nil {
			t.Fatalf("the page's own link %q does not parse: %v", aq.url("/logboek"), err)
		}
		r2 := r.Clone(r.Context())
		r2.URL = link
		back, err := readAuditQuery(r2)
		if err != nil || back != aq {
			t.Fatalf("query %q read as %+v; its link %q reads as %+v (%v)", query, aq, link, back, err)
		}
	})
}

// operator is a principal who may read the whole trail, so that no organisation is filled in.
func operator() identity.Principal {
	return identity.Principal{User: &identity.User{ID: "op", Roles: []identity.Role{identity.RoleAdmin}},
		Org: &identity.Organisation{ID: "platform", Kind: identity.Operator}}
}

// FuzzLocalPath: the page a login returns to is this site's, whatever the terug field holds.
func FuzzLocalPath(f *testing.F) {
	for _, p := range []string{"/", "/beleid/x?y=1", "//evil.example/", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil.example",
		"/\t/evil.example", "/ /x", "/..//evil.example", "javascript:alert(1)", "/%0d%0aSet-Cookie:x=1"} {
		f.Add(p)
	}
	base, _ := url.Parse("https://zorginkoop.example/inloggen")
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p)
		if got != "/" && got != p {
			t.Fatalf("localPath(%q) = %q: neither the path nor /", p, got)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("localPath(%q) = %q, which does not parse: %v", p, got, err)
		}
		if to := base.ResolveReference(u); to.Scheme != "https" || to.Host != base.Host {
			t.Fatalf("localPath(%q) = %q leads to %s", p, got, to)
		}
		// A browser drops tabs and newlines from a URL and reads \ as /.
		cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		if strings.HasPrefix(cleaned, "//") {
			t.Fatalf("localPath(%q) = %q, which a browser reads as another site", p, got)
		}
	})
}

// fuzzRoutes are the pages that read a form or a query string.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/inloggen"}, {"POST", "/wachtwoord/vergeten"}, {"POST", "/wachtwoord/herstellen"},
	{"POST", "/account/wachtwoord"}, {"POST", "/account/token"}, {"POST", "/uitloggen"},
	{"POST", "/beleid/" + testPolicy + "/beoordeling"},
	{"GET", "/inloggen"}, {"GET", "/wachtwoord/herstellen"}, {"GET", "/account"},
	{"GET", "/logboek"}, {"GET", "/logboek.csv"},
	{"GET", "/beleid/" + testPolicy + "/beoordeling"}, {"GET", "/beleid/" + testPolicy + "/beoordeling.csv"},
	{"GET", "/beleid/" + testPolicy + "/beoordeling.xlsx"}, {"GET", "/zorgaanbieders"},
	{"GET", "/inloggen/oidc/" + apptest.OrgCZ + "/terug"}, {"GET", "/"},
	{"GET", "/organisatie/gebruikers"}, {"POST", "/organisatie/gebruikers"},
	{"POST", "/organisatie/gebruikers/u-onbekend/rollen"}, {"GET", "/zorgaanbieders/hap-de-linde"},
}

// fuzzSite is the pages over a seeded SQLite database, with the users who send requests:
// anonymous, CZ groep's inkoper, De Linde's beheerder and the operator.
type fuzzSite struct {
	h     http.Handler
	ids   *apptest.Identity
	users []*identity.User // nil: anonymous
}

func newFuzzSite(f *testing.F) *fuzzSite {
	env := apptest.New(f)
	ids := env.NewIdentity(f, apptest.NewClock(), nil, "https://zorginkoop.example/")
	ids.Seed(f)
	generous := func() *ratelimit.Limiter { return ratelimit.New(1_000_000, time.Minute, 0, nil) }
	h, err := New(ids.Services, Options{Log: slog.New(slog.DiscardHandler),
		Limits: Limits{FormsPerIP: generous(), FormsPerAccount: generous(), Public: generous()}})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := env.Assessments.AssessAll(context.Background(), ids.Operator, testPolicy, nil); err != nil {
		f.Fatal(err)
	}
	return &fuzzSite{h: h, ids: ids, users: []*identity.User{nil, ids.User(f, apptest.CZBuyerEmail),
		ids.User(f, apptest.LindeEmail), ids.User(f, apptest.OperatorEmail)}}
}

// FuzzForms sends a fuzzed form body and query string to a page that reads them, as one of
// the users, with a valid CSRF token: the answer is never a server error.
func FuzzForms(f *testing.F) {
	site := newFuzzSite(f)
	seeds := []struct {
		route, who  uint8
		body, query string
	}{
		{0, 0, "email=inkoper%40cz.example&wachtwoord=fout&terug=%2Fbeleid", ""},
		{0, 0, "email=%00&wachtwoord=%ff%fe&terug=%2F%2Fevil.example", ""},
		{1, 0, "email=inkoper%40cz.example", ""},
		{2, 0, "token=r_onbekend&wachtwoord=een+heel+nieuw+wachtwoord&wachtwoord2=anders", ""},
		{3, 1, "huidig=fout&wachtwoord=kort&wachtwoord2=kort", ""},
		{4, 2, "naam=" + strings.Repeat("x", 200), ""},
		{5, 3, "", ""},
		{6, 1, "", "uitkomst=geschikt"},
		{7, 0, "", "terug=%2F%2Fevil.example&verlopen=1&email=x"},
		{8, 0, "", "token=r_" + strings.Repeat("a", 43)},
		{9, 1, "", "gewijzigd=1"},
		{10, 3, "", "organisatie=cz&onderwerp=policy:x&dossier=d&voor=12"},
		{11, 3, "", "voor=-1"},
		{12, 1, "", "uitkomst=%00&zorgsoort=huisarts"},
		{13, 1, "", "zorgsoort=bestaat-niet"},
		{14, 1, "", "uitkomst=niet_geschikt"},
		{15, 1, "", "zoek=%25&zorgsoort=huisarts&pagina=-1&per=1000000"},
		{16, 0, "", "state=x&code=y&error=access_denied"},
		{18, 2, "naam=Nieuw&email=nieuw%40delinde.example&rol=invuller&rol=%00", "organisatie=cz"},
		{18, 3, "naam=&email=x&rol=beheerder", "organisatie=bestaat-niet"},
		{17, 3, "", "organisatie=cz&pagina=-3"},
		{19, 2, "rol=beheerder&reden=%ff", ""},
		{20, 1, "", "pagina=x"},
	}
	for _, s := range seeds {
		f.Add(s.route, s.who, s.body, s.query)
	}
	f.Fuzz(func(t *testing.T, route, who uint8, body, query string) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		u := site.users[int(who)%len(site.users)]
		req := site.request(t, rt.method, rt.path, u, body, query)
		rec := httptest.NewRecorder()
		site.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%q as %v with %q: status %d\n%.600s", rt.method, rt.path, query, u != nil, body, rec.Code, rec.Body.String())
		}
	})
}

// request builds the request as u (nil: anonymous) with a new session, and the CSRF token
// added to a form.
func (s *fuzzSite) request(t *testing.T, method, path string, u *identity.User, body, query string) *http.Request {
	t.Helper()
	var cookie *http.Cookie
	csrf := strings.Repeat("c", 43)
	if u != nil {
		_, secret, sess, err := s.ids.Service.StartSession(context.Background(), u, "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		cookie, csrf = &http.Cookie{Name: httpauth.SessionCookie, Value: secret}, sess.CSRF
	} else {
		cookie = &http.Cookie{Name: httpauth.CSRFCookie, Value: csrf}
	}
	if method == "POST" {
		body += "&" + url.Values{httpauth.CSRFField: {csrf}}.Encode()
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.URL.RawQuery = query
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(cookie)
	return req
}
