package notify

import (
	"context"
	"time"

	"zorginkoop/internal/apperr"
)

// Delivered is what one Deliver did.
type Delivered struct {
	Sent   int // e-mails sent
	Failed int // attempts that failed and will be tried again
	GaveUp int // e-mails given up: MaxAttempts reached, or an address the mailer refused
}

// Deliver sends the e-mails that are due, after the transactions that queued them have
// committed: the server runs it on a ticker. Each mail is claimed before it is sent, so
// that two instances never send one twice; a failed attempt is tried again after a
// backoff that doubles (Options.Backoff, at most MaxBackoff), and given up after
// Options.MaxAttempts. The error is the store's; a failed attempt is counted, not
// returned. Without a mailer the mails stay queued.
func (s *Service) Deliver(ctx context.Context) (Delivered, error) {
	var d Delivered
	if s.mail == nil {
		return d, nil
	}
	now := s.now()
	due, err := s.store.DueMail(ctx, now, s.opt.Batch)
	if err != nil {
		return d, err
	}
	for _, m := range due {
		ok, err := s.store.ClaimMail(ctx, m.ID, now, now.Add(s.opt.Lease))
		if err != nil {
			return d, err
		}
		if !ok {
			continue
		}
		if err := s.deliver(ctx, m, &d); err != nil {
			return d, err
		}
	}
	return d, nil
}

// deliver sends one claimed mail and records the outcome.
func (s *Service) deliver(ctx context.Context, m Mail, d *Delivered) error {
	sendErr := s.mail.Send(ctx, m.To, m.Subject, m.Body)
	if sendErr == nil {
		d.Sent++
		return s.store.MailSent(ctx, m.ID, s.now())
	}
	attempts := m.Attempts + 1
	var next time.Time
	if attempts < s.opt.MaxAttempts && apperr.CodeOf(sendErr) != apperr.Invalid {
		next = s.now().Add(s.backoff(attempts))
		d.Failed++
	} else {
		d.GaveUp++
	}
	return s.store.MailFailed(ctx, m.ID, attempts, next, sendErr.Error())
}

// backoff is the wait after the attempts-th failed attempt.
func (s *Service) backoff(attempts int) time.Duration {
	b := s.opt.Backoff
	for i := 1; i < attempts && b < MaxBackoff; i++ {
		b *= 2
	}
	return min(b, MaxBackoff)
}
