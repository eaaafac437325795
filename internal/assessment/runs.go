package assessment

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
)

// Run is one assessment of all providers in a policy's scope, as it is saved. Reads never
// return the summaries all at once: see Store.Summaries and Store.EachSummary.
type Run struct {
	RunCounts
	Summaries []Summary `json:"summaries,omitempty"`
}

// RunCounts is what a run is and how it came out, without the summaries.
type RunCounts struct {
	ID       int64  `json:"id"`
	PolicyID string `json:"policy_id"`
	// PolicyVersion is the stored version of the policy the run judged against (0 for a
	// policy read from files): a later version may have other requirements and parts.
	PolicyVersion int       `json:"policy_version"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	Providers     int       `json:"providers"`
	Eligible      int       `json:"eligible"` // for the base contract, as are the next two
	NotEligible   int       `json:"not_eligible"`
	Incomplete    int       `json:"incomplete"`
	// Parts are the policy's parts when the run was made, in the order of each
	// summary's PartOutcomes, with how many providers came out as what.
	Parts []PartCounts `json:"part_counts,omitempty"`
}

// Count returns how many providers of the run came out as o.
func (c *RunCounts) Count(o Outcome) int {
	switch o {
	case Eligible:
		return c.Eligible
	case NotEligible:
		return c.NotEligible
	case Incomplete:
		return c.Incomplete
	case OutOfScope:
		return max(c.Providers-c.Eligible-c.NotEligible-c.Incomplete, 0)
	}
	return 0
}

// Outcomes are the outcomes of the base contract in the order they are shown.
var Outcomes = []Outcome{Eligible, NotEligible, Incomplete, OutOfScope}

// PartOutcomes are the outcomes of a part in the order they are shown.
var PartOutcomes = []Outcome{Eligible, NotEligible, Incomplete, OutOfScope, NotRequested}

// Page sizes of a run's summaries: nobody reads a whole run of 50,000 providers at once.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// DefaultKeepRuns is how many runs per policy are kept when Options.KeepRuns is 0.
const DefaultKeepRuns = 10

// SummaryFilter selects the summaries of one run.
type SummaryFilter struct {
	Outcome  Outcome // "": every outcome
	CareType string  // "": every care type; else providers that have it now
	Query    string  // "": everyone; else part of the provider's name or id, any case
	// Part and PartOutcome, together or not at all: the providers that came out as
	// PartOutcome for the part with id Part.
	Part        string
	PartOutcome Outcome
	Offset      int
	Limit       int // 1 to MaxPageSize for a page; ignored by EachSummary
	// Sort orders a page; "" keeps the saved order. Desc reverses it.
	Sort Sort
	Desc bool
}

// Sort is an order of a run's summaries.
type Sort string

const (
	SortSaved   Sort = ""
	SortName    Sort = "name"    // by the provider's name
	SortOutcome Sort = "outcome" // eligible, incomplete, not eligible, out of scope; then by score
	// SortScore is by the score on the guiding criteria, lowest first (Desc: highest
	// first); providers who are not eligible come after the others either way, since
	// their score does not count.
	SortScore Sort = "score"
)

// Sorts are the orders a page of summaries can have.
var Sorts = []Sort{SortName, SortOutcome, SortScore}

// Store keeps assessment runs.
type Store interface {
	// SaveRun stores a run with its summaries in one transaction (the context's, if it
	// carries one) and sets run.ID.
	SaveRun(ctx context.Context, run *Run) error
	// LatestRun returns the newest run of a policy, without summaries, or NotFound.
	LatestRun(ctx context.Context, policyID string) (*RunCounts, error)
	// Summaries returns the page f.Offset, f.Limit of run runID's summaries that match f,
	// in the order they were saved, and how many match in all.
	Summaries(ctx context.Context, runID int64, f SummaryFilter) ([]Summary, int, error)
	// EachSummary calls fn with each summary of run runID that matches f (Offset and
	// Limit ignored), in the order they were saved, reading as it goes. fn's summary is
	// reused for the next call.
	EachSummary(ctx context.Context, runID int64, f SummaryFilter, fn func(*Summary) error) error
	// DeleteOldRuns deletes the runs of a policy but the newest keep, with their summaries,
	// in the context's transaction if it carries one, and returns how many it deleted.
	DeleteOldRuns(ctx context.Context, policyID string, keep int) (int, error)
	// RunEntry returns the number in the audit trail of the entry of the newest stored
	// run of a policy (ActionRun, subject "policy:<id>", not refused), or 0.
	RunEntry(ctx context.Context, policyID string) (int64, error)
}

// check validates f for a run of pol; page says whether Limit must be a page size.
func (f *SummaryFilter) check(pol *policy.Compiled, page bool) error {
	var errs apperr.List
	if f.Outcome != "" && !slices.Contains(Outcomes, f.Outcome) {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "outcome",
			Message: fmt.Sprintf("unknown outcome %q; one of %s", f.Outcome, joinOutcomes(Outcomes)),
			Dutch:   fmt.Sprintf("Onbekende uitkomst %q.", string(f.Outcome))})
	}
	if f.CareType != "" && !slices.Contains(pol.CareTypes, f.CareType) {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "care_type",
			Message: fmt.Sprintf("unknown care type %q; policy %s is about %s", f.CareType, pol.ID, strings.Join(pol.CareTypes, ", ")),
			Dutch:   fmt.Sprintf("Onbekende zorgsoort %q: dit zorginkoopbeleid gaat niet over die zorgsoort.", f.CareType)})
	}
	errs = append(errs, f.checkPart(pol)...)
	if f.Sort != SortSaved && !slices.Contains(Sorts, f.Sort) {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "sort",
			Message: fmt.Sprintf("unknown sort %q; one of name, outcome, score", f.Sort),
			Dutch:   fmt.Sprintf("Onbekende sortering %q.", string(f.Sort))})
	}
	f.Query = strings.TrimSpace(f.Query)
	if len(f.Query) > 200 {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "q",
			Message: "search text is longer than 200 characters", Dutch: "De zoektekst is langer dan 200 tekens."})
	}
	if f.Offset < 0 {
		errs = append(errs, apperr.Invalidf("offset", "offset must be 0 or more"))
	}
	if page && (f.Limit < 1 || f.Limit > MaxPageSize) {
		errs = append(errs, apperr.Invalidf("limit", "limit must be from 1 to %d", MaxPageSize))
	}
	return errs.Err()
}

func joinOutcomes(list []Outcome) string {
	s := make([]string, len(list))
	for i, o := range list {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

// OpenKnockout is a knock-out requirement (minimum requirement, exclusion ground,
// attestation) that a provider did not meet or for which facts are missing.
type OpenKnockout struct {
	Requirement *policy.Requirement
	Status      Status // NotMet or Unknown
}

// OpenKnockouts returns the knock-out requirements of pol that s did not meet or that are
// unknown, in the policy's order: what keeps the provider from being eligible.
func (s *Summary) OpenKnockouts(pol *policy.Compiled) []OpenKnockout {
	var out []OpenKnockout
	for i, st := range s.Statuses {
		if i >= len(pol.Requirements) {
			break
		}
		req := &pol.Requirements[i]
		if keepsOut(req.Kind, st) {
			out = append(out, OpenKnockout{Requirement: req, Status: st})
		}
	}
	return out
}

// IsOpenKnockout reports whether the item is a knock-out requirement not met or unknown.
func (it *Item) IsOpenKnockout() bool { return keepsOut(it.Kind, it.Status) }

func keepsOut(k policy.Kind, st Status) bool {
	return k.KnocksOut() && (st == NotMet || st == Unknown)
}
