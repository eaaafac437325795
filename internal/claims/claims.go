// Package claims executes contracts through claims (declaraties): execution contracts
// (published round contracts and imported existing ones, each with its price list),
// the insured persons an insurer keeps for adjudication, authorisations and prior
// approvals decided by the medisch adviseur, the intake of Vektis ZH308 files
// (internal/claims/vektis), the adjudication of every claim line against the contract,
// the policy's claim rules and the insured person's coverage, and the return
// information per file. The reason codes are documented in docs/claims.md.
package claims

import (
	"fmt"
	"time"
)

// Day is a civil date as YYYYMMDD (20250314), the form of the Vektis date fields:
// compact and comparable without parsing on the hot path. 0 is no date.
type Day int32

// String is the date as YYYY-MM-DD, "" for no date.
func (d Day) String() string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}

// Year is the date's year.
func (d Day) Year() int { return int(d / 10000) }

// DayOf is the civil date of t in t's location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day(y*10000 + int(m)*100 + d)
}

// Outcome is what adjudication decided for a claim line.
type Outcome string

const (
	Approved Outcome = "approved" // goedgekeurd: paid at the contracted price (or the claimed amount when lower)
	Reduced  Outcome = "reduced"  // verlaagd: paid at a lower amount, with the reason
	Rejected Outcome = "rejected" // afgewezen: not paid, with the reason
	Held     Outcome = "held"     // aangehouden: waits for an event (the contract's signing), then adjudicated again
)

// Outcomes in the order the pages and returns show them.
var Outcomes = []Outcome{Approved, Reduced, Rejected, Held}

// Reason is a reason code of an adjudicated line, documented in docs/claims.md. The
// first letter is the outcome's Dutch initial: G goedgekeurd, V verlaagd, A afgewezen,
// H aangehouden.
type Reason string

const (
	ReasonContracted      Reason = "G01" // approved at the contracted tariff
	ReasonBelowContract   Reason = "G02" // approved at the claimed amount, below the contracted tariff
	ReasonPolicyCover     Reason = "G03" // non-contracted care paid in full under the policy type (restitutie: 100%)
	ReasonNonContracted   Reason = "V01" // non-contracted care under a natura policy: the insurer's percentage
	ReasonAboveContract   Reason = "V02" // claimed above the contracted tariff: reduced to the tariff
	ReasonNoContractPart  Reason = "A01" // the provider has a contract, but not for the part of this product
	ReasonNoAuthorisation Reason = "A02" // no valid authorisation (machtiging) on the date
	ReasonNoApproval      Reason = "A03" // no prior written approval (toestemming) on the date
	ReasonNotInsured      Reason = "A04" // not insured with the insurer on the date
	ReasonDuplicate       Reason = "A05" // the same line was claimed before
	ReasonNotInPriceList  Reason = "A06" // the product is not in the agreed price list
	ReasonInvalidBSN      Reason = "A07" // the BSN fails the eleven test
	ReasonWrongInsurer    Reason = "A08" // the UZOVI number is not a label of the receiving insurer
	ReasonUnknownCode     Reason = "A09" // an unknown code (code list, declaration code, zorgtype, ...)
	ReasonBadDates        Reason = "A10" // end before begin, in the future, or outside the file's period
	ReasonUnknownCredit   Reason = "A11" // a credit line whose original line is unknown
	ReasonPurchasingOpen  Reason = "H01" // a.s.r.: purchasing with this provider is not complete
	ReasonNoPercentage    Reason = "H02" // the insurer has set no percentage for non-contracted care under this policy type
)

// Source of an execution contract.
type Source string

const (
	FromRound  Source = "round"  // a signed contract of the purchasing round
	FromImport Source = "import" // an existing contract imported by the insurer
)

