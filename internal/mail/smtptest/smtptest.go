// Package smtptest is a small real SMTP server for tests: it listens on 127.0.0.1, speaks
// enough SMTP for a client that sends mail (EHLO/HELO, STARTTLS, AUTH PLAIN, MAIL FROM,
// RCPT TO, DATA, RSET, NOOP, QUIT) and keeps every message it accepts. A message is kept
// before the server answers the DATA command, so it is there when the client's Send
// returns.
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options change what the server offers.
type Options struct {
	// TLS offers STARTTLS with a self-signed certificate for 127.0.0.1 and localhost;
	// Server.RootCAs trusts it.
	TLS bool
	// User and Password, when set, are required with AUTH PLAIN before MAIL FROM.
	User, Password string
	// Reject, when set, refuses the recipients it returns true for (550).
	Reject func(rcpt string) bool
}

// Message is one accepted message.
type Message struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	Data     []byte   // the message as received, dot-unstuffed, with LF line ends
	TLS      bool     // it came over a STARTTLS-protected connection
	AuthUser string   // who logged in with AUTH PLAIN, if anyone
	Header   mail.Header
	Subject  string // decoded
	Body     string // decoded (quoted-printable undone), LF line ends
}

// Server is a running SMTP server.
type Server struct {
	Host string // "127.0.0.1"
	Port int
	Addr string // host:port

	opts    Options
	tls     *tls.Config
	roots   *x509.CertPool
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	msgs    []Message
	conns   map[net.Conn]bool
	closing bool
}

