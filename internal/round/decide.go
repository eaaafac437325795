package round

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// MaxReason is the longest reason or quote text accepted, in characters.
const (
	MaxReason = 2000
	MaxQuote  = 20000
)

// Discretionary is the reason recorded for a refusal "om moverende redenen" given without
// one of its own.
const Discretionary = "Om moverende redenen"

// Decision input of the inkoper for one part.
type DecisionInput struct {
	Part    string  `json:"part"`
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason"`
	// Discretionary refuses "om moverende redenen"; only with outcome refused.
	Discretionary bool `json:"discretionary,omitempty"`
}

// forDossier loads a dossier inside the transaction and checks that actor may read it
// (else NotFound) and act on it as may says (else Forbidden).
func (s *Service) forDossier(ctx context.Context, actor identity.Principal, id string, may func(*Dossier) bool, dutch string) (*Dossier, error) {
	d, err := s.Store.Dossier(ctx, id)
	if err != nil {
		return nil, err
	}
	if !MayReadDossier(actor, d.Insurer, d.ProviderID) {
		return nil, notFoundDossier(id)
	}
	if !may(d) {
		return nil, forbidden("not allowed on this dossier", dutch)
	}
	return d, nil
}

func notFoundDossier(id string) error {
	return &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("dossier %q does not exist", id), Dutch: "Dit dossier bestaat niet."}
}

func wrongStage(d *Dossier, what string) error {
	return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("dossier %s is %s: cannot %s", d.ID, d.Stage, what),
		Dutch: fmt.Sprintf("Dit kan niet in de fase %q van het dossier.", StageNames[d.Stage])}
}

// Decide records the inkoper's decision on one part of an assessed dossier, with a
// reason. When every part is refused, the dossier is refused.
func (s *Service) Decide(ctx context.Context, actor identity.Principal, dossierID string, in DecisionInput) (*Dossier, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	var out *Dossier
	err := s.Tx.InTx(ctx, func(ctx context.Context) error {
		d, err := s.forDossier(ctx, actor, dossierID, func(d *Dossier) bool { return MayRunRound(actor, d.Insurer) },
			"Alleen een inkoper van de zorgverzekeraar besluit over een onderdeel.")
		if err != nil {
			return err
		}
		pol, err := s.policy(d.PolicyID)
		if err != nil {
			return err
		}
		if err := checkDecision(pol, &in); err != nil {
			return err
		}
		if d.Stage != Assessed {
			return wrongStage(d, "decide")
		}
		before := clone(d)
		p := d.Part(in.Part)
		if p == nil {
			// A part the provider did not ask for: the insurer may offer one of its own initiative.
			if pt, _, _ := pol.Part(in.Part); pt == nil || pt.Initiative != policy.ByInsurer {
				return invalid("part", fmt.Sprintf("part %q is not in the dossier", in.Part), "De zorgaanbieder heeft dit onderdeel niet aangevraagd.")
			}
			d.Parts = append(d.Parts, DossierPart{Part: in.Part, Offered: true})
			p = &d.Parts[len(d.Parts)-1]
		}
		p.Decision = &Decision{Outcome: in.Outcome, Reason: in.Reason, Discretionary: in.Discretionary, By: actor.UserID(), At: s.Now().UTC()}
		if allRefused(d) {
			d.Stage = Refused
		}
		if err := s.save(ctx, actor, ActionDecide, before, d, in.Reason); err != nil {
			return err
		}
		out = d
		return call(func() error { return s.Hooks.OnDecided(ctx, d.ID, in.Part, in.Outcome) }, s.Hooks.OnDecided != nil)
	})
	return out, err
}

