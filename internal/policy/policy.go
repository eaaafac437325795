// Package policy is the executable form of a purchasing policy (zorginkoopbeleid): its
// requirements as CEL rules, its timeline, contract forms and windows. It loads and validates
// policy files, compiles their rules, and diffs two versions.
package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"zorginkoop/internal/nl"

	"go.yaml.in/yaml/v3"
)

// Policy is one insurer's purchasing policy for one or more contract years.
type Policy struct {
	ID            string         `yaml:"id" json:"id"`
	Title         string         `yaml:"title" json:"title"`
	Insurer       string         `yaml:"insurer" json:"insurer"`
	Purchaser     string         `yaml:"purchaser" json:"purchaser,omitempty"`
	Labels        []string       `yaml:"labels" json:"labels"`
	PolicyTypes   []string       `yaml:"policy_types" json:"policy_types"`
	Sector        string         `yaml:"sector" json:"sector"`
	ContractYears []int          `yaml:"contract_years" json:"contract_years"`
	Previous      string         `yaml:"previous" json:"previous,omitempty"`
	Published     Date           `yaml:"published" json:"published,omitzero"` // only where the text gives it
	ReferenceDate Date           `yaml:"reference_date" json:"reference_date"`
	Source        SourceRef      `yaml:"source" json:"source"`
	CareTypes     []string       `yaml:"care_types" json:"care_types"`
	Summary       string         `yaml:"summary" json:"summary,omitempty"`
	Base          Part           `yaml:"base" json:"base"`
	Parts         []Part         `yaml:"parts" json:"parts,omitempty"`
	Changes       []Change       `yaml:"changes" json:"changes,omitempty"`
	Requirements  []Requirement  `yaml:"requirements" json:"requirements"`
	Timeline      []Milestone    `yaml:"timeline" json:"timeline"`
	ContractForms []ContractForm `yaml:"contract_forms" json:"contract_forms"`
	Windows       []Window       `yaml:"windows" json:"windows"`
	Contacts      []Contact      `yaml:"contacts" json:"contacts,omitempty"`
	// Claims are the rules the policy sets for claims (declaraties) under its contracts.
	Claims ClaimRules `yaml:"claims" json:"claims,omitzero"`
}

// ClaimRules are what a policy says about claims under its contracts: each only where
// the text says so, with its wording and source.
type ClaimRules struct {
	// HoldUntilSigned: claims for a contract year are processed only once purchasing
	// with the provider is complete (a.s.r.: "Pas als het inkooptraject met u volledig
	// is afgerond, nemen we de declaraties over het betreffende contractjaar in
	// behandeling"). Nil when the text says nothing of it.
	HoldUntilSigned *ClaimText `yaml:"hold_until_signed" json:"hold_until_signed,omitempty"`
	// SupplementaryOutsideCeiling: care covered by supplementary insurance is outside
	// the financial framework and the revenue ceiling (CZ). Nil when the text is silent.
	SupplementaryOutsideCeiling *ClaimText `yaml:"supplementary_outside_ceiling" json:"supplementary_outside_ceiling,omitempty"`
	// Authorisations are the prior authorisations and approvals a claim line needs.
	Authorisations []ClaimAuthorisation `yaml:"authorisations" json:"authorisations,omitempty"`
}

// ClaimText is a claim rule's wording in the policy and where it says so.
type ClaimText struct {
	Text   string `yaml:"text" json:"text"`
	Source string `yaml:"source" json:"source"`
}

// ClaimAuthorisation is an authorisation (machtiging) or prior approval (toestemming)
// that the policy requires before care is claimed, and which claim lines it applies to.
// A line matches when every selector that is set matches (codes by prefix).
type ClaimAuthorisation struct {
	ID     string `yaml:"id" json:"id"`
	Kind   string `yaml:"kind" json:"kind"` // machtiging | toestemming
	Title  string `yaml:"title" json:"title"`
	Text   string `yaml:"text" json:"text"`
	Source string `yaml:"source" json:"source"`
	// Codes are prefixes of the declaration code (PRESTATIECODE/DBC DECLARATIECODE) or
	// the zorgproductcode.
	Codes []string `yaml:"codes" json:"codes,omitempty"`
	// Zorgtypes are ZORGTYPECODE values (for a DBC: "21" is a follow-up trajectory).
	Zorgtypes []string `yaml:"zorgtypes" json:"zorgtypes,omitempty"`
	// Specialisms are the 4-digit specialism codes of the performer (0327
	// revalidatiegeneeskunde).
	Specialisms []string `yaml:"specialisms" json:"specialisms,omitempty"`
	// Marked: the rule applies to the price-list lines the contract marks as needing
	// approval (claims.PriceLine.ApprovalRequired): Z&Z's new add-on drugs and indications.
	Marked bool `yaml:"marked" json:"marked,omitempty"`
}

