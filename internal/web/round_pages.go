package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

// The purchasing rounds: the list of rounds a principal sees with the form that opens
// one (rondes), and the round view with its timeline, funnel, dossiers and the form
// that extends a deadline. The rules are the round service's.

func (h *Handler) roundRoutes() {
	h.handle("GET /rondes", h.roundsPage)
	h.handle("POST /rondes", h.openRound)
	h.handle("GET /rondes/{id}", h.roundPage)
	h.handle("POST /rondes/{id}/verlenging", h.extendDeadline)
}

// roundRow is one contract year of a published policy: its round when it is open, else
// (for the inkoper) the form that opens it.
type roundRow struct {
	Policy   *policy.Compiled
	Year     int
	RoundID  string
	Round    *round.Round
	MayOpen  bool
	Steps    []stepField // the steps the policy gives no date for
	MayApply bool        // a provider user links to the application
}

// stepField is a step of the round whose date the insurer sets, with what the user entered.
type stepField struct {
	Step  policy.Step
	Name  string
	Value string
	Hard  bool
}

type roundsView struct {
	CSRF     string
	Insurer  bool // the principal works for an insurer
	Provider bool
	Rows     []roundRow
	Error    string
	ErrorFor string // the round id of the form the error belongs to
	ErrorRow bool   // the error shows beside its form; else at the top
}

func (h *Handler) roundsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderRounds(w, r, http.StatusOK, "", "", nil)
}

func (h *Handler) renderRounds(w http.ResponseWriter, r *http.Request, status int, errorFor, msg string, entered url.Values) error {
	actor := principal(r)
	if actor.IsAnonymous() {
		return identity.LoginRequired("see the purchasing rounds")
	}
	v := roundsView{CSRF: httpauth.CSRFToken(r.Context()), Error: msg, ErrorFor: errorFor}
	cs, err := h.Policies.Policies(r.Context(), actor)
	if err != nil {
		return err
	}
	own := ownProviders(actor)
	for _, c := range cs {
		if c.Status != policy.Published {
			continue
		}
		asInsurer := actor.IsOperator() || round.MayReadAsInsurer(actor, c.Insurer)
		inScope := len(own) > 0 && h.inScopeOfOwn(r, actor, c, own)
		if !asInsurer && !inScope {
			continue
		}
		v.Insurer = v.Insurer || asInsurer
		v.Provider = v.Provider || inScope
		for _, y := range c.ContractYears {
			row := roundRow{Policy: c, Year: y, RoundID: round.RoundID(c.ID, y)}
			rd, _, err := h.Rounds.ReadRound(r.Context(), actor, row.RoundID)
			switch {
			case err == nil:
				row.Round = rd
				row.MayApply = inScope && slices.ContainsFunc(own, func(id string) bool { return round.MayApply(actor, id) })
			case apperr.CodeOf(err) != apperr.NotFound:
				return err
			case !round.MayRunRound(actor, c.Insurer):
				continue // no round, and nothing this principal can do about it
			default:
				row.MayOpen = true
				v.ErrorRow = v.ErrorRow || row.RoundID == errorFor
				row.Steps = openSteps(c, row.RoundID == errorFor, entered)
			}
			v.Rows = append(v.Rows, row)
		}
	}
	return h.render(w, status, "rounds.html", "Inkooprondes", v)
}

// inScopeOfOwn reports whether the policy purchases the kind of care of one of the
// principal's provider records.
func (h *Handler) inScopeOfOwn(r *http.Request, actor identity.Principal, c *policy.Compiled, own []string) bool {
	for _, id := range own {
		prov, err := h.Providers.Provider(r.Context(), actor, id)
		if err == nil && assessment.InScope(c, prov) {
			return true
		}
	}
	return false
}

// openSteps are the steps c gives no date for, with what the user entered when the form
// comes back with an error.
func openSteps(c *policy.Compiled, again bool, entered url.Values) []stepField {
	dated := map[policy.Step]bool{}
	for _, m := range c.Timeline {
		dated[m.Step] = m.Step != ""
	}
	var out []stepField
	for _, st := range policy.Steps {
		if dated[st] {
			continue
		}
		f := stepField{Step: st, Name: policy.StepNames[st]}
		if again {
			f.Value, f.Hard = entered.Get("datum_"+string(st)), entered.Get("hard_"+string(st)) == "ja"
		}
		out = append(out, f)
	}
	return out
}

// openRound opens the round of the form's policy and year with the dates entered.
func (h *Handler) openRound(w http.ResponseWriter, r *http.Request) error {
	policyID := r.PostFormValue("beleid")
	year, _ := strconv.Atoi(r.PostFormValue("jaar"))
	c, err := h.Policies.Policy(r.Context(), principal(r), policyID)
	if err != nil {
		return err
	}
	dates, err := enteredDates(c, r.PostForm)
	var rd *round.Round
	if err == nil {
		rd, err = h.Rounds.OpenRound(r.Context(), principal(r), c.ID, year, dates)
	}
	if err != nil {
		status, msg := formError(err)
		if status == 0 {
			return err
		}
		return h.renderRounds(w, r, status, round.RoundID(c.ID, year), orGeneral(msg, err), r.PostForm)
	}
	http.Redirect(w, r, "/rondes/"+url.PathEscape(rd.ID), http.StatusSeeOther)
	return nil
}

// enteredDates are the dates of the form for the steps the policy gives no date for.
func enteredDates(c *policy.Compiled, form url.Values) ([]round.RoundDate, error) {
	var out []round.RoundDate
	for _, f := range openSteps(c, false, nil) {
		s := strings.TrimSpace(form.Get("datum_" + string(f.Step)))
		if s == "" {
			continue
		}
		d, err := policy.ParseDate(s)
		if err != nil {
			return nil, &apperr.Error{Code: apperr.Invalid, Field: "datum_" + string(f.Step), Message: "not a date",
				Dutch: "De datum voor " + f.Name + " is geen geldige datum."}
		}
		out = append(out, round.RoundDate{Step: f.Step, Date: d, Hard: form.Get("hard_"+string(f.Step)) == "ja"})
	}
	return out, nil
}

// orGeneral is the service's Dutch words, or the general words of the error's code.
func orGeneral(own string, err error) string {
	if own != "" {
		return own
	}
	ep, _ := answer(err)
	return ep.Message
}

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

const dossiersPerPage = 25

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
		round.Page{Limit: dossiersPerPage, Offset: (page - 1) * dossiersPerPage})
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
	if page*dossiersPerPage < ds.Total {
		v.NextURL = link(page + 1)
	}
	if len(ds.Items) > 0 {
		v.First = (page-1)*dossiersPerPage + 1
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