// checkDecision refuses a decision without a reason, with an unknown outcome or part, or
// "om moverende redenen" on an acceptance.
func checkDecision(pol *policy.Compiled, in *DecisionInput) error {
	switch {
	case in.Outcome != Accepted && in.Outcome != RefusedIt:
		return invalid("outcome", "outcome must be accepted or refused", "Kies toekennen of afwijzen.")
	case in.Discretionary && in.Outcome != RefusedIt:
		return invalid("discretionary", "only a refusal is made om moverende redenen", "Alleen een afwijzing kan om moverende redenen.")
	}
	if _, _, ok := pol.Part(in.Part); !ok && in.Part != pol.Base.ID {
		return invalid("part", fmt.Sprintf("the policy has no part %q", in.Part), "Dit onderdeel staat niet in het inkoopbeleid.")
	}
	if in.Reason == "" && in.Discretionary {
		in.Reason = Discretionary
	}
	if in.Reason == "" {
		return invalid("reason", "a reason is required", "Geef een reden voor het besluit.")
	}
	if utf8.RuneCountInString(in.Reason) > MaxReason {
		return invalid("reason", fmt.Sprintf("at most %d characters", MaxReason), fmt.Sprintf("Gebruik ten hoogste %d tekens.", MaxReason))
	}
	return nil
}

func allRefused(d *Dossier) bool {
	for _, p := range d.Parts {
		if p.Decision == nil || p.Decision.Outcome != RefusedIt {
			return false
		}
	}
	return true
}

// Offer sends the insurer's offer for accepted parts of an assessed dossier: a part that
// requires the base contract (or another part) needs that one accepted too. The dossier
// becomes offered, and OnOffered proposes the price list in the same transaction.
func (s *Service) Offer(ctx context.Context, actor identity.Principal, dossierID string, parts []string) (*Dossier, error) {
	var out *Dossier
	err := s.Tx.InTx(ctx, func(ctx context.Context) error {
		d, err := s.forDossier(ctx, actor, dossierID, func(d *Dossier) bool { return MayRunRound(actor, d.Insurer) },
			"Alleen een inkoper van de zorgverzekeraar verstuurt een contractaanbod.")
		if err != nil {
			return err
		}
		pol, err := s.policy(d.PolicyID)
		if err != nil {
			return err
		}
		if d.Stage != Assessed {
			return wrongStage(d, "offer")
		}
		if err := checkOffer(pol, d, parts); err != nil {
			return err
		}
		before := clone(d)
		for _, id := range parts {
			p := d.Part(id)
			p.Offered, p.OfferSent = true, &Act{By: actor.UserID(), At: s.Now().UTC()}
		}
		d.Stage = Offered
		if err := s.save(ctx, actor, ActionOffer, before, d, ""); err != nil {
			return err
		}
		out = d
		return call(func() error { return s.Hooks.OnOffered(ctx, d.ID, d.OfferedParts()) }, s.Hooks.OnOffered != nil)
	})
	return out, err
}

func checkOffer(pol *policy.Compiled, d *Dossier, parts []string) error {
	if len(parts) == 0 {
		return invalid("parts", "choose at least one part", "Kies ten minste één onderdeel.")
	}
	for i, id := range parts {
		f := fmt.Sprintf("parts[%d]", i)
		p := d.Part(id)
		if p == nil || p.Decision == nil || p.Decision.Outcome != Accepted {
			return invalid(f, fmt.Sprintf("part %q is not accepted", id), "Alleen toegekende onderdelen kunnen worden aangeboden.")
		}
		pt, idx, ok := pol.Part(id)
		if !ok || pol.Requires[idx] == -2 {
			continue
		}
		req := pol.Base.ID
		if pol.Requires[idx] >= 0 {
			req = pol.Parts[pol.Requires[idx]].ID
		}
		if rp := d.Part(req); rp == nil || rp.Decision == nil || rp.Decision.Outcome != Accepted {
			return invalid(f, fmt.Sprintf("part %q requires %q, which is not accepted", id, req),
				fmt.Sprintf("Het onderdeel %s kan alleen worden aangeboden als %s is toegekend.", pt.Title, titleOf(pol, req)))
		}
	}
	return nil
}

