package round

import (
	"fmt"
	"strconv"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
)

// Where a deadline comes from.
const (
	SourcePolicy  = "beleid"      // a milestone of the policy's timeline
	SourceInsurer = "verzekeraar" // set by the insurer for the round
)

// Deadline is the date of a step for a dossier: a civil date in Europe/Amsterdam that ends
// at 23:59:59 there.
type Deadline struct {
	Step        policy.Step `json:"step"`
	What        string      `json:"what"` // Dutch
	Date        policy.Date `json:"date"` // as the policy or the insurer set it
	Hard        bool        `json:"hard"`
	Source      string      `json:"source"`                 // beleid | verzekeraar
	MilestoneID string      `json:"milestone_id,omitempty"` // for source beleid
	Extended    *Extension  `json:"extended,omitempty"`
}

// Extension is a later date the inkoper granted for a step, for one dossier or a whole
// round, with its reason.
type Extension struct {
	Date   policy.Date `json:"date"`
	Reason string      `json:"reason"`
	By     string      `json:"by"`
	At     time.Time   `json:"at"`
}

// Due is the date in force: the extension's, else the set date.
func (d Deadline) Due() policy.Date {
	if d.Extended != nil {
		return d.Extended.Date
	}
	return d.Date
}

// Ends is the last moment of the deadline: 23:59:59 Europe/Amsterdam on its due date.
func (d Deadline) Ends() time.Time { return d.Due().Over().Add(-time.Second) }

// Passed reports whether now is after the deadline: from 00:00:00 Amsterdam the next day.
func (d Deadline) Passed(now time.Time) bool { return !now.Before(d.Due().Over()) }

// Dutch names the deadline with its date: "De uiterste datum voor aanmelden (1 september
// 2025)".
func (d Deadline) Dutch() string {
	return fmt.Sprintf("de uiterste datum voor %s (%s)", stepVerb(d.Step), nl.Date(d.Due().Time))
}

// Check judges an action of step at now against the deadline: within it, nothing; after a
// hard deadline an Invalid error naming it; after a soft one a Dutch warning for the
// caller, and no error.
func (d Deadline) Check(now time.Time) (warning string, err error) {
	if !d.Passed(now) {
		return "", nil
	}
	text := upperFirst(d.Dutch()) + " is verstreken"
	if d.Hard {
		return "", &apperr.Error{Code: apperr.Invalid, Field: string(d.Step),
			Message: fmt.Sprintf("the deadline for %s (%s) has passed", d.Step, d.Due()),
			Dutch:   text + ": dit kan niet meer."}
	}
	return text + ": de verzekeraar kan uw " + stepObject(d.Step) + " nog aannemen, maar is daartoe niet verplicht.", nil
}

// stepVerb is the step as it follows "de uiterste datum voor".
func stepVerb(s policy.Step) string {
	switch s {
	case policy.StepApplication:
		return "aanmelden"
	case policy.StepQuestionnaire:
		return "het beantwoorden van de uitvraag"
	case policy.StepOffer:
		return "het aanbod van de verzekeraar"
	case policy.StepQuote:
		return "het indienen van de offerte"
	case policy.StepSigning:
		return "ondertekenen"
	case policy.StepPublication:
		return "publicatie"
	}
	return string(s)
}

func stepObject(s policy.Step) string {
	switch s {
	case policy.StepApplication:
		return "aanmelding"
	case policy.StepQuestionnaire:
		return "antwoorden"
	case policy.StepQuote:
		return "offerte"
	case policy.StepSigning:
		return "handtekening"
	}
	return "actie"
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func itoa(n int) string { return strconv.Itoa(n) }
