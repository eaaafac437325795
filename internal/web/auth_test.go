package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/mail"
	"zorginkoop/internal/mail/smtptest"
	"zorginkoop/internal/ratelimit"
)

// authEnv is the web pages over a seeded database (apptest) with logins: the identity
// service on a settable clock, mailing through a real SMTP server in the process.
type authEnv struct {
	srv   *httptest.Server
	app   *apptest.Env
	ids   *apptest.Identity
	clock *apptest.Clock
	smtp  *smtptest.Server
}

func newAuthEnv(t *testing.T, limits Limits) *authEnv {
	t.Helper()
	app := apptest.New(t)
	clock := apptest.NewClock()
	smtp := smtptest.Start(t, smtptest.Options{})
	mailer, err := mail.New(mail.Config{Host: smtp.Host, Port: smtp.Port, From: "Zorginkoop <noreply@zorginkoop.example>", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ids := app.NewIdentity(t, clock, mailer, "")
	ids.Seed(t)
	h, err := New(ids.Services, Options{Limits: limits, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ids.Service.BaseURL = srv.URL // known once the server listens; before any mail is sent
	return &authEnv{srv: srv, app: app, ids: ids, clock: clock, smtp: smtp}
}

// webClient is one browser: it keeps cookies and shows every redirect to the test.
type webClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func (e *authEnv) client(t *testing.T) *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{t: t, base: e.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *webClient) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, string(b)
}

func (c *webClient) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

// post sends a form as the browser would (same origin).
func (c *webClient) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf opens a page and returns the CSRF token of its forms.
func (c *webClient) csrf(path string) string {
	c.t.Helper()
	resp, body := c.get(path)
	m := csrfField.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		c.t.Fatalf("GET %s: status %d, no CSRF token in the page:\n%s", path, resp.StatusCode, body)
	}
	return m[1]
}

// submit opens page and sends its form to action with the page's CSRF token.
func (c *webClient) submit(page, action string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	form.Set(httpauth.CSRFField, c.csrf(page))
	return c.post(action, form)
}

// login logs in through the login form and expects to land on "/".
func (c *webClient) login(email, password string) {
	c.t.Helper()
	resp, body := c.submit("/inloggen", "/inloggen", url.Values{"email": {email}, "wachtwoord": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d:\n%s", email, resp.StatusCode, body)
	}
}

func (c *webClient) cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

func wantStatus(t *testing.T, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; page:\n%s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
}

func wantContains(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func wantLacks(t *testing.T, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("page shows %q", n)
		}
	}
}

func wantRedirect(t *testing.T, resp *http.Response, body, location string) {
	t.Helper()
	wantStatus(t, resp, body, http.StatusSeeOther)
	if got := resp.Header.Get("Location"); got != location {
		t.Fatalf("redirect to %q, want %q", got, location)
	}
}

// ---- logging in and out ----

func TestLoginFormCarriesTheCSRFTokenOfItsCookie(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	resp, body := c.get("/inloggen")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "<h1>Inloggen</h1>", `name="email"`, `name="wachtwoord"`, `action="/inloggen"`, `href="/wachtwoord/vergeten"`)
	ck := c.cookie(httpauth.CSRFCookie)
	if m := csrfField.FindStringSubmatch(body); ck == nil || m == nil || m[1] != ck.Value {
		t.Fatalf("the form's CSRF token is not the cookie's: cookie %v", ck)
	}
}

func TestLoginStartsASessionAndReturnsToThePageAsked(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	resp, body := c.get("/account")
	wantRedirect(t, resp, body, "/inloggen?terug=%2Faccount")

	form := url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}, "terug": {"/account"}}
	resp, body = c.submit("/inloggen?terug=%2Faccount", "/inloggen", form)
	wantRedirect(t, resp, body, "/account")
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == httpauth.SessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v, want HttpOnly and SameSite=Lax", session)
	}
	resp, body = c.get("/account")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Mijn account", "Ingrid Inkoper", apptest.CZBuyerEmail, "CZ groep", "(zorgverzekeraar)", "<dd>inkoper</dd>",
		"Ingrid Inkoper · CZ groep", `action="/uitloggen"`)
}

func TestLoginRefusesToSendTheBrowserToAnotherSite(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	for _, back := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		c := e.client(t)
		form := url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}, "terug": {back}}
		resp, body := c.submit("/inloggen", "/inloggen", form)
		wantRedirect(t, resp, body, "/")
	}
}

