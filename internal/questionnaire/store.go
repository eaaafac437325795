package questionnaire

import (
	"context"
	"time"

	"zorginkoop/internal/assessment"
)

// Store keeps the questionnaires of dossiers: draft answers, evidence references, the
// submission with its assessment, and the medisch adviseur's review decisions.
// Implementations: store/sqlstore (both engines). Reads inside the context's write
// transaction read there, so that a service sees its own writes.
type Store interface {
	// Answers returns the draft answers of a dossier, ordered by fact.
	Answers(ctx context.Context, dossierID string) ([]Answer, error)
	// SaveAnswers adds or replaces answers (per dossier and fact).
	SaveAnswers(ctx context.Context, answers []Answer) error
	// Evidence returns the evidence references of a dossier, ordered by requirement and
	// time of attaching.
	Evidence(ctx context.Context, dossierID string) ([]Evidence, error)
	// AttachEvidence adds a reference to a document for a requirement; attaching the same
	// document to the same requirement again replaces it.
	AttachEvidence(ctx context.Context, e Evidence) error
	// Submission returns the submission of a dossier, or an apperr NotFound error.
	Submission(ctx context.Context, dossierID string) (*Submission, error)
	// SaveSubmission stores the submission; a dossier is submitted once (Conflict).
	SaveSubmission(ctx context.Context, s Submission) error
	// Reviews returns the review decisions of a dossier, ordered by requirement.
	Reviews(ctx context.Context, dossierID string) ([]Review, error)
	// SaveReview adds or replaces the decision on one review item.
	SaveReview(ctx context.Context, r Review) error
}

// Answer is a draft answer to one question of a dossier's questionnaire.
type Answer struct {
	DossierID string    `json:"dossier_id"`
	Fact      string    `json:"fact"`
	Value     string    `json:"value"`   // canonical (see provider.Canonical); "" when Unknown
	Unknown   bool      `json:"unknown"` // answered explicitly "onbekend"
	SavedBy   string    `json:"saved_by"`
	SavedAt   time.Time `json:"saved_at"`
}

// Evidence is a document attached as evidence for a requirement of a dossier.
type Evidence struct {
	DossierID     string    `json:"dossier_id"`
	RequirementID string    `json:"requirement_id"`
	DocumentID    string    `json:"document_id"`
	Name          string    `json:"name"`
	SHA256        string    `json:"sha256"`
	AttachedBy    string    `json:"attached_by"`
	AttachedAt    time.Time `json:"attached_at"`
}

// Submission is a submitted questionnaire and the assessment it was judged with.
type Submission struct {
	DossierID   string    `json:"dossier_id"`
	PolicyID    string    `json:"policy_id"`
	ProviderID  string    `json:"provider_id"`
	Insurer     string    `json:"insurer"`
	SubmittedBy string    `json:"submitted_by"`
	SubmittedAt time.Time `json:"submitted_at"`
	FactDate    string    `json:"fact_date"` // the date of the declared facts, YYYY-MM-DD (Europe/Amsterdam)
	Facts       []string  `json:"facts"`     // the facts declared
	Outcome     Outcome   `json:"outcome"`
	// Warning is the soft deadline's warning at submission, if any.
	Warning string `json:"warning,omitempty"`
}

// Outcome is the assessment of a submitted dossier: per contract part of the dossier,
// the base contract first.
type Outcome struct {
	PolicyID string        `json:"policy_id"`
	Parts    []PartOutcome `json:"parts"`
}

// PartOutcome is the outcome of the base contract or one part, explained in Dutch, with
// the judged requirements of that part.
type PartOutcome struct {
	assessment.PartResult
	Items []ItemOutcome `json:"items"`
}

// ItemOutcome is one judged requirement, and for one "ter beoordeling" the medisch
// adviseur's decision once it is handled.
type ItemOutcome struct {
	assessment.Item
	Review *Review `json:"review,omitempty"`
}

// Verdict is the medisch adviseur's decision on a review item.
type Verdict string

const (
	VerdictMet    Verdict = "met"
	VerdictNotMet Verdict = "not_met"
)

// VerdictNames are the Dutch names of the verdicts.
var VerdictNames = map[Verdict]string{VerdictMet: "voldoet", VerdictNotMet: "voldoet niet"}

// Review is the decision on one requirement "ter beoordeling" of a dossier.
type Review struct {
	DossierID     string    `json:"dossier_id"`
	RequirementID string    `json:"requirement_id"`
	Verdict       Verdict   `json:"verdict"`
	Reason        string    `json:"reason"`
	DecidedBy     string    `json:"decided_by,omitempty"` // user id; hidden from the provider
	DecidedByName string    `json:"decided_by_name,omitempty"`
	DecidedAt     time.Time `json:"decided_at"`
}
