package notify

import (
	"context"
	"fmt"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
)

// Side is the party of a dossier a reminder is for.
type Side string

const (
	SideInsurer  Side = "insurer"
	SideProvider Side = "provider"
)

// Reminder is a deadline of a dossier that is coming up, as the round area computes it.
type Reminder struct {
	// Key makes it idempotent, e.g. "reminder:dos-…:signing:7".
	Key        string
	DossierID  string
	Side       Side   // who must act
	Insurer    string // the dossier's insurer
	ProviderID string // the dossier's provider record
	What       string // the deadline in Dutch, e.g. "Ondertekenen van het contract"
	Date       policy.Date
	DaysBefore int
	Topic      string // optional: the round and provider, as in Notice.Topic
}

// SendReminders sends a deadline_approaching notice for each reminder whose key was not
// sent before, each in a transaction of its own with its audit entry, and returns how
// many it sent. It stops at the first error (the reminders sent before it stay sent).
func (s *Service) SendReminders(ctx context.Context, reminders []Reminder) (int, error) {
	sent := 0
	for _, r := range reminders {
		var ok bool
		err := identity.InTx(ctx, s.tx, func(ctx context.Context) error {
			var err error
			if ok, err = s.send(ctx, reminderNotice(r)); err != nil || !ok {
				return err
			}
			return identity.Record(ctx, s.audit, identity.System(), audit.Entry{Action: ActionReminder,
				Subject: "dossier:" + r.DossierID, Scope: r.party(), Dossier: r.DossierID, Reason: r.Key})
		})
		if err != nil {
			return sent, fmt.Errorf("reminder %s: %w", r.Key, err)
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

func (r Reminder) party() string {
	if r.Side == SideInsurer {
		return r.Insurer
	}
	return r.ProviderID
}

// reminderNotice is the notice of a reminder, to the side that must act.
func reminderNotice(r Reminder) Notice {
	to := Party{ProviderID: r.ProviderID}
	if r.Side == SideInsurer {
		to = Party{Insurer: r.Insurer}
	}
	date := nl.Date(r.Date.Time)
	days := fmt.Sprintf("over %d dagen", r.DaysBefore)
	switch r.DaysBefore {
	case 0:
		days = "vandaag"
	case 1:
		days = "morgen"
	}
	topic := r.Topic
	if topic == "" {
		topic = "dossier " + r.DossierID
	}
	return Notice{Kind: KindDeadlineApproaching, Key: r.Key, DossierID: r.DossierID, To: []Party{to}, Topic: topic,
		Subject: fmt.Sprintf("Herinnering: %s uiterlijk %s", r.What, date),
		Body:    fmt.Sprintf("De termijn '%s' voor %s verloopt %s: uiterlijk %s om 23:59 uur.", r.What, topic, days, date)}
}
