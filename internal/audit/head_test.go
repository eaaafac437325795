package audit_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/mail"
	"zorginkoop/internal/mail/smtptest"
	"zorginkoop/internal/store/sqlite"
)

func headLog(t *testing.T) *audit.Log {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	return audit.NewLog(db, func() time.Time { return now })
}

func TestHeadIsLoggedAndMailedToTheOperator(t *testing.T) {
	ctx := context.Background()
	log := headLog(t)
	var logged bytes.Buffer
	srv := smtptest.Start(t, smtptest.Options{})
	mailer, err := mail.New(mail.Config{Host: srv.Host, Port: srv.Port, From: "zorginkoop@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	p := &audit.HeadPublisher{Log: log, Logger: slog.New(slog.NewTextHandler(&logged, nil)), Mail: mailer, To: "operator@example.nl"}

	// An empty trail: logged, nothing to mail.
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	if len(srv.Messages()) != 0 || !strings.Contains(logged.String(), "the audit trail is empty") {
		t.Fatalf("empty trail: %d messages, log %s", len(srv.Messages()), logged.String())
	}

	var last audit.Entry
	for range 3 {
		if last, err = log.Record(ctx, audit.Entry{Action: "test", Subject: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	head := "3:" + last.Hash
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	m, err := srv.Last()
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Zorginkoop audit trail head: entry 3" || len(m.To) != 1 || m.To[0] != "operator@example.nl" {
		t.Errorf("mail: subject %q to %v", m.Subject, m.To)
	}
	for _, want := range []string{"2026-11-30 06:00 UTC", "seq  3", "hash " + last.Hash, "zorginkoop audit verify --head " + head} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("mail body lacks %q:\n%s", want, m.Body)
		}
	}
	if !strings.Contains(logged.String(), "head="+head) {
		t.Errorf("log lacks head=%s:\n%s", head, logged.String())
	}
	// What was mailed verifies.
	known := audit.Head{Seq: 3, Hash: last.Hash}
	if r, err := log.VerifyAgainst(ctx, known); err != nil || !r.OK() {
		t.Errorf("VerifyAgainst the mailed head = %+v, %v", r, err)
	}
}

// Run publishes at start and at every tick; a failing mail server is logged and the next
// tick tries again.
func TestHeadIsPublishedAtStartAndEveryTick(t *testing.T) {
	ctx := context.Background()
	log := headLog(t)
	if _, err := log.Record(ctx, audit.Entry{Action: "test", Subject: "x"}); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t, smtptest.Options{})
	mailer, err := mail.New(mail.Config{Host: srv.Host, Port: srv.Port, From: "zorginkoop@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	p := &audit.HeadPublisher{Log: log, Logger: slog.New(slog.NewTextHandler(&logged, nil)), Mail: mailer, To: "operator@example.nl"}
	ticks := make(chan time.Time)
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx, ticks) }()
	ticks <- time.Time{} // the publication at start is done when Run takes a tick
	ticks <- time.Time{}
	close(ticks)
	<-done
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("%d mails, want 3: at start and at two ticks", n)
	}

	// The mail server refuses: logged, Run goes on.
	bad := &audit.HeadPublisher{Log: log, Logger: slog.New(slog.NewTextHandler(&logged, nil)), Mail: mailer, To: "geen adres"}
	ticks = make(chan time.Time)
	done = make(chan struct{})
	go func() { defer close(done); bad.Run(ctx, ticks) }()
	ticks <- time.Time{}
	close(ticks)
	<-done
	if n := strings.Count(logged.String(), "audit head: could not publish"); n != 2 {
		t.Errorf("%d failures logged, want 2:\n%s", n, logged.String())
	}
}
