package web

import (
	"net/http"
	"strings"
	"time"

	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
)

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
		status, dutch := formError(err)
		if status == 0 || dutch == "" {
			return err
		}
		v.PasswordError = dutch
		return h.render(w, status, "account.html", "Mijn account", v)
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
	t, err := h.Identity.IssueAPIToken(r.Context(), p, v.TokenName)
	if err != nil {
		status, dutch := formError(err)
		if status == 0 {
			return err
		}
		v.TokenError = dutch
		if v.TokenError == "" {
			v.TokenError = "Geef het token een naam, bijvoorbeeld het systeem dat het gebruikt."
		}
		return h.render(w, status, "account.html", "Mijn account", v)
	}
	if v.Tokens, err = h.Identity.APITokens(r.Context(), p); err != nil {
		return err
	}
	v.NewToken, v.TokenExpires = t.Secret, t.ExpiresAt
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
