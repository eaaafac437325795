package api

import (
	"net/http"
	"sort"
	"time"

	"zorginkoop/internal/questionnaire"
)

// The questionnaire (uitvraag) of a dossier: the questions, the provider's draft answers
// and evidence, the submission with its assessment, and the medisch adviseur's reviews.

func (h *Handler) questionnaireRoutes() {
	h.handleUser("GET /api/dossiers/{id}/questionnaire", h.getQuestionnaire)
	h.handleUser("PUT /api/dossiers/{id}/questionnaire/answers", h.saveAnswers)
	h.handleUser("POST /api/dossiers/{id}/questionnaire/evidence", h.attachEvidence)
	h.handleUser("POST /api/dossiers/{id}/questionnaire/submit", h.submitQuestionnaire)
	h.handleUser("GET /api/dossiers/{id}/outcome", h.outcome)
	h.handleUser("GET /api/dossiers/{id}/reviews", h.listReviews)
	h.handleUser("PUT /api/dossiers/{id}/reviews/{requirementID}", h.handleReview)
}

// submittedJSON says who submitted a questionnaire and when; the outcome is at
// GET /api/dossiers/{id}/outcome.
type submittedJSON struct {
	SubmittedBy string    `json:"submitted_by"`
	SubmittedAt time.Time `json:"submitted_at"`
	FactDate    string    `json:"fact_date"`
	Facts       []string  `json:"facts"`
	Warning     string    `json:"warning,omitempty"`
}

type formJSON struct {
	DossierID     string                       `json:"dossier_id"`
	Parts         []string                     `json:"parts"`
	Questionnaire *questionnaire.Questionnaire `json:"questionnaire"`
	Answers       []questionnaire.Answer       `json:"answers"`
	Evidence      []questionnaire.Evidence     `json:"evidence"`
	Submitted     *submittedJSON               `json:"submitted"`
}

func (h *Handler) getQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	f, err := h.Questionnaires.Form(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := formJSON{DossierID: f.Dossier.ID, Parts: nonNil(f.Dossier.Parts), Questionnaire: questionnaireJSON(f.Questionnaire),
		Answers: []questionnaire.Answer{}, Evidence: nonNil(f.Evidence)}
	for _, a := range f.Answers {
		out.Answers = append(out.Answers, a)
	}
	sort.Slice(out.Answers, func(i, j int) bool { return out.Answers[i].Fact < out.Answers[j].Fact })
	if s := f.Submitted; s != nil {
		out.Submitted = &submittedJSON{SubmittedBy: s.SubmittedBy, SubmittedAt: s.SubmittedAt, FactDate: s.FactDate,
			Facts: nonNil(s.Facts), Warning: s.Warning}
	}
	return writeJSON(w, http.StatusOK, out)
}

// questionnaireJSON is q with its lists as [] rather than null.
func questionnaireJSON(q *questionnaire.Questionnaire) *questionnaire.Questionnaire {
	c := *q
	c.Sections = nonNil(c.Sections)
	for i := range c.Sections {
		s := &c.Sections[i]
		s.Questions = nonNil(s.Questions)
		for j := range s.Questions {
			s.Questions[j].AskedBy = nonNil(s.Questions[j].AskedBy)
		}
		for j := range s.Evidence {
			s.Evidence[j].Facts, s.Evidence[j].Documents = nonNil(s.Evidence[j].Facts), nonNil(s.Evidence[j].Documents)
		}
	}
	return &c
}

type answersRequest struct {
	Answers map[string]string `json:"answers"`
}

func (h *Handler) saveAnswers(w http.ResponseWriter, r *http.Request) error {
	var in answersRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.Questionnaires.SaveAnswers(r.Context(), principal(r), r.PathValue("id"), in.Answers); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type evidenceRequest struct {
	RequirementID string `json:"requirement_id"`
	DocumentID    string `json:"document_id"`
}

func (h *Handler) attachEvidence(w http.ResponseWriter, r *http.Request) error {
	var in evidenceRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.Questionnaires.AttachEvidence(r.Context(), principal(r), r.PathValue("id"), in.RequirementID, in.DocumentID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) submitQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	s, err := h.Questionnaires.Submit(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := *s
	out.Facts = nonNil(out.Facts)
	out.Outcome = outcomeJSON(out.Outcome)
	return writeJSON(w, http.StatusOK, out)
}

func outcomeJSON(o questionnaire.Outcome) questionnaire.Outcome {
	o.Parts = nonNil(o.Parts)
	for i := range o.Parts {
		o.Parts[i].Items = nonNil(o.Parts[i].Items)
	}
	return o
}

func (h *Handler) outcome(w http.ResponseWriter, r *http.Request) error {
	o, err := h.Questionnaires.Result(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, outcomeJSON(*o))
}

type reviewList struct {
	Reviews []questionnaire.ReviewItem `json:"reviews"`
}

func (h *Handler) listReviews(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Questionnaires.ReviewItems(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, reviewList{Reviews: nonNil(items)})
}

type reviewRequest struct {
	Verdict questionnaire.Verdict `json:"verdict"`
	Reason  string                `json:"reason"`
}

func (h *Handler) handleReview(w http.ResponseWriter, r *http.Request) error {
	var in reviewRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	rv, err := h.Questionnaires.HandleReview(r.Context(), principal(r), r.PathValue("id"), r.PathValue("requirementID"), in.Verdict, in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rv)
}
