package main

import (
	"context"
	"log/slog"
	"time"

	wiring "zorginkoop/internal/app"
)

// jobsInterval is how often serve runs the round's background jobs.
const jobsInterval = 30 * time.Second

// runJobs runs the round's background jobs (app.Services.RunJobs: publication, reminders,
// e-mail) now and then at every tick of interval, at the services' clock, until the
// returned stop is called (which waits for a pass under way). A failing pass is logged,
// never fatal: the next tick tries again.
func runJobs(ctx context.Context, svc *wiring.Services, log *slog.Logger, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ticker := time.NewTicker(interval)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			jobsPass(ctx, svc, log)
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
	return func() {
		cancel()
		ticker.Stop()
		<-done
	}
}

// jobsPass runs the jobs once and logs what they did.
func jobsPass(ctx context.Context, svc *wiring.Services, log *slog.Logger) {
	rep, err := svc.RunJobs(ctx, svc.Rounds.Now())
	if err != nil && ctx.Err() == nil {
		log.Error("background jobs", "err", err)
	}
	if rep.Published > 0 || rep.Reminders > 0 || rep.Mail.Sent > 0 || rep.Mail.Failed > 0 || rep.Mail.GaveUp > 0 {
		log.Info("background jobs", "published", rep.Published, "reminders", rep.Reminders,
			"mail_sent", rep.Mail.Sent, "mail_failed", rep.Mail.Failed, "mail_given_up", rep.Mail.GaveUp)
	}
}
