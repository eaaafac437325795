package audit

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Head returns the newest entry's seq and hash: the zero Head for an empty trail.
func (l *Log) Head(ctx context.Context) (Head, error) {
	es, err := l.store.AuditEntries(ctx, Filter{Limit: 1})
	if err != nil {
		return Head{}, fmt.Errorf("read audit head: %w", err)
	}
	if len(es) == 0 {
		return Head{}, nil
	}
	return Head{Seq: es[0].Seq, Hash: es[0].Hash}, nil
}

// Flag is h as `zorginkoop audit verify --head` takes it: "seq:hash".
func (h Head) Flag() string { return fmt.Sprintf("%d:%s", h.Seq, h.Hash) }

// Mailer sends a plain-text message; the mailers of package mail implement it.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// HeadPublisher writes the head of the trail where the database's administrators cannot
// change it afterwards: the server's log and, when To is set, a mail to the operator.
// Against a head published earlier, `audit verify --head` detects the removal of the
// newest entries and a rewrite of the chain, which the chain alone cannot show.
type HeadPublisher struct {
	Log    *Log
	Logger *slog.Logger
	Mail   Mailer // needed with To
	To     string // the operator's address; "" only logs
}

// Publish reads the head, logs it and mails it to To. The head of an empty trail is
// logged, not mailed: there is nothing to check against yet.
func (p *HeadPublisher) Publish(ctx context.Context) error {
	h, err := p.Log.Head(ctx)
	if err != nil {
		return err
	}
	if h.Seq == 0 {
		p.Logger.InfoContext(ctx, "audit head: the audit trail is empty")
		return nil
	}
	p.Logger.InfoContext(ctx, "audit head", "head", h.Flag(), "verify", "zorginkoop audit verify --head "+h.Flag())
	if p.To == "" {
		return nil
	}
	if p.Mail == nil {
		return fmt.Errorf("mail audit head to %s: no mailer", p.To)
	}
	subject := fmt.Sprintf("Zorginkoop audit trail head: entry %d", h.Seq)
	if err := p.Mail.Send(ctx, p.To, subject, headMailBody(h, p.Log.now())); err != nil {
		return fmt.Errorf("mail audit head to %s: %w", p.To, err)
	}
	return nil
}

func headMailBody(h Head, at time.Time) string {
	return fmt.Sprintf(`The newest entry of the Zorginkoop audit trail at %s:

    seq  %d
    hash %s

Keep this message where the database's administrators cannot change it. To check later
that the trail still holds this entry unchanged, and that nothing up to it was removed
or rewritten, run:

    zorginkoop audit verify --head %s
`, at.UTC().Format("2006-01-02 15:04 UTC"), h.Seq, h.Hash, h.Flag())
}

// Run publishes the head at once and then at every tick (daily, from a time.Ticker in
// `zorginkoop serve`), until ctx ends or ticks is closed. A failure is logged and the
// next tick tries again: the server keeps serving.
func (p *HeadPublisher) Run(ctx context.Context, ticks <-chan time.Time) {
	for {
		if err := p.Publish(ctx); err != nil && ctx.Err() == nil {
			p.Logger.ErrorContext(ctx, "audit head: could not publish", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ticks:
			if !ok {
				return
			}
		}
	}
}
