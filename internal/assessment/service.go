package assessment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Service assesses providers stored in the database. Assessments belong to the insurer
// whose policy they judge: only its staff (MayAssess) runs and reads them, and a provider
// reads its own. Audit entries carry the acting organisation as OrgID and the registry
// insurer id of the policy as Scope, since the run is the insurer's data whichever
// organisation (the insurer or a purchasing party) ran it.
//
// Build it with NewService: its dependencies sit in an unexported struct, so that no
// caller outside this package can make one with a dependency left out.
type Service struct{ deps }

type deps struct {
	Library   *policy.Library
	Providers provider.Store
	Runs      Store
	Audit     identity.Auditor  // never nil: identity.NoAudit in tests of the rules alone
	Tx        identity.TxRunner // makes a stored run and its audit entry one transaction
	Now       func() time.Time
	Options
}

// Options are the assessment service's optional settings.
type Options struct {
	// Policies, if set, brings Library up to date with the database before each use (see
	// policy.Service.Sync), for servers where other instances save and publish policies.
	Policies *policy.Service
	Workers  int // 0: all cores
	// KeepRuns is how many stored runs per policy are kept (DefaultKeepRuns when 0): saving
	// a run deletes the older ones in the same transaction. The audit trail refers to runs
	// by id only, so it stays whole.
	KeepRuns int
	// Facts, if set, keeps the providers runs read in memory, current with the database
	// (NewFactCache); nil streams them from the database on every run.
	Facts *FactCache
}

// source gives the providers sel selects, from the cache when there is one.
func (s *Service) source(ctx context.Context, sel provider.Selection) (Source, error) {
	if s.Facts != nil {
		return s.Facts.Source(ctx, sel)
	}
	return func(fn func(*provider.Provider) error) error { return s.Providers.EachProvider(ctx, sel, fn) }, nil
}

// NewService returns the assessment service: it assesses the providers of providers
// against the policies of lib and stores runs in runs, recording each in trail in one
// transaction of tx, with now as the clock. It panics on a nil dependency.
func NewService(lib *policy.Library, providers provider.Store, runs Store, trail identity.Auditor, tx identity.TxRunner,
	now func() time.Time, opt Options) *Service {
	identity.Require("assessment.NewService", "lib", lib)
	identity.Require("assessment.NewService", "providers", providers)
	identity.Require("assessment.NewService", "runs", runs)
	identity.Require("assessment.NewService", "trail", trail)
	identity.Require("assessment.NewService", "tx", tx)
	identity.Require("assessment.NewService", "now", now)
	return &Service{deps{Library: lib, Providers: providers, Runs: runs, Audit: trail, Tx: tx, Now: now, Options: opt}}
}

// policy returns the policy with id, from a library brought up to date.
func (s *Service) policy(ctx context.Context, id string) (*policy.Compiled, error) {
	if s.Policies != nil {
		if err := s.Policies.Sync(ctx); err != nil {
			return nil, err
		}
	}
	return s.Library.Policy(id)
}

// visible returns the policy with id if actor may see it, from a library brought up to date.
func (s *Service) visible(ctx context.Context, actor identity.Principal, id string) (*policy.Compiled, error) {
	if _, err := s.policy(ctx, id); err != nil {
		return nil, err
	}
	return s.Library.Visible(actor, id)
}

// deny is the refusal of a policy's assessments to actor: log in when anonymous; Forbidden
// for the insurer's own users whose role does not allow it; NotFound for everyone else,
// so that whether another insurer has assessed anyone does not leak; hidden is its message.
func deny(actor identity.Principal, insurerID, hidden string) error {
	switch {
	case actor.IsAnonymous():
		return identity.LoginRequired("see assessments")
	case actor.ActsForInsurer(insurerID):
		return identity.Deny("your role does not allow assessments of this insurer's policies",
			"Uw rol geeft geen toegang tot de beoordelingen van dit zorginkoopbeleid.")
	}
	return apperr.NotFoundf("%s", hidden)
}