// SourceRef names the published text a policy file encodes.
type SourceRef struct {
	File  string `yaml:"file" json:"file"`
	Title string `yaml:"title" json:"title"`
}

// Change is an entry of the policy's own list of main changes.
type Change struct {
	Text   string `yaml:"text" json:"text"`
	Source string `yaml:"source" json:"source,omitempty"`
}

// Kind is the kind of a requirement.
type Kind string

const (
	Knockout    Kind = "knockout"    // minimumeis: not met means not eligible
	Exclusion   Kind = "exclusion"   // uitsluitingsgrond
	Guiding     Kind = "guiding"     // richtinggevend criterium: scored, never knocks out
	Attestation Kind = "attestation" // verklaring met bewijs
	Review      Kind = "review"      // handmatige beoordeling: a discretionary ground, judged by a person
	Information Kind = "information" // the insurer's own commitment or process, or a third party's decision: never judged
)

// Dutch names of the kinds, for the UI and explanations.
var KindNames = map[Kind]string{
	Knockout:    "minimumeis",
	Exclusion:   "uitsluitingsgrond",
	Guiding:     "richtinggevend criterium",
	Attestation: "verklaring met bewijs",
	Review:      "handmatige beoordeling",
	Information: "informatie",
}

// KnocksOut reports whether failing a requirement of this kind makes a provider ineligible
// for the contract part the requirement belongs to.
func (k Kind) KnocksOut() bool { return k == Knockout || k == Exclusion || k == Attestation }

// Judged reports whether requirements of this kind are judged against a provider:
// information is shown with the policy only.
func (k Kind) Judged() bool { return k != Information }

// Part is the base contract or one part of it (a module, a prestatie, care that is bought
// selectively, additional purchasing): what a provider is judged, offered and contracted
// for. A part's conditions are judged only when the provider asks for it or the insurer
// offers it.
type Part struct {
	ID           string     `yaml:"id" json:"id"`
	Title        string     `yaml:"title" json:"title"`
	Source       string     `yaml:"source" json:"source"`
	CareTypes    []string   `yaml:"care_types" json:"care_types,omitempty"` // empty: the policy's
	Initiative   Initiative `yaml:"initiative" json:"initiative,omitempty"` // parts only
	OfferedToAll bool       `yaml:"offered_to_all" json:"offered_to_all,omitempty"`
	// Requires names the base contract or an earlier part this part is an addendum to: a
	// provider that does not qualify for that one does not qualify for this one either.
	Requires string `yaml:"requires" json:"requires,omitempty"`
	Text     string `yaml:"text" json:"text,omitempty"`
}

// Initiative says who starts a part: the provider asks for it, or the insurer offers it.
type Initiative string

const (
	ByProvider Initiative = "provider"
	ByInsurer  Initiative = "insurer"
)

// Requirement is one requirement of the policy.
type Requirement struct {
	ID        string   `yaml:"id" json:"id"`
	Kind      Kind     `yaml:"kind" json:"kind"`
	Title     string   `yaml:"title" json:"title"`
	Text      string   `yaml:"text" json:"text"`
	Source    string   `yaml:"source" json:"source"`
	CareTypes []string `yaml:"care_types" json:"care_types,omitempty"`
	Rule      string   `yaml:"rule" json:"rule,omitempty"`
	Evidence  []string `yaml:"evidence" json:"evidence,omitempty"`
	Points    int      `yaml:"points" json:"points,omitempty"`
	Part      string   `yaml:"part" json:"part,omitempty"` // a part id; empty for the base contract
	// AppliesIf is an optional CEL condition on the provider under which the requirement
	// applies at all ("in ons kernwerkgebied"); where it is false the requirement does not
	// apply, as for another care type.
	AppliesIf string `yaml:"applies_if" json:"applies_if,omitempty"`
}

