package questionnaire

import (
	"context"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Dossier is what the questionnaire needs of a dossier of the round (one per round and
// provider, kept by the round area).
type Dossier struct {
	ID         string
	PolicyID   string
	Year       int
	Insurer    string // registry insurer id of the policy
	ProviderID string
	// Parts are the contract parts of the dossier: the base contract id first, then the
	// part ids requested or offered.
	Parts []string
	Stage string
}

// DocumentRef is an uploaded document, as the document area knows it.
type DocumentRef struct {
	ID        string
	DossierID string
	Name      string
	SHA256    string
}

// The lookups and hooks of other areas, wired by the lead (internal/app).
type (
	// DossierLookup returns a dossier, or an apperr NotFound error.
	DossierLookup func(ctx context.Context, id string) (Dossier, error)
	// DocumentLookup returns an uploaded document, or an apperr NotFound error.
	DocumentLookup func(ctx context.Context, id string) (DocumentRef, error)
	// DeadlineCheck checks the deadline of a step of a dossier ("questionnaire") now: an
	// error (with a Dutch message naming the deadline) when a hard deadline has passed,
	// a warning when a soft one has.
	DeadlineCheck func(ctx context.Context, dossierID, step string) (warning string, err error)
	// Hook is called inside the transaction of a change; an error rolls it back.
	Hook func(ctx context.Context, dossierID string) error
)

// Links are the other areas' functions the service calls. Dossier is needed for
// everything; Document for evidence; OnSubmitted and OnAssessed for a submission (the
// round moves the dossier's stage). Deadline nil means no deadline.
type Links struct {
	Dossier     DossierLookup
	Document    DocumentLookup
	Deadline    DeadlineCheck
	OnSubmitted Hook
	OnAssessed  Hook
}

// Service applies the rules of the questionnaire. Build it with NewService.
type Service struct{ deps }

type deps struct {
	Store       Store
	Library     *policy.Library
	Providers   *provider.Service
	Assessments *assessment.Service
	Audit       identity.Auditor
	Tx          identity.TxRunner
	Now         func() time.Time
	Links
}

// NewService returns the questionnaire service over store, reading policies from lib,
// declaring facts through providers and assessing through assessments, recording in trail
// in transactions of tx, with now as the clock. It panics on a nil dependency; a nil link
// fails the call that needs it with an Internal error.
func NewService(store Store, lib *policy.Library, providers *provider.Service, assessments *assessment.Service,
	trail identity.Auditor, tx identity.TxRunner, now func() time.Time, links Links) *Service {
	identity.Require("questionnaire.NewService", "store", store)
	identity.Require("questionnaire.NewService", "lib", lib)
	identity.Require("questionnaire.NewService", "providers", providers)
	identity.Require("questionnaire.NewService", "assessments", assessments)
	identity.Require("questionnaire.NewService", "trail", trail)
	identity.Require("questionnaire.NewService", "tx", tx)
	identity.Require("questionnaire.NewService", "now", now)
	return &Service{deps{Store: store, Library: lib, Providers: providers, Assessments: assessments, Audit: trail, Tx: tx, Now: now, Links: links}}
}

// SetLinks replaces the links to other areas (for the wiring once they exist).
func (s *Service) SetLinks(l Links) { s.Links = l }

func unwired(name string) error {
	return &apperr.Error{Code: apperr.Internal, Message: "questionnaire: the " + name + " link is not wired (see app.New)"}
}

// dossier returns the dossier if actor may read it; for anyone else it does not exist.
func (s *Service) dossier(ctx context.Context, actor identity.Principal, id string) (Dossier, error) {
	if actor.IsAnonymous() {
		return Dossier{}, identity.LoginRequired("see dossiers")
	}
	if s.Links.Dossier == nil {
		return Dossier{}, unwired("Dossier")
	}
	d, err := s.Links.Dossier(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return Dossier{}, identity.Hide(fmt.Sprintf("dossier %q", id)) // the same words as for another's dossier
	}
	if err != nil {
		return Dossier{}, err
	}
	if !MayRead(actor, d) {
		return Dossier{}, identity.Hide(fmt.Sprintf("dossier %q", id))
	}
	return d, nil
}

// refuse records a refused attempt of consequence and returns the Forbidden error.
func (s *Service) refuse(ctx context.Context, actor identity.Principal, action string, d Dossier, scope, reason, msg, dutch string) error {
	identity.Record(ctx, s.Audit, actor, audit.Entry{Action: action, Subject: "dossier:" + d.ID, Scope: scope, Dossier: d.ID,
		Reason: reason, Denied: true})
	return identity.Deny(msg, dutch)
}

// questionnaire generates the dossier's questionnaire from its policy, with the labels
// naming the policy's insurer.
func (s *Service) questionnaire(d Dossier) (*policy.Compiled, *Questionnaire, error) {
	pol, err := s.Library.Policy(d.PolicyID)
	if err != nil {
		return nil, nil, err
	}
	q, err := Generate(pol, d.Parts, s.Library.Facts)
	return pol, q, err
}

// Form is a dossier's questionnaire with its draft answers and evidence, as the parties
// see it.
type Form struct {
	Dossier       Dossier
	Questionnaire *Questionnaire
	Answers       map[string]Answer // by fact
	Evidence      []Evidence
	Submitted     *Submission // nil until submitted
}

// Form returns the questionnaire of a dossier with its answers and evidence, for its
// parties and the operator; the insurer's side sees the answers only once submitted.
func (s *Service) Form(ctx context.Context, actor identity.Principal, dossierID string) (*Form, error) {
	d, err := s.dossier(ctx, actor, dossierID)
	if err != nil {
		return nil, err
	}
	_, q, err := s.questionnaire(d)
	if err != nil {
		return nil, err
	}
	answers, err := s.Store.Answers(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	ev, err := s.Store.Evidence(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	f := &Form{Dossier: d, Questionnaire: q, Answers: map[string]Answer{}, Evidence: ev}
	for _, a := range answers {
		f.Answers[a.Fact] = a
	}
	if f.Submitted, err = s.submission(ctx, d.ID); err != nil {
		return nil, err
	}
	if f.Submitted == nil && !actor.ActsForProvider(d.ProviderID) && !actor.IsOperator() {
		// Drafts are the provider's work in progress: the insurer sees the answers once
		// they are submitted.
		f.Answers, f.Evidence = map[string]Answer{}, []Evidence{}
	}
	return f, nil
}

// submission returns the dossier's submission, or nil when not submitted.
func (s *Service) submission(ctx context.Context, dossierID string) (*Submission, error) {
	sub, err := s.Store.Submission(ctx, dossierID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	return sub, err
}

// notSubmitted refuses a change to a questionnaire that is submitted already.
func (s *Service) notSubmitted(ctx context.Context, dossierID string) error {
	sub, err := s.submission(ctx, dossierID)
	if err != nil {
		return err
	}
	if sub != nil {
		return &apperr.Error{Code: apperr.Conflict, Message: "the questionnaire of this dossier has been submitted already",
			Dutch: "De uitvraag van dit dossier is al ingediend; de antwoorden zijn niet meer te wijzigen."}
	}
	return nil
}
