package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/ratelimit"
)

// The pages of logging in and out, forgotten passwords and the user's own account.

// MaxFormBytes is the largest request body the pages accept: forms are small.
const MaxFormBytes = 1 << 20

// Limits are the rate limits of the pages. New fills a nil field from DefaultLimits.
type Limits struct {
	// FormsPerIP limits the login and forgotten-password forms per client IP address,
	// against one source trying many addresses. FormsPerAccount limits the
	// forgotten-password form per e-mail address typed, against flooding an inbox. The
	// login form has no limit per address, which anyone could use to keep its user out:
	// identity's login throttle slows each (address, source) pair instead.
	FormsPerIP      *ratelimit.Limiter
	FormsPerAccount *ratelimit.Limiter
	// Public limits the GET requests of visitors who are not logged in, per IP address.
	Public *ratelimit.Limiter
	// PerUser limits the requests of logged-in users, per user; Heavy bounds the heavy
	// requests in flight (heavyRoutes), per user and in all. The server shares both with
	// the API (api.Limits), so that the two doors count together.
	PerUser *ratelimit.Limiter
	Heavy   *ratelimit.Gate
}

// heavyRoutes are the pages that hold much memory or a database connection for long: they
// go through Limits.Heavy.
var heavyRoutes = map[string]bool{
	"POST /beleid/{id}/beoordeling":     true, // judges every provider
	"GET /beleid/{id}/beoordeling.csv":  true,
	"GET /beleid/{id}/beoordeling.xlsx": true,
	"GET /logboek.csv":                  true,
}

// DefaultLimits are generous for people and tight for scripts.
func DefaultLimits() Limits {
	return Limits{
		FormsPerIP:      ratelimit.New(30, time.Minute, 0, nil),
		FormsPerAccount: ratelimit.New(10, time.Minute, 0, nil),
		Public:          ratelimit.New(300, time.Minute, 0, nil),
		PerUser:         ratelimit.New(600, time.Minute, 0, nil),
		Heavy:           ratelimit.NewGate(2, 8, 10*time.Second),
	}
}

func (l *Limits) fill() {
	d := DefaultLimits()
	if l.FormsPerIP == nil {
		l.FormsPerIP = d.FormsPerIP
	}
	if l.FormsPerAccount == nil {
		l.FormsPerAccount = d.FormsPerAccount
	}
	if l.Public == nil {
		l.Public = d.Public
	}
	if l.PerUser == nil {
		l.PerUser = d.PerUser
	}
	if l.Heavy == nil {
		l.Heavy = d.Heavy
	}
}

func (h *Handler) authRoutes() {
	h.handle("GET /inloggen", h.loginPage)
	h.handle("POST /inloggen", h.login)
	h.handle("POST /uitloggen", h.logout)
	h.handle("GET /wachtwoord/vergeten", h.forgotPage)
	h.handle("POST /wachtwoord/vergeten", h.forgot)
	h.handle("GET /wachtwoord/herstellen", h.resetPage)
	h.handle("POST /wachtwoord/herstellen", h.reset)
	h.handle("GET /account", h.accountPage)
	h.handle("POST /account/wachtwoord", h.changePassword)
	h.handle("POST /account/token", h.createToken)
	h.handle("POST /account/token/{id}/intrekken", h.revokeToken)
	h.handle("GET /beoordelingen", h.myAssessments)
}

// protect wraps the pages: body size limit, cross-origin protection, authentication with
// CSRF check, the rate limit of anonymous visitors and that of each logged-in user. Static
// files skip authentication.
func (h *Handler) protect(pages http.Handler) http.Handler {
	auth := &httpauth.Middleware{Identity: h.Identity, Fail: h.authFailed}
	public := h.Limits.Public.Middleware(anonymousGET, h.fail)
	perUser := h.Limits.PerUser.Middleware(userKey, h.fail)
	root := http.NewServeMux()
	static := http.Handler(h.mux) // the mux serves /static/ itself
	root.Handle("GET /static/", static)
	root.Handle("/", auth.Handler(public(perUser(pages))))
	return Secure(LimitBody(MaxFormBytes, h.fail, http.NewCrossOriginProtection().Handler(root)))
}

