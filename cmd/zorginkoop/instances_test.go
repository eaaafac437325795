package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// instance is one complete app instance: its own connection pool to the database, its own
// services and handlers, on its own HTTP server, as `zorginkoop serve` builds it.
func instance(t *testing.T, dsn string) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "", dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := testApp("")
	a.cfg.DB = dsn
	h, _, err := a.appHandler(ctx, db, appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// noRedirects is a browser without a cookie jar: the test carries the cookies itself, so
// that it is plain which instance gets which.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func send(t *testing.T, method, u string, form url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func cookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Two app instances on one PostgreSQL database share their sessions: a login on one is
// valid on the other, and a logout on the other ends it on the first. Nothing of a login
// lives in an instance's memory.
func TestTwoInstancesShareSessionsThroughPostgreSQL(t *testing.T) {
	dsn := pgtest.DSN(t)
	env := map[string]string{"ZORGINKOOP_DB": dsn, "USER": "tester"}
	mustCLI(t, env, "users", "bootstrap", "--email", "beheer@platform.example", "--name", "Platformbeheer", "--password-file", writeFile(t, "pw", cliPassword))
	mustCLI(t, env, "users", "org-add", "--id", "cz", "--kind", "insurer", "--name", "CZ groep", "--insurers", "cz-groep")
	mustCLI(t, env, "users", "add", "--org", "cz", "--email", "anna@cz.example", "--name", "Anna", "--roles", "inkoper", "--password-file", writeFile(t, "pw2", cliPassword))
	one, two := instance(t, dsn), instance(t, dsn)

	// Log in on instance 1 with the login form.
	resp, page := send(t, "GET", one.URL+"/inloggen", nil)
	pre, m := cookie(resp, httpauth.CSRFCookie), csrfField.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || pre == nil || m == nil {
		t.Fatalf("login page: %d, csrf cookie %v, form field %v", resp.StatusCode, pre, m)
	}
	resp, page = send(t, "POST", one.URL+"/inloggen", url.Values{"csrf": {m[1]}, "email": {"anna@cz.example"}, "wachtwoord": {cliPassword}}, pre)
	session := cookie(resp, httpauth.SessionCookie)
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("login on instance 1: %d, no session cookie\n%s", resp.StatusCode, page)
	}

	// The cookie is valid on instance 2.
	resp, body := send(t, "GET", two.URL+"/api/me", nil, session)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"email":"anna@cz.example"`) {
		t.Fatalf("instance 2 does not know the session of instance 1: %d %s", resp.StatusCode, body)
	}

	// Log out on instance 2, with the session's CSRF token from one of its pages.
	resp, page = send(t, "GET", two.URL+"/account", nil, session)
	m = csrfField.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("account page on instance 2: %d, no form:\n%s", resp.StatusCode, page)
	}
	resp, _ = send(t, "POST", two.URL+"/uitloggen", url.Values{"csrf": {m[1]}}, session)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout on instance 2: %d", resp.StatusCode)
	}

	// The session has ended on instance 1 as well.
	if resp, body := send(t, "GET", one.URL+"/api/me", nil, session); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after logout on instance 2, instance 1 answers %d %s, want 401", resp.StatusCode, body)
	}
}
