package httpauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// A session's cookie must live as long as the session whatever the clocks say: with
// Expires taken from a server clock behind the browser's (or a test clock in 2021), the
// browser dropped the cookie at once and the login seemed to do nothing.
func TestSessionCookieLifetimeIsRelative(t *testing.T) {
	created := time.Date(2021, 11, 1, 9, 30, 0, 0, time.UTC)
	sess := &identity.Session{CreatedAt: created, ExpiresAt: created.Add(identity.SessionTTL)}
	for _, tc := range []struct {
		url    string
		secure bool
	}{{"http://zorginkoop.example/", false}, {"https://zorginkoop.example/", true}} {
		rec := httptest.NewRecorder()
		SetSession(rec, httptest.NewRequest("POST", tc.url, nil), "s_geheim", sess)
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("%d cookies set", len(cookies))
		}
		c := cookies[0]
		if c.Name != SessionCookie || c.Value != "s_geheim" || c.MaxAge != int(identity.SessionTTL.Seconds()) || !c.Expires.IsZero() {
			t.Errorf("cookie %+v, want Max-Age %d and no Expires", c, int(identity.SessionTTL.Seconds()))
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.secure {
			t.Errorf("%s: cookie %+v, want HttpOnly, SameSite=Lax, Secure=%v", tc.url, c, tc.secure)
		}
	}
}

// An anonymous form post is checked against the pre-login CSRF cookie (double submit).
func TestAnonymousFormsNeedTheTokenOfTheirCookie(t *testing.T) {
	var failed error
	reached := false
	m := &Middleware{Fail: func(w http.ResponseWriter, r *http.Request, err error) {
		failed = err
		w.WriteHeader(http.StatusForbidden)
	}}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))

	// GET sets the cookie and hands the same token to the page.
	rec := httptest.NewRecorder()
	var pageToken string
	m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { pageToken = CSRFToken(r.Context()) })).
		ServeHTTP(rec, httptest.NewRequest("GET", "/inloggen", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != CSRFCookie || cookies[0].Value != pageToken || pageToken == "" {
		t.Fatalf("cookies %v, page token %q", cookies, pageToken)
	}

	post := func(token string, withCookie bool) {
		reached, failed = false, nil
		req := httptest.NewRequest("POST", "/inloggen", strings.NewReader(url.Values{CSRFField: {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if withCookie {
			req.AddCookie(cookies[0])
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	post(pageToken, true)
	if !reached || failed != nil {
		t.Fatalf("the form with its token was refused: %v", failed)
	}
	for _, tc := range []struct {
		name       string
		token      string
		withCookie bool
	}{{"no token", "", true}, {"another token", strings.Repeat("x", 43), true}, {"no cookie", pageToken, false}} {
		post(tc.token, tc.withCookie)
		if reached || apperr.CodeOf(failed) != apperr.Forbidden {
			t.Errorf("%s: reached %v, error %v; want Forbidden before the handler", tc.name, reached, failed)
		}
	}
}

// Behind a proxy that terminates TLS the request arrives over plain HTTP; the public URL
// is https, so the cookies must still be Secure.
func TestCookiesAreSecureBehindATLSProxy(t *testing.T) {
	sess := &identity.Session{ExpiresAt: time.Now().Add(time.Hour)}
	var got *http.Cookie
	h := ServedOverHTTPS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil || !HTTPS(r) {
			t.Errorf("TLS %v, HTTPS %v: want a plain request counted as HTTPS", r.TLS, HTTPS(r))
		}
		SetSession(w, r, "s_geheim", sess)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "http://10.0.0.5:8080/inloggen", nil))
	if cs := rec.Result().Cookies(); len(cs) == 1 {
		got = cs[0]
	}
	if got == nil || !got.Secure {
		t.Errorf("cookie %+v, want Secure", got)
	}
	if HTTPS(httptest.NewRequest("GET", "http://10.0.0.5:8080/", nil)) {
		t.Error("a plain request without the proxy marker counts as HTTPS")
	}
}
