// Package pricelist is the price list of a dossier per contract part and its negotiation
// in rounds: the insurer proposes, either side counters with a changed list and a note,
// the other side accepts the latest version, and when it does the agreed price list
// results. Every version stays in the history with a diff per line. Price lists go out
// and come back as .xlsx (xlsx.go).
//
// Version and conflicts: the version of a price list is the number of its latest
// proposal (1 for the first, +1 for each counter-proposal); an acceptance does not change
// it. Every counter-proposal and acceptance names the version it was based on; when the
// list changed meanwhile it is refused with a Conflict whose cause is an *Unsaved holding
// what was submitted, so that the caller can show it back: nothing is stored and nothing
// is lost.
package pricelist

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/text"
)

// Limits of a price list.
const (
	MaxLines    = 10000 // product lines per price list (a hospital's list has some 4,500)
	MaxCategory = 6     // CZ's categories 1 to 6
	MaxCodeLen  = 20
	// MaxTariff is the largest tariff (€ 100.000.000,00) and MaxCents the largest ceiling
	// (€ 10.000.000.000,00), far above any real amount; with MaxVolume a line's tariff ×
	// volume fits an int64 (see Total).
	MaxTariff int64 = 10_000_000_000
	MaxCents  int64 = 1_000_000_000_000
	MaxVolume       = 100_000_000
)

// Status is where the negotiation of a price list stands.
type Status string

const (
	Proposed  Status = "proposed"  // the insurer's first proposal, not yet answered
	Countered Status = "countered" // a counter-proposal is waiting for the other side
	Agreed    Status = "agreed"    // both sides accepted the same version; immutable
)

// Dutch names the status for the pages.
func (s Status) Dutch() string {
	switch s {
	case Proposed:
		return "voorgesteld"
	case Countered:
		return "tegenvoorstel"
	case Agreed:
		return "overeengekomen"
	}
	return string(s)
}

// Side is the party of the dossier that acts: the insurer or the provider. The values are
// those of provider.Source.
type Side string

const (
	SideInsurer  Side = "verzekeraar"
	SideProvider Side = "aanbieder"
)

// Dutch names the side for messages: "de zorgverzekeraar", "de zorgaanbieder".
func (s Side) Dutch() string {
	if s == SideProvider {
		return "de zorgaanbieder"
	}
	return "de zorgverzekeraar"
}

// Other is the other side.
func (s Side) Other() Side {
	if s == SideProvider {
		return SideInsurer
	}
	return SideProvider
}

// Line is one product line of a price list: a care product or claim code with its
// tariff and agreed volume, and for CZ's contracts its category and ceiling.
type Line struct {
	Code        string `json:"code"` // zorgproduct or declaratiecode
	Description string `json:"description"`
	Tariff      int64  `json:"tariff"`             // euro cents, > 0
	Volume      int    `json:"volume"`             // agreed volume, >= 0
	Category    int    `json:"category,omitempty"` // 0: none; else 1 to MaxCategory
	Ceiling     int64  `json:"ceiling,omitempty"`  // euro cents; 0: no ceiling
}

// codePattern: a code is letters, digits and the punctuation codes use (. - _ /), no
// spaces.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// Validate checks one line; field names are prefixed with prefix (e.g. "lines[3].").
func (l Line) Validate(prefix string) apperr.List {
	var errs apperr.List
	bad := func(field, msg, dutch string) {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: prefix + field, Message: msg, Dutch: dutch})
	}
	switch {
	case l.Code == "":
		bad("code", "a line needs a code", "Een regel heeft een code nodig (zorgproduct of declaratiecode).")
	case len(l.Code) > MaxCodeLen || !codePattern.MatchString(l.Code):
		bad("code", fmt.Sprintf("code %q must be at most %d letters, digits or . - _ / without spaces", l.Code, MaxCodeLen),
			fmt.Sprintf("De code '%s' mag hoogstens %d tekens lang zijn, zonder spaties (letters, cijfers en . - _ /).", l.Code, MaxCodeLen))
	}
	if e := text.Check(prefix+"description", l.Description, text.Line); e != nil {
		errs = append(errs, e)
	}
	if l.Tariff <= 0 || l.Tariff > MaxTariff {
		bad("tariff", fmt.Sprintf("tariff must be more than 0 and at most %d cents", MaxTariff),
			fmt.Sprintf("Het tarief moet hoger zijn dan € 0,00 en hoogstens %s.", nl.Money(MaxTariff)))
	}
	if l.Volume < 0 || l.Volume > MaxVolume {
		bad("volume", fmt.Sprintf("volume must be between 0 and %d", MaxVolume),
			fmt.Sprintf("Het volume moet tussen 0 en %s liggen.", nl.Int(MaxVolume)))
	}
	if l.Category < 0 || l.Category > MaxCategory {
		bad("category", fmt.Sprintf("category must be empty or 1 to %d", MaxCategory),
			fmt.Sprintf("De categorie moet leeg zijn of 1 tot en met %d.", MaxCategory))
	}
	if l.Ceiling < 0 || l.Ceiling > MaxCents {
		bad("ceiling", "ceiling must be empty or a positive amount",
			"Het plafond moet leeg zijn of een positief bedrag.")
	}
	return errs
}