func TestWrongPasswordIs401WithADutchMessageAndNoSession(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	resp, body := c.submit("/inloggen", "/inloggen", url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {"fout wachtwoord!"}})
	wantStatus(t, resp, body, http.StatusUnauthorized)
	wantContains(t, body, "Het e-mailadres of het wachtwoord is onjuist.", `value="`+apptest.CZBuyerEmail+`"`)
	if c.cookie(httpauth.SessionCookie) != nil {
		t.Error("a wrong password set a session cookie")
	}
	resp, body = c.get("/account")
	wantRedirect(t, resp, body, "/inloggen?terug=%2Faccount")

	resp, body = c.submit("/inloggen", "/inloggen", url.Values{"email": {"niemand@nergens.example"}, "wachtwoord": {"wat dan ook 123"}})
	wantStatus(t, resp, body, http.StatusUnauthorized)
	wantContains(t, body, "Het e-mailadres of het wachtwoord is onjuist.")
}

func TestEmptyLoginFormAsksForBothFields(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	resp, body := e.client(t).submit("/inloggen", "/inloggen", url.Values{"email": {apptest.CZBuyerEmail}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Vul uw e-mailadres en uw wachtwoord in.")
}

func TestWrongPasswordsSlowTheirSourceAndTheMessageSaysHowLong(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	wrong := url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {"fout wachtwoord!"}}
	right := url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}}
	for _, wait := range []string{"1 seconde", "2 seconden", "4 seconden"} {
		resp, body := c.submit("/inloggen", "/inloggen", wrong)
		wantStatus(t, resp, body, http.StatusUnauthorized)
		// At once again, even with the right password: wait.
		resp, body = c.submit("/inloggen", "/inloggen", right)
		wantStatus(t, resp, body, http.StatusTooManyRequests)
		wantContains(t, body, "Te veel pogingen. Probeer het over "+wait+" opnieuw.", `href="/wachtwoord/vergeten"`)
		if secs := strings.Fields(wait)[0]; resp.Header.Get("Retry-After") != secs {
			t.Errorf("Retry-After %q, want %s", resp.Header.Get("Retry-After"), secs)
		}
		if c.cookie(httpauth.SessionCookie) != nil {
			t.Fatal("the right password was heard while the source must wait")
		}
		e.clock.Advance(4 * time.Second)
	}
	resp, body := c.submit("/inloggen", "/inloggen", right)
	wantRedirect(t, resp, body, "/")
}

// fromAddress is a browser that connects from another loopback address, as another
// source: the whole of 127.0.0.0/8 reaches the test server.
func (e *authEnv) fromAddress(t *testing.T, ip string) *webClient {
	c := e.client(t)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c.http.Transport = &http.Transport{DialContext: d.DialContext}
	return c
}

func TestAnAttackerCannotLockTheUserOut(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	attacker := e.fromAddress(t, "127.0.0.1")
	guess := url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {"geraden wachtwoord"}}
	for range 8 {
		resp, body := attacker.submit("/inloggen", "/inloggen", guess)
		wantStatus(t, resp, body, http.StatusUnauthorized)
		e.clock.Advance(identity.MaxLoginDelay)
	}
	resp, body := attacker.submit("/inloggen", "/inloggen", guess)
	wantStatus(t, resp, body, http.StatusUnauthorized)
	resp, body = attacker.submit("/inloggen", "/inloggen", url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}})
	wantStatus(t, resp, body, http.StatusTooManyRequests)

	// The user, from their own address, logs in at once.
	e.fromAddress(t, "127.0.0.2").login(apptest.CZBuyerEmail, apptest.Password)
}

func TestUnknownAndKnownAddressesGetTheSameAnswers(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	// The same attempts for an address with an account and one without, side by side.
	for i, after := range []time.Duration{0, 0, time.Second, 0, 2 * time.Second, 4 * time.Second, 0, time.Hour} {
		e.clock.Advance(after)
		var answers [2]string
		for j, email := range []string{apptest.CZBuyerEmail, "niemand@cz.example"} {
			resp, body := c.submit("/inloggen", "/inloggen", url.Values{"email": {email}, "wachtwoord": {"fout wachtwoord!"}})
			answers[j] = fmt.Sprintf("%d %s\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), strings.ReplaceAll(body, email, "ADRES"))
		}
		if answers[0] != answers[1] {
			t.Errorf("attempt %d: known address\n%s\n\nunknown address\n%s", i+1, answers[0], answers[1])
		}
	}
}

func TestDisabledAccountCannotLogIn(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	u := e.ids.User(t, apptest.CZBuyerEmail)
	if _, err := e.ids.Service.SetDisabled(context.Background(), e.ids.Operator, u.ID, true, "vertrokken"); err != nil {
		t.Fatal(err)
	}
	resp, body := e.client(t).submit("/inloggen", "/inloggen", url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}})
	wantStatus(t, resp, body, http.StatusForbidden)
	wantContains(t, body, "Dit account is uitgeschakeld.")
}

