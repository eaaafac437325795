package identity

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"

	"zorginkoop/internal/apperr"
)

// StartSession starts a browser session for a user who has proven who they are (by
// password, OpenID Connect or certificate: method, for the audit trail).
func (s *Service) StartSession(ctx context.Context, u *User, method string) (Principal, string, *Session, error) {
	if u.Disabled {
		return Anonymous, "", nil, errDisabled
	}
	p, err := s.Principal(ctx, u)
	if err != nil {
		return Anonymous, "", nil, err
	}
	secret, hash := newSecret("s_")
	csrf, _ := newSecret("")
	now := s.Now().UTC()
	sess := &Session{TokenHash: hash, UserID: u.ID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateSession(ctx, *sess); err != nil {
			return err
		}
		return s.record(ctx, p, ActionLogin, "user:"+u.ID, u.OrgID, nil, nil, method, false)
	})
	if err != nil {
		return Anonymous, "", nil, err
	}
	return p, secret, sess, nil
}

var errSessionExpired = &apperr.Error{Code: apperr.Unauthenticated, Message: "the session has expired or was ended; log in again",
	Dutch: "Uw sessie is verlopen of beëindigd. Log opnieuw in."}

// Authenticate returns the principal of a session cookie's secret.
func (s *Service) Authenticate(ctx context.Context, secret string) (Principal, *Session, error) {
	sess, err := s.Store.Session(ctx, HashSecret(secret))
	if apperr.CodeOf(err) == apperr.NotFound {
		return Anonymous, nil, errSessionExpired
	}
	if err != nil {
		return Anonymous, nil, err
	}
	if !s.Now().Before(sess.ExpiresAt) {
		s.Store.DeleteSession(ctx, sess.TokenHash)
		return Anonymous, nil, errSessionExpired
	}
	p, err := s.activeUser(ctx, sess.UserID)
	if err != nil {
		return Anonymous, nil, err
	}
	return p, sess, nil
}

func (s *Service) activeUser(ctx context.Context, userID string) (Principal, error) {
	u, err := s.Store.User(ctx, userID)
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && u.Disabled {
		return Anonymous, errSessionExpired
	}
	if err != nil {
		return Anonymous, err
	}
	return s.Principal(ctx, u)
}

// Logout ends the session of a cookie's secret.
func (s *Service) Logout(ctx context.Context, secret string) error {
	p, sess, err := s.Authenticate(ctx, secret)
	if err != nil {
		return nil // already gone
	}
	return s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.DeleteSession(ctx, sess.TokenHash); err != nil {
			return err
		}
		return s.record(ctx, p, ActionLogout, "user:"+p.UserID(), p.OrgID(), nil, nil, "", false)
	})
}

// AuthenticateCertificate returns the principal of a verified client certificate (mutual
// TLS), mapped to a user by its SHA-256 fingerprint.
func (s *Service) AuthenticateCertificate(ctx context.Context, cert *x509.Certificate) (Principal, error) {
	sum := sha256.Sum256(cert.Raw)
	u, err := s.Store.UserByCert(ctx, hex.EncodeToString(sum[:]))
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && u.Disabled {
		return Anonymous, &apperr.Error{Code: apperr.Unauthenticated, Message: "the client certificate is not linked to an active user",
			Dutch: "Dit certificaat is niet gekoppeld aan een actieve gebruiker."}
	}
	if err != nil {
		return Anonymous, err
	}
	return s.Principal(ctx, u)
}
