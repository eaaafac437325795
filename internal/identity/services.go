package identity

// What the other areas' services use to apply the rules: the command line's principal, the
// errors for a refusal, and the audit record of what a principal did.

import (
	"context"
	"fmt"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
)

// SystemUserID names the command line in the audit trail.
const SystemUserID = "system"

// System is the principal of the operator's command line (zorginkoop demo, assess,
// providers import): whoever may run the binary against the database administers the
// platform, so the commands act as the operator's beheerder, explicitly and not by
// skipping the rules. The audit trail names it "opdrachtregel".
func System() Principal {
	return Principal{
		User: &User{ID: SystemUserID, OrgID: OperatorOrgID, Name: "opdrachtregel", Roles: []Role{RoleAdmin}},
		Org:  &Organisation{ID: OperatorOrgID, Kind: Operator, Name: "Platformbeheer"},
	}
}

// Record writes e to the audit trail as done by actor (its user and organisation filled
// in). a is never nil: services are built by their constructors, which refuse a nil
// Auditor (tests of the rules alone pass NoAudit).
func Record(ctx context.Context, a Auditor, actor Principal, e audit.Entry) error {
	e.UserID, e.UserName, e.OrgID = actor.UserID(), actor.UserName(), actor.OrgID()
	if _, err := a.Record(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// TxRunner runs a function in one write transaction, carried in the context it passes:
// every store write made with that context joins it, and so does the audit entry that
// Record appends. It commits when fn returns nil and rolls back when fn returns an error;
// a call inside fn joins the open transaction. store.DB implements it.
type TxRunner interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// InTx runs fn in tx's transaction, so that a change and its audit entry commit or roll
// back together. tx is never nil: the constructors refuse it (tests of the rules alone
// pass NoTx).
func InTx(ctx context.Context, tx TxRunner, fn func(ctx context.Context) error) error {
	return tx.InTx(ctx, fn)
}

// LoginRequired is the error for an anonymous caller asking for something only users may
// see or do (HTTP 401).
func LoginRequired(what string) error {
	return &apperr.Error{Code: apperr.Unauthenticated, Message: "log in to " + what,
		Dutch: "Log in om dit te zien of te doen."}
}

// Deny is the error for a principal who may see the object but not do this with it (HTTP
// 403). For objects of another tenant use Hide.
func Deny(msg, dutch string) error { return forbidden(msg, dutch) }
