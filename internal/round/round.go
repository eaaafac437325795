// Package round runs the yearly purchasing round of a policy: the round's dates (the
// policy's timeline, and dates the insurer sets where the policy gives none), the dossier
// of each provider with its stage, the inkoper's decision and offer per part, the
// provider's quote, the deadlines with their extensions and reminders, and the dashboards
// of both sides.
package round

import (
	"time"

	"zorginkoop/internal/policy"
)

// Round is the purchasing round of one policy for one contract year.
type Round struct {
	ID       string      `json:"id"` // <policyID>-<year>
	PolicyID string      `json:"policy_id"`
	Year     int         `json:"year"`
	Insurer  string      `json:"insurer"`
	Dates    []RoundDate `json:"dates"` // the dates the insurer set for steps the policy gives no date for
	OpenedAt time.Time   `json:"opened_at"`
	OpenedBy string      `json:"opened_by"`
}

// RoundID is the id of the round of policyID in year.
func RoundID(policyID string, year int) string { return policyID + "-" + itoa(year) }

// RoundDate is a date the insurer set for a step of the round.
type RoundDate struct {
	Step policy.Step `json:"step"`
	What string      `json:"what,omitempty"` // Dutch; the step's name when empty
	Date policy.Date `json:"date"`
	Hard bool        `json:"hard"` // the inkoper marked it hard; soft by default
}

// Stage is where a dossier is in the round (the funnel).
type Stage string

const (
	Draft       Stage = "draft" // the questionnaire is being filled in
	Invited     Stage = "invited"
	Applied     Stage = "applied"
	Assessed    Stage = "assessed"
	Offered     Stage = "offered"
	Negotiating Stage = "negotiating"
	Agreed      Stage = "agreed"
	Signed      Stage = "signed"
	Published   Stage = "published"
	Refused     Stage = "refused"
)

// Stages are the stages in funnel order.
var Stages = []Stage{Draft, Invited, Applied, Assessed, Offered, Negotiating, Agreed, Signed, Published, Refused}

// StageNames are the Dutch names of the stages.
var StageNames = map[Stage]string{
	Draft: "concept", Invited: "uitgenodigd", Applied: "aangemeld", Assessed: "beoordeeld", Offered: "aanbod verstuurd",
	Negotiating: "in onderhandeling", Agreed: "overeenstemming", Signed: "ondertekend", Published: "gepubliceerd",
	Refused: "afgewezen",
}

// transitions are the stage changes allowed; refused is reachable from every open stage.
var transitions = map[Stage][]Stage{
	Draft:       {Applied},
	Invited:     {Draft, Applied, Assessed, Offered}, // an existing contract holder may be offered at once
	Applied:     {Draft, Assessed},
	Assessed:    {Offered},
	Offered:     {Negotiating, Agreed},
	Negotiating: {Agreed},
	Agreed:      {Signed},
	Signed:      {Published},
}

// mayMove reports whether a dossier may go from one stage to another.
func mayMove(from, to Stage) bool {
	if to == Refused {
		return from.Open()
	}
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Open reports whether a dossier in the stage still has steps ahead.
func (s Stage) Open() bool { return s != Published && s != Refused }

// Kind says what a dossier is for.
type Kind string

const (
	KindNew      Kind = "new"      // a provider without a contract applies
	KindExisting Kind = "existing" // an existing contract holder, invited
	// KindPriceListOnly: a running multi-year contract covers the year; no new offer,
	// only the new year's price list.
	KindPriceListOnly Kind = "price_list_only"
)

// Dossier is one provider's file in one round.
type Dossier struct {
	ID         string `json:"id"` // dos-<16 hex>
	RoundID    string `json:"round_id"`
	PolicyID   string `json:"policy_id"`
	Year       int    `json:"year"`
	Insurer    string `json:"insurer"`
	ProviderID string `json:"provider_id"`
	Kind       Kind   `json:"kind"`
	Stage      Stage  `json:"stage"`
	// Parts has the base contract first, then each part asked for or offered.
	Parts []DossierPart `json:"parts"`
	Quote *Quote        `json:"quote,omitempty"`
	// Starts is the date the contract starts, for a mid-year application (the policy's
	// window's `starts`); zero for the contract year's start.
	Starts policy.Date `json:"starts,omitzero"`
	// Note records how the application was taken (e.g. late, into the next round).
	Note string `json:"note,omitempty"`
	// NextYear: a late application the policy takes into the next year's round.
	NextYear  bool      `json:"next_year,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// DossierPart is the base contract or one part in a dossier.
type DossierPart struct {
	Part      string    `json:"part"`
	Requested bool      `json:"requested,omitempty"` // the provider asked for it
	Offered   bool      `json:"offered,omitempty"`   // the insurer offers it (initiative insurer), or sent an offer
	Decision  *Decision `json:"decision,omitempty"`
	OfferSent *Act      `json:"offer_sent,omitempty"`
}

// Outcome is the inkoper's decision on a part.
type Outcome string

const (
	Accepted  Outcome = "accepted"
	RefusedIt Outcome = "refused"
)

// Decision is the inkoper's decision on one part.
type Decision struct {
	Outcome Outcome `json:"outcome"`
	Reason  string  `json:"reason"`
	// Discretionary: refused "om moverende redenen".
	Discretionary bool      `json:"discretionary,omitempty"`
	By            string    `json:"by"`
	At            time.Time `json:"at"`
}

// Act is who did something and when.
type Act struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Quote is the provider's offerte.
type Quote struct {
	Text       string    `json:"text"`
	DocumentID string    `json:"document_id,omitempty"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// Part returns the dossier's entry for part id.
func (d *Dossier) Part(id string) *DossierPart {
	for i := range d.Parts {
		if d.Parts[i].Part == id {
			return &d.Parts[i]
		}
	}
	return nil
}

// AcceptedParts are the ids of the accepted parts, the base contract first.
func (d *Dossier) AcceptedParts() []string {
	var out []string
	for _, p := range d.Parts {
		if p.Decision != nil && p.Decision.Outcome == Accepted {
			out = append(out, p.Part)
		}
	}
	return out
}

// OfferedParts are the ids of the parts an offer was sent for, the base contract first.
func (d *Dossier) OfferedParts() []string {
	var out []string
	for _, p := range d.Parts {
		if p.OfferSent != nil {
			out = append(out, p.Part)
		}
	}
	return out
}

// PartIDs are the ids of every part of the dossier, the base contract first.
func (d *Dossier) PartIDs() []string {
	out := make([]string, len(d.Parts))
	for i, p := range d.Parts {
		out[i] = p.Part
	}
	return out
}
