// Package httpauth finds out who is calling an HTTP handler (session cookie, API token or
// client certificate), puts the identity.Principal in the request context, and checks the
// CSRF token of every state-changing request made with a cookie. What the principal may
// see and do is decided by the services, not here.
package httpauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/ratelimit"
)

// Cookie names. The session cookie holds the session secret; the CSRF cookie holds the
// token of forms sent before login (double-submit), for the login and reset forms.
const (
	SessionCookie = "zk_sessie"
	CSRFCookie    = "zk_csrf"
	CSRFField     = "csrf"         // form field
	CSRFHeader    = "X-CSRF-Token" // header, for scripts
)

// Middleware authenticates requests for next. Fail writes an error in the caller's form
// (a Dutch page or problem+json): a bad token, an expired session or a missing CSRF
// token stops the request there, before anything changes.
type Middleware struct {
	Identity *identity.Service
	Fail     func(w http.ResponseWriter, r *http.Request, err error)
}

type ctxKey struct{}

var errCSRF = &apperr.Error{Code: apperr.Forbidden, Field: CSRFField,
	Message: "the CSRF token is missing or wrong; reload the form and send it again",
	Dutch:   "Het formulier is verlopen of niet geldig (beveiligingscontrole). Laad de pagina opnieuw en probeer het nog eens."}

// Handler wraps next.
func (m *Middleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, sess, err := m.authenticate(r)
		if err != nil {
			if c, _ := r.Cookie(SessionCookie); c != nil && sess == nil {
				ClearSession(w, r)
			}
			m.Fail(w, r, err)
			return
		}
		ctx := identity.WithPrincipal(r.Context(), p)
		// Requests with an API token or a client certificate carry no ambient credentials
		// a foreign page could borrow, so they need no CSRF token.
		csrf := ""
		switch {
		case sess != nil:
			csrf = sess.CSRF
		case p.IsAnonymous():
			csrf = anonCSRF(w, r)
		}
		if unsafe(r.Method) && csrf != "" && !csrfMatches(r, csrf) {
			m.Fail(w, r.WithContext(ctx), errCSRF)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, ctxKey{}, csrf)))
	})
}

// Principal authenticates r as Handler would, without answering it: the logged-in
// principal, or false for an anonymous request or credentials that do not authenticate.
// For decisions taken before the body is read (see web's claim-file upload).
func (m *Middleware) Principal(r *http.Request) (identity.Principal, bool) {
	p, _, err := m.authenticate(r)
	if err != nil || p.IsAnonymous() {
		return identity.Anonymous, false
	}
	return p, true
}

// authenticate tries, in order: an API token, a verified client certificate, a session
// cookie. No credentials at all is the anonymous principal, not an error.
func (m *Middleware) authenticate(r *http.Request) (identity.Principal, *identity.Session, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return identity.Anonymous, nil, &apperr.Error{Code: apperr.Unauthenticated, Field: "Authorization",
				Message: "the Authorization header must be 'Bearer <token>'", Dutch: "Het API-token is ongeldig."}
		}
		p, err := m.Identity.AuthenticateToken(ctx, strings.TrimSpace(secret))
		return p, nil, err
	}
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		p, err := m.Identity.AuthenticateCertificate(ctx, r.TLS.VerifiedChains[0][0])
		return p, nil, err
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return identity.Anonymous, nil, nil
	}
	return m.Identity.Authenticate(ctx, c.Value)
}

func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

func csrfMatches(r *http.Request, want string) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// anonCSRF returns the pre-login CSRF token of the browser, setting the cookie if needed.
func anonCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(CSRFCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	if unsafe(r.Method) {
		return "-" // no cookie yet: the form was not ours, so no token can match
	}
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: v, Path: "/", HttpOnly: true, Secure: HTTPS(r), SameSite: http.SameSiteLaxMode})
	return v
}

// CSRFToken is the token forms of this request must carry in the field CSRFField.
func CSRFToken(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}

// SetSession sets the session cookie after a login. Its lifetime is relative (Max-Age),
// so it holds however the browser's clock differs from the server's (or a test's).
func SetSession(w http.ResponseWriter, r *http.Request, secret string, sess *identity.Session) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", MaxAge: int(sess.ExpiresAt.Sub(sess.CreatedAt).Seconds()),
		HttpOnly: true, Secure: HTTPS(r), SameSite: http.SameSiteLaxMode})
}

// ClearSession removes the session cookie.
func ClearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: HTTPS(r), SameSite: http.SameSiteLaxMode})
}

// SessionCookieValue is the session secret of the request, for logout.
func SessionCookieValue(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

type httpsKey struct{}

// ServedOverHTTPS marks every request as having reached the user over HTTPS, for a server
// behind a proxy that terminates TLS (its public URL is https://...): cookies then get the
// Secure flag and pages send HSTS, although the proxy talks plain HTTP to us.
func ServedOverHTTPS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), httpsKey{}, true)))
	})
}

// HTTPS reports whether the user's browser reached the server over HTTPS: directly, or
// through a TLS-terminating proxy (ServedOverHTTPS).
func HTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Context().Value(httpsKey{}) == true
}

// UserKey keys a per-user rate limit: the logged-in user of r; "" (not limited there) for
// anonymous callers, whom the per-address limits cover.
func UserKey(r *http.Request) string {
	if p := identity.PrincipalFrom(r.Context()); !p.IsAnonymous() {
		return "user " + p.User.ID
	}
	return ""
}

// CallerKey keys the heavy-request gate: the logged-in user, or the address of an
// anonymous caller.
func CallerKey(r *http.Request) string {
	if k := UserKey(r); k != "" {
		return k
	}
	return "ip " + ratelimit.ClientIP(r)
}

// ClaimUploadTime is how long the upload of a claim file (up to 2 GiB) may take: the
// server's ReadTimeout (a minute) would cut off a large file on a slow line, so that
// request gets this long to be read, and to be answered after that.
const ClaimUploadTime = time.Hour

// ExtendUploadDeadlines gives the request of w ClaimUploadTime to be read and
// ClaimUploadTime plus five minutes to be answered; the server's ReadTimeout and
// WriteTimeout stay as they are for every other request. Call it only for an
// authenticated uploader. A writer without deadlines (httptest's recorder) is fine.
func ExtendUploadDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	now := time.Now()
	if err := rc.SetReadDeadline(now.Add(ClaimUploadTime)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return
	}
	_ = rc.SetWriteDeadline(now.Add(ClaimUploadTime + 5*time.Minute))
}
