package round

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Store keeps rounds, dossiers and deadline extensions. Reads of a dossier inside the
// context's write transaction read there and lock the row until it ends.
type Store interface {
	// CreateRound stores a new round; apperr Conflict when its id exists.
	CreateRound(ctx context.Context, r *Round) error
	// Round returns a round, or apperr NotFound.
	Round(ctx context.Context, id string) (*Round, error)
	// CreateDossier stores a new dossier; apperr Conflict when the round has one for the
	// provider already.
	CreateDossier(ctx context.Context, d *Dossier) error
	// Dossier returns a dossier, or apperr NotFound.
	Dossier(ctx context.Context, id string) (*Dossier, error)
	// DossierOf returns the provider's dossier in a round, or apperr NotFound.
	DossierOf(ctx context.Context, roundID, providerID string) (*Dossier, error)
	// UpdateDossier writes d when its stored version is version, and stores d.Version;
	// apperr Conflict when it changed meanwhile.
	UpdateDossier(ctx context.Context, d *Dossier, version int) error
	// Dossiers lists the dossiers f selects, ordered by creation, and the total.
	Dossiers(ctx context.Context, f Filter) ([]Dossier, int, error)
	// OpenDossiers returns up to limit dossiers in an open stage with an id after after,
	// ordered by id (keyset paging).
	OpenDossiers(ctx context.Context, after string, limit int) ([]Dossier, error)
	// StageCounts counts the dossiers of a round per stage.
	StageCounts(ctx context.Context, roundID string) (map[Stage]int, error)
	// SaveExtension stores the extension of a step for one dossier, or for the whole
	// round when dossierID is "", replacing an earlier one.
	SaveExtension(ctx context.Context, roundID, dossierID string, step policy.Step, e Extension) error
	// Extensions returns a round's extensions: per dossier id ("" for the whole round)
	// per step.
	Extensions(ctx context.Context, roundID string) (map[string]map[policy.Step]Extension, error)
}

// Providers is what the round reads of the provider register (provider.Store).
type Providers interface {
	Provider(ctx context.Context, id string) (*provider.Provider, error)
	EachProvider(ctx context.Context, sel provider.Selection, fn func(*provider.Provider) error) error
}

// Filter selects dossiers.
type Filter struct {
	RoundID     string
	ProviderIDs []string // when set, only these providers' dossiers
	Stage       Stage    // "" for every stage
	Limit       int
	Offset      int
}

// Page limits a list.
type Page struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// MaxPage is the largest page of a list; DefaultPage the page when none is asked.
const (
	MaxPage     = 200
	DefaultPage = 50
)

func (p Page) normal() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPage
	}
	p.Limit = min(p.Limit, MaxPage)
	p.Offset = max(p.Offset, 0)
	return p
}

// Hooks are called inside the transaction of the change they report, so a notification
// or a price-list proposal commits with it or not at all. A nil hook does nothing. The
// lead wires them (notifications, price lists).
type Hooks struct {
	OnInvited  func(ctx context.Context, dossierID string) error
	OnApplied  func(ctx context.Context, dossierID string) error
	OnDecided  func(ctx context.Context, dossierID, part string, outcome Outcome) error
	OnOffered  func(ctx context.Context, dossierID string, parts []string) error
	OnQuoted   func(ctx context.Context, dossierID string) error
	OnExtended func(ctx context.Context, roundID, dossierID string, step policy.Step) error
	OnStage    func(ctx context.Context, dossierID string, stage Stage) error
}

// Service holds the rules of the round. Build it with NewService; set Hooks before use.
type Service struct {
	deps
	Hooks Hooks
}

type deps struct {
	Library   *policy.Library
	Store     Store
	Providers Providers
	Audit     identity.Auditor
	Tx        identity.TxRunner
	Now       func() time.Time
}

// NewService returns the round service over store, reading providers, recording in trail
// in one transaction of tx per change, with now as the clock.
func NewService(lib *policy.Library, store Store, providers Providers, trail identity.Auditor, tx identity.TxRunner, now func() time.Time) *Service {
	identity.Require("round.NewService", "lib", lib)
	identity.Require("round.NewService", "store", store)
	identity.Require("round.NewService", "providers", providers)
	identity.Require("round.NewService", "trail", trail)
	identity.Require("round.NewService", "tx", tx)
	identity.Require("round.NewService", "now", now)
	return &Service{deps: deps{Library: lib, Store: store, Providers: providers, Audit: trail, Tx: tx, Now: now}}
}

// record writes an audit entry for a dossier (or a round, dossier "").
func (s *Service) record(ctx context.Context, actor identity.Principal, action, subject, scope, dossier string, before, after any, reason string, denied bool) error {
	_, err := s.Audit.Record(ctx, audit.Entry{UserID: actor.UserID(), UserName: actor.UserName(), OrgID: actor.OrgID(),
		Action: action, Subject: subject, Scope: scope, Dossier: dossier, Before: audit.JSON(before), After: audit.JSON(after),
		Reason: reason, Denied: denied})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// refuse records a refused action of consequence (outside any transaction: the refusal
// changes nothing else) and returns err.
func (s *Service) refuse(ctx context.Context, actor identity.Principal, action, subject, scope, dossier string, err error) error {
	reason := err.Error()
	if e, ok := err.(*apperr.Error); ok && e.Dutch != "" {
		reason = e.Dutch
	}
	if rerr := s.record(ctx, actor, action, subject, scope, dossier, nil, nil, reason, true); rerr != nil {
		return rerr
	}
	return err
}

// policy returns a published policy, or NotFound.
func (s *Service) policy(id string) (*policy.Compiled, error) {
	c, err := s.Library.Policy(id)
	if err != nil || c.Status != policy.Published {
		return nil, apperr.NotFoundf("policy %q does not exist", id)
	}
	return c, nil
}

// call runs a hook when it is set.
func call(h func() error, set bool) error {
	if !set {
		return nil
	}
	return h()
}

func newDossierID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "dos-" + hex.EncodeToString(b)
}

func subject(d *Dossier) string { return "dossier:" + d.ID }

// save writes d after a change from version, with its audit entry, in the caller's
// transaction.
func (s *Service) save(ctx context.Context, actor identity.Principal, action string, before, d *Dossier, reason string) error {
	version := d.Version
	d.Version++
	d.UpdatedAt = s.Now().UTC()
	if err := s.Store.UpdateDossier(ctx, d, version); err != nil {
		return err
	}
	return s.record(ctx, actor, action, subject(d), d.Insurer, d.ID, brief(before), brief(d), reason, false)
}

// brief is what the audit trail keeps of a dossier.
func brief(d *Dossier) any {
	if d == nil {
		return nil
	}
	return struct {
		Stage  Stage         `json:"stage"`
		Kind   Kind          `json:"kind"`
		Parts  []DossierPart `json:"parts"`
		Quote  *Quote        `json:"quote,omitempty"`
		Starts string        `json:"starts,omitempty"`
		Note   string        `json:"note,omitempty"`
	}{d.Stage, d.Kind, d.Parts, d.Quote, d.Starts.String(), d.Note}
}

func clone(d *Dossier) *Dossier {
	c := *d
	c.Parts = make([]DossierPart, len(d.Parts))
	for i, p := range d.Parts {
		c.Parts[i] = p
		if p.Decision != nil {
			dc := *p.Decision
			c.Parts[i].Decision = &dc
		}
		if p.OfferSent != nil {
			oc := *p.OfferSent
			c.Parts[i].OfferSent = &oc
		}
	}
	if d.Quote != nil {
		q := *d.Quote
		c.Quote = &q
	}
	return &c
}
