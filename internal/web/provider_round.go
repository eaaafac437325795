package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/notify"
)

// The provider's side of the purchasing round: applying to a round, the questionnaire
// (uitvraag) with its evidence, the documents, its dossiers at every insurer with their
// calendar, the organisation's inbox, and the operator's test clock. The rules are the
// round, questionnaire, documents and notices services'; these handlers read the forms
// and show the answers.

func (h *Handler) providerRoundRoutes() {
	h.handleUser("GET /rondes/{id}/aanmelden", h.applyPage)
	h.handleUser("POST /rondes/{id}/aanmelden", h.apply)
	h.handleUser("GET /dossiers/{id}/uitvraag", h.questionnairePage)
	h.handleUser("POST /dossiers/{id}/uitvraag", h.saveAnswers)
	h.handleUser("POST /dossiers/{id}/uitvraag/bewijs", h.uploadEvidence)
	h.handleUser("POST /dossiers/{id}/uitvraag/indienen", h.submitQuestionnaire)
	h.handleUser("GET /documenten/{id}", h.downloadDocument)
	h.handleUser("GET /mijn-dossiers", h.myDossiers)
	h.handleUser("GET /mijn-dossiers.ics", h.myDeadlinesICS)
	h.handleUser("GET /berichten", h.inboxPage)
	h.handleUser("POST /berichten/{id}/gelezen", h.markRead)
	h.handleUser("GET /platform/klok", h.clockPage)
	h.handleUser("POST /platform/klok", h.setClock)
}

// testClockBanner is the banner of every page while the services run on a test clock.
func (h *Handler) testClockBanner() string {
	if h.Services == nil || h.Clock == nil {
		return ""
	}
	now := h.Clock.Now()
	return "Testklok: de platformdatum is " + nl.Date(now.In(nl.Amsterdam)) + ", " + nl.Time(now) +
		" uur. Termijnen, herinneringen en publicatie volgen deze datum, niet de echte."
}

// unread is the number of unread messages of p's organisation, for the navigation; 0 when
// it has no inbox or it cannot be read (the page shows without the count).
func (h *Handler) unread(ctx context.Context, p identity.Principal) int {
	if h.Services == nil || h.Notices == nil || !hasInbox(p) {
		return 0
	}
	in, err := h.Notices.Inbox(ctx, p, notify.Page{Limit: 1})
	if err != nil {
		h.Log.Warn("unread messages", "err", err)
		return 0
	}
	return in.Unread
}

// pager is the paging of a list page: ?pagina=N, with links to the neighbours.
type pager struct {
	Page, Pages, Total int
	PrevURL, NextURL   string
}

// pageOf reads ?pagina= (1 when absent or invalid).
func pageOf(r *http.Request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("pagina")); err == nil && n > 1 {
		return n
	}
	return 1
}

func newPager(path string, page, size, total int) pager {
	p := pager{Page: page, Total: total, Pages: max((total+size-1)/size, 1)}
	link := func(n int) string { return path + "?" + url.Values{"pagina": {strconv.Itoa(n)}}.Encode() }
	if page > 1 {
		p.PrevURL = link(page - 1)
	}
	if page < p.Pages {
		p.NextURL = link(page + 1)
	}
	return p
}
