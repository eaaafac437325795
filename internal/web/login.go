package web

import (
	"net/http"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/ratelimit"
)

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
		var status int
		status, v.Error = formError(err)
		return h.render(w, status, "login.html", "Inloggen", v)
	}
	_, secret, sess, err := h.Identity.LoginFrom(r.Context(), ratelimit.ClientIP(r), v.Email, password)
	if err != nil {
		status, dutch := formError(err)
		if status == 0 || dutch == "" {
			return err
		}
		if wait, ok := identity.RetryAfter(err); ok {
			ratelimit.Refuse(w, wait) // sets Retry-After
		}
		v.Error, v.Locked = dutch, apperr.CodeOf(err) == apperr.TooMany
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
