// Package contract turns an agreed dossier into a contract: a document per contract form
// of the policy (PDF and xlsx) with the agreed parts and price lists, the signatures of
// both parties (the provider's tekenbevoegde first, then the insurer's contractbeheerder)
// within the policy's signing deadline, and its publication on the policy's publication
// date as public data without prices.
package contract

import (
	"context"
	"time"

	"zorginkoop/internal/policy"
)

// Status is where a contract is between generation and publication.
type Status string

const (
	AwaitingSignatures Status = "awaiting_signatures" // generated, nobody signed yet
	ProviderSigned     Status = "provider_signed"     // the provider signed, the insurer not yet
	Signed             Status = "signed"              // both parties signed
	Published          Status = "published"           // published on the publication date
)

// Side is a party of a contract that signs it.
type Side string

const (
	ProviderSide Side = "provider"
	InsurerSide  Side = "insurer"
)

// Contract is the contract of one dossier: its current version and its signatures.
type Contract struct {
	ID         string `json:"id"`
	DossierID  string `json:"dossier_id"`
	RoundID    string `json:"round_id"`
	PolicyID   string `json:"policy_id"`
	Year       int    `json:"year"`
	Insurer    string `json:"insurer"`
	ProviderID string `json:"provider_id"`
	Status     Status `json:"status"`
	Version    int    `json:"version"` // the current version, 1 for the first
	// ContentSHA256 is the SHA-256 of the canonical JSON of the content (terms, parts,
	// price lists): printed on every page of the PDF.
	ContentSHA256 string `json:"content_sha256"`
	// DocumentSHA256 is the SHA-256 of the PDF bytes: what a signatory signs.
	DocumentSHA256 string      `json:"document_sha256"`
	Content        Content     `json:"content"`
	Signatures     []Signature `json:"signatures"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

// Signature returns the signature of side, if any.
func (c *Contract) Signature(side Side) (Signature, bool) {
	for _, s := range c.Signatures {
		if s.Side == side {
			return s, true
		}
	}
	return Signature{}, false
}

// Content is what the contract says: the parties, the policy, the terms of its contract
// forms and the agreed parts with their price lists. Its canonical JSON is hashed.
type Content struct {
	ContractID   string     `json:"contract_id"`
	DossierID    string     `json:"dossier_id"`
	PolicyID     string     `json:"policy_id"`
	PolicyTitle  string     `json:"policy_title"`
	Year         int        `json:"year"`
	Years        []int      `json:"years"` // the contract years (more than one: multi-year)
	Insurer      Party      `json:"insurer"`
	Provider     Party      `json:"provider"`
	Terms        []Term     `json:"terms"`
	Parts        []PartTerm `json:"parts"`
	TotalCents   int64      `json:"total_cents"`   // Σ tariff × volume over every part
	CeilingCents int64      `json:"ceiling_cents"` // Σ the lines' ceilings (0: none agreed)
	Date         string     `json:"date"`          // the generation date, YYYY-MM-DD in Amsterdam
}

// Party is a contracting party as the contract names it.
type Party struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	KvK  string   `json:"kvk,omitempty"`
	AGB  []string `json:"agb,omitempty"`
}

// Term is one contract form of the policy, in the policy's wording, as the contract
// states it.
type Term struct {
	FormID               string     `json:"form_id"`
	Kind                 string     `json:"kind"`
	Title                string     `json:"title"`
	Text                 string     `json:"text"`
	Source               string     `json:"source,omitempty"`
	RevenueCeiling       string     `json:"revenue_ceiling"` // ja / nee / niet genoemd in het beleid
	KeepDelivering       string     `json:"keep_delivering"`
	SettlementAfterwards string     `json:"settlement_afterwards"`
	MaxYears             int        `json:"max_years,omitempty"`
	Categories           []Category `json:"categories,omitempty"`
}

// Category is a category of the revenue ceiling (CZ) as the contract states it.
type Category struct {
	Number          int    `json:"number"`
	Title           string `json:"title"`
	Substitution    string `json:"substitution,omitempty"`
	MarginPercent   int    `json:"margin_percent,omitempty"`
	SettlementYears int    `json:"settlement_years,omitempty"`
	Text            string `json:"text,omitempty"`
}

// PartTerm is an agreed part (the base contract first) with its price list.
type PartTerm struct {
	ID           string      `json:"id"`
	Title        string      `json:"title"`
	Text         string      `json:"text,omitempty"`
	Addendum     string      `json:"addendum,omitempty"` // the title of the agreement this part is an addendum to
	Lines        []PriceLine `json:"lines"`
	TotalCents   int64       `json:"total_cents"`
	CeilingCents int64       `json:"ceiling_cents"`
}

// PriceLine is a line of an agreed price list.
type PriceLine struct {
	Code         string `json:"code"`
	Description  string `json:"description"`
	TariffCents  int64  `json:"tariff_cents"`
	Volume       int    `json:"volume"`
	Category     int    `json:"category,omitempty"` // the ceiling category (CZ), 0: none
	CeilingCents int64  `json:"ceiling_cents,omitempty"`
}

// AmountCents is tariff × volume.
func (l PriceLine) AmountCents() int64 { return l.TariffCents * int64(l.Volume) }

// Signature is one party's signature of one version of the contract.
type Signature struct {
	Side           Side      `json:"side"`
	Version        int       `json:"version"`
	UserID         string    `json:"user_id"`
	UserName       string    `json:"user_name"`
	OrgID          string    `json:"org_id"`
	KvK            string    `json:"kvk"`
	DocumentSHA256 string    `json:"document_sha256"`
	SignedAt       time.Time `json:"signed_at"`
}

// Version is one generated version of a contract's documents.
type Version struct {
	Version        int
	Content        []byte // the canonical JSON of Content
	ContentSHA256  string
	PDF            []byte
	DocumentSHA256 string // of PDF
	XLSX           []byte
	CreatedAt      time.Time
	CreatedBy      string
}

// PublishedContract is a published contract: public data without prices, for the
// provider finder and open data.
type PublishedContract struct {
	ContractID   string     `json:"contract_id"`
	Insurer      string     `json:"insurer"`
	Labels       []string   `json:"labels"`
	PolicyTypes  []string   `json:"policy_types"`
	PolicyID     string     `json:"policy_id"`
	Parts        []string   `json:"parts"`
	ProviderID   string     `json:"provider_id"`
	ProviderName string     `json:"provider_name"`
	Locations    []Location `json:"locations"`
	Years        []int      `json:"years"`
	PublishedAt  time.Time  `json:"published_at"`
}

// Location is a place where a contracted provider delivers care.
type Location struct {
	Name     string `json:"name"`
	Street   string `json:"street"`
	Postcode string `json:"postcode"`
	City     string `json:"city"`
}

// PublishedFilter selects published contracts; empty fields select all.
type PublishedFilter struct {
	Insurer    string
	PolicyID   string
	ProviderID string
	Year       int
}

// Page is a page of a list: at most Limit (1..MaxPage; 0 is DefaultPage) from Offset.
type Page struct {
	Offset int
	Limit  int
}

// Page sizes.
const (
	DefaultPage = 50
	MaxPage     = 500
)

// Dossier is what this area needs of a dossier of the round.
type Dossier struct {
	ID         string
	RoundID    string
	PolicyID   string
	Year       int
	Insurer    string
	ProviderID string
	Parts      []string // the accepted parts, the base contract id first
	Stage      string
}

// Deadline is a deadline of a dossier: a civil date that ends at 23:59:59 in Amsterdam.
type Deadline struct {
	What string
	Date policy.Date
	Hard bool
}

// Passed reports whether now is after the deadline's last second.
func (d Deadline) Passed(now time.Time) bool { return !now.Before(d.Date.Over()) }

// The lookups of other areas the service needs, wired by the lead (app.New).
type (
	// DossierLookup returns a dossier of the round, or an apperr NotFound error.
	DossierLookup func(ctx context.Context, id string) (Dossier, error)
	// PriceListLookup returns the agreed price list of a part of a dossier.
	PriceListLookup func(ctx context.Context, dossierID, part string) ([]PriceLine, error)
	// DeadlineLookup returns the deadline of a step of a dossier ("signing",
	// "publication"), and false when the dossier has none.
	DeadlineLookup func(ctx context.Context, dossierID, step string) (Deadline, bool, error)
	// Hook reports a change of a dossier's stage; called inside the transaction of the change.
	Hook func(ctx context.Context, dossierID string) error
)

// The steps of the round this area asks deadlines for.
const (
	StepSigning     = "signing"
	StepPublication = "publication"
)

// Lookups are the functions of other areas the service calls. A nil lookup makes the
// operation that needs it fail with an Internal error; nil hooks are skipped.
type Lookups struct {
	Dossier     DossierLookup
	PriceList   PriceListLookup
	Deadline    DeadlineLookup
	OnSigned    Hook // both parties signed: the dossier's stage becomes signed
	OnPublished Hook // published: the dossier's stage becomes published
}