// AssessAll judges every provider in the policy's scope and stores the run. Refused
// attempts and every run are recorded in the audit trail.
func (s *Service) AssessAll(ctx context.Context, actor identity.Principal, policyID string, progress func(done int)) (*Run, error) {
	pol, err := s.mayRun(ctx, actor, policyID)
	if err != nil {
		return nil, err
	}
	run, err := s.judge(ctx, pol, progress)
	if err != nil {
		return nil, err
	}
	// The run and its entry commit together.
	err = identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		if err := s.Runs.SaveRun(ctx, run); err != nil {
			return err
		}
		deleted, err := s.Runs.DeleteOldRuns(ctx, pol.ID, s.keepRuns())
		if err != nil {
			return err
		}
		counts := map[string]any{"run": run.ID, "policy_version": pol.Version, "providers": run.Providers,
			"eligible": run.Eligible, "not_eligible": run.NotEligible, "incomplete": run.Incomplete, "runs_deleted": deleted}
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionRun, Subject: "policy:" + pol.ID,
			Scope: pol.Insurer, After: audit.JSON(counts)})
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// Judge judges every provider in the policy's scope as AssessAll does, for the same
// callers, and returns the run without storing it (its ID is 0): looking at how providers
// come out changes nothing, not the latest run and not the audit trail. Only a refusal is
// recorded.
func (s *Service) Judge(ctx context.Context, actor identity.Principal, policyID string, progress func(done int)) (*Run, error) {
	pol, err := s.mayRun(ctx, actor, policyID)
	if err != nil {
		return nil, err
	}
	return s.judge(ctx, pol, progress)
}

// Explain calls fn with the explained result of every provider in the policy's scope, in
// the order of the store (by id), for the callers of AssessAll; nothing is stored. An
// error from fn stops it and is returned.
func (s *Service) Explain(ctx context.Context, actor identity.Principal, policyID string, fn func(*Result) error) error {
	pol, err := s.mayRun(ctx, actor, policyID)
	if err != nil {
		return err
	}
	as := New(s.Library, pol)
	src, err := s.source(ctx, Selection(pol))
	if err != nil {
		return err
	}
	return src(func(p *provider.Provider) error {
		r := as.Assess(p)
		return fn(&r)
	})
}

// mayRun returns the policy with id if actor may assess against it, recording a refusal
// in the audit trail.
func (s *Service) mayRun(ctx context.Context, actor identity.Principal, policyID string) (*policy.Compiled, error) {
	pol, err := s.policy(ctx, policyID)
	if err != nil {
		return nil, err
	}
	if !MayAssess(actor, pol.Insurer) {
		identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionRun, Subject: "policy:" + pol.ID,
			Scope: pol.Insurer, Reason: "may not assess this insurer's policies", Denied: true})
		if !policy.MayRead(actor, pol) {
			return nil, policy.NotFound(policyID)
		}
		return nil, deny(actor, pol.Insurer, fmt.Sprintf("policy %q has no assessments that you may see", policyID))
	}
	return pol, nil
}

// judge judges every provider in pol's scope into a run that is not stored.
func (s *Service) judge(ctx context.Context, pol *policy.Compiled, progress func(done int)) (*Run, error) {
	as := New(s.Library, pol)
	run := &Run{RunCounts: RunCounts{PolicyID: pol.ID, StartedAt: s.Now()}}
	src, err := s.source(ctx, Selection(pol))
	if err != nil {
		return nil, err
	}
	run.Summaries, err = as.Run(ctx, src, s.Workers, progress)
	if err != nil {
		return nil, err
	}
	run.FinishedAt = s.Now()
	run.tally(pol)
	return run, nil
}

// AssessProvider judges one provider with explanations, for the insurer's staff or the
// provider itself.
func (s *Service) AssessProvider(ctx context.Context, actor identity.Principal, policyID, providerID string) (*Result, error) {
	pol, err := s.visible(ctx, actor, policyID)
	if err != nil {
		return nil, err
	}
	if !MayReadOf(actor, pol.Insurer, providerID) {
		// The same answer as for a provider that does not exist: no hint that it does.
		return nil, deny(actor, pol.Insurer, fmt.Sprintf("provider %q does not exist", providerID))
	}
	p, err := s.Providers.Provider(ctx, providerID)
	if err != nil {
		return nil, err
	}
	r := New(s.Library, pol).Assess(p)
	return &r, nil
}

