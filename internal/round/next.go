package round

import (
	"context"
	"time"

	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
)

// Sides of a dossier.
const (
	SideInsurer  = "insurer"
	SideProvider = "provider"
)

// NextAction is what a dossier waits for, by whom, and the deadline that concerns it.
type NextAction struct {
	Side     string      `json:"side"` // insurer | provider
	What     string      `json:"what"` // Dutch
	Step     policy.Step `json:"step,omitempty"`
	Deadline *Deadline   `json:"deadline,omitempty"`
}

// nextAction is the next action of an open dossier; ok is false for a closed one.
func nextAction(d *Dossier, dls map[policy.Step]Deadline) (NextAction, bool) {
	provider := func(what string, step policy.Step) NextAction {
		return NextAction{Side: SideProvider, What: what, Step: step}
	}
	insurer := func(what string, step policy.Step) NextAction {
		return NextAction{Side: SideInsurer, What: what, Step: step}
	}
	_, quote := dls[policy.StepQuote]
	var n NextAction
	switch {
	case !d.Stage.Open():
		return NextAction{}, false
	case d.Kind == KindPriceListOnly && (d.Stage == Invited || d.Stage == Offered || d.Stage == Negotiating):
		n = provider("Prijslijst voor het nieuwe contractjaar afspreken", policy.StepSigning)
	case d.Stage == Invited || d.Stage == Draft || d.Stage == Applied:
		n = provider("Uitvraag invullen en indienen", policy.StepQuestionnaire)
		if _, ok := dls[policy.StepQuestionnaire]; !ok && d.Stage == Invited {
			n = provider("Uitnodiging beantwoorden en aanmelden", "")
		}
	case (d.Stage == Assessed || d.Stage == Offered) && quote && d.Quote == nil:
		n = provider("Offerte indienen", policy.StepQuote)
	case d.Stage == Assessed:
		n = insurer("Besluiten per onderdeel en contractaanbod versturen", policy.StepOffer)
	case d.Stage == Offered || d.Stage == Negotiating:
		n = provider("Reageren op het aanbod en de prijslijst", policy.StepSigning)
	case d.Stage == Agreed:
		n = provider("Overeenkomst ondertekenen (tekenbevoegde), daarna de zorgverzekeraar", policy.StepSigning)
	case d.Stage == Signed:
		n = insurer("Gecontracteerde zorgaanbieder publiceren", policy.StepPublication)
	}
	if dl, ok := dls[n.Step]; ok {
		n.Deadline = &dl
	}
	return n, true
}

// dayIn is the civil date of t in Amsterdam.
func dayIn(t time.Time) time.Time {
	l := t.In(nl.Amsterdam)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// daysLeft counts the days from now's date (Amsterdam) to the deadline's due date.
func daysLeft(dl Deadline, now time.Time) int {
	return int(dl.Due().Sub(dayIn(now)).Hours() / 24)
}

// Reminder is a reminder to send for a deadline: Key is stable, so the notification area
// sends each one once.
type Reminder struct {
	Key        string      `json:"key"` // <dossier id>/<step>/<days>
	DossierID  string      `json:"dossier_id"`
	OrgSide    string      `json:"org_side"` // insurer | provider
	Insurer    string      `json:"insurer"`
	ProviderID string      `json:"provider_id"`
	Step       policy.Step `json:"step"`
	What       string      `json:"what"` // Dutch: the deadline and the action
	Date       policy.Date `json:"date"`
	DaysBefore int         `json:"days_before"` // 7 or 2
}

// ReminderDays are the days before a deadline a reminder goes out.
var ReminderDays = []int{7, 2}

// reminderPage is how many dossiers DueReminders reads at a time.
const reminderPage = 500

// DueReminders returns the reminders due at now: for every open dossier whose next action
// has a deadline ahead, the 7-day reminder from 7 days before and the 2-day one from 2
// days before (a late run sends only the nearest). It reads the dossiers page by page.
func (s *Service) DueReminders(ctx context.Context, now time.Time) ([]Reminder, error) {
	var out []Reminder
	cache := map[string]map[string]map[policy.Step]Extension{}
	rounds := map[string]*Round{}
	after := ""
	for {
		page, err := s.Store.OpenDossiers(ctx, after, reminderPage)
		if err != nil {
			return nil, err
		}
		for i := range page {
			d := &page[i]
			dls, err := s.cachedDeadlines(ctx, d, rounds, cache)
			if err != nil {
				return nil, err
			}
			if r, ok := reminder(d, dls, now); ok {
				out = append(out, r)
			}
		}
		if len(page) < reminderPage {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

func reminder(d *Dossier, dls map[policy.Step]Deadline, now time.Time) (Reminder, bool) {
	n, ok := nextAction(d, dls)
	if !ok || n.Deadline == nil || n.Deadline.Passed(now) {
		return Reminder{}, false
	}
	left := daysLeft(*n.Deadline, now)
	days := 0
	for _, k := range ReminderDays { // 7, then 2: the nearest that has come
		if left <= k {
			days = k
		}
	}
	if days == 0 {
		return Reminder{}, false
	}
	return Reminder{Key: d.ID + "/" + string(n.Step) + "/" + itoa(days), DossierID: d.ID, OrgSide: n.Side, Insurer: d.Insurer,
		ProviderID: d.ProviderID, Step: n.Step, What: n.What + ": uiterlijk " + nl.Date(n.Deadline.Due().Time),
		Date: n.Deadline.Due(), DaysBefore: days}, true
}

// cachedDeadlines are a dossier's deadlines, reading each round and its extensions once.
func (s *Service) cachedDeadlines(ctx context.Context, d *Dossier, rounds map[string]*Round, ext map[string]map[string]map[policy.Step]Extension) (map[policy.Step]Deadline, error) {
	r, ok := rounds[d.RoundID]
	if !ok {
		var err error
		if r, err = s.Store.Round(ctx, d.RoundID); err != nil {
			return nil, err
		}
		rounds[d.RoundID] = r
		if ext[d.RoundID], err = s.Store.Extensions(ctx, d.RoundID); err != nil {
			return nil, err
		}
	}
	pol, err := s.policy(d.PolicyID)
	if err != nil {
		return nil, err
	}
	return deadlines(pol, r, ext[d.RoundID], d.ID), nil
}
