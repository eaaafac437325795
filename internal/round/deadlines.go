package round

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// deadlineOf is the deadline of step for dossier d, if the round has one.
func (s *Service) deadlineOf(ctx context.Context, d *Dossier, step policy.Step) (Deadline, bool, error) {
	all, err := s.dossierDeadlines(ctx, d)
	if err != nil {
		return Deadline{}, false, err
	}
	dl, ok := all[step]
	return dl, ok, nil
}

func (s *Service) dossierDeadlines(ctx context.Context, d *Dossier) (map[policy.Step]Deadline, error) {
	r, err := s.Store.Round(ctx, d.RoundID)
	if err != nil {
		return nil, err
	}
	pol, err := s.policy(d.PolicyID)
	if err != nil {
		return nil, err
	}
	ext, err := s.Store.Extensions(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	return deadlines(pol, r, ext, d.ID), nil
}

// DeadlineFor returns the deadline of step for a dossier, with any extension, for other
// areas of the platform (the contract area: signing). ok is false when the round has no
// date for the step.
func (s *Service) DeadlineFor(ctx context.Context, dossierID string, step policy.Step) (Deadline, bool, error) {
	d, err := s.Store.Dossier(ctx, dossierID)
	if err != nil {
		return Deadline{}, false, err
	}
	return s.deadlineOf(ctx, d, step)
}

// ExtensionInput extends the deadline of a step, for one dossier or (DossierID "") for
// every dossier of the round.
type ExtensionInput struct {
	DossierID string      `json:"dossier_id,omitempty"`
	Step      policy.Step `json:"step"`
	Date      policy.Date `json:"date"`
	Reason    string      `json:"reason"`
}

// Extend extends a deadline of a round, by the insurer's inkoper, with a required reason
// (e.g. after an outage). The new date must be later than the date it extends.
func (s *Service) Extend(ctx context.Context, actor identity.Principal, roundID string, in ExtensionInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	r, err := s.Store.Round(ctx, roundID)
	if err != nil {
		return err
	}
	if !MayReadAsInsurer(actor, r.Insurer) && !actor.IsOperator() {
		return notFoundRound(roundID)
	}
	if !MayRunRound(actor, r.Insurer) {
		return forbidden("only the insurer's inkoper extends a deadline", "Alleen een inkoper van de zorgverzekeraar verlengt een uiterste datum.")
	}
	if in.DossierID != "" {
		d, err := s.Store.Dossier(ctx, in.DossierID)
		if err != nil || d.RoundID != r.ID {
			return notFoundDossier(in.DossierID)
		}
	}
	pol, err := s.policy(r.PolicyID)
	if err != nil {
		return err
	}
	switch {
	case in.Reason == "":
		return invalid("reason", "a reason is required", "Geef een reden voor de verlenging.")
	case utf8.RuneCountInString(in.Reason) > MaxReason:
		return invalid("reason", fmt.Sprintf("at most %d characters", MaxReason), fmt.Sprintf("Gebruik ten hoogste %d tekens.", MaxReason))
	}
	dl, ok := deadlines(pol, r, nil, "")[in.Step]
	if !ok {
		return invalid("step", fmt.Sprintf("the round has no date for step %q", in.Step), "Deze inkoopronde heeft geen datum voor deze stap.")
	}
	if !in.Date.After(dl.Date.Time) {
		return invalid("date", "the new date must be later than "+dl.Date.String(),
			fmt.Sprintf("De nieuwe datum moet na %s liggen.", dl.Dutch()))
	}
	e := Extension{Date: in.Date, Reason: in.Reason, By: actor.UserID(), At: s.Now().UTC()}
	return s.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SaveExtension(ctx, r.ID, in.DossierID, in.Step, e); err != nil {
			return err
		}
		subj := "round:" + r.ID
		if in.DossierID != "" {
			subj = "dossier:" + in.DossierID
		}
		after := struct {
			Step policy.Step `json:"step"`
			Date string      `json:"date"`
			Was  string      `json:"was"`
		}{in.Step, in.Date.String(), dl.Date.String()}
		if err := s.record(ctx, actor, ActionExtend, subj, r.Insurer, in.DossierID, nil, after, in.Reason, false); err != nil {
			return err
		}
		return call(func() error { return s.Hooks.OnExtended(ctx, r.ID, in.DossierID, in.Step) }, s.Hooks.OnExtended != nil)
	})
}
