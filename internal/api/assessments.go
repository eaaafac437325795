package api

import (
	"net/http"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
)

func (h *Handler) runAssessment(w http.ResponseWriter, r *http.Request) error {
	run, err := h.Assessments.AssessAll(r.Context(), principal(r), r.PathValue("id"), nil)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, run.RunCounts)
}

// providerSummary is one provider's line in a run.
type providerSummary struct {
	ProviderID    string             `json:"provider_id"`
	ProviderName  string             `json:"provider_name"`
	Outcome       assessment.Outcome `json:"outcome"`
	OutcomeText   string             `json:"outcome_text"` // Dutch
	Score         int                `json:"score"`
	MaxScore      int                `json:"max_score"`
	KnockoutsOpen []requirementRef   `json:"knockouts_open"` // knock-out requirements not met or unknown
}

type requirementRef struct {
	ID     string            `json:"id"`
	Title  string            `json:"title"`
	Status assessment.Status `json:"status"`
}

type runJSON struct {
	assessment.RunCounts
	Summaries []providerSummary `json:"summaries"`
}

func (h *Handler) latestAssessment(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	run, err := h.Assessments.LatestRun(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	pol, err := h.Policies.Policy(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	out := runJSON{RunCounts: run.RunCounts, Summaries: []providerSummary{}}
	for i := range run.Summaries {
		out.Summaries = append(out.Summaries, summarize(pol, &run.Summaries[i]))
	}
	return writeJSON(w, http.StatusOK, out)
}

func summarize(pol *policy.Compiled, s *assessment.Summary) providerSummary {
	ps := providerSummary{ProviderID: s.ProviderID, ProviderName: s.ProviderName, Outcome: s.Outcome,
		OutcomeText: assessment.OutcomeNames[s.Outcome], Score: s.Score, MaxScore: s.MaxScore, KnockoutsOpen: []requirementRef{}}
	for i, st := range s.Statuses {
		if i >= len(pol.Requirements) {
			break
		}
		req := &pol.Requirements[i]
		if req.Kind.KnocksOut() && (st == assessment.NotMet || st == assessment.Unknown) {
			ps.KnockoutsOpen = append(ps.KnockoutsOpen, requirementRef{ID: req.ID, Title: req.Title, Status: st})
		}
	}
	return ps
}

type itemJSON struct {
	assessment.Item
	KindText   string `json:"kind_text"`   // Dutch
	StatusText string `json:"status_text"` // Dutch
}

type resultJSON struct {
	PolicyID     string             `json:"policy_id"`
	ProviderID   string             `json:"provider_id"`
	ProviderName string             `json:"provider_name"`
	Outcome      assessment.Outcome `json:"outcome"`
	OutcomeText  string             `json:"outcome_text"`
	Score        int                `json:"score"`
	MaxScore     int                `json:"max_score"`
	Items        []itemJSON         `json:"items"`
}

func (h *Handler) assessProvider(w http.ResponseWriter, r *http.Request) error {
	res, err := h.Assessments.AssessProvider(r.Context(), principal(r), r.PathValue("id"), r.PathValue("providerID"))
	if err != nil {
		return err
	}
	out := resultJSON{PolicyID: res.PolicyID, ProviderID: res.ProviderID, ProviderName: res.ProviderName,
		Outcome: res.Outcome, OutcomeText: assessment.OutcomeNames[res.Outcome], Score: res.Score, MaxScore: res.MaxScore}
	for _, it := range res.Items {
		out.Items = append(out.Items, itemJSON{Item: it, KindText: policy.KindNames[it.Kind], StatusText: assessment.StatusNames[it.Status]})
	}
	return writeJSON(w, http.StatusOK, out)
}