// anonymousGET keys the public rate limit: reads by visitors who are not logged in, by IP.
func anonymousGET(r *http.Request) string {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !identity.PrincipalFrom(r.Context()).IsAnonymous() {
		return ""
	}
	return ratelimit.ClientIP(r)
}

// userKey keys the per-user limit: the logged-in user; "" for visitors, whom Public limits.
func userKey(r *http.Request) string {
	if p := identity.PrincipalFrom(r.Context()); !p.IsAnonymous() {
		return "user " + p.User.ID
	}
	return ""
}

// callerKey keys the heavy-request gate: the user, or the address of a visitor.
func callerKey(r *http.Request) string {
	if k := userKey(r); k != "" {
		return k
	}
	return "ip " + ratelimit.ClientIP(r)
}

// authFailed answers a request the middleware stopped. A browser whose session expired
// (or whose cookie is no longer valid) is sent to the login page when it only wanted to
// read; a form sent with it shows why it was not saved.
func (h *Handler) authFailed(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.CodeOf(err) == apperr.Unauthenticated && isRead(r) && httpauth.SessionCookieValue(r) != "" {
		http.Redirect(w, r, loginURL(r, true), http.StatusSeeOther)
		return
	}
	h.fail(w, r, err)
}

func isRead(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// loginURL is the login page that returns to the page of r afterwards.
func loginURL(r *http.Request, expired bool) string {
	q := url.Values{}
	if expired {
		q.Set("verlopen", "1")
	}
	// Only a page can be returned to: the address of a form would answer "method not allowed".
	if back := localPath(r.URL.RequestURI()); back != "/" && isRead(r) {
		q.Set("terug", back)
	}
	if len(q) == 0 {
		return "/inloggen"
	}
	return "/inloggen?" + q.Encode()
}

// localPath returns p if it is a path on this site, else "/": a login must never send
// the browser to another site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

// LimitBody refuses request bodies of more than max bytes: at once when the declared
// length says so, else when a handler reads past max. Forms are read here, before the
// CSRF check reads them, so that an oversized form gets its own answer instead of a
// failed CSRF check. fail writes the *http.MaxBytesError in the caller's form (the pages
// answer 413 with a Dutch message).
func LimitBody(max int64, fail func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			fail(w, r, &http.MaxBytesError{Limit: max})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		if err := parseForm(r, max); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				fail(w, r, tooLarge)
			} else {
				fail(w, r, &apperr.Error{Code: apperr.Invalid, Message: "the form cannot be read: " + err.Error(),
					Dutch: "Het formulier kon niet worden gelezen. Laad de pagina opnieuw en probeer het nog eens.", Err: err})
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

func parseForm(r *http.Request, max int64) error {
	if isRead(r) || r.Method == http.MethodOptions {
		return nil
	}
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		return r.ParseForm()
	case strings.HasPrefix(ct, "multipart/form-data"):
		return r.ParseMultipartForm(max)
	}
	return nil
}

// sizeName says a size in bytes the Dutch way: "1 MB", "512 kB".
func sizeName(n int64) string {
	if n >= 1<<20 {
		return nl.Int(n>>20) + " MB"
	}
	return nl.Int(max(n>>10, 1)) + " kB"
}

// limitForms applies the rate limits of the login and forgotten-password forms: per IP
// address for both, and per e-mail address typed for the forgotten-password form only.
func (h *Handler) limitForms(w http.ResponseWriter, r *http.Request, form, email string) error {
	if ok, wait := h.Limits.FormsPerIP.Allow(form + " ip " + ratelimit.ClientIP(r)); !ok {
		return ratelimit.Refuse(w, wait)
	}
	if email = strings.ToLower(strings.TrimSpace(email)); email != "" && form != "login" {
		if ok, wait := h.Limits.FormsPerAccount.Allow(form + " account " + email); !ok {
			return ratelimit.Refuse(w, wait)
		}
	}
	return nil
}

// dutchOf is the Dutch message of an error the user can act on, or "".
func dutchOf(err error) string {
	if es := apperr.Errors(err); len(es) > 0 {
		return es[0].Dutch
	}
	return ""
}

// statusOf maps the codes the forms show on the form itself; 0 for any other error.
func statusOf(err error) int {
	return map[apperr.Code]int{apperr.Invalid: http.StatusBadRequest, apperr.Unauthenticated: http.StatusUnauthorized,
		apperr.Forbidden: http.StatusForbidden, apperr.TooMany: http.StatusTooManyRequests, apperr.Conflict: http.StatusConflict}[apperr.CodeOf(err)]
}

// noStore keeps pages with secrets (a new API token, a reset link's form) out of caches.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}

// ---- log in and out ----

type loginView struct {
	CSRF   string
	Email  string
	Return string // the page to go to after logging in
	Notice string // why the user is here (session expired, logged out, password set)
	Error  string
	Locked bool                    // too many attempts: show the way back
	OIDC   []identity.Organisation // organisations whose users log in at their own identity provider
}

var loginNotices = map[string]string{
	"verlopen":  "Uw sessie is verlopen. Log opnieuw in om verder te gaan.",
	"uitgelogd": "U bent uitgelogd.",
	"hersteld":  "Uw nieuwe wachtwoord is ingesteld. Log ermee in.",
}

func (h *Handler) newLoginView(r *http.Request, back string) loginView {
	v := loginView{CSRF: httpauth.CSRFToken(r.Context()), Return: localPath(back)}
	if orgs, err := h.Identity.Store.Organisations(r.Context()); err == nil {
		for _, o := range orgs {
			if o.OIDC != nil {
				v.OIDC = append(v.OIDC, o)
			}
		}
	}
	return v
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := h.newLoginView(r, q.Get("terug"))
	if !identity.PrincipalFrom(r.Context()).IsAnonymous() {
		http.Redirect(w, r, v.Return, http.StatusSeeOther)
		return nil
	}
	for key, notice := range loginNotices {
		if q.Get(key) == "1" {
			v.Notice = notice
		}
	}
	return h.render(w, http.StatusOK, "login.html", "Inloggen", v)
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	v := h.newLoginView(r, r.PostFormValue("terug"))
	v.Email = strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("wachtwoord")
	if v.Email == "" || password == "" {
		v.Error = "Vul uw e-mailadres en uw wachtwoord in."
		return h.render(w, http.StatusBadRequest, "login.html", "Inloggen", v)
	}
	if err := h.limitForms(w, r, "login", v.Email); err != nil {
		v.Error = dutchOf(err)
		return h.render(w, http.StatusTooManyRequests, "login.html", "Inloggen", v)
	}
	_, secret, sess, err := h.Identity.LoginFrom(r.Context(), ratelimit.ClientIP(r), v.Email, password)
	if err != nil {
		status := statusOf(err)
		if status == 0 || dutchOf(err) == "" {
			return err
		}
		if wait, ok := identity.RetryAfter(err); ok {
			ratelimit.Refuse(w, wait) // sets Retry-After
		}
		v.Error, v.Locked = dutchOf(err), apperr.CodeOf(err) == apperr.TooMany
		return h.render(w, status, "login.html", "Inloggen", v)
	}
	httpauth.SetSession(w, r, secret, sess)
	http.Redirect(w, r, v.Return, http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if secret := httpauth.SessionCookieValue(r); secret != "" {
		if err := h.Identity.Logout(r.Context(), secret); err != nil {
			return err
		}
	}
	httpauth.ClearSession(w, r)
	http.Redirect(w, r, "/inloggen?uitgelogd=1", http.StatusSeeOther)
	return nil
}

// ---- forgotten password ----

type forgotView struct {
	CSRF  string
	Email string
	Sent  bool
	Error string
}

func (h *Handler) forgotPage(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, http.StatusOK, "forgot.html", "Wachtwoord vergeten", forgotView{CSRF: httpauth.CSRFToken(r.Context())})
}

// forgot answers the same whether or not the address has an account, and whether or not
// the mail could be sent, so that the page does not tell which addresses exist; a failure
// to send goes to the log.
func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) error {
	v := forgotView{CSRF: httpauth.CSRFToken(r.Context()), Email: strings.TrimSpace(r.PostFormValue("email"))}
	if v.Email == "" {
		v.Error = "Vul het e-mailadres van uw account in."
		return h.render(w, http.StatusBadRequest, "forgot.html", "Wachtwoord vergeten", v)
	}
	if err := h.limitForms(w, r, "reset", v.Email); err != nil {
		v.Error = dutchOf(err)
		return h.render(w, http.StatusTooManyRequests, "forgot.html", "Wachtwoord vergeten", v)
	}
	if err := h.Identity.RequestPasswordReset(r.Context(), v.Email); err != nil {
		h.Log.Error("password reset request", "err", err)
	}
	v.Sent = true
	return h.render(w, http.StatusOK, "forgot.html", "Wachtwoord vergeten", v)
}

