package web

import (
	"errors"
	"fmt"
	"net/http"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// The one mapping of the pages from an error to what the user sees: its status, heading and
// Dutch message. The error page (fail), the forms that show an error beside their fields
// (formError) and the login pages (loginFailed) all answer through answer.

// errorPage is what the error page shows.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Login   string // a link to log in (again), for a page that needs it
}

// answers are the error pages of the codes users can act on, with the general words of
// each; an error with Dutch words of its own (apperr.Error.Dutch) shows those instead.
var answers = map[apperr.Code]errorPage{
	apperr.Invalid:         {Status: http.StatusBadRequest, Heading: "Ongeldige invoer", Message: "De gegevens zijn niet juist ingevuld."},
	apperr.NotFound:        {Status: http.StatusNotFound, Heading: "Pagina niet gevonden", Message: "Deze pagina, dit zorginkoopbeleid of deze zorgaanbieder bestaat niet (meer)."},
	apperr.Forbidden:       {Status: http.StatusForbidden, Heading: "Geen toegang", Message: "U mag deze actie niet uitvoeren."},
	apperr.Unauthenticated: {Status: http.StatusUnauthorized, Heading: "Inloggen vereist", Message: "Log in om deze pagina te zien."},
	apperr.TooMany: {Status: http.StatusTooManyRequests, Heading: "Te veel verzoeken",
		Message: "U heeft in korte tijd te veel verzoeken gedaan. Probeer het later opnieuw."},
	apperr.Conflict: {Status: http.StatusConflict, Heading: "Conflict", Message: "De gegevens zijn intussen gewijzigd. Probeer het opnieuw."},
	apperr.TooLarge: {Status: http.StatusRequestEntityTooLarge, Heading: "Te veel gegevens", Message: "Het bestand is te groot en is niet verwerkt."},
}

// internalError is the answer to every other error: its cause goes to the log, never to
// the page.
var internalError = errorPage{Status: http.StatusInternalServerError, Heading: "Er ging iets mis",
	Message: "Er is een interne fout opgetreden. Probeer het later opnieuw; de fout is vastgelegd."}

// answer is the error page of err, and the service's own Dutch words about it ("" when it
// has none; always "" for an internal error).
func answer(err error) (ep errorPage, own string) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errorPage{Status: http.StatusRequestEntityTooLarge, Heading: "Te veel gegevens",
			Message: fmt.Sprintf("Het formulier is groter dan %s en is daarom niet verwerkt. Verklein de invoer en probeer het opnieuw.", sizeName(tooLarge.Limit))}, ""
	}
	ep, ok := answers[apperr.CodeOf(err)]
	if !ok {
		return internalError, ""
	}
	if es := apperr.Errors(err); len(es) > 0 && es[0].Dutch != "" {
		ep.Message, own = es[0].Dutch, es[0].Dutch
	}
	return ep, own
}

// formError is how a form shows err beside its fields: the status of answer and the
// service's own Dutch words ("" when it has none). Status 0: the error is not one the user
// can correct on the form (a missing page, an internal error); it goes to the error page.
func formError(err error) (status int, dutch string) {
	ep, own := answer(err)
	switch ep.Status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusTooManyRequests:
		return ep.Status, own
	}
	return 0, ""
}

// fail renders the Dutch error page of err. Internal causes go to the log, never to the page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	w = withRequest(w, r)
	if apperr.CodeOf(err) == apperr.Unauthenticated && isRead(r) && identity.PrincipalFrom(r.Context()).IsAnonymous() {
		// A page that needs a login: log in and come back.
		http.Redirect(w, r, loginURL(r, false), http.StatusSeeOther)
		return
	}
	ep, _ := answer(err)
	switch ep.Status {
	case http.StatusInternalServerError:
		h.Log.Error("web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case http.StatusUnauthorized:
		ep.Login = loginURL(r, false)
	}
	h.failPage(w, r, ep)
}

func (h *Handler) failPage(w http.ResponseWriter, r *http.Request, ep errorPage) {
	if err := h.render(w, ep.Status, "error.html", ep.Heading, ep); err != nil {
		h.Log.Error("render error page", "err", err)
		http.Error(w, ep.Heading, ep.Status)
	}
}

// loginFailed shows why a login at an identity provider was refused, in the Dutch words of
// the identity service, on the error page; an error without such words goes the usual way.
func (h *Handler) loginFailed(w http.ResponseWriter, r *http.Request, err error) error {
	ep, own := answer(err)
	if own == "" {
		return err
	}
	ep.Heading = "Inloggen mislukt"
	return h.render(w, ep.Status, "error.html", ep.Heading, ep)
}
