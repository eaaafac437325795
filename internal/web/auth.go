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
	"GET /beleid/{id}/gevolgen":         true, // judges every provider twice
	"GET /beleid/{id}/gevolgen.csv":     true,
	"POST /declaraties":                 true, // a claim file, adjudicated line by line
	"GET /declaraties/{id}/retour.csv":  true,
	"GET /declaraties/{id}/retour.json": true,
	"GET /declaraties/overzicht":        true, // aggregated over every line
	"POST /declaraties/contracten":      true,
	"POST /declaraties/verzekerden":     true,
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
	perUser := h.Limits.PerUser.Middleware(httpauth.UserKey, h.fail)
	root := http.NewServeMux()
	static := http.Handler(h.mux) // the mux serves /static/ itself
	root.Handle("GET /static/", static)
	root.Handle("/", auth.Handler(public(perUser(pages))))
	forms := LimitBody(MaxFormBytes, h.fail, http.NewCrossOriginProtection().Handler(root))
	uploads := LimitBody(h.maxUploadBody(), h.fail, http.NewCrossOriginProtection().Handler(root))
	claimFiles := LimitBody(MaxClaimUploadBytes, h.fail, http.NewCrossOriginProtection().Handler(root))
	return Secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isClaimsUpload(r) {
			// The form is read here, before the handler runs: a claim file of a principal
			// who may upload one gets its hour now (an anonymous sender keeps ReadTimeout).
			if r.URL.Path == "/declaraties" {
				if p, ok := auth.Principal(r); ok && mayUploadClaims(p) {
					httpauth.ExtendUploadDeadlines(w)
				}
			}
			claimFiles.ServeHTTP(w, r)
			return
		}
		if isEvidenceUpload(r) {
			uploads.ServeHTTP(w, r)
			return
		}
		forms.ServeHTTP(w, r)
	}))
}

// maxUploadBody is the largest body of an evidence upload: the largest document the
// documents service takes, and room for the form around it.
func (h *Handler) maxUploadBody() int64 {
	if h.Documents == nil {
		return MaxFormBytes
	}
	return h.Documents.MaxSize() + 64<<10
}

// maxFormMemory is how much of a multipart form is kept in memory; the rest of its files
// is kept in temporary files while the request is handled.
const maxFormMemory = 8 << 20

// isClaimsUpload reports whether r posts a file of the claims pages: a claim file, a
// contracts workbook, an insured CSV or an authorisation's document. The service applies
// its own, smaller limits to each.
func isClaimsUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	switch p := r.URL.Path; {
	case p == "/declaraties", p == "/declaraties/contracten", p == "/declaraties/verzekerden", p == "/machtigingen":
		return true
	case strings.HasPrefix(p, "/machtigingen/") && strings.HasSuffix(p, "/documenten"):
		return true
	}
	return false
}

// isEvidenceUpload reports whether r is the questionnaire's evidence upload
// (POST /dossiers/{id}/uitvraag/bewijs), whose body is a document, not a small form.
func isEvidenceUpload(r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/dossiers/")
	id, tail, _ := strings.Cut(rest, "/")
	return ok && r.Method == http.MethodPost && id != "" && tail == "uitvraag/bewijs"
}

// anonymousGET keys the public rate limit: reads by visitors who are not logged in, by IP.
func anonymousGET(r *http.Request) string {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !identity.PrincipalFrom(r.Context()).IsAnonymous() {
		return ""
	}
	return ratelimit.ClientIP(r)
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
		return r.ParseMultipartForm(min(max, maxFormMemory)) // larger files wait on disk
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
	if email = identity.NormalizeEmail(email); email != "" && form != "login" {
		if ok, wait := h.Limits.FormsPerAccount.Allow(form + " account " + email); !ok {
			return ratelimit.Refuse(w, wait)
		}
	}
	return nil
}

// noStore keeps pages with secrets (a new API token, a reset link's form) out of caches.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}