type resetView struct {
	CSRF         string
	Token        string
	Invalid      string // the link cannot be used: why
	Error        string
	MinLength    int
	RevokeTokens bool // the box "revoke my API tokens" is ticked
}

func (h *Handler) newResetView(r *http.Request, token string) resetView {
	return resetView{CSRF: httpauth.CSRFToken(r.Context()), Token: token, MinLength: identity.MinPasswordLength,
		RevokeTokens: r.Method != http.MethodPost || revokeTokensTicked(r)}
}

// revokeTokensTicked reads the box "also revoke my API tokens" of the reset and change
// forms; it is ticked when the form is shown, so revoking is what a user gets unless they
// untick it.
func revokeTokensTicked(r *http.Request) bool { return r.PostFormValue("tokens_intrekken") == "ja" }

// resetPage shows the form of a reset link, or at once why the link cannot be used.
func (h *Handler) resetPage(w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	w.Header().Set("Referrer-Policy", "no-referrer") // the link's secret is in this page's address
	v := h.newResetView(r, r.URL.Query().Get("token"))
	if err := h.Identity.CheckResetLink(r.Context(), v.Token); err != nil {
		if v.Invalid = dutchOf(err); v.Invalid == "" || statusOf(err) == 0 {
			return err
		}
		return h.render(w, http.StatusBadRequest, "reset.html", "Nieuw wachtwoord instellen", v)
	}
	return h.render(w, http.StatusOK, "reset.html", "Nieuw wachtwoord instellen", v)
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) error {
	noStore(w)
	v := h.newResetView(r, r.PostFormValue("token"))
	if ok, wait := h.Limits.FormsPerIP.Allow("reset-link ip " + ratelimit.ClientIP(r)); !ok {
		v.Error = dutchOf(ratelimit.Refuse(w, wait))
		return h.render(w, http.StatusTooManyRequests, "reset.html", "Nieuw wachtwoord instellen", v)
	}
	password := r.PostFormValue("wachtwoord")
	err := h.Identity.CheckResetLink(r.Context(), v.Token)
	if err == nil && password != r.PostFormValue("wachtwoord2") {
		v.Error = "De twee wachtwoorden zijn niet gelijk. Typ hetzelfde nieuwe wachtwoord twee keer."
		return h.render(w, http.StatusBadRequest, "reset.html", "Nieuw wachtwoord instellen", v)
	}
	if err == nil {
		err = h.Identity.ResetPassword(r.Context(), v.Token, password, v.RevokeTokens)
	}
	if err != nil {
		if statusOf(err) == 0 || dutchOf(err) == "" {
			return err
		}
		if es := apperr.Errors(err); es[0].Field == "token" {
			v.Invalid = dutchOf(err)
		} else {
			v.Error = dutchOf(err)
		}
		return h.render(w, statusOf(err), "reset.html", "Nieuw wachtwoord instellen", v)
	}
	http.Redirect(w, r, "/inloggen?hersteld=1", http.StatusSeeOther)
	return nil
}

