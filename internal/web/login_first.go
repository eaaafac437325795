package web

import (
	"net/http"

	"zorginkoop/internal/identity"
)

// handleUser registers a page or form of the purchasing round, which only a logged-in
// user uses: an anonymous visitor is asked to log in (a page: the login page, and back;
// a form: 401) before any round, dossier, contract or document is looked up. A link in a
// notice's e-mail then leads to the login page, not to "does not exist".
func (h *Handler) handleUser(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
	h.handle(pattern, func(w http.ResponseWriter, r *http.Request) error {
		if principal(r).IsAnonymous() {
			return identity.LoginRequired("use the purchasing round")
		}
		return fn(w, r)
	})
}
