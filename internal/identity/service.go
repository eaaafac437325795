package identity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
)

// Limits of logins and secrets.
const (
	SessionTTL  = 12 * time.Hour // a browser session's lifetime
	ResetTTL    = time.Hour      // a password-reset link's lifetime
	APITokenTTL = 365 * 24 * time.Hour
)

// Auditor records state changes; *audit.Log implements it.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// Mailer sends e-mail; internal/mail implements it over SMTP.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Service applies the identity rules above a Store. Build it with NewService: its
// dependencies sit in an unexported struct, so that no caller outside this package can
// make one with a dependency left out (a literal cannot name them).
type Service struct{ deps }

type deps struct {
	Store Store
	Audit Auditor  // never nil: NoAudit in tests of the rules alone
	Tx    TxRunner // makes each change and its audit entry one transaction; never nil
	Now   func() time.Time
	Options
}

// Options are the identity service's optional settings.
type Options struct {
	Mail    Mailer // sends password-reset links; nil: the service sends no e-mail
	BaseURL string // where the web pages are served, for links in e-mail
}

// NewService returns the identity service over store, recording every change in trail in
// one transaction of tx (store.DB implements both Store and TxRunner), with now as the
// clock. It panics on a nil dependency: a service without its audit trail is a wiring
// bug, not a setting (tests of the rules alone pass NoAudit and NoTx).
func NewService(store Store, trail Auditor, tx TxRunner, now func() time.Time, opt Options) *Service {
	Require("identity.NewService", "store", store)
	Require("identity.NewService", "trail", trail)
	Require("identity.NewService", "tx", tx)
	Require("identity.NewService", "now", now)
	return &Service{deps{Store: store, Audit: trail, Tx: tx, Now: now, Options: opt}}
}

// Hide is the error for an object the principal may not see: NotFound, so that its
// existence does not leak.
func Hide(what string) error { return apperr.NotFoundf("%s does not exist", what) }

func forbidden(msg, dutch string) error {
	return &apperr.Error{Code: apperr.Forbidden, Message: msg, Dutch: dutch}
}

// inTx runs fn in one transaction with the store (see TxRunner): a change and its audit
// entry commit or roll back together.
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return InTx(ctx, s.Tx, fn)
}

// record writes an audit entry for a change made by actor.
func (s *Service) record(ctx context.Context, actor Principal, action, subject, scope string, before, after any, reason string, denied bool) error {
	_, err := s.Audit.Record(ctx, audit.Entry{UserID: actor.UserID(), UserName: actor.UserName(), OrgID: actor.OrgID(),
		Action: action, Subject: subject, Scope: scope, Before: audit.JSON(before), After: audit.JSON(after),
		Reason: reason, Denied: denied})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Principal returns the principal of a user, with their organisation.
func (s *Service) Principal(ctx context.Context, u *User) (Principal, error) {
	o, err := s.Store.Organisation(ctx, u.OrgID)
	if err != nil {
		return Anonymous, fmt.Errorf("organisation of user %s: %w", u.ID, err)
	}
	return Principal{User: u, Org: o}, nil
}