func TestLogoutEndsTheSession(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	c.login(apptest.CZBuyerEmail, apptest.Password)
	secret := c.cookie(httpauth.SessionCookie).Value
	resp, body := c.submit("/account", "/uitloggen", url.Values{})
	wantRedirect(t, resp, body, "/inloggen?uitgelogd=1")
	if c.cookie(httpauth.SessionCookie) != nil {
		t.Error("the session cookie is still there")
	}
	if _, _, err := e.ids.Service.Authenticate(context.Background(), secret); err == nil {
		t.Error("the session still works after logging out")
	}
	_, body = c.get("/inloggen?uitgelogd=1")
	wantContains(t, body, "U bent uitgelogd.")
}

func TestExpiredSessionSendsTheReaderToTheLoginPageWithAMessage(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	c.login(apptest.CZBuyerEmail, apptest.Password)
	e.clock.Advance(identity.SessionTTL + time.Minute)

	resp, body := c.get("/account")
	wantRedirect(t, resp, body, "/inloggen?terug=%2Faccount&verlopen=1")
	if c.cookie(httpauth.SessionCookie) != nil {
		t.Error("the expired session's cookie was not removed")
	}
	resp, body = c.get(resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Uw sessie is verlopen. Log opnieuw in om verder te gaan.", `name="terug" value="/account"`)
}

func TestFormSentWithAnExpiredSessionSaysWhyAndChangesNothing(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	c.login(apptest.CZBuyerEmail, apptest.Password)
	token := c.csrf("/account")
	e.clock.Advance(identity.SessionTTL + time.Minute)
	resp, body := c.post("/account/token", url.Values{"csrf": {token}, "naam": {"Koppeling"}})
	wantStatus(t, resp, body, http.StatusUnauthorized)
	wantContains(t, body, "Uw sessie is verlopen of beëindigd. Log opnieuw in.", `href="/inloggen`)
	if n := e.apiTokens(t, apptest.CZBuyerEmail); n != 0 {
		t.Errorf("%d API tokens made", n)
	}
}

// ---- CSRF ----

func TestFormWithoutCSRFTokenIs403AndChangesNothing(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	t.Run("login", func(t *testing.T) {
		c := e.client(t)
		c.get("/inloggen") // the CSRF cookie is set, but the form does not carry its token
		resp, body := c.post("/inloggen", url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}})
		wantStatus(t, resp, body, http.StatusForbidden)
		wantContains(t, body, "beveiligingscontrole", "Laad de pagina opnieuw")
		if c.cookie(httpauth.SessionCookie) != nil {
			t.Error("logged in without a CSRF token")
		}
	})
	t.Run("login from a page that was never ours", func(t *testing.T) {
		resp, body := e.client(t).post("/inloggen", url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}, "csrf": {"geraden"}})
		wantStatus(t, resp, body, http.StatusForbidden)
	})
	c := e.client(t)
	c.login(apptest.CZBuyerEmail, apptest.Password)
	for _, tc := range []struct {
		action string
		form   url.Values
	}{
		{"/account/wachtwoord", url.Values{"huidig": {apptest.Password}, "wachtwoord": {"een heel nieuw wachtwoord"}, "wachtwoord2": {"een heel nieuw wachtwoord"}}},
		{"/account/token", url.Values{"naam": {"Koppeling"}}},
		{"/uitloggen", url.Values{}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			resp, body := c.post(tc.action, tc.form)
			wantStatus(t, resp, body, http.StatusForbidden)
			wantContains(t, body, "beveiligingscontrole")
			tc.form.Set("csrf", "fout-token")
			resp, body = c.post(tc.action, tc.form)
			wantStatus(t, resp, body, http.StatusForbidden)
		})
	}
	// Nothing changed: the session works, the old password works, no token was made.
	if resp, body := c.get("/account"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the session ended: %d\n%s", resp.StatusCode, body)
	}
	if _, _, _, err := e.ids.Service.Login(context.Background(), apptest.CZBuyerEmail, apptest.Password); err != nil {
		t.Errorf("the password changed: %v", err)
	}
	if n := e.apiTokens(t, apptest.CZBuyerEmail); n != 0 {
		t.Errorf("%d API tokens made", n)
	}
}

func (e *authEnv) apiTokens(t *testing.T, email string) int {
	t.Helper()
	ts, err := e.app.DB.Tokens(context.Background(), e.ids.User(t, email).ID, identity.TokenAPI)
	if err != nil {
		t.Fatal(err)
	}
	return len(ts)
}

// ---- forgotten password ----

var resetLink = regexp.MustCompile(`https?://\S+/wachtwoord/herstellen\?token=\S+`)

