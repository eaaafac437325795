package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/round"
)

// The application to a round (/rondes/{id}/aanmelden): a provider's beheerder or
// contractmanager chooses its provider record and the parts it asks for, sees the
// deadline, and applies. The round service decides whether it is late, mid-year or taken
// into the next year, in Dutch words naming the deadline.

// applyPart is the base contract or a part of the policy on the form.
type applyPart struct {
	ID, Title string
	Base      bool
	ByInsurer bool // the insurer offers it: not asked for
	Checked   bool
}

type applyView struct {
	CSRF      string
	RoundID   string
	Policy    *policy.Compiled
	Year      int
	Providers []*provider.Provider
	Chosen    string
	Parts     []applyPart
	Deadline  *round.Deadline // the application date, when the round has one
	Passed    bool            // the deadline has passed now
	Late      string          // Dutch, once it has passed: "De uiterste datum voor aanmelden (…) is verstreken."
	Error     string
	Warning   string         // after a late application the policy takes with a warning
	Dossier   *round.Dossier // the dossier applied for, with Warning
}

func (h *Handler) applyPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.applyForm(r)
	if err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "round_apply.html", "Aanmelden voor "+v.Policy.Title, v)
}

// applyForm reads the round and the records the caller may apply for. A provider's user
// without the role gets Forbidden; anyone else who may not apply, NotFound (as the round
// service answers an insurer's user).
func (h *Handler) applyForm(r *http.Request) (*applyView, error) {
	actor := principal(r)
	if actor.IsAnonymous() {
		return nil, identity.LoginRequired("apply to a round")
	}
	id := r.PathValue("id")
	dates, err := h.Rounds.Timeline(r.Context(), actor, id)
	if err != nil {
		return nil, err
	}
	pol, year, err := h.roundPolicy(id)
	if err != nil {
		return nil, err
	}
	v := &applyView{CSRF: httpauth.CSRFToken(r.Context()), RoundID: id, Policy: pol, Year: year}
	own := ownProviders(actor)
	for _, pid := range own {
		if !round.MayApply(actor, pid) {
			continue
		}
		p, err := h.Providers.Provider(r.Context(), actor, pid)
		if err != nil {
			return nil, err
		}
		v.Providers = append(v.Providers, p)
	}
	if len(v.Providers) == 0 {
		if len(own) > 0 {
			return nil, identity.Deny("only the provider's beheerder or contractmanager applies",
				"Alleen de beheerder of contractmanager van de zorgaanbieder meldt aan.")
		}
		return nil, apperr.NotFoundf("round %q does not exist", id)
	}
	v.Chosen = v.Providers[0].ID
	v.Parts = append(v.Parts, applyPart{ID: pol.Base.ID, Title: pol.Base.Title, Base: true, Checked: true})
	for _, pt := range pol.Parts {
		v.Parts = append(v.Parts, applyPart{ID: pt.ID, Title: pt.Title, ByInsurer: pt.Initiative == policy.ByInsurer})
	}
	for _, d := range dates {
		if d.Step == policy.StepApplication {
			v.Deadline = &round.Deadline{Step: d.Step, What: d.What, Date: d.Date, Hard: d.Hard, Source: d.Source, MilestoneID: d.MilestoneID}
			v.Passed = v.Deadline.Passed(h.Rounds.Now())
			if dutch := v.Deadline.Dutch(); v.Passed && dutch != "" {
				v.Late = strings.ToUpper(dutch[:1]) + dutch[1:] + " is verstreken."
			}
		}
	}
	return v, nil
}

// roundPolicy is the policy and contract year of a round id "<policy id>-<year>".
func (h *Handler) roundPolicy(roundID string) (*policy.Compiled, int, error) {
	i := strings.LastIndex(roundID, "-")
	year, err := strconv.Atoi(roundID[i+1:])
	if i < 0 || err != nil {
		return nil, 0, apperr.NotFoundf("round %q does not exist", roundID)
	}
	pol, err := h.Library.Policy(roundID[:i])
	if err != nil {
		return nil, 0, apperr.NotFoundf("round %q does not exist", roundID)
	}
	return pol, year, nil
}

// apply applies with the chosen record and parts. Without a warning it goes on to the
// questionnaire; a warning (a soft deadline passed) is shown first, with the links on.
func (h *Handler) apply(w http.ResponseWriter, r *http.Request) error {
	v, err := h.applyForm(r)
	if err != nil {
		return err
	}
	v.Chosen = r.PostFormValue("zorgaanbieder")
	asked := r.PostForm["onderdeel"]
	var parts []string
	for i := range v.Parts {
		pt := &v.Parts[i]
		pt.Checked = pt.Base || slices.Contains(asked, pt.ID)
		if pt.Checked && !pt.Base {
			parts = append(parts, pt.ID)
		}
	}
	res, err := h.Rounds.Apply(r.Context(), principal(r), v.RoundID, round.Application{ProviderID: v.Chosen, Parts: parts})
	if err != nil {
		status, dutch := formError(err)
		if status == 0 {
			return err
		}
		v.Error = dutch
		if v.Error == "" {
			v.Error = answers[apperr.CodeOf(err)].Message
		}
		return h.render(w, status, "round_apply.html", "Aanmelden voor "+v.Policy.Title, v)
	}
	next := "/dossiers/" + url.PathEscape(res.Dossier.ID) + "/uitvraag"
	if res.Warning == "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	v.Warning, v.Dossier = res.Warning, res.Dossier
	return h.render(w, http.StatusOK, "round_apply.html", "Aangemeld voor "+v.Policy.Title, v)
}
