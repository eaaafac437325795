package assessment

import (
	"context"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Run is one assessment of all providers in a policy's scope, as stored.
type Run struct {
	ID          int64     `json:"id"`
	PolicyID    string    `json:"policy_id"`
	StartedAt   time.Time `json:"started_at"`
	FinishedAt  time.Time `json:"finished_at"`
	Providers   int       `json:"providers"`
	Eligible    int       `json:"eligible"`
	NotEligible int       `json:"not_eligible"`
	Incomplete  int       `json:"incomplete"`
	Summaries   []Summary `json:"summaries,omitempty"`
}

// Store keeps assessment runs.
type Store interface {
	// SaveRun stores a run with its summaries in one transaction and sets run.ID.
	SaveRun(ctx context.Context, run *Run) error
	// LatestRun returns the newest run of a policy with its summaries, or NotFound.
	LatestRun(ctx context.Context, policyID string) (*Run, error)
}

// Service assesses providers stored in the database.
type Service struct {
	Library   *policy.Library
	Providers provider.Store
	Runs      Store
	Now       func() time.Time
	Workers   int // 0: all cores
}

// AssessAll judges every provider in the policy's scope and stores the run.
func (s *Service) AssessAll(ctx context.Context, policyID string, progress func(done int)) (*Run, error) {
	pol, err := s.Library.Policy(policyID)
	if err != nil {
		return nil, err
	}
	as := New(s.Library, pol)
	run := &Run{PolicyID: pol.ID, StartedAt: s.Now()}
	src := func(fn func(*provider.Provider) error) error {
		return s.Providers.EachProvider(ctx, pol.CareTypes, fn)
	}
	run.Summaries, err = as.Run(ctx, src, s.Workers, progress)
	if err != nil {
		return nil, err
	}
	run.FinishedAt = s.Now()
	run.Providers = len(run.Summaries)
	for i := range run.Summaries {
		switch run.Summaries[i].Outcome {
		case Eligible:
			run.Eligible++
		case NotEligible:
			run.NotEligible++
		case Incomplete:
			run.Incomplete++
		}
	}
	if err := s.Runs.SaveRun(ctx, run); err != nil {
		return nil, err
	}
	return run, nil
}

// AssessProvider judges one provider with explanations.
func (s *Service) AssessProvider(ctx context.Context, policyID, providerID string) (*Result, error) {
	pol, err := s.Library.Policy(policyID)
	if err != nil {
		return nil, err
	}
	p, err := s.Providers.Provider(ctx, providerID)
	if err != nil {
		return nil, err
	}
	r := New(s.Library, pol).Assess(p)
	return &r, nil
}

// LatestRun returns the newest stored run of a policy.
func (s *Service) LatestRun(ctx context.Context, policyID string) (*Run, error) {
	if _, err := s.Library.Policy(policyID); err != nil {
		return nil, err
	}
	run, err := s.Runs.LatestRun(ctx, policyID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, apperr.NotFoundf("policy %s has not been assessed yet", policyID)
	}
	return run, err
}
