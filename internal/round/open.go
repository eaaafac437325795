package round

import (
	"context"
	"fmt"
	"slices"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

func notFoundRound(id string) error {
	return &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("round %q does not exist", id),
		Dutch: "Deze inkoopronde bestaat niet."}
}

func forbidden(message, dutch string) error {
	return &apperr.Error{Code: apperr.Forbidden, Message: message, Dutch: dutch}
}

func invalid(field, message, dutch string) error {
	return &apperr.Error{Code: apperr.Invalid, Field: field, Message: message, Dutch: dutch}
}

// OpenRound opens the round of a published policy for one of its contract years, with
// the dates the insurer sets for steps the policy gives no date for (soft unless marked
// hard), and invites the existing contract holders (see Invite). Only the insurer's
// inkoper opens a round.
func (s *Service) OpenRound(ctx context.Context, actor identity.Principal, policyID string, year int, dates []RoundDate) (*Round, error) {
	pol, err := s.policy(policyID)
	if err != nil {
		return nil, err
	}
	if !MayRunRound(actor, pol.Insurer) {
		return nil, forbidden("only the insurer's inkoper opens a round", "Alleen een inkoper van de zorgverzekeraar opent een inkoopronde.")
	}
	if !slices.Contains(pol.ContractYears, year) {
		return nil, invalid("year", fmt.Sprintf("%d is not a contract year of %s", year, policyID),
			fmt.Sprintf("%d is geen contractjaar van dit inkoopbeleid.", year))
	}
	if err := checkDates(pol, dates); err != nil {
		return nil, err
	}
	r := &Round{ID: RoundID(policyID, year), PolicyID: policyID, Year: year, Insurer: pol.Insurer, Dates: dates,
		OpenedAt: s.Now().UTC(), OpenedBy: actor.UserID()}
	invites, err := s.invitees(ctx, pol, year, nil)
	if err != nil {
		return nil, err
	}
	err = s.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateRound(ctx, r); err != nil {
			return err
		}
		if err := s.record(ctx, actor, ActionOpen, "round:"+r.ID, r.Insurer, "", nil, r, "", false); err != nil {
			return err
		}
		return s.invite(ctx, actor, r, invites)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// checkDates refuses an insurer's date for an unknown step, a step the policy dates, or a
// step given twice.
func checkDates(pol *policy.Compiled, dates []RoundDate) error {
	seen := map[policy.Step]bool{}
	for i, d := range dates {
		f := fmt.Sprintf("dates[%d]", i)
		if _, ok := policy.StepNames[d.Step]; !ok {
			return invalid(f+".step", fmt.Sprintf("step %q is not a step of the round", d.Step), "Onbekende stap van de inkoopronde.")
		}
		if m, ok := pol.Milestone(d.Step); ok {
			return invalid(f+".step", fmt.Sprintf("the policy dates step %s (%s)", d.Step, m.ID),
				fmt.Sprintf("Het inkoopbeleid geeft de datum voor %s al: %s.", stepVerb(d.Step), m.What))
		}
		if seen[d.Step] {
			return invalid(f+".step", fmt.Sprintf("step %s is given twice", d.Step), "Een stap heeft één datum.")
		}
		seen[d.Step] = true
		if d.Date.IsZero() {
			return invalid(f+".date", "a date is required", "Vul een datum in.")
		}
		if len(d.What) > 500 {
			return invalid(f+".what", "at most 500 characters", "Gebruik ten hoogste 500 tekens.")
		}
	}
	return nil
}

// Invite invites the existing contract holders of a round that have no dossier in it yet,
// and returns how many it invited.
func (s *Service) Invite(ctx context.Context, actor identity.Principal, roundID string) (int, error) {
	r, err := s.Store.Round(ctx, roundID)
	if err != nil {
		return 0, err
	}
	if !MayReadAsInsurer(actor, r.Insurer) && !actor.IsOperator() {
		return 0, notFoundRound(roundID)
	}
	if !MayRunRound(actor, r.Insurer) {
		return 0, forbidden("only the insurer's inkoper invites", "Alleen een inkoper van de zorgverzekeraar nodigt zorgaanbieders uit.")
	}
	pol, err := s.policy(r.PolicyID)
	if err != nil {
		return 0, err
	}
	invites, err := s.invitees(ctx, pol, r.Year, func(providerID string) bool {
		_, err := s.Store.DossierOf(ctx, r.ID, providerID)
		return err != nil
	})
	if err != nil {
		return 0, err
	}
	return len(invites), s.Tx.InTx(ctx, func(ctx context.Context) error { return s.invite(ctx, actor, r, invites) })
}

// invitation is a contract holder to invite.
type invitation struct {
	providerID string
	kind       Kind
	parts      []string // the parts of its running contract
}

// invitees are the providers with a contract with the policy's insurer in the year
// before that still meet the base contract's requirements, and those whose running
// multi-year contract covers the year (price list only); keep, when set, says which to
// keep. Read before the transaction: it streams the register.
func (s *Service) invitees(ctx context.Context, pol *policy.Compiled, year int, keep func(string) bool) ([]invitation, error) {
	as := assessment.New(s.Library, pol)
	var out []invitation
	err := s.Providers.EachProvider(ctx, provider.Selection{CareTypes: pol.CareTypes, Policy: pol.ID, Insurer: pol.Insurer},
		func(p *provider.Provider) error {
			inv := invitation{providerID: p.ID, kind: KindExisting}
			if c := p.ContractFor(pol.Insurer, year); c != nil {
				inv.kind, inv.parts = KindPriceListOnly, c.Parts
			} else if c := p.ContractFor(pol.Insurer, year-1); c != nil {
				if as.Assess(p).Outcome != assessment.Eligible {
					return nil
				}
				inv.parts = c.Parts
			} else {
				return nil
			}
			if keep == nil || keep(p.ID) {
				out = append(out, inv)
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find contract holders: %w", err)
	}
	return out, nil
}

// invite creates the invited dossiers, in the caller's transaction.
func (s *Service) invite(ctx context.Context, actor identity.Principal, r *Round, invites []invitation) error {
	pol, err := s.policy(r.PolicyID)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	for _, inv := range invites {
		d := &Dossier{ID: newDossierID(), RoundID: r.ID, PolicyID: r.PolicyID, Year: r.Year, Insurer: r.Insurer,
			ProviderID: inv.providerID, Kind: inv.kind, Stage: Invited, CreatedAt: now, UpdatedAt: now, Version: 1,
			Parts: []DossierPart{{Part: pol.Base.ID, Offered: true}}}
		for _, pt := range inv.parts {
			if _, _, ok := pol.Part(pt); ok {
				d.Parts = append(d.Parts, DossierPart{Part: pt, Offered: true})
			}
		}
		if err := s.Store.CreateDossier(ctx, d); err != nil {
			return err
		}
		if err := s.record(ctx, actor, ActionInvite, subject(d), d.Insurer, d.ID, nil, brief(d), "", false); err != nil {
			return err
		}
		if err := call(func() error { return s.Hooks.OnInvited(ctx, d.ID) }, s.Hooks.OnInvited != nil); err != nil {
			return err
		}
	}
	return nil
}
