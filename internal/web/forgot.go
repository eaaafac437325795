package web

import (
	"errors"
	"net/http"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/ratelimit"
)

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
		var status int
		status, v.Error = formError(err)
		return h.render(w, status, "forgot.html", "Wachtwoord vergeten", v)
	}
	if err := h.Identity.RequestPasswordReset(r.Context(), v.Email); errors.Is(err, identity.ErrResetMailOff) {
		v.Error = identity.ErrResetMailOff.Dutch // the same for every address
		return h.render(w, http.StatusServiceUnavailable, "forgot.html", "Wachtwoord vergeten", v)
	} else if err != nil {
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
		var status int
		if status, v.Invalid = formError(err); status == 0 || v.Invalid == "" {
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
		var status int
		status, v.Error = formError(ratelimit.Refuse(w, wait))
		return h.render(w, status, "reset.html", "Nieuw wachtwoord instellen", v)
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
		status, dutch := formError(err)
		if status == 0 || dutch == "" {
			return err
		}
		if es := apperr.Errors(err); es[0].Field == "token" {
			v.Invalid = dutch
		} else {
			v.Error = dutch
		}
		return h.render(w, status, "reset.html", "Nieuw wachtwoord instellen", v)
	}
	http.Redirect(w, r, "/inloggen?hersteld=1", http.StatusSeeOther)
	return nil
}