// Contract is a contract as claims execute it: the parties, the years, the agreed parts
// and the price list. A round contract's id is its contract id; an imported one's is
// "imp-" + insurer + "-" + its reference.
type Contract struct {
	ID         string      `json:"id"`
	Source     Source      `json:"source"`
	Reference  string      `json:"reference"` // the insurer's contract number (import), the contract id (round)
	Insurer    string      `json:"insurer"`
	ProviderID string      `json:"provider_id"`
	PolicyID   string      `json:"policy_id"` // the purchasing policy the contract follows ("" for an import that names none)
	From       Day         `json:"from"`      // first day covered
	To         Day         `json:"to"`        // last day covered
	Parts      []string    `json:"parts"`     // the agreed parts, the base contract first
	Signed     bool        `json:"signed"`    // both parties signed (an import is signed)
	Lines      []PriceLine `json:"lines,omitempty"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// Covers reports whether the contract covers day d.
func (c *Contract) Covers(d Day) bool { return d >= c.From && d <= c.To }

// PriceLine is a line of an execution contract's price list.
type PriceLine struct {
	Part        string `json:"part"`
	Code        string `json:"code"` // the zorgproduct or declaratiecode as claimed
	Description string `json:"description,omitempty"`
	TariffCents int64  `json:"tariff_cents"`
	Volume      int    `json:"volume"`             // the agreed volume
	Category    int    `json:"category,omitempty"` // the ceiling category (CZ), 0: none
	Group       string `json:"group,omitempty"`    // the product group, for supplementary cover
	// ApprovalRequired marks a product that needs the insurer's prior written approval
	// per indication (Z&Z: new add-on drugs and new indications).
	ApprovalRequired bool `json:"approval_required,omitempty"`
}

// Insured is one coverage period of an insured person: what adjudication needs and
// nothing more. The BSN is kept only because the claim carries it.
type Insured struct {
	Insurer       string   `json:"insurer"`
	PolicyNumber  string   `json:"policy_number"` // verzekerdennummer
	BSN           string   `json:"bsn"`
	Label         string   `json:"label"`
	PolicyType    string   `json:"policy_type"` // natura, natura-select, restitutie, combinatie
	From          Day      `json:"from"`
	To            Day      `json:"to"`                      // 0: open-ended
	Supplementary []string `json:"supplementary,omitempty"` // product groups covered by supplementary insurance
}

// Covers reports whether the period covers day d.
func (p *Insured) Covers(d Day) bool { return d >= p.From && (p.To == 0 || d <= p.To) }

// AuthKind is the kind of an authorisation.
type AuthKind string

const (
	Machtiging  AuthKind = "machtiging"  // prior authorisation for a treatment (Caresq: MSR follow-up DBC)
	Toestemming AuthKind = "toestemming" // prior written approval of a product per indication (Z&Z: new add-on drugs)
)

// AuthStatus is where an authorisation stands.
type AuthStatus string

const (
	Requested AuthStatus = "requested"
	Granted   AuthStatus = "granted"
	Refused   AuthStatus = "refused"
)

// Authorisation is a request by a provider on behalf of an insured person and the
// medisch adviseur's decision.
type Authorisation struct {
	ID          string     `json:"id"`
	Insurer     string     `json:"insurer"`
	ProviderID  string     `json:"provider_id"`
	BSN         string     `json:"bsn"`
	Rule        string     `json:"rule"` // the policy's claim rule it answers (policy.ClaimAuthorisation.ID)
	PolicyID    string     `json:"policy_id"`
	Kind        AuthKind   `json:"kind"`
	Code        string     `json:"code,omitempty"`       // the product it is for ("" for any the rule covers)
	Indication  string     `json:"indication,omitempty"` // the indication (toestemming) or treatment asked for
	Motivation  string     `json:"motivation"`
	Status      AuthStatus `json:"status"`
	Reason      string     `json:"reason,omitempty"` // the adviser's reason
	ValidFrom   Day        `json:"valid_from,omitempty"`
	ValidTo     Day        `json:"valid_to,omitempty"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   time.Time  `json:"decided_at,omitzero"`
	Documents   []Document `json:"documents,omitempty"`
}

// Valid reports whether the authorisation is granted and valid on day d.
func (a *Authorisation) Valid(d Day) bool {
	return a.Status == Granted && d >= a.ValidFrom && (a.ValidTo == 0 || d <= a.ValidTo)
}

// Document is a document attached to an authorisation request.
type Document struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Type   string    `json:"type"` // the sniffed media type
	Size   int64     `json:"size"`
	SHA256 string    `json:"sha256"`
	At     time.Time `json:"at"`
}

// Channel is how a claim file arrived.
type Channel string

const (
	ViaWeb    Channel = "web"
	ViaAPI    Channel = "api"
	ViaFolder Channel = "folder"
)

// File is a received claim file and its totals.
type File struct {
	ID           string          `json:"id"`
	Insurer      string          `json:"insurer"`
	ProviderID   string          `json:"provider_id"`
	Sender       string          `json:"sender"`  // the AGB code of the sender (instelling, praktijk or zorgverlener)
	Invoice      string          `json:"invoice"` // FACTUURNUMMER DECLARANT: the sender's file reference
	Name         string          `json:"name"`
	SHA256       string          `json:"sha256"`
	Size         int64           `json:"size"`
	Standard     string          `json:"standard"` // "ZH308 9.0"
	PeriodFrom   Day             `json:"period_from"`
	PeriodTo     Day             `json:"period_to"`
	Channel      Channel         `json:"channel"`
	ReceivedAt   time.Time       `json:"received_at"`
	ReceivedBy   string          `json:"received_by"`
	Lines        int             `json:"lines"`
	Counts       map[Outcome]int `json:"counts"`
	ClaimedCents int64           `json:"claimed_cents"`
	AllowedCents int64           `json:"allowed_cents"`
}

