package claims

import (
	"context"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// Options bound what the service accepts.
type Options struct {
	MaxFileBytes int64 // the largest claim file; DefaultMaxFileBytes when 0
	BatchLines   int   // claim lines adjudicated and stored per batch; DefaultBatchLines when 0
	MaxDocument  int64 // the largest document of an authorisation request; DefaultMaxDocument when 0
}

// Defaults of Options.
const (
	DefaultMaxFileBytes = 2 << 30
	DefaultBatchLines   = 5000
	DefaultMaxDocument  = 10 << 20
)

// Lookups are what the service needs of the purchasing round and the contracts, wired by
// internal/app.
type Lookups struct {
	// Purchasing reports whether a purchasing round dossier of the provider with the
	// insurer for the year exists and is not yet signed (purchasing not complete).
	Purchasing func(ctx context.Context, insurer, providerID string, year int) (bool, error)
	// RoundContract returns a signed round contract as an execution contract (agreed
	// price lists as Lines).
	RoundContract func(ctx context.Context, contractID string) (Contract, error)
}

// Service applies the claims rules above a Store. Build it with NewService.
type Service struct {
	store   Store
	lib     *policy.Library
	audit   identity.Auditor
	tx      identity.TxRunner
	now     func() time.Time
	lookups Lookups
	opt     Options
}

// NewService returns the claims service over store, reading policies and the registry
// from lib, recording in trail in one transaction of tx, with now as the clock. It
// panics on a nil dependency.
func NewService(store Store, lib *policy.Library, trail identity.Auditor, tx identity.TxRunner, now func() time.Time, l Lookups, opt Options) *Service {
	identity.Require("claims.NewService", "store", store)
	identity.Require("claims.NewService", "lib", lib)
	identity.Require("claims.NewService", "trail", trail)
	identity.Require("claims.NewService", "tx", tx)
	identity.Require("claims.NewService", "now", now)
	if opt.MaxFileBytes <= 0 {
		opt.MaxFileBytes = DefaultMaxFileBytes
	}
	if opt.BatchLines <= 0 {
		opt.BatchLines = DefaultBatchLines
	}
	if opt.MaxDocument <= 0 {
		opt.MaxDocument = DefaultMaxDocument
	}
	return &Service{store: store, lib: lib, audit: trail, tx: tx, now: now, lookups: l, opt: opt}
}

// SetLookups replaces the other areas' lookups (for wiring after construction).
func (s *Service) SetLookups(l Lookups) { s.lookups = l }

// Options are the service's limits, defaults filled in.
func (s *Service) Options() Options { return s.opt }

func missing(name string) error {
	return &apperr.Error{Code: apperr.Internal, Message: "claims service: the " + name + " lookup is not wired"}
}

func notBuilt(what string) error {
	return &apperr.Error{Code: apperr.Internal, Message: fmt.Sprintf("claims service: %s is not built yet", what)}
}
