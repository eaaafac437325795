package api

import (
	"bytes"
	"net/http"

	"zorginkoop/internal/notify"
	"zorginkoop/internal/round"
)

// The caller's organisation's inbox of notices, and its providers' deadlines as an
// iCalendar feed.

func (h *Handler) inboxRoutes() {
	h.handleUser("GET /api/inbox", h.inbox)
	h.handleUser("POST /api/inbox/{id}/read", h.markRead)
	h.handleUser("GET /api/calendar.ics", h.calendar)
}

type inboxJSON struct {
	Items  []notify.Item `json:"items"`
	Total  int           `json:"total"`
	Unread int           `json:"unread"`
	Offset int           `json:"offset"`
	Limit  int           `json:"limit"`
}

func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) error {
	offset, limit, errs := pageParams(r.URL.Query(), notify.DefaultPageSize, notify.MaxPageSize)
	if err := errs.Err(); err != nil {
		return err
	}
	in, err := h.Notices.Inbox(r.Context(), principal(r), notify.Page{Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inboxJSON{Items: nonNil(in.Items), Total: in.Total, Unread: in.Unread, Offset: offset, Limit: limit})
}

func (h *Handler) markRead(w http.ResponseWriter, r *http.Request) error {
	if err := h.Notices.MarkRead(r.Context(), principal(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// calendar is the deadlines of the open dossiers of the caller's providers, one all-day
// event each, linked to the dossier's page.
func (h *Handler) calendar(w http.ResponseWriter, r *http.Request) error {
	dls, err := h.Rounds.ProviderDeadlines(r.Context(), principal(r))
	if err != nil {
		return err
	}
	cal := notify.Calendar{Name: "Zorginkoop – deadlines", Stamp: h.Rounds.Now()}
	for _, d := range dls {
		cal.Events = append(cal.Events, notify.Event{UID: d.DossierID + "-" + string(d.Deadline.Step),
			Summary: d.Deadline.What + " (" + h.Library.InsurerName(d.Insurer) + ")", Description: deadlineText(d),
			Date: d.Deadline.Due(), URL: h.dossierURL(d.DossierID)})
	}
	var buf bytes.Buffer
	if err := notify.WriteICS(&buf, cal); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="zorginkoop.ics"`)
	_, err = buf.WriteTo(w)
	return err
}

func deadlineText(d round.ProviderDeadline) string {
	hard := "Zachte termijn: na deze datum volgt een waarschuwing."
	if d.Deadline.Hard {
		hard = "Harde termijn: na deze datum wordt de handeling geweigerd."
	}
	return d.Deadline.Dutch() + ". Dossier " + d.DossierID + ", zorgaanbieder " + d.ProviderID + ". " + hard
}

// dossierURL is the path of a dossier's page (absolute when Options.BaseURL is set).
func (h *Handler) dossierURL(id string) string { return h.BaseURL + "/dossiers/" + id }