// ValidateLines checks every line and that no code occurs twice; all problems at once.
func ValidateLines(lines []Line) error {
	var errs apperr.List
	if len(lines) == 0 {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "lines", Message: "a price list needs at least one line",
			Dutch: "Een prijslijst heeft minstens één regel nodig."})
	}
	if len(lines) > MaxLines {
		return &apperr.Error{Code: apperr.Invalid, Field: "lines", Message: fmt.Sprintf("a price list has at most %d lines", MaxLines),
			Dutch: fmt.Sprintf("Een prijslijst heeft hoogstens %s regels; deze heeft er %s.", nl.Int(MaxLines), nl.Int(int64(len(lines))))}
	}
	seen := map[string]int{}
	for i, l := range lines {
		prefix := fmt.Sprintf("lines[%d].", i)
		errs = append(errs, l.Validate(prefix)...)
		if j, dup := seen[l.Code]; dup && l.Code != "" {
			errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: prefix + "code",
				Message: fmt.Sprintf("code %q occurs twice (lines %d and %d)", l.Code, j+1, i+1),
				Dutch:   fmt.Sprintf("De code '%s' staat twee keer in de prijslijst (regel %d en %d).", l.Code, j+1, i+1)})
		}
		seen[l.Code] = i
	}
	return errs.Err()
}

// PriceList is the current state of the price list of one part of a dossier.
type PriceList struct {
	DossierID  string
	Part       string // the base contract id or a part id
	Insurer    string
	ProviderID string
	// PriceListOnly: the new year's price list under a running multi-year contract, sent
	// without a contract offer.
	PriceListOnly bool
	Status        Status
	Version       int    // the number of the latest proposal
	Lines         []Line // the lines of the latest proposal
	By            Party  // who made the latest proposal
	UpdatedAt     time.Time
	// AgreedAt is when the other side accepted the latest version (zero until agreed).
	AgreedAt time.Time
}

// Subject is the audit subject of a price list.
func Subject(dossierID, part string) string { return "pricelist:" + dossierID + "/" + part }

// Party is who made a round or accepted it, as the history shows them.
type Party struct {
	Side     Side
	UserID   string
	UserName string
	OrgID    string
	At       time.Time
}

// Round is one version of a price list in its history: the proposal or counter-proposal,
// who made it, its note and lines, the diff against the version before, and the other
// side's acceptance when it was accepted.
type Round struct {
	Version  int
	By       Party
	Note     string
	Lines    []Line
	Diff     []LineDiff // against the version before; for version 1 every line is added
	Accepted *Party     // the other side's acceptance (then the list is agreed), or nil
}

// Dossier is what this area needs of a dossier (internal/round owns it), given by a
// DossierLookup.
type Dossier struct {
	ID         string
	PolicyID   string
	Year       int
	Insurer    string
	ProviderID string
	Parts      []string // the parts offered, the base contract id first
	Stage      string
}

// DossierLookup returns a dossier, or an error with code NotFound when there is none.
type DossierLookup func(ctx context.Context, id string) (Dossier, error)

// The dossier stages this area looks at (internal/round's Stage values).
const (
	StageDraft       = "draft"
	StageInvited     = "invited"
	StageApplied     = "applied"
	StageAssessed    = "assessed"
	StageOffered     = "offered"
	StageNegotiating = "negotiating"
	StageAgreed      = "agreed"
	StageSigned      = "signed"
	StagePublished   = "published"
	StageRefused     = "refused"
)
