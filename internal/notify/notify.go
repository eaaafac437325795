// Package notify tells the parties of a dossier what happened and what is due: a notice in
// the in-app inbox of each addressee organisation and an e-mail to its users, written in
// the transaction of the change it reports and e-mailed after that commits (an outbox).
// A notice's key makes it idempotent: a key already sent is not sent again. It also writes
// the iCalendar feed of deadlines (ics.go).
package notify

import (
	"context"
	"time"

	"zorginkoop/internal/identity"
)

// Kind is what a notice is about.
type Kind string

const (
	KindInvitation            Kind = "invitation"             // startbrief / inkoopbrief
	KindQuestionnaireReceived Kind = "questionnaire_received" // uitvraag ingediend
	KindDecision              Kind = "decision"               // besluit per onderdeel
	KindOffer                 Kind = "offer"                  // contractaanbod
	KindCounterProposal       Kind = "counter_proposal"       // tegenvoorstel op de prijslijst
	KindAccepted              Kind = "accepted"               // prijslijst akkoord
	KindDeadlineApproaching   Kind = "deadline_approaching"   // herinnering
	KindSigned                Kind = "signed"                 // contract ondertekend
	KindPublished             Kind = "published"              // contract gepubliceerd
)

// Kinds are the kinds of notice, in the order of a round.
var Kinds = []Kind{KindInvitation, KindQuestionnaireReceived, KindDecision, KindOffer, KindCounterProposal,
	KindAccepted, KindDeadlineApproaching, KindSigned, KindPublished}

// Party is an addressee by the party it works for: the organisations acting for the
// insurer (its own and purchasing parties buying for it), or managing the provider record.
// Exactly one of Insurer and ProviderID is set. Roles select who of their users get the
// e-mail (all active users when empty); every such organisation gets the inbox notice.
type Party struct {
	Insurer    string
	ProviderID string
	Roles      []identity.Role
}

// Notice is one message to the parties of a dossier.
type Notice struct {
	Kind Kind
	// Key makes the notice idempotent: a notice whose key was sent before is not sent
	// again (e.g. "offer:dos-…:1", "reminder:dos-…:sign:7"). Required.
	Key       string
	DossierID string
	// OrgID addresses one organisation (all its active users get the e-mail); To
	// addresses parties. At least one addressee is required.
	OrgID string
	To    []Party
	// Subject and Body (plain Dutch text) are the Kind's template filled with Topic and
	// Detail when empty.
	Subject string
	Body    string
	Topic   string // what it is about, e.g. "Caresq ZBC 2026 – Kliniek Zonnehof"
	Detail  string // a further sentence for the template, e.g. the deadline
	// Link is the path of the dossier's page (/dossiers/{id} when empty), made absolute
	// with the base URL in the e-mail.
	Link string
}

// Item is a notice in an organisation's inbox.
type Item struct {
	ID        string    `json:"id"`
	Kind      Kind      `json:"kind"`
	DossierID string    `json:"dossier_id"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	Link      string    `json:"link"`
	CreatedAt time.Time `json:"created_at"`
	ReadAt    time.Time `json:"read_at,omitzero"`
}

// Read reports whether the organisation has read the notice.
func (i Item) Read() bool { return !i.ReadAt.IsZero() }

// Inbox is one page of an organisation's notices, newest first.
type Inbox struct {
	Items  []Item `json:"items"`
	Total  int    `json:"total"`
	Unread int    `json:"unread"`
}

// Page selects part of the inbox.
type Page struct {
	Offset int
	Limit  int // DefaultPageSize when 0; at most MaxPageSize
}

// Listing sizes.
const (
	DefaultPageSize = 25
	MaxPageSize     = 200
)

// Stored is a notice as stored, before its inbox and outbox rows.
type Stored struct {
	ID        string
	Key       string
	Kind      Kind
	DossierID string
	Subject   string
	Body      string
	Link      string
	CreatedAt time.Time
}

// Mail is an e-mail in the outbox.
type Mail struct {
	ID       string
	NoticeID string
	To       string
	Subject  string
	Body     string
	Attempts int
}

// Store keeps notices, inboxes and the outbox. Implementations: store/sqlstore.
type Store interface {
	// PartyOrganisations returns the ids of the organisations acting for the insurer
	// (kinds insurer and purchaser) when insurer is set, or managing the provider record.
	PartyOrganisations(ctx context.Context, insurer, providerID string) ([]string, error)
	// Users lists the users of an organisation (identity.Store's).
	Users(ctx context.Context, orgID string) ([]identity.User, error)
	// AddNotice stores the notice, an inbox row for each of orgs and the mails, in the
	// context's transaction (or one of its own); false, storing nothing, when a notice
	// with its key exists.
	AddNotice(ctx context.Context, n Stored, orgs []string, mails []Mail) (bool, error)
	// Inbox returns a page of the organisation's notices, newest first, how many it has
	// and how many of them are unread.
	Inbox(ctx context.Context, orgID string, offset, limit int) ([]Item, int, int, error)
	// MarkNoticeRead marks the organisation's notice read at at (kept when read before),
	// or returns apperr NotFound when the organisation has no such notice.
	MarkNoticeRead(ctx context.Context, orgID, noticeID string, at time.Time) error
	// DueMail returns up to limit unsent mails due at now (not given up, not claimed by a
	// sender at now), oldest first.
	DueMail(ctx context.Context, now time.Time, limit int) ([]Mail, error)
	// ClaimMail claims an unsent mail for a sender until until; false when it was sent or
	// another sender holds it.
	ClaimMail(ctx context.Context, id string, now, until time.Time) (bool, error)
	// MailSent marks a mail sent.
	MailSent(ctx context.Context, id string, at time.Time) error
	// MailFailed records a failed attempt: attempts made, the next try at next (zero:
	// given up) and the error; it releases the claim.
	MailFailed(ctx context.Context, id string, attempts int, next time.Time, msg string) error
}

// Mailer sends one e-mail: internal/mail (identity.Mailer).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}