// ---- my account ----

type accountView struct {
	CSRF          string
	User          *identity.User
	Org           *identity.Organisation
	Notice        string
	PasswordError string
	RevokeTokens  bool // the box "revoke my API tokens" of the password form is ticked
	TokenError    string
	TokenName     string
	NewToken      string // shown once, right after it was made
	TokenExpires  time.Time
	Tokens        []identity.Token // the user's API tokens
	MaxTokens     int
	MinLength     int
}

func (h *Handler) newAccountView(r *http.Request) (accountView, error) {
	p := identity.PrincipalFrom(r.Context())
	if p.IsAnonymous() {
		return accountView{}, identity.LoginRequired("see your account")
	}
	tokens, err := h.Identity.APITokens(r.Context(), p)
	if err != nil {
		return accountView{}, err
	}
	return accountView{CSRF: httpauth.CSRFToken(r.Context()), User: p.User, Org: p.Org, MinLength: identity.MinPasswordLength,
		RevokeTokens: true, Tokens: tokens, MaxTokens: identity.MaxAPITokens}, nil
}

var accountNotices = map[string]string{
	"gewijzigd":   "Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.",
	"ingetrokken": "Het API-token is ingetrokken; systemen die het gebruikten, hebben geen toegang meer.",
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.newAccountView(r)
	if err != nil {
		return err
	}
	for key, notice := range accountNotices {
		if r.URL.Query().Get(key) == "1" {
			v.Notice = notice
		}
	}
	return h.render(w, http.StatusOK, "account.html", "Mijn account", v)
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	v, err := h.newAccountView(r)
	if err != nil {
		return err
	}
	v.RevokeTokens = revokeTokensTicked(r)
	password := r.PostFormValue("wachtwoord")
	if password != r.PostFormValue("wachtwoord2") {
		v.PasswordError = "De twee nieuwe wachtwoorden zijn niet gelijk. Typ hetzelfde nieuwe wachtwoord twee keer."
		return h.render(w, http.StatusBadRequest, "account.html", "Mijn account", v)
	}
	p := identity.PrincipalFrom(r.Context())
	change := identity.PasswordChange{Current: r.PostFormValue("huidig"), New: password,
		KeepSession: identity.HashSecret(httpauth.SessionCookieValue(r)), RevokeTokens: v.RevokeTokens}
	if err := h.Identity.ChangePassword(r.Context(), p, change); err != nil {
		if statusOf(err) == 0 || dutchOf(err) == "" {
			return err
		}
		v.PasswordError = dutchOf(err)
		return h.render(w, statusOf(err), "account.html", "Mijn account", v)
	}
	http.Redirect(w, r, "/account?gewijzigd=1", http.StatusSeeOther)
	return nil
}

