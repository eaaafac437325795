package claims

import (
	"context"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
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

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// record writes an audit entry.
func (s *Service) record(ctx context.Context, actor identity.Principal, action, subject, scope string, after any, reason string, denied bool) error {
	return identity.Record(ctx, s.audit, actor, audit.Entry{Action: action, Subject: subject, Scope: scope,
		After: audit.JSON(after), Reason: reason, Denied: denied})
}

// denied records a refused attempt in its own transaction; the refusal stands even if
// recording it fails.
func (s *Service) denied(ctx context.Context, actor identity.Principal, action, subject, scope, reason string) {
	_ = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		return s.record(ctx, actor, action, subject, scope, nil, reason, true)
	})
}

// refuse is the refusal of what actor may not do: Forbidden (audited) when actor is of
// the insurer or provider, else NotFound naming what.
func (s *Service) refuse(ctx context.Context, actor identity.Principal, insurer, providerID, action, subject, what, msg, dutch string) error {
	if !isParty(actor, insurer, providerID) {
		return identity.Hide(what)
	}
	scope := insurer
	if providerID != "" && actor.ActsForProvider(providerID) {
		scope = providerID
	}
	s.denied(ctx, actor, action, subject, scope, dutch)
	return identity.Deny(msg, dutch)
}

func invalid(field, msg, dutch string) error {
	return &apperr.Error{Code: apperr.Invalid, Field: field, Message: msg, Dutch: dutch}
}

func conflict(msg, dutch string) error {
	return &apperr.Error{Code: apperr.Conflict, Message: msg, Dutch: dutch}
}

// normal bounds a page.
func (p Page) normal() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPage
	}
	if p.Limit > MaxPage {
		p.Limit = MaxPage
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// today is the clock's civil date in Amsterdam.
func (s *Service) today() Day { return DayOf(s.now().In(nl.Amsterdam)) }