// Line is a claim line (a prestatierecord with its tariefrecords) and its adjudication.
type Line struct {
	FileID        string `json:"file_id"`
	No            int    `json:"no"`     // 1, 2, ... in the file
	Record        int    `json:"record"` // the line number of the prestatierecord in the file
	Insurer       string `json:"insurer"`
	ProviderID    string `json:"provider_id"`
	Reference     string `json:"reference"`                // REFERENTIENUMMER DIT PRESTATIERECORD
	PrevReference string `json:"prev_reference,omitempty"` // the line a credit line reverses
	BSN           string `json:"bsn"`
	UZOVI         string `json:"uzovi"`
	PolicyNumber  string `json:"policy_number,omitempty"`
	CodeList      string `json:"code_list"`              // AANDUIDING PRESTATIECODELIJST
	Code          string `json:"code"`                   // PRESTATIECODE/DBC DECLARATIECODE
	ProductCode   string `json:"product_code,omitempty"` // ZORGPRODUCTCODE
	Zorgtype      string `json:"zorgtype,omitempty"`
	Specialism    string `json:"specialism,omitempty"`
	AuthNumber    string `json:"auth_number,omitempty"` // MACHTIGINGSNUMMER
	Begin         Day    `json:"begin"`
	End           Day    `json:"end"`
	Quantity      int    `json:"quantity"`
	Credit        bool   `json:"credit"`
	ClaimedCents  int64  `json:"claimed_cents"` // signed: a credit line is negative
	// The adjudication.
	Outcome         Outcome `json:"outcome"`
	Reason          Reason  `json:"reason"`
	AllowedCents    int64   `json:"allowed_cents"`
	ContractedCents int64   `json:"contracted_cents,omitempty"` // tariff × quantity from the price list
	ContractID      string  `json:"contract_id,omitempty"`
	Part            string  `json:"part,omitempty"`
	Rule            string  `json:"rule"`        // the rule that decided: a policy claim rule id or a built-in rule name
	Explanation     string  `json:"explanation"` // in Dutch
	Supplementary   bool    `json:"supplementary"`
}

// Year is the year the line is adjudicated in: its begin date's.
func (l *Line) Year() int { return l.Begin.Year() }

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

// FileFilter selects files; empty fields select all.
type FileFilter struct {
	Insurer    string
	ProviderID string
}

// LineFilter selects lines of a file or of an insured person; empty fields select all.
type LineFilter struct {
	FileID  string
	Insurer string
	BSN     string
	Outcome Outcome
}

// ContractFilter selects execution contracts; empty fields select all.
type ContractFilter struct {
	Insurer    string
	ProviderID string
}

// AuthFilter selects authorisations; empty fields select all.
type AuthFilter struct {
	Insurer    string
	ProviderID string
	Status     AuthStatus
}

// Totals are claimed, approved, reduced, rejected and held amounts and counts of a set
// of lines. Supplementary lines are counted separately: they do not count toward a
// revenue ceiling.
type Totals struct {
	Lines              int   `json:"lines"`
	ClaimedCents       int64 `json:"claimed_cents"`
	AllowedCents       int64 `json:"allowed_cents"`
	Approved           int   `json:"approved"`
	Reduced            int   `json:"reduced"`
	Rejected           int   `json:"rejected"`
	Held               int   `json:"held"`
	RejectedCents      int64 `json:"rejected_cents"` // claimed on rejected lines
	HeldCents          int64 `json:"held_cents"`     // claimed on held lines
	SupplementaryCents int64 `json:"supplementary_cents"`
	// CeilingCents is what counts toward the revenue ceiling: allowed on approved and
	// reduced lines that supplementary insurance does not cover.
	CeilingCents int64 `json:"ceiling_cents"`
}

// OverviewRow is the totals of one group of the insurer's lines: a provider, a part, or
// a provider, contract, part and year (Grouping). The fields the grouping leaves out are
// empty ("" and 0).
type OverviewRow struct {
	ProviderID string `json:"provider_id"`
	ContractID string `json:"contract_id"` // "" for non-contracted lines
	Part       string `json:"part"`        // "" for non-contracted lines
	Year       int    `json:"year"`
	Totals
}

// Grouping is what the overview sums the lines per.
type Grouping string

const (
	// ByProvider: per provider, the largest claimed amount first (then by provider id).
	ByProvider Grouping = "provider"
	// ByPart: per part, ordered by part ("" for non-contracted lines comes first).
	ByPart Grouping = "part"
	// ByDetail: per provider, contract, part and year, ordered by those.
	ByDetail Grouping = "detail"
)

// Groupings are the overview's groupings.
var Groupings = []Grouping{ByProvider, ByPart, ByDetail}

// Valid reports whether g is one of Groupings.
func (g Grouping) Valid() bool { return g == ByProvider || g == ByPart || g == ByDetail }

// OverviewFilter selects the insurer's overview rows.
type OverviewFilter struct {
	Insurer    string
	ProviderID string
	Year       int
}
