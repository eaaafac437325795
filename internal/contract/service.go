package contract

import (
	"context"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// ProviderReader reads a provider record (provider.Store implements it).
type ProviderReader interface {
	Provider(ctx context.Context, id string) (*provider.Provider, error)
}

// Service applies the contract rules above a Store. Build it with NewService.
type Service struct{ deps }

type deps struct {
	store     Store
	lib       *policy.Library
	providers ProviderReader
	audit     identity.Auditor
	tx        identity.TxRunner
	now       func() time.Time
	lookups   Lookups
}

// NewService returns the contract service over store, reading policies from lib and
// provider records from providers, recording every change in trail in one transaction of
// tx, with now as the clock. l are the other areas' lookups (see Lookups). It panics on a
// nil dependency.
func NewService(store Store, lib *policy.Library, providers ProviderReader, trail identity.Auditor,
	tx identity.TxRunner, now func() time.Time, l Lookups) *Service {
	identity.Require("contract.NewService", "store", store)
	identity.Require("contract.NewService", "lib", lib)
	identity.Require("contract.NewService", "providers", providers)
	identity.Require("contract.NewService", "trail", trail)
	identity.Require("contract.NewService", "tx", tx)
	identity.Require("contract.NewService", "now", now)
	return &Service{deps{store: store, lib: lib, providers: providers, audit: trail, tx: tx, now: now, lookups: l}}
}

// SetLookups replaces the other areas' lookups (for wiring after construction).
func (s *Service) SetLookups(l Lookups) { s.lookups = l }

func missing(name string) error {
	return &apperr.Error{Code: apperr.Internal, Message: "contract service: the " + name + " lookup is not wired"}
}

func (s *Service) dossier(ctx context.Context, id string) (Dossier, error) {
	if s.lookups.Dossier == nil {
		return Dossier{}, missing("dossier")
	}
	return s.lookups.Dossier(ctx, id)
}

func (s *Service) deadline(ctx context.Context, dossierID, step string) (Deadline, bool, error) {
	if s.lookups.Deadline == nil {
		return Deadline{}, false, missing("deadline")
	}
	return s.lookups.Deadline(ctx, dossierID, step)
}

func (s *Service) hook(ctx context.Context, h Hook, dossierID string) error {
	if h == nil {
		return nil
	}
	return h(ctx, dossierID)
}

// record writes an audit entry about a contract.
func (s *Service) record(ctx context.Context, actor identity.Principal, action string, c *Contract, scope string, after any, reason string, denied bool) error {
	return identity.Record(ctx, s.audit, actor, audit.Entry{Action: action, Subject: "contract:" + c.ID,
		Scope: scope, Dossier: c.DossierID, After: audit.JSON(after), Reason: reason, Denied: denied})
}

// denied records a refused attempt in its own transaction; the refusal stands even if
// recording it fails.
func (s *Service) denied(ctx context.Context, actor identity.Principal, action string, c *Contract, scope, reason string) {
	_ = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		return s.record(ctx, actor, action, c, scope, nil, reason, true)
	})
}

func conflict(msg, dutch string) error {
	return &apperr.Error{Code: apperr.Conflict, Message: msg, Dutch: dutch}
}

func invalid(field, msg, dutch string) error {
	return &apperr.Error{Code: apperr.Invalid, Field: field, Message: msg, Dutch: dutch}
}

func hidden(id string) error { return identity.Hide(fmt.Sprintf("contract %q", id)) }
