package web

import (
	"net/http"
	"net/url"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
)

// oidcCookie keeps a started OpenID Connect login (organisation, state, nonce and PKCE
// verifier) in the browser until the identity provider sends it back. HttpOnly, limited
// to the login paths, gone after identity.OIDCLoginTTL; SameSite Lax so that it comes
// along on the provider's top-level redirect back to us.
const oidcCookie = "zk_oidc"

const oidcPath = "/inloggen/oidc/"

// oidcStart sends the browser to the organisation's identity provider.
func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) error {
	if h.Identity == nil {
		return apperr.NotFoundf("no logins: the identity service is not wired")
	}
	org := r.PathValue("org")
	authURL, pending, err := h.Identity.StartOIDCLogin(r.Context(), org, h.oidcRedirectURL(r, org))
	if err != nil {
		return h.loginFailed(w, r, err)
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: encodePending(pending), Path: oidcPath,
		MaxAge: int(identity.OIDCLoginTTL.Seconds()), HttpOnly: true, Secure: httpauth.HTTPS(r), SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusFound)
	return nil
}

// oidcCallback is where the identity provider sends the browser back: on success the user
// is logged in and goes to the start page.
func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	if h.Identity == nil {
		return apperr.NotFoundf("no logins: the identity service is not wired")
	}
	org := r.PathValue("org")
	var pending identity.OIDCPending
	if c, err := r.Cookie(oidcCookie); err == nil {
		pending = decodePending(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: oidcPath, MaxAge: -1,
		HttpOnly: true, Secure: httpauth.HTTPS(r), SameSite: http.SameSiteLaxMode})
	if pending.OrgID != org {
		pending = identity.OIDCPending{OrgID: org} // not started here: the state check refuses it
	}
	q := r.URL.Query()
	cb := identity.OIDCCallback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDescription: q.Get("error_description")}
	_, secret, sess, err := h.Identity.FinishOIDCLogin(r.Context(), pending, cb, h.oidcRedirectURL(r, org))
	if err != nil {
		return h.loginFailed(w, r, err)
	}
	httpauth.SetSession(w, r, secret, sess)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// oidcRedirectURL is the organisation's callback URL, as registered at its provider:
// under the configured base URL, or else the address this request came in on.
func (h *Handler) oidcRedirectURL(r *http.Request, org string) string {
	base := strings.TrimRight(h.Identity.BaseURL, "/")
	if base == "" {
		scheme := "http"
		if httpauth.HTTPS(r) {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + oidcPath + url.PathEscape(org) + "/terug"
}

// encodePending and decodePending keep a pending login in one cookie value; none of its
// parts (a slug, base64url secrets) contains a dot.
func encodePending(p identity.OIDCPending) string {
	return strings.Join([]string{p.OrgID, p.State, p.Nonce, p.Verifier}, ".")
}

func decodePending(s string) identity.OIDCPending {
	f := strings.Split(s, ".")
	if len(f) != 4 {
		return identity.OIDCPending{}
	}
	return identity.OIDCPending{OrgID: f[0], State: f[1], Nonce: f[2], Verifier: f[3]}
}
