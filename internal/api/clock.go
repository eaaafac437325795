package api

import (
	"net/http"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// The platform's test clock (serve --test-clock): the operator reads and sets the date
// every service works with, to walk a round through its deadlines. Without a test clock
// these routes do not exist (404), so a production server never offers them.

type clockJSON struct {
	Now time.Time `json:"now"`
}

// testClock checks that the server has a test clock and that the caller is the operator.
func (h *Handler) testClock(r *http.Request) error {
	if h.Clock == nil {
		return errNoRoute
	}
	p := principal(r)
	if p.IsAnonymous() {
		return identity.LoginRequired("use the test clock")
	}
	if !p.IsOperator() {
		return &apperr.Error{Code: apperr.Forbidden, Message: "only the platform operator sets the test clock",
			Dutch: "Alleen de platformbeheerder zet de testklok."}
	}
	return nil
}

func (h *Handler) getClock(w http.ResponseWriter, r *http.Request) error {
	if err := h.testClock(r); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, clockJSON{Now: h.Clock.Now()})
}

func (h *Handler) setClock(w http.ResponseWriter, r *http.Request) error {
	if err := h.testClock(r); err != nil {
		return err
	}
	var in struct {
		Now *time.Time `json:"now"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Now == nil || in.Now.IsZero() {
		return apperr.Invalidf("now", "now is required: a moment like 2025-11-12T00:00:00+01:00")
	}
	h.Clock.Set(*in.Now)
	return writeJSON(w, http.StatusOK, clockJSON{Now: h.Clock.Now()})
}
