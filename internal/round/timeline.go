package round

import (
	"context"
	"slices"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// Date is one date of a round's timeline: a milestone of the policy, or a date the
// insurer set.
type Date struct {
	Date        policy.Date          `json:"date"`
	What        string               `json:"what"`
	Kind        policy.MilestoneKind `json:"kind,omitempty"` // for a milestone
	Step        policy.Step          `json:"step,omitempty"`
	Actor       string               `json:"actor,omitempty"`
	Hard        bool                 `json:"hard"`
	Source      string               `json:"source"` // beleid | verzekeraar
	MilestoneID string               `json:"milestone_id,omitempty"`
}

// Timeline returns every milestone of the round's policy and the dates the insurer set,
// in date order.
func (s *Service) Timeline(ctx context.Context, actor identity.Principal, roundID string) ([]Date, error) {
	r, pol, err := s.readRound(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	return timeline(pol, r), nil
}

func timeline(pol *policy.Compiled, r *Round) []Date {
	var out []Date
	for _, m := range pol.TimelineByDate() {
		out = append(out, Date{Date: m.Date, What: m.What, Kind: m.Kind, Step: m.Step, Actor: m.Actor, Hard: m.Hard,
			Source: SourcePolicy, MilestoneID: m.ID})
	}
	for _, d := range r.Dates {
		out = append(out, Date{Date: d.Date, What: d.what(), Step: d.Step, Hard: d.Hard, Source: SourceInsurer})
	}
	slices.SortStableFunc(out, func(a, b Date) int { return a.Date.Compare(b.Date.Time) })
	return out
}

func (d RoundDate) what() string {
	if d.What != "" {
		return d.What
	}
	return "Uiterste datum voor " + stepVerb(d.Step)
}

// readRound returns a round and its policy when actor may see it.
func (s *Service) readRound(ctx context.Context, actor identity.Principal, roundID string) (*Round, *policy.Compiled, error) {
	r, err := s.Store.Round(ctx, roundID)
	if err != nil {
		return nil, nil, err
	}
	if !MayReadRound(actor, r.Insurer) {
		return nil, nil, notFoundRound(roundID)
	}
	pol, err := s.policy(r.PolicyID)
	if err != nil {
		return nil, nil, err
	}
	return r, pol, nil
}

// deadlines are a dossier's deadlines per step: the policy's step milestones, the dates
// the insurer set, and the extensions (the dossier's own, else the round's).
func deadlines(pol *policy.Compiled, r *Round, ext map[string]map[policy.Step]Extension, dossierID string) map[policy.Step]Deadline {
	out := map[policy.Step]Deadline{}
	for _, m := range pol.Timeline {
		if m.Step != "" {
			out[m.Step] = Deadline{Step: m.Step, What: m.What, Date: m.Date, Hard: m.Hard, Source: SourcePolicy, MilestoneID: m.ID}
		}
	}
	for _, d := range r.Dates {
		if _, ok := out[d.Step]; !ok {
			out[d.Step] = Deadline{Step: d.Step, What: d.what(), Date: d.Date, Hard: d.Hard, Source: SourceInsurer}
		}
	}
	for step, dl := range out {
		e, ok := ext[dossierID][step]
		if all, ok2 := ext[""][step]; ok2 && (!ok || all.Date.After(e.Date.Time)) {
			e, ok = all, true
		}
		if ok {
			dl.Extended = &e
			out[step] = dl
		}
	}
	return out
}
