package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

// The round view: the policy's whole timeline with the insurer's dates, and for the
// insurer's side the funnel, the dossiers by stage and the form that extends a deadline.

// timelineRow is one date of the round's timeline with the policy's wording around it.
type timelineRow struct {
	round.Date
	StepName string
	Cite     string // the policy's source of a milestone
	Note     string
	Ahead    bool
}

type roundView struct {
	Round      *round.Round
	Policy     *policy.Compiled
	Timeline   []timelineRow
	AsInsurer  bool
	MayRun     bool
	MayApply   bool
	Funnel     *round.Funnel
	Stages     []round.StageCount // the funnel's stages without concept
	Dossiers   *round.DossierPage
	Stage      string // the filter
	Providers  map[string]string
	PrevURL    string
	NextURL    string
	First      int
	Last       int
	Steps      []round.Deadline // the steps that have a date, for the extension form
	CSRF       string
	Error      string
	Extended   bool
	Form       url.Values
	StageNames map[round.Stage]string
}

const roundDossiersPerPage = 25

func (h *Handler) roundPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderRound(w, r, http.StatusOK, "", nil)
}

func (h *Handler) renderRound(w http.ResponseWriter, r *http.Request, status int, msg string, form url.Values) error {
	actor := principal(r)
	if actor.IsAnonymous() {
		return identity.LoginRequired("see a purchasing round")
	}
	rd, c, err := h.Rounds.ReadRound(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	tl, err := h.Rounds.Timeline(r.Context(), actor, rd.ID)
	if err != nil {
		return err
	}
	v := roundView{Round: rd, Policy: c, CSRF: httpauth.CSRFToken(r.Context()), Error: msg, Form: form, StageNames: round.StageNames,
		AsInsurer: actor.IsOperator() || round.MayReadAsInsurer(actor, rd.Insurer), MayRun: round.MayRunRound(actor, rd.Insurer),
		Extended: r.URL.Query().Get("verlengd") == "1"}
	for _, id := range ownProviders(actor) {
		v.MayApply = v.MayApply || round.MayApply(actor, id)
	}
	y, m, day := h.Rounds.Now().In(amsterdam).Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	for _, d := range tl {
		row := timelineRow{Date: d, StepName: policy.StepNames[d.Step], Ahead: !d.Date.Before(today)}
		for _, m := range c.Timeline {
			if d.MilestoneID != "" && m.ID == d.MilestoneID {
				row.Cite, row.Note = c.Cite(m.Source), m.Note
				if m.ActorName != "" {
					row.Actor = m.ActorName
				}
			}
		}
		v.Timeline = append(v.Timeline, row)
		if d.Step != "" && !slices.ContainsFunc(v.Steps, func(dl round.Deadline) bool { return dl.Step == d.Step }) {
			v.Steps = append(v.Steps, round.Deadline{Step: d.Step, What: d.What, Date: d.Date})
		}
	}
	if v.AsInsurer {
		if err := h.roundDashboard(r, &v); err != nil {
			return err
		}
	}
	return h.render(w, status, "round.html", c.Title+" "+strconv.Itoa(rd.Year), v)
}

// roundDashboard fills the insurer's part of the round view: the funnel and a page of
// dossiers in the stage filtered on.
func (h *Handler) roundDashboard(r *http.Request, v *roundView) error {
	actor := principal(r)
	f, err := h.Rounds.Funnel(r.Context(), actor, v.Round.ID)
	if err != nil {
		return err
	}
	v.Funnel = f
	for _, s := range f.Stages {
		if s.Stage != round.Draft {
			v.Stages = append(v.Stages, s)
		}
	}
	q := r.URL.Query()
	v.Stage = q.Get("fase")
	if _, ok := round.StageNames[round.Stage(v.Stage)]; !ok {
		v.Stage = ""
	}
	page := 1
	if n, err := strconv.Atoi(q.Get("pagina")); err == nil && n > 1 {
		page = n
	}
	ds, err := h.Rounds.Dossiers(r.Context(), actor, v.Round.ID, round.DossierFilter{Stage: round.Stage(v.Stage)},
		round.Page{Limit: roundDossiersPerPage, Offset: (page - 1) * roundDossiersPerPage})
	if err != nil {
		return err
	}
	v.Dossiers = ds
	v.Providers = map[string]string{}
	for _, d := range ds.Items {
		v.Providers[d.ProviderID] = h.providerName(r, d.ProviderID)
	}
	link := func(p int) string {
		u := url.Values{}
		if v.Stage != "" {
			u.Set("fase", v.Stage)
		}
		u.Set("pagina", strconv.Itoa(p))
		return "/rondes/" + url.PathEscape(v.Round.ID) + "?" + u.Encode()
	}
	if page > 1 {
		v.PrevURL = link(page - 1)
	}
	if page*roundDossiersPerPage < ds.Total {
		v.NextURL = link(page + 1)
	}
	if len(ds.Items) > 0 {
		v.First = (page-1)*roundDossiersPerPage + 1
		v.Last = v.First + len(ds.Items) - 1
	}
	return nil
}

// providerName is the name of a provider record as the principal may read it, else its id.
func (h *Handler) providerName(r *http.Request, id string) string {
	if p, err := h.Providers.Provider(r.Context(), principal(r), id); err == nil && p.Name != "" {
		return p.Name
	}
	return id
}

// extendDeadline extends the deadline of a step for one dossier or every dossier of the round.
func (h *Handler) extendDeadline(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := round.ExtensionInput{DossierID: r.PostFormValue("dossier"), Step: policy.Step(r.PostFormValue("stap")),
		Reason: r.PostFormValue("reden")}
	// An empty or malformed date stays zero: the service refuses it in Dutch, after it
	// has checked who asks.
	in.Date, _ = policy.ParseDate(strings.TrimSpace(r.PostFormValue("datum")))
	err := h.Rounds.Extend(r.Context(), principal(r), id, in)
	if err != nil {
		status, msg := formError(err)
		if status == 0 {
			return err
		}
		return h.renderRound(w, r, status, orGeneral(msg, err), r.PostForm)
	}
	http.Redirect(w, r, "/rondes/"+url.PathEscape(id)+"?verlengd=1", http.StatusSeeOther)
	return nil
}