// Milestone is a date in the purchasing timeline.
type Milestone struct {
	ID        string        `yaml:"id" json:"id"`
	Kind      MilestoneKind `yaml:"kind" json:"kind"`
	What      string        `yaml:"what" json:"what"`
	Actor     string        `yaml:"actor" json:"actor"`                     // verzekeraar | zorgaanbieder | beide | derde
	ActorName string        `yaml:"actor_name" json:"actor_name,omitempty"` // who, for a third party (NZa, Zorginstituut)
	Date      Date          `yaml:"date" json:"date"`
	Hard      bool          `yaml:"hard" json:"hard"` // only where the text leaves no room
	Source    string        `yaml:"source" json:"source"`
	Note      string        `yaml:"note" json:"note,omitempty"`
	// Step is the step of the purchasing round the date is for, where the text says so
	// (the round enforces it); empty for every other date.
	Step Step `yaml:"step" json:"step,omitempty"`
}

// Step is a step of the purchasing round that a milestone dates.
type Step string

const (
	StepApplication   Step = "application"   // last date for a provider without a contract to apply
	StepQuestionnaire Step = "questionnaire" // last date to answer the uitvraag
	StepOffer         Step = "offer"         // the insurer sends its offers
	StepQuote         Step = "quote"         // the provider submits its offerte
	StepSigning       Step = "signing"       // uiterste tekendatum
	StepPublication   Step = "publication"   // publication of the contracted providers
)

// Steps are the steps in the order a round runs them.
var Steps = []Step{StepApplication, StepQuestionnaire, StepOffer, StepQuote, StepSigning, StepPublication}

// StepNames are the Dutch names of the steps.
var StepNames = map[Step]string{
	StepApplication: "aanmelden", StepQuestionnaire: "uitvraag beantwoorden", StepOffer: "aanbod verzekeraar",
	StepQuote: "offerte indienen", StepSigning: "ondertekenen", StepPublication: "publicatie",
}

// stepKinds is the milestone kind each step must have.
var stepKinds = map[Step]MilestoneKind{
	StepApplication: Deadline, StepQuestionnaire: Deadline, StepQuote: Deadline, StepSigning: Deadline,
	StepPublication: Publication,
}

// Milestone returns the milestone of a step, if the policy dates it.
func (p *Policy) Milestone(s Step) (Milestone, bool) {
	for _, m := range p.Timeline {
		if m.Step == s {
			return m, true
		}
	}
	return Milestone{}, false
}

// MilestoneKind says what a milestone is.
type MilestoneKind string

const (
	Opening            MilestoneKind = "opening"
	Deadline           MilestoneKind = "deadline"
	Publication        MilestoneKind = "publication"
	ThirdPartyDecision MilestoneKind = "third_party_decision"
	Event              MilestoneKind = "event"
)

// MilestoneKindNames are the Dutch names of the milestone kinds.
var MilestoneKindNames = map[MilestoneKind]string{
	Opening: "opening", Deadline: "uiterste datum", Publication: "publicatie",
	ThirdPartyDecision: "besluit van een derde", Event: "gebeurtenis",
}

// Stated is a yes/no property that a policy may also leave unsaid: the zero value is "not
// stated in the policy", never a silent no.
type Stated string

const (
	NotStated Stated = ""
	Yes       Stated = "yes"
	No        Stated = "no"
)

func (s *Stated) UnmarshalYAML(n *yaml.Node) error {
	var b bool
	if err := n.Decode(&b); err != nil {
		return fmt.Errorf("line %d: expected true or false (leave the key out when the policy does not say)", n.Line)
	}
	*s = No
	if b {
		*s = Yes
	}
	return nil
}

// Dutch renders the property: "ja", "nee" or "niet genoemd in het beleid".
func (s Stated) Dutch() string {
	switch s {
	case Yes:
		return "ja"
	case No:
		return "nee"
	}
	return "niet genoemd in het beleid"
}

// ContractForm is a form of contract the policy offers.
type ContractForm struct {
	ID                   string     `yaml:"id" json:"id"`
	Kind                 string     `yaml:"kind" json:"kind"`
	Title                string     `yaml:"title" json:"title"`
	Text                 string     `yaml:"text" json:"text"`
	Source               string     `yaml:"source" json:"source"`
	RevenueCeiling       Stated     `yaml:"revenue_ceiling" json:"revenue_ceiling,omitempty"`
	KeepDelivering       Stated     `yaml:"keep_delivering" json:"keep_delivering,omitempty"`
	MaxYears             int        `yaml:"max_years" json:"max_years,omitempty"`
	SettlementAfterwards Stated     `yaml:"settlement_afterwards" json:"settlement_afterwards,omitempty"`
	Categories           []Category `yaml:"categories" json:"categories,omitempty"`
}

