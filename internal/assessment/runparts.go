package assessment

import (
	"fmt"
	"slices"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
)

// The outcomes per contract part in a stored run: the counts per part a run keeps, each
// summary's outcome per part as the doors show it, and the filter on a part's outcome.

// PartCounts is how the providers of a run came out for one part of the contract.
type PartCounts struct {
	Part         string `json:"part"` // the part's id
	Eligible     int    `json:"eligible"`
	NotEligible  int    `json:"not_eligible"`
	Incomplete   int    `json:"incomplete"`
	OutOfScope   int    `json:"out_of_scope"`
	NotRequested int    `json:"not_requested"`
}

// Count returns how many providers came out as o for the part.
func (c *PartCounts) Count(o Outcome) int {
	switch o {
	case Eligible:
		return c.Eligible
	case NotEligible:
		return c.NotEligible
	case Incomplete:
		return c.Incomplete
	case OutOfScope:
		return c.OutOfScope
	case NotRequested:
		return c.NotRequested
	}
	return 0
}

func (c *PartCounts) add(o Outcome) {
	switch o {
	case Eligible:
		c.Eligible++
	case NotEligible:
		c.NotEligible++
	case Incomplete:
		c.Incomplete++
	case OutOfScope:
		c.OutOfScope++
	case NotRequested:
		c.NotRequested++
	}
}

// tally sets the run's policy version, its parts and every count from its summaries.
func (r *Run) tally(pol *policy.Compiled) {
	r.PolicyVersion = pol.Version
	r.Providers = len(r.Summaries)
	r.Eligible, r.NotEligible, r.Incomplete = 0, 0, 0
	r.Parts = nil
	if len(pol.Parts) > 0 {
		r.Parts = make([]PartCounts, len(pol.Parts))
	}
	for i := range pol.Parts {
		r.Parts[i].Part = pol.Parts[i].ID
	}
	for i := range r.Summaries {
		s := &r.Summaries[i]
		switch s.Outcome {
		case Eligible:
			r.Eligible++
		case NotEligible:
			r.NotEligible++
		case Incomplete:
			r.Incomplete++
		}
		for k, o := range s.PartOutcomes {
			if k < len(r.Parts) {
				r.Parts[k].add(o)
			}
		}
	}
}

// PartOutcome is how one provider came out for one part of the contract in a run.
type PartOutcome struct {
	Part        string  `json:"part"`
	Title       string  `json:"title"`
	Outcome     Outcome `json:"outcome"`
	OutcomeText string  `json:"outcome_text"` // Dutch
}

// Judged reports whether the part's conditions were judged: it was asked for or offered,
// and open to the provider.
func (o Outcome) Judged() bool { return o != NotRequested && o != OutOfScope }

// PartsOf returns how summary s of this run came out per part, in the run's order of
// parts, with the title and Dutch text the part has in pol (its id when pol no longer
// has it).
func (c *RunCounts) PartsOf(pol *policy.Compiled, s *Summary) []PartOutcome {
	out := make([]PartOutcome, 0, len(s.PartOutcomes))
	for k, o := range s.PartOutcomes {
		if k >= len(c.Parts) {
			break
		}
		out = append(out, partOutcome(pol, c.Parts[k].Part, o))
	}
	return out
}

// PartTitle returns the title of part id in pol; its id when pol no longer has it.
func PartTitle(pol *policy.Compiled, id string) string {
	if pt, _, ok := pol.Part(id); ok {
		return pt.Title
	}
	return id
}

func partOutcome(pol *policy.Compiled, id string, o Outcome) PartOutcome {
	po := PartOutcome{Part: id, Title: id, Outcome: o, OutcomeText: OutcomeNames[o]}
	if pt, _, ok := pol.Part(id); ok {
		po.Title, po.OutcomeText = pt.Title, PartOutcomeName(pt, o)
	}
	return po
}

// checkPart validates the filter on a part's outcome: a part of pol and a part outcome,
// both or neither.
func (f *SummaryFilter) checkPart(pol *policy.Compiled) apperr.List {
	var errs apperr.List
	switch {
	case f.Part == "" && f.PartOutcome == "":
		return nil
	case f.Part == "":
		return append(errs, &apperr.Error{Code: apperr.Invalid, Field: "part",
			Message: "part_outcome needs part: the id of the part whose outcome to filter by",
			Dutch:   "Kies bij de uitkomst van een onderdeel ook het onderdeel."})
	case f.PartOutcome == "":
		return append(errs, &apperr.Error{Code: apperr.Invalid, Field: "part_outcome",
			Message: fmt.Sprintf("part needs part_outcome: one of %s", joinOutcomes(PartOutcomes)),
			Dutch:   "Kies bij een onderdeel ook de uitkomst."})
	}
	if _, _, ok := pol.Part(f.Part); !ok {
		ids := make([]string, len(pol.Parts))
		for i := range pol.Parts {
			ids[i] = pol.Parts[i].ID
		}
		msg := fmt.Sprintf("unknown part %q; policy %s has no parts", f.Part, pol.ID)
		if len(ids) > 0 {
			msg = fmt.Sprintf("unknown part %q; policy %s has %s", f.Part, pol.ID, strings.Join(ids, ", "))
		}
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "part", Message: msg,
			Dutch: fmt.Sprintf("Onbekend onderdeel %q: dit zorginkoopbeleid heeft dat onderdeel niet.", f.Part)})
	}
	if !slices.Contains(PartOutcomes, f.PartOutcome) {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "part_outcome",
			Message: fmt.Sprintf("unknown part outcome %q; one of %s", f.PartOutcome, joinOutcomes(PartOutcomes)),
			Dutch:   fmt.Sprintf("Onbekende uitkomst van een onderdeel %q.", string(f.PartOutcome))})
	}
	return errs
}
