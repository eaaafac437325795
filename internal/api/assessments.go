package api

import (
	"net/http"
	"net/url"
	"strconv"

	"zorginkoop/internal/apperr"
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
	// Parts is the outcome per part of the contract, by part id (the run's part_counts
	// lists them in order); empty for a policy without parts.
	Parts map[string]assessment.Outcome `json:"parts"`
}

type requirementRef struct {
	ID     string            `json:"id"`
	Title  string            `json:"title"`
	Status assessment.Status `json:"status"`
}

// runPage is the latest run with one page of its summaries.
type runPage struct {
	assessment.RunCounts
	Summaries []providerSummary `json:"summaries"`
	Total     int               `json:"total"` // summaries that match the filter
	Offset    int               `json:"offset"`
	Limit     int               `json:"limit"`
	Next      string            `json:"next,omitempty"` // the next page, with the same filters; absent on the last
}

// latestAssessment answers one page of the latest run: limit (default
// assessment.DefaultPageSize, at most assessment.MaxPageSize) and offset, filtered by
// outcome, care_type, q (part of a provider's name or id) and part with part_outcome.
func (h *Handler) latestAssessment(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	q := r.URL.Query()
	f := assessment.SummaryFilter{Outcome: assessment.Outcome(q.Get("outcome")), CareType: q.Get("care_type"), Query: q.Get("q"),
		Part: q.Get("part"), PartOutcome: assessment.Outcome(q.Get("part_outcome"))}
	var errs apperr.List
	f.Offset, f.Limit, errs = pageParams(q, assessment.DefaultPageSize, assessment.MaxPageSize)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := h.Assessments.Summaries(r.Context(), principal(r), id, f)
	if err != nil {
		return err
	}
	pol, err := h.Policies.Policy(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	out := runPage{RunCounts: *page.Run, Summaries: make([]providerSummary, 0, len(page.Summaries)),
		Total: page.Total, Offset: f.Offset, Limit: f.Limit}
	for i := range page.Summaries {
		out.Summaries = append(out.Summaries, summarize(pol, page.Run, &page.Summaries[i]))
	}
	if page.Next > 0 {
		q.Set("offset", strconv.Itoa(page.Next))
		q.Set("limit", strconv.Itoa(f.Limit))
		out.Next = r.URL.Path + "?" + q.Encode()
	}
	return writeJSON(w, http.StatusOK, out)
}

// pageParams reads offset and limit from q: limit def when absent, from 1 to max.
func pageParams(q url.Values, def, max int) (offset, limit int, errs apperr.List) {
	limit = def
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, apperr.Invalidf("offset", "offset %q must be a whole number of 0 or more", v))
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			errs = append(errs, apperr.Invalidf("limit", "limit %q must be a whole number from 1 to %d", v, max))
		}
		limit = n
	}
	return offset, limit, errs
}

func summarize(pol *policy.Compiled, run *assessment.RunCounts, s *assessment.Summary) providerSummary {
	ps := providerSummary{ProviderID: s.ProviderID, ProviderName: s.ProviderName, Outcome: s.Outcome,
		OutcomeText: assessment.OutcomeNames[s.Outcome], Score: s.Score, MaxScore: s.MaxScore, KnockoutsOpen: []requirementRef{},
		Parts: map[string]assessment.Outcome{}}
	for _, p := range run.PartsOf(pol, s) {
		ps.Parts[p.Part] = p.Outcome
	}
	for _, k := range s.OpenKnockouts(pol) {
		ps.KnockoutsOpen = append(ps.KnockoutsOpen, requirementRef{ID: k.Requirement.ID, Title: k.Requirement.Title, Status: k.Status})
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
	Outcome      assessment.Outcome `json:"outcome"` // of the base contract
	OutcomeText  string             `json:"outcome_text"`
	Score        int                `json:"score"`
	MaxScore     int                `json:"max_score"`
	// Contract is the base contract, then every part, each with its outcome explained.
	Contract []assessment.PartResult `json:"contract"`
	Items    []itemJSON              `json:"items"`
}

func (h *Handler) assessProvider(w http.ResponseWriter, r *http.Request) error {
	res, err := h.Assessments.AssessProvider(r.Context(), principal(r), r.PathValue("id"), r.PathValue("providerID"))
	if err != nil {
		return err
	}
	out := resultJSON{PolicyID: res.PolicyID, ProviderID: res.ProviderID, ProviderName: res.ProviderName,
		Outcome: res.Outcome, OutcomeText: assessment.OutcomeNames[res.Outcome], Score: res.Score, MaxScore: res.MaxScore,
		Contract: nonNil(res.Contract), Items: []itemJSON{}}
	for _, it := range res.Items {
		out.Items = append(out.Items, itemJSON{Item: it, KindText: policy.KindNames[it.Kind], StatusText: assessment.StatusNames[it.Status]})
	}
	return writeJSON(w, http.StatusOK, out)
}