// Category is a part of a revenue ceiling with its own substitution rules.
type Category struct {
	Number          int    `yaml:"number" json:"number"`
	Title           string `yaml:"title" json:"title"`
	Substitution    string `yaml:"substitution" json:"substitution"`
	MarginPercent   int    `yaml:"margin_percent" json:"margin_percent,omitempty"`
	SeparateCeiling Stated `yaml:"separate_ceiling" json:"separate_ceiling,omitempty"`
	SettlementYears int    `yaml:"settlement_years" json:"settlement_years,omitempty"`
	Text            string `yaml:"text" json:"text,omitempty"`
}

// Window is a period in which a provider may ask for something, with the answer term.
type Window struct {
	ID           string `yaml:"id" json:"id"`
	Kind         string `yaml:"kind" json:"kind"`
	Title        string `yaml:"title" json:"title"`
	Opens        Date   `yaml:"opens" json:"opens"`
	Closes       Date   `yaml:"closes" json:"closes"`
	AnswerWithin Term   `yaml:"answer_within" json:"answer_within,omitzero"` // absent when the policy gives no term
	Starts       string `yaml:"starts" json:"starts,omitempty"`
	Text         string `yaml:"text" json:"text,omitempty"`
	Source       string `yaml:"source" json:"source"`
}

// Contact is a contact point.
type Contact struct {
	Topic string `yaml:"topic" json:"topic"`
	Email string `yaml:"email" json:"email,omitempty"`
	Phone string `yaml:"phone" json:"phone,omitempty"`
	URL   string `yaml:"url" json:"url,omitempty"`
	Note  string `yaml:"note" json:"note,omitempty"`
}

// Date is a civil date (no time, no zone), written as 2024-01-31.
type Date struct{ time.Time }

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date like 2024-01-31", s)
	}
	return Date{t}, nil
}

// Begins is the first instant of the civil date in Europe/Amsterdam, where the policies'
// dates are kept.
func (d Date) Begins() time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, nl.Amsterdam)
}

// Over is the first instant after the civil date in Europe/Amsterdam: a deadline on d
// has passed from then on (it ends at 23:59:59 there).
func (d Date) Over() time.Time { return d.Begins().AddDate(0, 0, 1) }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a date like 2024-01-31", n.Line)
	}
	p, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = p
	return nil
}

func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a date as MarshalJSON writes it: "2024-01-31", or "" for none.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Term is an answer term: N calendar days, working days, weeks or months.
type Term struct {
	N    int    `json:"n"`
	Unit string `json:"unit"` // d | wd | w | m
}

var termRE = regexp.MustCompile(`^([0-9]{1,3})(d|wd|w|m)$`)

// ParseTerm parses "6w", "30d", "5wd", "3m".
func ParseTerm(s string) (Term, error) {
	m := termRE.FindStringSubmatch(s)
	if m == nil {
		return Term{}, fmt.Errorf("%q is not a term like 30d, 5wd, 6w or 3m", s)
	}
	n, _ := strconv.Atoi(m[1])
	return Term{N: n, Unit: m[2]}, nil
}

func (t *Term) UnmarshalYAML(n *yaml.Node) error {
	p, err := ParseTerm(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*t = p
	return nil
}

// IsZero reports whether no term is set.
func (t Term) IsZero() bool { return t.N == 0 }

var termUnits = map[string][2]string{
	"d": {"dag", "dagen"}, "wd": {"werkdag", "werkdagen"}, "w": {"week", "weken"}, "m": {"maand", "maanden"},
}

// Dutch renders the term: "6 weken", "5 werkdagen".
func (t Term) Dutch() string {
	if t.IsZero() {
		return ""
	}
	names := termUnits[t.Unit]
	if t.N == 1 {
		return "1 " + names[0]
	}
	return strconv.Itoa(t.N) + " " + names[1]
}

// Due returns the last day of the term counted from `from`.
func (t Term) Due(from time.Time) time.Time {
	switch t.Unit {
	case "d":
		return from.AddDate(0, 0, t.N)
	case "w":
		return from.AddDate(0, 0, 7*t.N)
	case "m":
		return from.AddDate(0, t.N, 0)
	}
	d := from
	for left := t.N; left > 0; {
		d = d.AddDate(0, 0, 1)
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			left--
		}
	}
	return d
}
