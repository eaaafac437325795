package web

import (
	"net/http"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
)

// The test clock's page (/platform/klok): with `serve --test-clock` the operator sets the
// platform date, so that deadlines, reminders and publication can be walked through.
// Without a test clock the page does not exist.

type clockView struct {
	CSRF       string
	Now        time.Time
	Date, Time string // the form's values
	Error      string
	Saved      bool
}

// clockActor is the operator, on a server with a test clock.
func (h *Handler) clockActor(r *http.Request) error {
	if h.Clock == nil {
		return apperr.NotFoundf("no test clock: the server runs on the real time")
	}
	p := principal(r)
	if p.IsAnonymous() {
		return identity.LoginRequired("set the test clock")
	}
	if !p.IsOperator() {
		return identity.Deny("only the platform operator sets the test clock", "Alleen de platformbeheerder zet de testklok.")
	}
	return nil
}

func (h *Handler) clockPage(w http.ResponseWriter, r *http.Request) error {
	if err := h.clockActor(r); err != nil {
		return err
	}
	return h.renderClock(w, r, http.StatusOK, clockView{Saved: r.URL.Query().Get("gedaan") == "gezet"})
}

func (h *Handler) renderClock(w http.ResponseWriter, r *http.Request, status int, v clockView) error {
	v.CSRF, v.Now = httpauth.CSRFToken(r.Context()), h.Clock.Now().In(nl.Amsterdam)
	if v.Date == "" {
		v.Date, v.Time = v.Now.Format(time.DateOnly), v.Now.Format("15:04")
	}
	return h.render(w, status, "clock.html", "Testklok", v)
}

// setClock sets the platform date and time (Europe/Amsterdam) of the test clock.
func (h *Handler) setClock(w http.ResponseWriter, r *http.Request) error {
	if err := h.clockActor(r); err != nil {
		return err
	}
	v := clockView{Date: strings.TrimSpace(r.PostFormValue("datum")), Time: strings.TrimSpace(r.PostFormValue("tijd"))}
	if v.Time == "" {
		v.Time = "09:00"
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", v.Date+" "+v.Time, nl.Amsterdam)
	if err != nil {
		v.Error = "Geef een datum als 2025-11-09 en een tijd als 09:00."
		return h.renderClock(w, r, http.StatusBadRequest, v)
	}
	h.Clock.Set(at)
	h.Log.Warn("test clock set", "by", principal(r).UserID(), "platform_time", at.Format(time.RFC3339))
	http.Redirect(w, r, "/platform/klok?gedaan=gezet", http.StatusSeeOther)
	return nil
}
