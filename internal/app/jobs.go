package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zorginkoop/internal/notify"
	"zorginkoop/internal/round"
)

// The round's background work, which `serve` runs on a ticker: publishing the signed
// contracts whose publication date has come, the reminders of deadlines 7 and 2 days
// ahead, and the e-mail of the notices queued. Each step is idempotent (a contract is
// published once, a reminder's key is sent once, a mail is claimed before it is sent), so
// any number of server instances may run it at the same time.

// JobReport is what one pass of the background jobs did.
type JobReport struct {
	Published int              // contracts published
	Reminders int              // reminders sent
	Mail      notify.Delivered // e-mails sent, failed and given up
}

// RunJobs runs the background jobs once at now (the services' clock, which the test clock
// may set). Every step runs even when an earlier one failed; the errors are joined.
func (s *Services) RunJobs(ctx context.Context, now time.Time) (JobReport, error) {
	var rep JobReport
	var errs []error
	n, err := s.Contracts.Publish(ctx, now)
	rep.Published = n
	if err != nil {
		errs = append(errs, fmt.Errorf("publish contracts: %w", err))
	}
	if rep.Reminders, err = s.sendReminders(ctx, now); err != nil {
		errs = append(errs, fmt.Errorf("send reminders: %w", err))
	}
	if rep.Mail, err = s.Notices.Deliver(ctx); err != nil {
		errs = append(errs, fmt.Errorf("deliver e-mail: %w", err))
	}
	return rep, errors.Join(errs...)
}

// sendReminders sends the reminders of the round that are due at now, each once.
func (s *Services) sendReminders(ctx context.Context, now time.Time) (int, error) {
	due, err := s.Rounds.DueReminders(ctx, now)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	links := roundLinks{rounds: s.Rounds, notices: s.Notices, lib: s.Library}
	out := make([]notify.Reminder, 0, len(due))
	for _, r := range due {
		topic := ""
		if d, err := s.Rounds.Lookup(ctx, r.DossierID); err == nil {
			topic = links.topic(d)
		}
		out = append(out, reminder(r, topic))
	}
	return s.Notices.SendReminders(ctx, out)
}

// reminder is the round's reminder as the notices send it: its key is the round's, so a
// reminder goes out once however often the job runs.
func reminder(r round.Reminder, topic string) notify.Reminder {
	side := notify.SideProvider
	if r.OrgSide == round.SideInsurer {
		side = notify.SideInsurer
	}
	return notify.Reminder{Key: "reminder:" + r.Key, DossierID: r.DossierID, Side: side, Insurer: r.Insurer,
		ProviderID: r.ProviderID, What: r.What, Date: r.Date, DaysBefore: r.DaysBefore, Topic: topic}
}