// keepRuns is the retention of stored runs per policy.
func (s *Service) keepRuns() int {
	if s.KeepRuns > 0 {
		return s.KeepRuns
	}
	return DefaultKeepRuns
}

// readable returns the policy with id if actor may read its stored runs: the insurer's
// staff who may assess its policies.
func (s *Service) readable(ctx context.Context, actor identity.Principal, policyID string) (*policy.Compiled, error) {
	pol, err := s.visible(ctx, actor, policyID)
	if err != nil {
		return nil, err
	}
	if !MayAssess(actor, pol.Insurer) {
		return nil, deny(actor, pol.Insurer, fmt.Sprintf("policy %q has no assessments that you may see", policyID))
	}
	return pol, nil
}

// LatestRun returns the newest stored run of a policy, without its summaries, for the
// insurer's staff.
func (s *Service) LatestRun(ctx context.Context, actor identity.Principal, policyID string) (*RunCounts, error) {
	if _, err := s.readable(ctx, actor, policyID); err != nil {
		return nil, err
	}
	return s.latest(ctx, policyID)
}

func (s *Service) latest(ctx context.Context, policyID string) (*RunCounts, error) {
	run, err := s.Runs.LatestRun(ctx, policyID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("policy %s has not been assessed yet", policyID), Err: ErrNotAssessed}
	}
	return run, err
}

// SummaryPage is one page of the summaries of a policy's latest run.
type SummaryPage struct {
	Run       *RunCounts
	Summaries []Summary
	Total     int // summaries that match the filter
	// Register is the provider register now, counted for the policy's care types.
	Register provider.Register
	// Stale says that providers were imported or changed after the run started: its
	// outcomes may no longer be those of the register.
	Stale bool
	// Next is the Offset of the next page with the same filter; 0 on the last page.
	Next int
}

// Summaries returns the page of the latest run of a policy that f selects, for the
// insurer's staff. f.Limit 0 is DefaultPageSize; an unknown outcome or care type, or a
// limit above MaxPageSize, is Invalid.
func (s *Service) Summaries(ctx context.Context, actor identity.Principal, policyID string, f SummaryFilter) (*SummaryPage, error) {
	pol, err := s.readable(ctx, actor, policyID)
	if err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	if err := f.check(pol, true); err != nil {
		return nil, err
	}
	run, err := s.latest(ctx, policyID)
	if err != nil {
		return nil, err
	}
	sums, total, err := s.Runs.Summaries(ctx, run.ID, f)
	if err != nil {
		return nil, err
	}
	reg, err := s.Providers.Register(ctx, pol.CareTypes)
	if err != nil {
		return nil, err
	}
	entry, err := s.Runs.RunEntry(ctx, policyID)
	if err != nil {
		return nil, err
	}
	// By the audit trail's order, not the clock: an import in the second of the run is
	// before or after it, never both.
	page := &SummaryPage{Run: run, Summaries: sums, Total: total, Register: reg, Stale: reg.ChangeSeq > entry}
	if next := f.Offset + len(sums); len(sums) > 0 && next < total {
		page.Next = next
	}
	return page, nil
}

// EachSummary streams the summaries of the latest run of a policy that f selects, for
// exports by the insurer's staff: begin is called once with the run before the first
// summary, then fn with each summary (reused between calls).
func (s *Service) EachSummary(ctx context.Context, actor identity.Principal, policyID string, f SummaryFilter,
	begin func(*RunCounts) error, fn func(*Summary) error) error {
	pol, err := s.readable(ctx, actor, policyID)
	if err != nil {
		return err
	}
	if err := f.check(pol, false); err != nil {
		return err
	}
	run, err := s.latest(ctx, policyID)
	if err != nil {
		return err
	}
	if err := begin(run); err != nil {
		return err
	}
	return s.Runs.EachSummary(ctx, run.ID, f, fn)
}

// OutOfScope is how many providers of the register have none of the policy's care types:
// a run does not judge them.
func (p *SummaryPage) OutOfScope() int { return max(p.Register.Total-p.Register.InCareTypes, 0) }

// ErrNotAssessed is in the chain of LatestRun's error when the caller may see the policy's
// assessments but there are none yet (not when they are hidden from the caller).
var ErrNotAssessed = errors.New("not assessed yet")