func titleOf(pol *policy.Compiled, id string) string {
	if id == pol.Base.ID {
		return "de basisovereenkomst"
	}
	if pt, _, ok := pol.Part(id); ok {
		return "het onderdeel " + pt.Title
	}
	return id
}

// QuoteInput is the provider's offerte.
type QuoteInput struct {
	Text       string `json:"text"`
	DocumentID string `json:"document_id,omitempty"`
}

// SubmitQuote records the provider's quote, by its beheerder or contractmanager, where
// the round has a quote step, by its date: after a hard date it is refused (and audited),
// after a soft one it is taken with a warning.
func (s *Service) SubmitQuote(ctx context.Context, actor identity.Principal, dossierID string, in QuoteInput) (*Dossier, string, error) {
	in.Text = strings.TrimSpace(in.Text)
	var out *Dossier
	var warning string
	var late error
	scope := ""
	err := s.Tx.InTx(ctx, func(ctx context.Context) error {
		d, err := s.forDossier(ctx, actor, dossierID, func(d *Dossier) bool { return MayApply(actor, d.ProviderID) },
			"Alleen de beheerder of contractmanager van de zorgaanbieder dient een offerte in.")
		if err != nil {
			return err
		}
		scope = d.Insurer
		if in.Text == "" {
			return invalid("text", "the quote needs a text", "Vul de offerte in.")
		}
		if utf8.RuneCountInString(in.Text) > MaxQuote || len(in.DocumentID) > 100 {
			return invalid("text", "the quote is too long", fmt.Sprintf("Gebruik ten hoogste %d tekens.", MaxQuote))
		}
		if d.Stage != Assessed && d.Stage != Offered && d.Stage != Negotiating {
			return wrongStage(d, "submit a quote")
		}
		dl, ok, err := s.deadlineOf(ctx, d, policy.StepQuote)
		if err != nil {
			return err
		}
		if !ok {
			return invalid("quote", "the round asks for no quote", "In deze inkoopronde dient de zorgaanbieder geen offerte in.")
		}
		if warning, late = dl.Check(s.Now()); late != nil {
			return late
		}
		before := clone(d)
		d.Quote = &Quote{Text: in.Text, DocumentID: in.DocumentID, By: actor.UserID(), At: s.Now().UTC()}
		if err := s.save(ctx, actor, ActionQuote, before, d, warning); err != nil {
			return err
		}
		out = d
		return call(func() error { return s.Hooks.OnQuoted(ctx, d.ID) }, s.Hooks.OnQuoted != nil)
	})
	if late != nil && err == late {
		return nil, "", s.refuse(ctx, actor, ActionQuote, "dossier:"+dossierID, scope, dossierID, err)
	}
	return out, warning, err
}

// SetStage moves a dossier to stage for another area of the platform (the questionnaire
// to assessed, price lists to negotiating and agreed, contracts to signed and published),
// in the caller's transaction, audited as the system. A move the funnel does not allow
// is a Conflict.
func (s *Service) SetStage(ctx context.Context, dossierID string, stage Stage) error {
	if _, ok := StageNames[stage]; !ok {
		return invalid("stage", fmt.Sprintf("unknown stage %q", stage), "Onbekende fase.")
	}
	return s.Tx.InTx(ctx, func(ctx context.Context) error {
		d, err := s.Store.Dossier(ctx, dossierID)
		if err != nil {
			return err
		}
		if d.Stage == stage {
			return nil
		}
		if !mayMove(d.Stage, stage) {
			return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("dossier %s cannot go from %s to %s", d.ID, d.Stage, stage),
				Dutch: fmt.Sprintf("Een dossier in de fase %q kan niet naar de fase %q.", StageNames[d.Stage], StageNames[stage])}
		}
		before := clone(d)
		d.Stage = stage
		if err := s.save(ctx, identity.System(), ActionStage, before, d, ""); err != nil {
			return err
		}
		return call(func() error { return s.Hooks.OnStage(ctx, d.ID, stage) }, s.Hooks.OnStage != nil)
	})
}
