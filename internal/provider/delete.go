package provider

import (
	"context"
	"fmt"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// deleteSummary is what the audit trail keeps of a removal: how many were asked for and
// removed, and the ids of a small removal.
type deleteSummary struct {
	Requested int      `json:"requested"`
	Deleted   int      `json:"deleted"`
	IDs       []string `json:"ids,omitempty"`
}

// Delete removes the provider records ids (with their locations, AGB codes and facts) for
// the operator, and returns how many were stored; an id that is not stored is skipped. The
// removal and its audit entry commit together; a refusal is recorded too.
func (s *Service) Delete(ctx context.Context, actor identity.Principal, ids []string) (int, error) {
	if actor.IsAnonymous() {
		return 0, identity.LoginRequired("remove providers")
	}
	subject := "providers"
	if len(ids) == 1 {
		subject = "provider:" + ids[0]
	}
	if !MayDelete(actor) {
		identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionDelete, Subject: subject, Scope: actor.OrgID(),
			Reason: "only the platform operator removes provider records", Denied: true})
		return 0, identity.Deny("only the platform operator removes provider records",
			"Alleen de platformbeheerder verwijdert zorgaanbieders uit het register.")
	}
	if len(ids) == 0 {
		return 0, nil
	}
	var deleted int
	err := identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		n, err := s.Store.DeleteProviders(ctx, ids)
		if err != nil {
			return err
		}
		deleted = n
		sum := deleteSummary{Requested: len(ids), Deleted: n}
		if len(ids) <= maxAuditIDs {
			sum.IDs = ids
		}
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionDelete, Subject: subject, Scope: actor.OrgID(),
			After: audit.JSON(sum)})
	})
	if err != nil {
		return 0, fmt.Errorf("remove providers: %w", err)
	}
	return deleted, nil
}