// requestReset asks for a reset link and returns it, read from the mail.
func (e *authEnv) requestReset(t *testing.T, c *webClient, email string) string {
	t.Helper()
	before := len(e.smtp.Messages())
	resp, body := c.submit("/wachtwoord/vergeten", "/wachtwoord/vergeten", url.Values{"email": {email}})
	wantStatus(t, resp, body, http.StatusOK)
	msgs := e.smtp.Messages()
	if len(msgs) != before+1 {
		t.Fatalf("%d mails sent, want 1", len(msgs)-before)
	}
	m := msgs[len(msgs)-1]
	if len(m.To) != 1 || m.To[0] != email || m.Subject != "Wachtwoord opnieuw instellen" {
		t.Fatalf("mail to %v about %q", m.To, m.Subject)
	}
	link := resetLink.FindString(m.Body)
	if !strings.HasPrefix(link, e.srv.URL+"/wachtwoord/herstellen?token=") {
		t.Fatalf("no link to this site in the mail:\n%s", m.Body)
	}
	return strings.TrimPrefix(link, e.srv.URL)
}

func TestPasswordResetByMailEndToEnd(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	resp, body := c.get("/wachtwoord/vergeten")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Wachtwoord vergeten", `name="email"`)

	link := e.requestReset(t, c, apptest.CZBuyerEmail)
	resp, body = c.get(link)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Nieuw wachtwoord instellen", `name="wachtwoord"`, `name="wachtwoord2"`)
	if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the page of a secret link: Referrer-Policy %q, Cache-Control %q", resp.Header.Get("Referrer-Policy"), resp.Header.Get("Cache-Control"))
	}
	token := strings.TrimPrefix(link, "/wachtwoord/herstellen?token=")
	newPassword := "mijn nieuwe wachtwoord"

	resp, body = c.submit(link, "/wachtwoord/herstellen", url.Values{"token": {token}, "wachtwoord": {newPassword}, "wachtwoord2": {"iets anders helemaal"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "De twee wachtwoorden zijn niet gelijk.")
	resp, body = c.submit(link, "/wachtwoord/herstellen", url.Values{"token": {token}, "wachtwoord": {"kort"}, "wachtwoord2": {"kort"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Het wachtwoord heeft 4 tekens; er zijn er minstens 12 nodig.")

	resp, body = c.submit(link, "/wachtwoord/herstellen", url.Values{"token": {token}, "wachtwoord": {newPassword}, "wachtwoord2": {newPassword}})
	wantRedirect(t, resp, body, "/inloggen?hersteld=1")
	_, body = c.get("/inloggen?hersteld=1")
	wantContains(t, body, "Uw nieuwe wachtwoord is ingesteld.")

	resp, body = c.submit("/inloggen", "/inloggen", url.Values{"email": {apptest.CZBuyerEmail}, "wachtwoord": {apptest.Password}})
	wantStatus(t, resp, body, http.StatusUnauthorized)
	e.clock.Advance(time.Second) // the wait after a failed login
	c.login(apptest.CZBuyerEmail, newPassword)

	// The link works once.
	used := e.client(t)
	resp, body = used.get(link)
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "ongeldig, verlopen of al gebruikt", `href="/wachtwoord/vergeten"`)
	wantLacks(t, body, `name="wachtwoord"`)
	resp, body = used.submit("/wachtwoord/vergeten", "/wachtwoord/herstellen", url.Values{"token": {token}, "wachtwoord": {"nog een wachtwoord"}, "wachtwoord2": {"nog een wachtwoord"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "ongeldig, verlopen of al gebruikt")
	e.client(t).login(apptest.CZBuyerEmail, newPassword)
}

func TestForgotPasswordAnswersTheSameForAnyAddress(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	_, known := c.submit("/wachtwoord/vergeten", "/wachtwoord/vergeten", url.Values{"email": {apptest.CZBuyerEmail}})
	resp, unknown := c.submit("/wachtwoord/vergeten", "/wachtwoord/vergeten", url.Values{"email": {"niemand@nergens.example"}})
	wantStatus(t, resp, unknown, http.StatusOK)
	if known != unknown {
		t.Errorf("the answers differ:\nknown address:\n%s\nunknown address:\n%s", known, unknown)
	}
	wantContains(t, unknown, "Als er een account bij dit e-mailadres hoort")
	if n := len(e.smtp.Messages()); n != 1 {
		t.Errorf("%d mails sent, want only the one to the known address", n)
	}
	resp, body := c.submit("/wachtwoord/vergeten", "/wachtwoord/vergeten", url.Values{"email": {" "}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Vul het e-mailadres van uw account in.")
}

func TestExpiredOrMissingResetLinkSaysSoAtOnce(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	link := e.requestReset(t, c, apptest.CZBuyerEmail)
	e.clock.Advance(identity.ResetTTL + time.Minute)
	for _, path := range []string{link, "/wachtwoord/herstellen", "/wachtwoord/herstellen?token=r_verzonnen"} {
		resp, body := c.get(path)
		wantStatus(t, resp, body, http.StatusBadRequest)
		wantContains(t, body, "Deze link om uw wachtwoord opnieuw in te stellen is ongeldig, verlopen of al gebruikt. Vraag een nieuwe aan.")
	}
	token := strings.TrimPrefix(link, "/wachtwoord/herstellen?token=")
	resp, body := c.submit("/wachtwoord/vergeten", "/wachtwoord/herstellen", url.Values{"token": {token}, "wachtwoord": {"te laat gekozen ww"}, "wachtwoord2": {"te laat gekozen ww"}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "ongeldig, verlopen of al gebruikt")
	c.login(apptest.CZBuyerEmail, apptest.Password)
}

// ---- my account ----

func TestChangePasswordOnMyAccount(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	c.login(apptest.CZBuyerEmail, apptest.Password)
	newPassword := "een heel nieuw wachtwoord"
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"wrong current password", url.Values{"huidig": {"fout wachtwoord!"}, "wachtwoord": {newPassword}, "wachtwoord2": {newPassword}}, "Het huidige wachtwoord is onjuist."},
		{"the two new ones differ", url.Values{"huidig": {apptest.Password}, "wachtwoord": {newPassword}, "wachtwoord2": {newPassword + "!"}}, "niet gelijk"},
		{"too short", url.Values{"huidig": {apptest.Password}, "wachtwoord": {"kort"}, "wachtwoord2": {"kort"}}, "minstens 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.submit("/account", "/account/wachtwoord", tc.form)
			wantStatus(t, resp, body, http.StatusBadRequest)
			wantContains(t, body, tc.want, "Ingrid Inkoper")
		})
	}
	resp, body := c.submit("/account", "/account/wachtwoord", url.Values{"huidig": {apptest.Password}, "wachtwoord": {newPassword}, "wachtwoord2": {newPassword}})
	wantRedirect(t, resp, body, "/account?gewijzigd=1")
	_, body = c.get("/account?gewijzigd=1")
	wantContains(t, body, "Uw wachtwoord is gewijzigd.")
	e.client(t).login(apptest.CZBuyerEmail, newPassword)
}

func TestAPITokenIsShownOnceAndWorks(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	c.login(apptest.LindeEmail, apptest.Password)
	resp, body := c.submit("/account", "/account/token", url.Values{"naam": {" "}})
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Geef het token een naam")

	resp, body = c.submit("/account", "/account/token", url.Values{"naam": {"Praktijksysteem"}})
	wantStatus(t, resp, body, http.StatusOK)
	token := regexp.MustCompile(`zk_[A-Za-z0-9_-]{43}`).FindString(body)
	if token == "" {
		t.Fatalf("no token on the page:\n%s", body)
	}
	wantContains(t, body, "alleen nu zichtbaar", "Geldig tot 1 november 2022")
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	_, body = c.get("/account")
	wantLacks(t, body, token)

	req, _ := http.NewRequest("GET", e.srv.URL+"/account", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, body = e.client(t).do(req)
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Lotte van der Linde", "beheerder, tekenbevoegde", "(zorgaanbieder)")
}

// ---- navigation by role ----

func TestNavigationShowsWhatThePrincipalMayUse(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	nav := func(body string) string {
		start, end := strings.Index(body, `<header class="site">`), strings.Index(body, "</header>")
		if start < 0 || end < start {
			t.Fatalf("no header in the page:\n%s", body)
		}
		return body[start:end]
	}
	for _, tc := range []struct {
		name  string
		email string
		want  []string
		not   []string
	}{
		{"anonymous", "", []string{`href="/">Beleid`, `href="/inloggen">Inloggen`},
			[]string{"/beoordelingen", "/zorgaanbieders", "/account", "Uitloggen", "/logboek"}},
		{"insurer buyer", apptest.CZBuyerEmail,
			[]string{`href="/">Beleid`, `href="/beoordelingen">Beoordelingen`, `href="/zorgaanbieders">Zorgaanbieders`,
				`href="/account">Mijn account`, "Uitloggen", "Ingrid Inkoper · CZ groep"},
			[]string{"Mijn beoordelingen", `href="/inloggen"`, "/logboek"}},
		{"provider's beheerder", apptest.LindeEmail,
			[]string{`href="/">Beleid`, `href="/beoordelingen">Mijn beoordelingen`, `href="/account">Mijn account`, "Uitloggen",
				"Lotte van der Linde · Huisartsenpraktijk De Linde", `href="/logboek">Logboek`},
			[]string{"/zorgaanbieders", `>Beoordelingen<`, `href="/inloggen"`}},
		{"operator", apptest.OperatorEmail,
			[]string{`href="/beoordelingen">Beoordelingen`, `href="/zorgaanbieders">Zorgaanbieders`, `href="/logboek">Logboek`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client(t)
			if tc.email != "" {
				c.login(tc.email, apptest.Password)
			}
			resp, body := c.get("/")
			wantStatus(t, resp, body, http.StatusOK)
			wantContains(t, nav(body), tc.want...)
			wantLacks(t, nav(body), tc.not...)
		})
	}
}

func TestMyAssessmentsListOnlyTheirOwn(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	resp, body := e.client(t).get("/beoordelingen")
	wantRedirect(t, resp, body, "/inloggen?terug=%2Fbeoordelingen")

	cz := e.client(t)
	cz.login(apptest.CZBuyerEmail, apptest.Password)
	resp, body = cz.get("/beoordelingen")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, `href="/beleid/cz-hz-mdz-2022/beoordeling"`, `href="/beleid/cz-msz-2024/beoordeling"`)
	wantLacks(t, body, "zz-msz-2024", "asr-msz-2025", "Mijn beoordelingen")

	linde := e.client(t)
	linde.login(apptest.LindeEmail, apptest.Password)
	resp, body = linde.get("/beoordelingen")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Mijn beoordelingen", "Huisartsenpraktijk De Linde", `href="/beleid/cz-hz-mdz-2022/beoordeling/hap-de-linde"`)
	wantLacks(t, body, "hap-failliet", "ziekenhuis-zuid", `href="/beleid/cz-hz-mdz-2022/beoordeling"`, "zz-msz-2024")
}

// ---- protection ----

func TestLoginIsRateLimitedPerAddressNotPerAccount(t *testing.T) {
	clock := apptest.NewClock()
	e := newAuthEnv(t, Limits{FormsPerAccount: ratelimit.New(1, time.Minute, 0, clock.Now), FormsPerIP: ratelimit.New(3, time.Minute, 0, clock.Now)})
	c := e.client(t)
	try := func(email string) (*http.Response, string) {
		return c.submit("/inloggen", "/inloggen", url.Values{"email": {email}, "wachtwoord": {"fout wachtwoord!"}})
	}
	for _, email := range []string{apptest.CZBuyerEmail, apptest.ZZBuyerEmail, apptest.LindeEmail} {
		resp, body := try(email)
		wantStatus(t, resp, body, http.StatusUnauthorized)
	}
	e.clock.Advance(time.Minute) // the login throttle of each address is over; the IP limit is not
	resp, body := try(apptest.CZBuyerEmail)
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantContains(t, body, "U heeft in korte tijd te veel verzoeken gedaan. Probeer het over 20 seconden opnieuw.")
	if ra := resp.Header.Get("Retry-After"); ra != "20" {
		t.Errorf("Retry-After %q, want 20", ra)
	}
	// The per-address limit of the forgotten-password form does not apply to logins: the
	// user logs in from another address at once, after two attempts at their address.
	e.fromAddress(t, "127.0.0.2").login(apptest.CZBuyerEmail, apptest.Password)

	clock.Advance(time.Minute)
	// The refused attempt never reached the password check: the right password is heard
	// at once (a counted failure would make this source wait).
	c.login(apptest.CZBuyerEmail, apptest.Password)
}

func TestForgotPasswordIsRateLimited(t *testing.T) {
	clock := apptest.NewClock()
	e := newAuthEnv(t, Limits{FormsPerAccount: ratelimit.New(1, 10*time.Minute, 0, clock.Now)})
	c := e.client(t)
	e.requestReset(t, c, apptest.CZBuyerEmail)
	resp, body := c.submit("/wachtwoord/vergeten", "/wachtwoord/vergeten", url.Values{"email": {apptest.CZBuyerEmail}})
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantContains(t, body, "Probeer het over 10 minuten opnieuw.")
	if n := len(e.smtp.Messages()); n != 1 {
		t.Errorf("%d mails sent, want 1", n)
	}
}

func TestAnonymousReadsAreRateLimitedAndLoggedInUsersAreNot(t *testing.T) {
	clock := apptest.NewClock()
	e := newAuthEnv(t, Limits{Public: ratelimit.New(3, time.Minute, 0, clock.Now)})
	anon := e.client(t)
	for range 3 {
		resp, body := anon.get("/")
		wantStatus(t, resp, body, http.StatusOK)
	}
	resp, body := anon.get("/beleid/" + apptest.Policy)
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantContains(t, body, "Te veel verzoeken", "Probeer het over 20 seconden opnieuw.")
	if resp.Header.Get("Retry-After") != "20" {
		t.Errorf("Retry-After %q, want 20", resp.Header.Get("Retry-After"))
	}
	if resp, body := anon.get("/static/style.css"); resp.StatusCode != http.StatusOK {
		t.Errorf("static file refused: %d %s", resp.StatusCode, body)
	}

	// A logged-in user on the same address reads on.
	_, secret, _, err := e.ids.Service.Login(context.Background(), apptest.CZBuyerEmail, apptest.Password)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(e.srv.URL)
	user := e.client(t)
	user.http.Jar.SetCookies(u, []*http.Cookie{{Name: httpauth.SessionCookie, Value: secret}})
	for range 5 {
		resp, body := user.get("/")
		wantStatus(t, resp, body, http.StatusOK)
	}
}

func TestOversizedFormIs413WithADutchMessage(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	token := c.csrf("/inloggen")
	big := url.Values{"csrf": {token}, "email": {apptest.CZBuyerEmail}, "wachtwoord": {strings.Repeat("x", MaxFormBytes)}}
	resp, body := c.post("/inloggen", big)
	wantStatus(t, resp, body, http.StatusRequestEntityTooLarge)
	wantContains(t, body, "Te veel gegevens", "groter dan 1 MB")

	// Without a declared length the limit holds while reading.
	req, _ := http.NewRequest("POST", e.srv.URL+"/inloggen", io.MultiReader(strings.NewReader(big.Encode())))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body = c.do(req)
	wantStatus(t, resp, body, http.StatusRequestEntityTooLarge)
	// Had it reached the password check, this source would have to wait now.
	c.login(apptest.CZBuyerEmail, apptest.Password)
}

func TestSecureSetsHSTSOnlyOverTLS(t *testing.T) {
	h := Secure(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	plain := httptest.NewRecorder()
	h.ServeHTTP(plain, httptest.NewRequest("GET", "http://zorginkoop.example/", nil))
	if v := plain.Header().Get("Strict-Transport-Security"); v != "" {
		t.Errorf("HSTS over plain HTTP: %q", v)
	}
	tls := httptest.NewRecorder()
	h.ServeHTTP(tls, httptest.NewRequest("GET", "https://zorginkoop.example/", nil))
	if v := tls.Header().Get("Strict-Transport-Security"); !strings.HasPrefix(v, "max-age=") {
		t.Errorf("HSTS over TLS: %q", v)
	}
	csp := tls.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
}

// The strict CSP forbids inline scripts, styles and event handlers: none may be in a
// template, or the page would break.
func TestTemplatesHaveNoInlineScriptOrStyle(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=|javascript:`)
	names, err := files.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := files.ReadFile("templates/" + n.Name())
		if err != nil {
			t.Fatal(err)
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s has inline code: %q", n.Name(), m)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/account": "/account", "/beleid/x/beoordeling?uitkomst=eligible": "/beleid/x/beoordeling?uitkomst=eligible",
		"": "/", "//evil.example": "/", "https://evil.example/": "/", "/\\evil.example": "/", "account": "/",
		"/a\r\nSet-Cookie: x": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// ---- API tokens and what a new password ends ----

func TestAccountPageListsTokensAndRevokesThem(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	c.login(apptest.CZBuyerEmail, apptest.Password)
	resp, body := c.submit("/account", "/account/token", url.Values{"naam": {"Declaratiesysteem"}})
	wantStatus(t, resp, body, http.StatusOK)
	ts, err := e.ids.Service.APITokens(context.Background(), e.ids.Principal(t, e.ids.User(t, apptest.CZBuyerEmail)))
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens %v, %v", ts, err)
	}
	action := "/account/token/" + ts[0].ID() + "/intrekken"
	resp, body = c.get("/account")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Mijn API-tokens", "Declaratiesysteem", "nooit", `action="`+action+`"`)

	// Another user cannot revoke it.
	other := e.client(t)
	other.login(apptest.ZZBuyerEmail, apptest.Password)
	resp, body = other.submit("/account", action, url.Values{})
	wantStatus(t, resp, body, http.StatusNotFound)
	if n := e.apiTokens(t, apptest.CZBuyerEmail); n != 1 {
		t.Fatalf("%d tokens after another user's attempt, want 1", n)
	}

	resp, body = c.submit("/account", action, url.Values{})
	wantRedirect(t, resp, body, "/account?ingetrokken=1")
	_, body = c.get("/account?ingetrokken=1")
	wantContains(t, body, "Het API-token is ingetrokken", "U heeft geen API-tokens.")
	if n := e.apiTokens(t, apptest.CZBuyerEmail); n != 0 {
		t.Errorf("%d tokens after revoking, want 0", n)
	}
}

func TestTheTwentyFirstTokenIsRefusedOnTheAccountPage(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	p := e.ids.Principal(t, e.ids.User(t, apptest.CZBuyerEmail))
	for i := range identity.MaxAPITokens {
		if _, err := e.ids.Service.CreateAPIToken(context.Background(), p, fmt.Sprintf("koppeling %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client(t)
	c.login(apptest.CZBuyerEmail, apptest.Password)
	resp, body := c.submit("/account", "/account/token", url.Values{"naam": {"een te veel"}})
	wantStatus(t, resp, body, http.StatusConflict)
	wantContains(t, body, "U heeft al 20 API-tokens, het maximum. Trek eerst een token in dat u niet meer gebruikt.")
}

func TestResetFormRevokesTokensUnlessUnticked(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ticked bool
	}{{"ticked (the default)", true}, {"unticked", false}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAuthEnv(t, Limits{})
			c := e.client(t)
			p := e.ids.Principal(t, e.ids.User(t, apptest.CZBuyerEmail))
			token, err := e.ids.Service.CreateAPIToken(context.Background(), p, "koppeling")
			if err != nil {
				t.Fatal(err)
			}
			session := e.client(t)
			session.login(apptest.CZBuyerEmail, apptest.Password)

			link := e.requestReset(t, c, apptest.CZBuyerEmail)
			_, body := c.get(link)
			wantContains(t, body, `name="tokens_intrekken" value="ja" checked`, "Trek ook al mijn API-tokens in")
			form := url.Values{"token": {strings.TrimPrefix(link, "/wachtwoord/herstellen?token=")}, "wachtwoord": {"mijn nieuwe wachtwoord"}, "wachtwoord2": {"mijn nieuwe wachtwoord"}}
			if tc.ticked {
				form.Set("tokens_intrekken", "ja")
			}
			resp, body := c.submit(link, "/wachtwoord/herstellen", form)
			wantRedirect(t, resp, body, "/inloggen?hersteld=1")
			_, err = e.ids.Service.AuthenticateToken(context.Background(), token)
			if tc.ticked != (err != nil) {
				t.Errorf("API token after the reset: %v; want revoked: %v", err, tc.ticked)
			}
			resp, body = session.get("/account")
			wantRedirect(t, resp, body, "/inloggen?terug=%2Faccount&verlopen=1")
		})
	}
}

func TestAnOlderResetLinkStopsWorkingWhenANewOneIsSent(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	c := e.client(t)
	first := e.requestReset(t, c, apptest.CZBuyerEmail)
	second := e.requestReset(t, c, apptest.CZBuyerEmail)
	resp, body := c.get(first)
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "ongeldig, verlopen of al gebruikt")
	resp, body = c.get(second)
	wantStatus(t, resp, body, http.StatusOK)
}

func TestChangingThePasswordEndsTheOtherSessionsAndKeepsThisOne(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	here, elsewhere := e.client(t), e.client(t)
	here.login(apptest.CZBuyerEmail, apptest.Password)
	elsewhere.login(apptest.CZBuyerEmail, apptest.Password)
	p := e.ids.Principal(t, e.ids.User(t, apptest.CZBuyerEmail))
	token, err := e.ids.Service.CreateAPIToken(context.Background(), p, "koppeling")
	if err != nil {
		t.Fatal(err)
	}
	_, body := here.get("/account")
	wantContains(t, body, `name="tokens_intrekken" value="ja" checked`)
	// Unticked: the tokens stay.
	resp, body := here.submit("/account", "/account/wachtwoord", url.Values{"huidig": {apptest.Password},
		"wachtwoord": {"een heel nieuw wachtwoord"}, "wachtwoord2": {"een heel nieuw wachtwoord"}})
	wantRedirect(t, resp, body, "/account?gewijzigd=1")
	resp, body = here.get("/account?gewijzigd=1")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.")
	resp, body = elsewhere.get("/account")
	wantRedirect(t, resp, body, "/inloggen?terug=%2Faccount&verlopen=1")
	if _, err := e.ids.Service.AuthenticateToken(context.Background(), token); err != nil {
		t.Errorf("API token after a change without revocation: %v", err)
	}
}

func TestForgotPasswordWithoutBaseURLSaysMailIsOff(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	e.ids.Service.BaseURL = "" // serve without --base-url on an address nobody can name
	c := e.client(t)
	c.get("/wachtwoord/vergeten")
	for _, email := range []string{apptest.CZBuyerEmail, "niemand@cz.example"} {
		resp, body := c.submit("/wachtwoord/vergeten", "/wachtwoord/vergeten", url.Values{"email": {email}})
		wantStatus(t, resp, body, http.StatusServiceUnavailable)
		wantContains(t, body, "Wachtwoordherstel per e-mail is op deze installatie niet ingesteld.")
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d mails sent without a base URL", n)
	}
}
