package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/mail"
	"zorginkoop/internal/mail/smtptest"
)

var (
	_ identity.Mailer = (*mail.SMTP)(nil)
	_ identity.Mailer = mail.Log{}
)

var now = time.Date(2023, 11, 9, 13, 5, 0, 0, time.UTC)

func newMailer(t *testing.T, srv *smtptest.Server, change func(*mail.Config)) *mail.SMTP {
	t.Helper()
	cfg := mail.Config{Host: srv.Host, Port: srv.Port, From: "Zorginkoop <noreply@zorginkoop.example>",
		Now: func() time.Time { return now }, Timeout: 5 * time.Second}
	if change != nil {
		change(&cfg)
	}
	m, err := mail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendDeliversUTF8TextIntact(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := newMailer(t, srv, nil)
	subject := "Wachtwoord opnieuw instellen – één keer"
	body := "Beste Jan,\n\nKlik op deze link, die één keer werkt:\n\nhttps://zorginkoop.example/wachtwoord/herstellen?token=r_abc=def\n" +
		".Een regel die met een punt begint.\n" + strings.Repeat("lang ", 40) + "\n"
	if err := m.Send(context.Background(), "jan@cz.example", subject, body); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages received, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "noreply@zorginkoop.example" || len(got.To) != 1 || got.To[0] != "jan@cz.example" {
		t.Errorf("envelope from %q to %q", got.From, got.To)
	}
	if got.Subject != subject {
		t.Errorf("subject %q, want %q", got.Subject, subject)
	}
	if got.Body != body {
		t.Errorf("body\n%q\nwant\n%q", got.Body, body)
	}
	h := got.Header
	if h.Get("From") != `"Zorginkoop" <noreply@zorginkoop.example>` || h.Get("To") != "<jan@cz.example>" {
		t.Errorf("From %q, To %q", h.Get("From"), h.Get("To"))
	}
	if d, err := h.Date(); err != nil || !d.Equal(now) {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("MIME-Version") != "1.0" || !strings.HasSuffix(h.Get("Message-ID"), "@zorginkoop.example>") {
		t.Errorf("headers %v", h)
	}
	for _, line := range strings.Split(string(got.Data), "\n") {
		if len(line) > 78 {
			t.Errorf("line of %d characters on the wire: %q", len(line), line)
		}
	}
	if got.TLS || got.AuthUser != "" {
		t.Errorf("TLS %v, user %q over a server that offers neither", got.TLS, got.AuthUser)
	}
}

func TestSendUsesSTARTTLSWhenOfferedAndLogsIn(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: true, User: "zorginkoop", Password: "geheim"})
	m := newMailer(t, srv, func(c *mail.Config) {
		c.User, c.Password = "zorginkoop", "geheim"
		c.TLS = &tls.Config{RootCAs: srv.RootCAs()}
	})
	if err := m.Send(context.Background(), "jan@cz.example", "Onderwerp", "Tekst\n"); err != nil {
		t.Fatal(err)
	}
	got, err := srv.Last()
	if err != nil {
		t.Fatal(err)
	}
	if !got.TLS || got.AuthUser != "zorginkoop" {
		t.Errorf("TLS %v, user %q; want the message over STARTTLS after AUTH", got.TLS, got.AuthUser)
	}
}

func TestSendFailsAndDeliversNothing(t *testing.T) {
	tests := []struct {
		name    string
		opts    smtptest.Options
		config  func(srv *smtptest.Server, c *mail.Config)
		to      string
		subject string
		want    string
	}{
		{"an untrusted certificate stops STARTTLS", smtptest.Options{TLS: true}, nil, "jan@cz.example", "Onderwerp",
			"STARTTLS"},
		{"a wrong password is refused", smtptest.Options{TLS: true, User: "zorginkoop", Password: "geheim"},
			func(srv *smtptest.Server, c *mail.Config) {
				c.User, c.Password, c.TLS = "zorginkoop", "fout", &tls.Config{RootCAs: srv.RootCAs()}
			}, "jan@cz.example", "Onderwerp", "AUTH: 535"},
		{"a server that requires a login refuses mail without one", smtptest.Options{User: "zorginkoop", Password: "geheim"}, nil,
			"jan@cz.example", "Onderwerp", "MAIL FROM: 530"},
		{"a refused recipient", smtptest.Options{Reject: func(rcpt string) bool { return rcpt == "weg@cz.example" }}, nil,
			"weg@cz.example", "Onderwerp", "RCPT TO: 550"},
		{"a line break in the subject cannot add headers", smtptest.Options{}, nil,
			"jan@cz.example", "Onderwerp\r\nBcc: iedereen@example.com", "subject"},
		{"a recipient that is no address", smtptest.Options{}, nil, "jan@cz.example\r\nBcc: x@y.z", "Onderwerp", "not an e-mail address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, tc.opts)
			m := newMailer(t, srv, func(c *mail.Config) {
				if tc.config != nil {
					tc.config(srv, c)
				}
			})
			err := m.Send(context.Background(), tc.to, tc.subject, "Tekst")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("%d messages delivered", n)
			}
		})
	}
}

func TestSendToAServerThatIsDownSaysWhere(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := newMailer(t, srv, nil)
	srv.Close()
	err := m.Send(context.Background(), "jan@cz.example", "Onderwerp", "Tekst")
	if err == nil || !strings.Contains(err.Error(), "connect to "+srv.Addr) {
		t.Fatalf("error %v, want one naming %s", err, srv.Addr)
	}
}

func TestSendStopsWhenTheContextEnds(t *testing.T) {
	// A server that accepts the connection and then says nothing.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	a := ln.Addr().(*net.TCPAddr)
	m, err := mail.New(mail.Config{Host: "127.0.0.1", Port: a.Port, From: "noreply@zorginkoop.example"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = m.Send(ctx, "jan@cz.example", "Onderwerp", "Tekst")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's deadline", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("Send returned only after %v", time.Since(start))
	}
}

func TestNewChecksTheConfiguration(t *testing.T) {
	for _, tc := range []struct {
		cfg   mail.Config
		field string
	}{
		{mail.Config{From: "a@b.nl"}, "host"},
		{mail.Config{Host: "smtp.example.nl", From: "geen adres"}, "from"},
		{mail.Config{Host: "smtp.example.nl", Port: 70000, From: "a@b.nl"}, "port"},
	} {
		_, err := mail.New(tc.cfg)
		if es := apperr.Errors(err); apperr.CodeOf(err) != apperr.Invalid || len(es) == 0 || es[0].Field != tc.field {
			t.Errorf("New(%+v) = %v, want Invalid on %s", tc.cfg, err, tc.field)
		}
	}
}

func TestLogWritesTheMessageToTheLogger(t *testing.T) {
	var buf bytes.Buffer
	l := mail.Log{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := l.Send(context.Background(), "jan@cz.example", "Wachtwoord opnieuw instellen", "https://zorginkoop.example/wachtwoord/herstellen?token=r_x"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"to=jan@cz.example", `subject="Wachtwoord opnieuw instellen"`, "token=r_x"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, buf.String())
		}
	}
}