// Start starts a server for the test and stops it when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := New(opts)
	if err != nil {
		tb.Fatalf("start SMTP server: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// New starts a server on a free port of 127.0.0.1.
func New(opts Options) (*Server, error) {
	s := &Server{opts: opts, conns: map[net.Conn]bool{}}
	if opts.TLS {
		cfg, roots, err := selfSigned()
		if err != nil {
			return nil, err
		}
		s.tls, s.roots = cfg, roots
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	a := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port, s.Addr = a.IP.String(), a.Port, ln.Addr().String()
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// RootCAs trusts the server's certificate (nil without Options.TLS).
func (s *Server) RootCAs() *x509.CertPool { return s.roots }

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Close stops the server and waits for its connections to end.
func (s *Server) Close() {
	s.mu.Lock()
	s.closing = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			c.SetDeadline(time.Now().Add(time.Minute))
			(&session{srv: s, conn: c}).serve()
		}()
	}
}

// session is one client connection.
type session struct {
	srv      *Server
	conn     net.Conn
	r        *textproto.Reader
	w        *bufio.Writer
	tls      bool
	greeted  bool
	authUser string
	from     string
	to       []string
	inMail   bool
}

func (ss *session) reply(code int, lines ...string) {
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(ss.w, "%d%s%s\r\n", code, sep, l)
	}
	ss.w.Flush()
}

func (ss *session) serve() {
	ss.setConn(ss.conn)
	ss.reply(220, ss.srv.Host+" smtptest ready")
	for {
		line, err := ss.r.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		if !ss.handle(strings.ToUpper(verb), strings.TrimSpace(arg)) {
			return
		}
	}
}

func (ss *session) setConn(c net.Conn) {
	ss.conn = c
	ss.r = textproto.NewReader(bufio.NewReader(c))
	ss.w = bufio.NewWriter(c)
}

// handle answers one command; false ends the session.
func (ss *session) handle(verb, arg string) bool {
	o := ss.srv.opts
	switch verb {
	case "EHLO":
		ss.greeted = true
		ss.resetMail()
		lines := []string{ss.srv.Host + " hello " + arg}
		if ss.srv.tls != nil && !ss.tls {
			lines = append(lines, "STARTTLS")
		}
		if o.User != "" {
			lines = append(lines, "AUTH PLAIN")
		}
		ss.reply(250, append(lines, "8BITMIME")...)
	case "HELO":
		ss.greeted = true
		ss.resetMail()
		ss.reply(250, ss.srv.Host+" hello "+arg)
	case "STARTTLS":
		if ss.srv.tls == nil || ss.tls {
			ss.reply(502, "5.5.1 STARTTLS not offered")
			return true
		}
		ss.reply(220, "2.0.0 ready to start TLS")
		tc := tls.Server(ss.conn, ss.srv.tls)
		if err := tc.Handshake(); err != nil {
			return false
		}
		ss.setConn(tc)
		ss.tls, ss.greeted = true, false // RFC 3207: the client starts over with EHLO
		ss.resetMail()
	case "AUTH":
		ss.auth(arg)
	case "MAIL":
		switch {
		case !ss.greeted:
			ss.reply(503, "5.5.1 say EHLO first")
		case o.User != "" && ss.authUser == "":
			ss.reply(530, "5.7.0 authentication required")
		case !strings.HasPrefix(strings.ToUpper(arg), "FROM:"):
			ss.reply(501, "5.5.4 syntax: MAIL FROM:<address>")
		default:
			ss.resetMail()
			ss.from, ss.inMail = address(arg[len("FROM:"):]), true
			ss.reply(250, "2.1.0 sender ok")
		}
	case "RCPT":
		switch {
		case !ss.inMail:
			ss.reply(503, "5.5.1 MAIL FROM first")
		case !strings.HasPrefix(strings.ToUpper(arg), "TO:"):
			ss.reply(501, "5.5.4 syntax: RCPT TO:<address>")
		case o.Reject != nil && o.Reject(address(arg[len("TO:"):])):
			ss.reply(550, "5.1.1 mailbox unavailable")
		default:
			ss.to = append(ss.to, address(arg[len("TO:"):]))
			ss.reply(250, "2.1.5 recipient ok")
		}
	case "DATA":
		if len(ss.to) == 0 {
			ss.reply(503, "5.5.1 RCPT TO first")
			return true
		}
		ss.reply(354, "end data with <CR><LF>.<CR><LF>")
		data, err := ss.r.ReadDotBytes()
		if err != nil {
			return false
		}
		ss.srv.keep(Message{From: ss.from, To: ss.to, Data: data, TLS: ss.tls, AuthUser: ss.authUser})
		ss.resetMail()
		ss.reply(250, "2.0.0 queued")
	case "RSET":
		ss.resetMail()
		ss.reply(250, "2.0.0 ok")
	case "NOOP":
		ss.reply(250, "2.0.0 ok")
	case "QUIT":
		ss.reply(221, "2.0.0 bye")
		return false
	default:
		ss.reply(502, "5.5.2 command not implemented")
	}
	return true
}

func (ss *session) resetMail() { ss.from, ss.to, ss.inMail = "", nil, false }

func (ss *session) auth(arg string) {
	o := ss.srv.opts
	mech, resp, _ := strings.Cut(arg, " ")
	if o.User == "" || !strings.EqualFold(mech, "PLAIN") {
		ss.reply(504, "5.5.4 mechanism not supported")
		return
	}
	if resp == "" {
		ss.reply(334, "")
		line, err := ss.r.ReadLine()
		if err != nil {
			return
		}
		resp = line
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 || parts[1] != o.User || parts[2] != o.Password {
		ss.reply(535, "5.7.8 authentication credentials invalid")
		return
	}
	ss.authUser = parts[1]
	ss.reply(235, "2.7.0 authentication successful")
}

// address takes the address out of "<a@b> SIZE=10" or "a@b".
func address(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j >= 0 {
			return s[i+1 : i+j]
		}
	}
	addr, _, _ := strings.Cut(s, " ")
	return addr
}

func (s *Server) keep(m Message) {
	if msg, err := mail.ReadMessage(bytes.NewReader(m.Data)); err == nil {
		m.Header = msg.Header
		m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			m.Subject = msg.Header.Get("Subject")
		}
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a day.
func selfSigned() (*tls.Config, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12}
	return cfg, roots, nil
}

// ErrNoMessage is returned by Last when nothing was received.
var ErrNoMessage = errors.New("smtptest: no message received")

// Last returns the newest message.
func (s *Server) Last() (Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.msgs) == 0 {
		return Message{}, ErrNoMessage
	}
	return s.msgs[len(s.msgs)-1], nil
}
