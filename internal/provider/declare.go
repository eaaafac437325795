package provider

// A provider's own declarations outside an import: the answers of a questionnaire become
// facts of the provider record, written through the same store path as an import (so
// that whatever reads a replaced record sees the change) and recorded in the trail.

import (
	"context"
	"fmt"
	"slices"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// ActionDeclare: a provider's own facts declared (a submitted questionnaire), in the
// provider's trail.
const ActionDeclare = "provider.declare"

func init() {
	audit.Register(audit.Action{Name: ActionDeclare, Dutch: "Gegevens verklaard door de zorgaanbieder",
		Refused: "Gegevens verklaren door de zorgaanbieder geweigerd"})
}

// Declare writes facts, in canonical form, about the provider providerID as actor's
// declarations, replacing stored facts with the same key (and no insurer), in one
// transaction (the context's, if it carries one) with its audit entry. Every fact must be
// one actor may write (MayWriteFact: the provider's beheerder writes source aanbieder, no
// insurer) and must not replace a fact that the register or an insurer keeps; otherwise
// nothing is written. Part choices, contracts and the other facts stay as stored.
func (s *Service) Declare(ctx context.Context, actor identity.Principal, providerID string, facts []Fact) error {
	if actor.IsAnonymous() {
		return identity.LoginRequired("declare facts")
	}
	if !MayRead(actor, providerID) {
		return identity.Hide(fmt.Sprintf("provider %q", providerID))
	}
	if err := s.checkDeclared(ctx, actor, providerID, facts); err != nil {
		return err
	}
	return identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		p, err := s.Store.Provider(ctx, providerID)
		if err != nil {
			return err
		}
		all := FactMatch{PerInsurer: true, Sources: []Source{SourceProvider, SourceRegister, SourceInsurer}}
		stored, err := s.Store.StoredFacts(ctx, []string{providerID}, all) // in the transaction; holds the record on PostgreSQL
		if err != nil {
			return err
		}
		for _, f := range facts {
			if old, ok := keptFact(actor, providerID, stored[providerID], f); ok {
				r := factRefusal(0, 0, providerID, f, old.Source)
				return &apperr.Error{Code: apperr.Forbidden, Field: f.Key, Message: r.message, Dutch: r.dutch}
			}
		}
		dealings, err := s.Store.StoredDealings(ctx, []string{providerID})
		if err != nil {
			return err
		}
		p.Facts = MergeDeclared(stored[providerID], facts)
		p.Parts, p.Contracts = dealings[providerID].Parts, dealings[providerID].Contracts
		if err := s.Store.ReplaceProviders(ctx, []Provider{*p}, nil); err != nil {
			return err
		}
		keys := make([]string, len(facts))
		for i, f := range facts {
			keys[i] = f.Key
		}
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionDeclare, Subject: "provider:" + providerID,
			Scope: providerID, After: audit.JSON(map[string]any{"facts": keys})})
	})
}

// checkDeclared checks declared facts before anything is read: known, canonical, once
// each, and facts actor may write. A refused right is recorded in the trail.
func (s *Service) checkDeclared(ctx context.Context, actor identity.Principal, providerID string, facts []Fact) error {
	var errs apperr.List
	seen := map[string]bool{}
	for i := range facts {
		f := &facts[i]
		if bad := f.CheckText(); len(bad) > 0 {
			errs = append(errs, bad...)
			continue
		}
		if err := f.Validate(s.Catalogue, s.Insurers); err != nil {
			errs = append(errs, apperr.Errors(err)...)
			continue
		}
		if seen[factKey(*f)] {
			errs = append(errs, apperr.Invalidf(f.Key, "fact %s is given twice", f.Key))
		}
		seen[factKey(*f)] = true
		if !mayWriteFact(actor, providerID, *f) {
			r := factRefusal(0, 0, providerID, *f, "")
			identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionDeclare, Subject: "provider:" + providerID,
				Scope: providerID, Reason: r.message, Denied: true})
			return &apperr.Error{Code: apperr.Forbidden, Field: f.Key, Message: r.message, Dutch: r.dutch}
		}
	}
	return errs.Err()
}

// keptFact returns the stored fact with f's key and insurer that actor may not replace
// (one from the register or an insurer), if there is one.
func keptFact(actor identity.Principal, providerID string, stored []Fact, f Fact) (Fact, bool) {
	for _, old := range stored {
		if factKey(old) == factKey(f) && !mayWriteFact(actor, providerID, old) {
			return old, true
		}
	}
	return Fact{}, false
}

// MergeDeclared returns stored with each fact of declared in place of the stored fact with
// the same key and insurer, and the declared facts that replace none appended in their
// order. Neither slice is changed.
func MergeDeclared(stored, declared []Fact) []Fact {
	out := slices.Clone(stored)
	for _, f := range declared {
		i := slices.IndexFunc(out, func(o Fact) bool { return factKey(o) == factKey(f) })
		if i >= 0 {
			out[i] = f
			continue
		}
		out = append(out, f)
	}
	return out
}
