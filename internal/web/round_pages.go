package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

// The purchasing rounds a principal sees, with the form that opens one (the round view
// is in round_view.go). The rules are the round service's.

func (h *Handler) roundRoutes() {
	h.handleUser("GET /rondes", h.roundsPage)
	h.handleUser("POST /rondes", h.openRound)
	h.handleUser("GET /rondes/{id}", h.roundPage)
	h.handleUser("POST /rondes/{id}/verlenging", h.extendDeadline)
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