// createToken shows the new API token on the answer to the form itself, never in a
// redirect's address, so that it is shown once and stored nowhere but by the user.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	v, err := h.newAccountView(r)
	if err != nil {
		return err
	}
	noStore(w)
	v.TokenName = strings.TrimSpace(r.PostFormValue("naam"))
	p := identity.PrincipalFrom(r.Context())
	secret, err := h.Identity.CreateAPIToken(r.Context(), p, v.TokenName)
	if err != nil {
		if statusOf(err) == 0 {
			return err
		}
		v.TokenError = dutchOf(err)
		if v.TokenError == "" {
			v.TokenError = "Geef het token een naam, bijvoorbeeld het systeem dat het gebruikt."
		}
		return h.render(w, statusOf(err), "account.html", "Mijn account", v)
	}
	if v.Tokens, err = h.Identity.APITokens(r.Context(), p); err != nil {
		return err
	}
	v.NewToken, v.TokenExpires = secret, h.Identity.Now().Add(identity.APITokenTTL)
	return h.render(w, http.StatusOK, "account.html", "Mijn account", v)
}

// revokeToken revokes one of the user's own API tokens.
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	p := identity.PrincipalFrom(r.Context())
	if err := h.Identity.RevokeAPIToken(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?ingetrokken=1", http.StatusSeeOther)
	return nil
}
