package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/identity/idptest"
)

// oidcTestEnv is the web pages with CZ logging in at a real in-process identity provider,
// and a CZ user and a Zorg en Zekerheid user whose subject is linked already.
type oidcTestEnv struct {
	srv *httptest.Server
	idp *idptest.Provider
	ids *identity.Service
}

func newOIDCEnv(t *testing.T) *oidcTestEnv {
	t.Helper()
	ctx := context.Background()
	env := apptest.New(t)
	clock := apptest.NewClock()
	id := env.NewIdentity(t, clock, nil, "")
	h, err := New(id.Services, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	id.Service.BaseURL = srv.URL
	idp := idptest.New(t)
	idp.Now = clock.Now
	id.AddOrganisation(t, identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{"cz-groep"}, OIDC: idp.Config()})
	id.AddOrganisation(t, identity.Organisation{ID: "zz", Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{"zorg-en-zekerheid"}, OIDC: idp.Config()})
	id.AddUser(t, "cz", "anna@cz.example", "Anna", identity.RoleBuyer)
	bram := id.AddUser(t, "zz", "bram@zz.example", "Bram", identity.RoleBuyer)
	bram.OIDCSubject = idp.URL + " sub-bram"
	if err := env.DB.UpdateUser(ctx, *bram); err != nil {
		t.Fatal(err)
	}
	return &oidcTestEnv{srv: srv, idp: idp, ids: id.Service}
}

// browser is a client with cookies that stops at redirects, so each step can be seen.
func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// toProvider starts a login for org and follows the browser to the provider and back to
// the callback URL, which it returns without visiting it.
func (e *oidcTestEnv) toProvider(t *testing.T, c *http.Client, org string) *url.URL {
	t.Helper()
	resp, _ := get(t, c, e.srv.URL+"/inloggen/oidc/"+org)
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), e.idp.URL+"/authorize?") {
		t.Fatalf("start: %d to %q, want a redirect to the provider", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = get(t, c, resp.Header.Get("Location"))
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), e.srv.URL+"/inloggen/oidc/"+org+"/terug?") {
		t.Fatalf("the provider sent the browser to %q", resp.Header.Get("Location"))
	}
	return back
}

// responseCookie is the value of a cookie the response sets. (The jar would drop the
// session cookie: it expires by the test clock, years ago.)
func responseCookie(resp *http.Response, name string) string {
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func TestOIDCLoginThroughTheOrganisationsProvider(t *testing.T) {
	e := newOIDCEnv(t)
	c := browser(t)
	e.idp.LogInAs(idptest.Identity{Subject: "sub-anna", Email: "anna@cz.example", EmailVerified: true})

	resp, _ := get(t, c, e.srv.URL+"/inloggen/oidc/cz")
	auth, _ := url.Parse(resp.Header.Get("Location"))
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		q.Get("client_id") != e.idp.ClientID || q.Get("redirect_uri") != e.srv.URL+"/inloggen/oidc/cz/terug" {
		t.Errorf("authorization request lacks PKCE, nonce, state or the right client and redirect: %s", auth)
	}
	set := ""
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, oidcCookie+"=") {
			set = c
		}
	}
	for _, want := range []string{"zk_oidc=", "Path=/inloggen/oidc/", "Max-Age=600", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(set, want) {
			t.Errorf("the pending-login cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, q.Get("code_challenge")) || !strings.Contains(set, q.Get("state")) {
		t.Errorf("the cookie should keep the state and the verifier, not the challenge: %q", set)
	}

	resp, _ = get(t, c, resp.Header.Get("Location")) // the provider
	resp, _ = get(t, c, resp.Header.Get("Location")) // back to the callback
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback: %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	secret := responseCookie(resp, httpauth.SessionCookie)
	p, _, err := e.ids.Authenticate(context.Background(), secret)
	if err != nil || p.User.Email != "anna@cz.example" || p.OrgID() != "cz" {
		t.Fatalf("the session cookie is not Anna's session at CZ: %v", err)
	}
	if cookies := strings.Join(resp.Header.Values("Set-Cookie"), "\n"); !strings.Contains(cookies, "zk_oidc=; Path=/inloggen/oidc/; Max-Age=0") {
		t.Errorf("the pending-login cookie was not removed: %s", cookies)
	}
}

func TestOIDCCallbackRefusals(t *testing.T) {
	e := newOIDCEnv(t)
	tests := []struct {
		name  string
		as    idptest.Identity
		aud   string
		visit func(t *testing.T, back *url.URL) (*http.Response, string)
		want  string
	}{
		{name: "an ID token for another client", as: idptest.Identity{Subject: "sub-anna", Email: "anna@cz.example", EmailVerified: true},
			aud: "een-andere-applicatie", want: "niet geldig"},
		{name: "a forged state", as: idptest.Identity{Subject: "sub-anna", Email: "anna@cz.example", EmailVerified: true},
			visit: func(t *testing.T, back *url.URL) (*http.Response, string) {
				q := back.Query()
				q.Set("state", "vervalst")
				back.RawQuery = q.Encode()
				return get(t, browser(t), back.String()) // no pending-login cookie either
			}, want: "niet in deze browser begonnen"},
		{name: "a callback in another browser", as: idptest.Identity{Subject: "sub-anna", Email: "anna@cz.example", EmailVerified: true},
			visit: func(t *testing.T, back *url.URL) (*http.Response, string) { return get(t, browser(t), back.String()) },
			want:  "niet in deze browser begonnen"},
		{name: "a subject linked to another organisation's user", as: idptest.Identity{Subject: "sub-bram", Email: "anna@cz.example", EmailVerified: true},
			want: "andere organisatie dan CZ groep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.idp.LogInAs(tt.as)
			e.idp.Tamper(func(c map[string]any) {
				if tt.aud != "" {
					c["aud"] = tt.aud
				}
			})
			c := browser(t)
			back := e.toProvider(t, c, "cz")
			var resp *http.Response
			var body string
			if tt.visit != nil {
				resp, body = tt.visit(t, back)
			} else {
				resp, body = get(t, c, back.String())
			}
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Inloggen mislukt") || !strings.Contains(body, tt.want) {
				t.Errorf("got %d, want 401 with %q:\n%s", resp.StatusCode, tt.want, body)
			}
			if responseCookie(resp, httpauth.SessionCookie) != "" {
				t.Errorf("a refused login set a session cookie")
			}
		})
	}
}

func TestOIDCLoginForAnOrganisationWithoutProvider(t *testing.T) {
	e := newOIDCEnv(t)
	resp, body := get(t, browser(t), e.srv.URL+"/inloggen/oidc/platform")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "niet ingesteld") {
		t.Errorf("got %d:\n%s", resp.StatusCode, body)
	}
}
