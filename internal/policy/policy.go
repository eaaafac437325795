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
	Published     Date           `yaml:"published" json:"published"`
	ReferenceDate Date           `yaml:"reference_date" json:"reference_date"`
	Source        SourceRef      `yaml:"source" json:"source"`
	CareTypes     []string       `yaml:"care_types" json:"care_types"`
	Summary       string         `yaml:"summary" json:"summary,omitempty"`
	Changes       []Change       `yaml:"changes" json:"changes,omitempty"`
	Requirements  []Requirement  `yaml:"requirements" json:"requirements"`
	Timeline      []Milestone    `yaml:"timeline" json:"timeline"`
	ContractForms []ContractForm `yaml:"contract_forms" json:"contract_forms"`
	Windows       []Window       `yaml:"windows" json:"windows"`
	Contacts      []Contact      `yaml:"contacts" json:"contacts,omitempty"`
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
	Review      Kind = "review"      // handmatige beoordeling
)

// Dutch names of the kinds, for the UI and explanations.
var KindNames = map[Kind]string{
	Knockout:    "minimumeis",
	Exclusion:   "uitsluitingsgrond",
	Guiding:     "richtinggevend criterium",
	Attestation: "verklaring met bewijs",
	Review:      "handmatige beoordeling",
}

// KnocksOut reports whether failing a requirement of this kind makes a provider ineligible.
func (k Kind) KnocksOut() bool { return k == Knockout || k == Exclusion || k == Attestation }

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
}

// Milestone is a date in the purchasing timeline.
type Milestone struct {
	ID     string `yaml:"id" json:"id"`
	What   string `yaml:"what" json:"what"`
	Actor  string `yaml:"actor" json:"actor"`
	Date   Date   `yaml:"date" json:"date"`
	Hard   bool   `yaml:"hard" json:"hard"`
	Source string `yaml:"source" json:"source"`
	Note   string `yaml:"note" json:"note,omitempty"`
}

// ContractForm is a form of contract the policy offers.
type ContractForm struct {
	ID                   string     `yaml:"id" json:"id"`
	Kind                 string     `yaml:"kind" json:"kind"`
	Title                string     `yaml:"title" json:"title"`
	Text                 string     `yaml:"text" json:"text"`
	Source               string     `yaml:"source" json:"source"`
	RevenueCeiling       bool       `yaml:"revenue_ceiling" json:"revenue_ceiling"`
	KeepDelivering       bool       `yaml:"keep_delivering" json:"keep_delivering"`
	MaxYears             int        `yaml:"max_years" json:"max_years,omitempty"`
	SettlementAfterwards bool       `yaml:"settlement_afterwards" json:"settlement_afterwards"`
	Categories           []Category `yaml:"categories" json:"categories,omitempty"`
}

// Category is a part of a revenue ceiling with its own substitution rules.
type Category struct {
	Number          int    `yaml:"number" json:"number"`
	Title           string `yaml:"title" json:"title"`
	Substitution    string `yaml:"substitution" json:"substitution"`
	MarginPercent   int    `yaml:"margin_percent" json:"margin_percent,omitempty"`
	SeparateCeiling bool   `yaml:"separate_ceiling" json:"separate_ceiling"`
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
	AnswerWithin Term   `yaml:"answer_within" json:"answer_within"`
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
