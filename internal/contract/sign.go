package contract

import (
	"context"
	"fmt"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
)

// Sign records actor's signature of the contract's current document, whose SHA-256 the
// signatory saw (documentSHA256): first the provider's tekenbevoegde, then the insurer's
// contractbeheerder, each once, before the end of the signing deadline when it is hard.
// The signature, the contract's status, the audit entry and (when both signed) the
// OnSigned hook commit in one transaction. A refusal by role or deadline is audited.
func (s *Service) Sign(ctx context.Context, actor identity.Principal, contractID, documentSHA256 string) (*Contract, error) {
	c, err := s.store.Contract(ctx, contractID)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, hidden(contractID)
		}
		return nil, err
	}
	if !mayRead(actor, c.Insurer, c.ProviderID) {
		return nil, hidden(contractID)
	}
	side, allowed, party := signingSide(actor, c)
	if !party || !allowed {
		reason := "ondertekenen mag alleen de tekenbevoegde van de zorgaanbieder of de contractbeheerder van de zorgverzekeraar"
		s.denied(ctx, actor, ActionSign, c, scopeOf(actor, c), reason)
		return nil, identity.Deny("only the provider's tekenbevoegde and the insurer's contractbeheerder sign a contract",
			"Alleen de tekenbevoegde van de zorgaanbieder en de contractbeheerder van de zorgverzekeraar ondertekenen het contract.")
	}
	late, err := s.checkDeadline(ctx, actor, c)
	if err != nil {
		return nil, err
	}
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		// Read again in the transaction, the row locked: the other party may have signed,
		// or the contract been regenerated, since.
		c, err = s.store.Contract(ctx, contractID)
		if err != nil {
			return err
		}
		return s.sign(ctx, actor, c, side, documentSHA256, late)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) sign(ctx context.Context, actor identity.Principal, c *Contract, side Side, documentSHA256, late string) error {
	if err := signable(c, side, documentSHA256); err != nil {
		return err
	}
	sig := Signature{Side: side, Version: c.Version, UserID: actor.UserID(), UserName: actor.UserName(), OrgID: actor.OrgID(),
		KvK: signerKvK(actor, c, side), DocumentSHA256: c.DocumentSHA256, SignedAt: s.now()}
	status := ProviderSigned
	if side == InsurerSide {
		status = Signed
	}
	if err := s.store.AddSignature(ctx, c.ID, sig, status); err != nil {
		return err
	}
	c.Signatures = append(c.Signatures, sig)
	c.Status, c.UpdatedAt = status, sig.SignedAt
	after := map[string]any{"side": side, "version": sig.Version, "document_sha256": sig.DocumentSHA256,
		"kvk": sig.KvK, "user_id": sig.UserID, "user_name": sig.UserName, "status": status}
	if err := s.record(ctx, actor, ActionSign, c, scopeOf(actor, c), after, late, false); err != nil {
		return err
	}
	if status == Signed {
		return s.hook(ctx, s.lookups.OnSigned, c.DossierID)
	}
	return nil
}

// signable checks the order, a second signature and the hash of what was seen.
func signable(c *Contract, side Side, documentSHA256 string) error {
	if _, ok := c.Signature(side); ok {
		return conflict(fmt.Sprintf("the %s has signed the contract already", side), "Deze partij heeft het contract al ondertekend.")
	}
	if _, ok := c.Signature(ProviderSide); side == InsurerSide && !ok {
		return conflict("the provider's tekenbevoegde signs first",
			"De tekenbevoegde van de zorgaanbieder ondertekent eerst; daarna tekent de zorgverzekeraar.")
	}
	if c.Status == Published {
		return conflict("the contract is published", "Het contract is al gepubliceerd.")
	}
	if documentSHA256 != c.DocumentSHA256 {
		return invalid("document_sha256", "the document hash does not match the contract's current document",
			"Het document dat u ondertekent is niet het actuele contract. Open het contract opnieuw en controleer het.")
	}
	return nil
}

// checkDeadline refuses a signature after a hard signing deadline, and audits the
// refusal. After a soft deadline it returns the warning the signature's audit entry
// records.
func (s *Service) checkDeadline(ctx context.Context, actor identity.Principal, c *Contract) (late string, err error) {
	d, ok, err := s.deadline(ctx, c.DossierID, StepSigning)
	if err != nil || !ok || !d.Passed(s.now()) {
		return "", err
	}
	what := d.What
	if what == "" {
		what = "de ondertekening"
	}
	if !d.Hard {
		return fmt.Sprintf("Ondertekend na de (zachte) termijn voor %s van %s.", what, nl.Date(d.Date.Time)), nil
	}
	dutch := fmt.Sprintf("De termijn voor %s is verstreken: die liep tot en met %s (23:59:59).", what, nl.Date(d.Date.Time))
	s.denied(ctx, actor, ActionSign, c, scopeOf(actor, c), dutch)
	return "", conflict(fmt.Sprintf("the signing deadline (%s) has passed", d.Date), dutch)
}

// scopeOf is whose data an action on c is in the audit trail: the provider's for its
// users, else the insurer's.
func scopeOf(actor identity.Principal, c *Contract) string {
	if actor.ActsForProvider(c.ProviderID) {
		return c.ProviderID
	}
	return c.Insurer
}

// kvk is the KvK number of the signing organisation: the organisation's own, else for
// the provider side the provider record's.
func signerKvK(actor identity.Principal, c *Contract, side Side) string {
	if actor.Org != nil && actor.Org.KvK != "" {
		return actor.Org.KvK
	}
	if side == ProviderSide {
		return c.Content.Provider.KvK
	}
	return ""
}
