package web

import (
	"net/http"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/round"
)

// The provider's dashboard (/mijn-dossiers): every dossier of its provider records at
// every insurer on one page, with the stage, the next action and its date, and the
// calendar feed of its deadlines (/mijn-dossiers.ics).

const dossiersPerPage = 50

type myDossierRow struct {
	round.DossierView
	PolicyTitle string
	Stage       string // Dutch
	MayAnswer   bool   // the questionnaire is still to be filled in
}

type myDossiersView struct {
	Rows []myDossierRow
	pager
}

// ownDossiersOnly refuses the dashboard to whoever works for no provider record.
func ownDossiersOnly(p identity.Principal) error {
	if p.IsAnonymous() {
		return identity.LoginRequired("see your dossiers")
	}
	if len(ownProviders(p)) == 0 {
		return apperr.NotFoundf("no dossiers of a provider for this user")
	}
	return nil
}

func (h *Handler) myDossiers(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	if err := ownDossiersOnly(actor); err != nil {
		return err
	}
	n := pageOf(r)
	pg, err := h.Rounds.ProviderDossiers(r.Context(), actor, round.Page{Limit: dossiersPerPage, Offset: (n - 1) * dossiersPerPage})
	if err != nil {
		return err
	}
	v := myDossiersView{pager: newPager("/mijn-dossiers", n, dossiersPerPage, pg.Total)}
	for _, d := range pg.Items {
		row := myDossierRow{DossierView: d, PolicyTitle: d.PolicyID, Stage: round.StageNames[d.Stage],
			MayAnswer: d.Stage == round.Draft || d.Stage == round.Invited || d.Stage == round.Applied}
		if pol, err := h.Library.Policy(d.PolicyID); err == nil {
			row.PolicyTitle = pol.Title
		}
		v.Rows = append(v.Rows, row)
	}
	return h.render(w, http.StatusOK, "my_dossiers.html", "Mijn dossiers", v)
}

// myDeadlinesICS is the provider's deadlines as an iCalendar feed: one all-day event per
// deadline of each open dossier, linking to the dossier.
func (h *Handler) myDeadlinesICS(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	if err := ownDossiersOnly(actor); err != nil {
		return err
	}
	dls, err := h.Rounds.ProviderDeadlines(r.Context(), actor)
	if err != nil {
		return err
	}
	site := siteURL(r)
	cal := notify.Calendar{Name: "Zorginkoop: termijnen van " + actor.Org.Name, Stamp: h.Rounds.Now()}
	for _, d := range dls {
		title := d.RoundID
		if pol, _, err := h.roundPolicy(d.RoundID); err == nil {
			title = pol.Title
		}
		summary := d.Deadline.What + " – " + h.Library.InsurerName(d.Insurer)
		cal.Events = append(cal.Events, notify.Event{
			UID:     d.DossierID + "-" + string(d.Deadline.Step),
			Summary: summary, Date: d.Deadline.Due(),
			Description: d.Deadline.Dutch() + ". " + title + ", zorgaanbieder " + d.ProviderID + ".",
			URL:         site + "/dossiers/" + d.DossierID,
		})
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="zorginkoop-termijnen.ics"`)
	w.Header().Set("Cache-Control", "private, no-store")
	return notify.WriteICS(w, cal)
}

// siteURL is the scheme and host the request reached, for absolute links in a download.
func siteURL(r *http.Request) string {
	scheme := "http"
	if httpauth.HTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + strings.TrimSuffix(r.Host, "/")
}
