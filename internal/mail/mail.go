// Package mail sends the platform's e-mail (password-reset links, notices) over SMTP, or,
// for development without a mail server, writes it to the log. Both implement
// identity.Mailer.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
)

// Config is where and as whom to send. The caller fills it from flags or the environment.
type Config struct {
	Host     string // SMTP server, e.g. "smtp.example.nl"
	Port     int    // 587 (submission) if 0
	From     string // sender address, e.g. "Zorginkoop <noreply@zorginkoop.example>"
	User     string // optional: log in with AUTH PLAIN (only over TLS, or to localhost)
	Password string
	// TLS configures STARTTLS, which is used whenever the server offers it; ServerName is
	// Host when empty. Nil is the system's roots and Host.
	TLS *tls.Config
	// Timeout bounds a whole delivery (30 seconds if 0) when ctx has no earlier deadline.
	Timeout time.Duration
	// Now is the clock of the Date header; time.Now if nil.
	Now func() time.Time
}

// SMTP sends mail through one SMTP server; one connection per message.
type SMTP struct {
	cfg  Config
	from *mail.Address
}

// New checks cfg and returns the mailer.
func New(cfg Config) (*SMTP, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, apperr.Invalidf("host", "the SMTP server's host name is missing")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, apperr.Invalidf("port", "SMTP port %d is not between 1 and 65535", cfg.Port)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, apperr.Invalidf("from", "sender %q is not an e-mail address: %v", cfg.From, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// Send delivers one plain-text message. Its error names the SMTP step that failed.
func (m *SMTP) Send(ctx context.Context, to, subject, body string) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return apperr.Invalidf("to", "recipient %q is not an e-mail address", to)
	}
	msg, err := m.message(rcpt, subject, body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", addr, err)
	}
	defer conn.Close()
	// net/smtp knows no context: closing the connection when ctx ends (at the latest
	// after Timeout) stops the step that is waiting.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := m.deliver(conn, rcpt.Address, msg); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("mail: send to %s: %w (%w)", addr, ctx.Err(), err)
		}
		return fmt.Errorf("mail: send to %s: %w", addr, err)
	}
	return nil
}

func (m *SMTP) deliver(conn net.Conn, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(localName()); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := m.cfg.TLS.Clone()
		if tc == nil {
			tc = &tls.Config{}
		}
		if tc.ServerName == "" {
			tc.ServerName = m.cfg.Host
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if m.cfg.User != "" {
		// PlainAuth refuses to send the password over a connection that is neither
		// encrypted nor to localhost.
		if err := c.Auth(smtp.PlainAuth("", m.cfg.User, m.cfg.Password, m.cfg.Host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	return c.Quit()
}

func localName() string {
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \r\n") {
		return h
	}
	return "localhost"
}

// message builds the RFC 5322 message: UTF-8 text, quoted-printable, CRLF line ends.
func (m *SMTP) message(to *mail.Address, subject, body string) ([]byte, error) {
	if strings.ContainsAny(subject, "\r\n") {
		return nil, apperr.Invalidf("subject", "the subject contains a line break")
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", m.from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", m.cfg.Now().Format(time.RFC1123Z))
	header("Message-ID", messageID(m.from.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func messageID(from string) string {
	domain := "zorginkoop"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	r := make([]byte, 12)
	rand.Read(r)
	return "<" + hex.EncodeToString(r) + "@" + domain + ">"
}

// Log is a mailer for development without a mail server: it writes each message, body
// included, to the logger at level Info. Never use it in production: the body of a
// password-reset mail is a secret link.
type Log struct {
	Logger *slog.Logger
}

// Send logs the message.
func (l Log) Send(ctx context.Context, to, subject, body string) error {
	if l.Logger == nil {
		return errors.New("mail: Log has no logger")
	}
	l.Logger.InfoContext(ctx, "e-mail (not sent: no SMTP server configured)", "to", to, "subject", subject, "body", body)
	return nil
}
