package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// Options are the notice service's settings beyond its dependencies.
type Options struct {
	// BaseURL is where the web pages are served (https://zorginkoop.example/), to make a
	// notice's link absolute in its e-mail.
	BaseURL string
	// MaxAttempts is how often an e-mail is tried before it is given up (DefaultMaxAttempts
	// when 0).
	MaxAttempts int
	// Backoff is the wait after the first failed attempt, doubled after each further one
	// up to MaxBackoff (a minute when 0).
	Backoff time.Duration
	// Lease is how long a sender holds a mail it is sending (five minutes when 0): another
	// instance does not send it meanwhile.
	Lease time.Duration
	// Batch is the most mails one Deliver sends (100 when 0).
	Batch int
}

// Defaults of Options.
const (
	DefaultMaxAttempts = 8
	MaxBackoff         = 6 * time.Hour
)

// Service sends notices and reads inboxes. Build it with NewService.
type Service struct {
	store Store
	audit identity.Auditor
	tx    identity.TxRunner
	mail  Mailer
	now   func() time.Time
	opt   Options
}

// NewService returns the notice service. mail may be nil (no mail server configured):
// Deliver then leaves the e-mail queued.
func NewService(store Store, a identity.Auditor, tx identity.TxRunner, mail Mailer, now func() time.Time, opt Options) *Service {
	identity.Require("notify.NewService", "store", store)
	identity.Require("notify.NewService", "audit", a)
	identity.Require("notify.NewService", "tx", tx)
	identity.Require("notify.NewService", "now", now)
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = DefaultMaxAttempts
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Minute
	}
	if opt.Lease <= 0 {
		opt.Lease = 5 * time.Minute
	}
	if opt.Batch <= 0 {
		opt.Batch = 100
	}
	if isNilMailer(mail) {
		mail = nil
	}
	return &Service{store: store, audit: a, tx: tx, mail: mail, now: now, opt: opt}
}

// isNilMailer reports a nil mailer, also a nil pointer in the interface (an unset
// *mail.SMTP).
func isNilMailer(m Mailer) bool {
	if m == nil {
		return true
	}
	rv := reflect.ValueOf(m)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// Send stores the notice in the inbox of each addressee organisation and queues its
// e-mail to their users, in the context's transaction when it carries one (so that the
// notice commits or rolls back with the change it reports), else in one of its own. A
// notice whose Key was sent before is not sent again. A notice to a party with no
// organisation on the platform stores nothing.
func (s *Service) Send(ctx context.Context, n Notice) error {
	_, err := s.send(ctx, n)
	return err
}

// send is Send, reporting whether the notice was stored (false: its key was sent before,
// or there was nobody to send it to).
func (s *Service) send(ctx context.Context, n Notice) (bool, error) {
	if err := validate(n); err != nil {
		return false, err
	}
	fill(&n)
	orgs, addresses, err := s.recipients(ctx, n)
	if err != nil || len(orgs) == 0 {
		return false, err
	}
	stored := Stored{ID: newID("ntc-"), Key: n.Key, Kind: n.Kind, DossierID: n.DossierID, Subject: n.Subject,
		Body: n.Body, Link: n.Link, CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	body := mailBody(n, s.opt.BaseURL)
	mails := make([]Mail, len(addresses))
	for i, a := range addresses {
		mails[i] = Mail{ID: newID("mail-"), NoticeID: stored.ID, To: a, Subject: n.Subject, Body: body}
	}
	var added bool
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		added, err = s.store.AddNotice(ctx, stored, orgs, mails)
		return err
	})
	return added, err
}

func validate(n Notice) error {
	switch {
	case !slices.Contains(Kinds, n.Kind):
		return apperr.Invalidf("kind", "unknown kind of notice %q", n.Kind)
	case strings.TrimSpace(n.Key) == "":
		return apperr.Invalidf("key", "a notice needs a key, which makes it idempotent")
	case n.OrgID == "" && len(n.To) == 0:
		return apperr.Invalidf("to", "a notice needs an addressee: an organisation or a party")
	}
	for i, p := range n.To {
		if (p.Insurer == "") == (p.ProviderID == "") {
			return apperr.Invalidf(fmt.Sprintf("to[%d]", i), "a party is an insurer or a provider record, exactly one of them")
		}
	}
	return nil
}

// recipients returns the addressee organisations and the e-mail addresses of their active
// users in the roles asked, each once.
func (s *Service) recipients(ctx context.Context, n Notice) ([]string, []string, error) {
	type target struct {
		org   string
		roles []identity.Role
	}
	var targets []target
	if n.OrgID != "" {
		targets = append(targets, target{org: n.OrgID})
	}
	for _, p := range n.To {
		ids, err := s.store.PartyOrganisations(ctx, p.Insurer, p.ProviderID)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range ids {
			targets = append(targets, target{org: id, roles: p.Roles})
		}
	}
	var orgs, addresses []string
	for _, t := range targets {
		if !slices.Contains(orgs, t.org) {
			orgs = append(orgs, t.org)
		}
		users, err := s.store.Users(ctx, t.org)
		if err != nil {
			return nil, nil, err
		}
		for _, u := range users {
			a := identity.NormalizeEmail(u.Email)
			if u.Disabled || a == "" || len(t.roles) > 0 && !u.HasRole(t.roles...) || slices.Contains(addresses, a) {
				continue
			}
			addresses = append(addresses, a)
		}
	}
	return orgs, addresses, nil
}

func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Inbox returns a page of the notices of p's organisation, newest first, with the number
// unread. Only the addressee organisation sees a notice.
func (s *Service) Inbox(ctx context.Context, p identity.Principal, page Page) (Inbox, error) {
	if p.IsAnonymous() {
		return Inbox{}, identity.LoginRequired("read your notices")
	}
	if page.Offset < 0 {
		page.Offset = 0
	}
	if page.Limit <= 0 {
		page.Limit = DefaultPageSize
	}
	page.Limit = min(page.Limit, MaxPageSize)
	items, total, unread, err := s.store.Inbox(ctx, p.OrgID(), page.Offset, page.Limit)
	if err != nil {
		return Inbox{}, err
	}
	return Inbox{Items: items, Total: total, Unread: unread}, nil
}

// MarkRead marks a notice of p's organisation read. Another organisation's notice does not
// exist for p.
func (s *Service) MarkRead(ctx context.Context, p identity.Principal, id string) error {
	if p.IsAnonymous() {
		return identity.LoginRequired("read your notices")
	}
	err := s.store.MarkNoticeRead(ctx, p.OrgID(), id, s.now().UTC().Truncate(time.Microsecond))
	if apperr.CodeOf(err) == apperr.NotFound {
		return &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("notice %s does not exist", id),
			Dutch: "Dit bericht bestaat niet."}
	}
	return err
}
