package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/text"
)

// RequestPasswordReset e-mails a one-time link to reset the password, if the address
// belongs to an active user. It answers the same either way, so that it does not tell
// which addresses have accounts. A new link revokes the user's older links.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	if err := text.Check("email", email, text.Email); err != nil {
		return err
	}
	if !strings.HasPrefix(s.BaseURL, "http://") && !strings.HasPrefix(s.BaseURL, "https://") {
		// A relative link in a mail cannot work: refuse before looking at the address,
		// so that the answer is the same for every address.
		return ErrResetMailOff
	}
	u, err := s.Store.UserByEmail(ctx, NormalizeEmail(email))
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && u.Disabled {
		return nil
	}
	if err != nil {
		return err
	}
	if s.Mail == nil {
		return errors.New("password reset: no mail server configured")
	}
	secret, hash := newSecret("r_")
	now := s.Now().UTC()
	// The new link, the end of the older ones and the entry commit together.
	err = s.inTx(ctx, func(ctx context.Context) error {
		older, err := s.Store.DeleteTokens(ctx, u.ID, TokenReset)
		if err != nil {
			return err
		}
		if err := s.Store.CreateToken(ctx, Token{TokenHash: hash, Kind: TokenReset, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)}); err != nil {
			return err
		}
		return s.record(ctx, Anonymous, ActionPasswordResetAsked, "user:"+u.ID, u.OrgID, nil,
			map[string]any{"older_links_revoked": older}, "", false)
	})
	if err != nil {
		return err
	}
	link := strings.TrimRight(s.BaseURL, "/") + "/wachtwoord/herstellen?token=" + secret
	body := fmt.Sprintf("Beste %s,\n\nU heeft gevraagd uw wachtwoord voor zorginkoop opnieuw in te stellen. "+
		"Dat kan tot %s via deze link, die één keer werkt:\n\n%s\n\n"+
		"Eerder verstuurde links werken niet meer.\n\n"+
		"Heeft u dit niet gevraagd? Dan kunt u dit bericht negeren; uw wachtwoord blijft ongewijzigd.\n",
		u.Name, nl.DateTime(now.Add(ResetTTL)), link)
	if err := s.Mail.Send(ctx, u.Email, "Wachtwoord opnieuw instellen", body); err != nil {
		return fmt.Errorf("send password-reset mail: %w", err)
	}
	return nil
}

// ErrResetMailOff: the server has no absolute base URL, so reset links cannot be mailed.
var ErrResetMailOff = &apperr.Error{Code: apperr.Internal,
	Message: "password-reset mail is off: the server was started without --base-url, so a link in the mail could not work",
	Dutch:   "Wachtwoordherstel per e-mail is op deze installatie niet ingesteld. Vraag de beheerder van uw organisatie om een nieuw wachtwoord."}

var errBadResetLink = &apperr.Error{Code: apperr.Invalid, Field: "token",
	Message: "the password-reset link is invalid, expired or used already; ask for a new one",
	Dutch:   "Deze link om uw wachtwoord opnieuw in te stellen is ongeldig, verlopen of al gebruikt. Vraag een nieuwe aan."}

// CheckResetLink returns the error ResetPassword would give for the link's secret, without
// using it: so that the form can say at once that a link is invalid, expired or used.
func (s *Service) CheckResetLink(ctx context.Context, secret string) error {
	_, err := s.resetToken(ctx, secret)
	return err
}

func (s *Service) resetToken(ctx context.Context, secret string) (*Token, error) {
	t, err := s.Store.Token(ctx, HashSecret(secret))
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && (t.Kind != TokenReset || !t.UsedAt.IsZero() || !s.Now().Before(t.ExpiresAt)) {
		return nil, errBadResetLink
	}
	return t, err
}

// ResetPassword sets a new password with a one-time link's secret. It ends every session
// of the user and revokes their other reset links; with revokeTokens it revokes their API
// tokens as well (what a user who fears their account was taken over should choose).
func (s *Service) ResetPassword(ctx context.Context, secret, password string, revokeTokens bool) error {
	t, err := s.resetToken(ctx, secret)
	if err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	u, err := s.Store.User(ctx, t.UserID)
	if err != nil {
		return err
	}
	u.PasswordHash = hashPassword(password)
	// The link is used only if the password, the sessions, the tokens and the entry change with it.
	return s.inTx(ctx, func(ctx context.Context) error {
		ok, err := s.Store.UseToken(ctx, t.TokenHash, s.Now().UTC())
		if err != nil {
			return err
		}
		if !ok {
			return errBadResetLink
		}
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		if err := s.Store.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if _, err := s.Store.DeleteTokens(ctx, u.ID, TokenReset); err != nil {
			return err
		}
		revoked, err := s.revokeAPITokens(ctx, u, revokeTokens)
		if err != nil {
			return err
		}
		return s.record(ctx, Principal{User: u}, ActionPasswordReset, "user:"+u.ID, u.OrgID, nil,
			map[string]any{"sessions_ended": "all", "api_tokens_revoked": revoked}, "", false)
	})
}

// PasswordChange is a new password chosen by its user, and what ends with the old one.
type PasswordChange struct {
	Current string // the password now
	New     string
	// KeepSession is the hash of the session the change is made in (Session.TokenHash),
	// which stays; every other session of the user ends. "" ends them all.
	KeepSession string
	// RevokeTokens revokes every API token of the user as well.
	RevokeTokens bool
}

// ChangePassword sets a new password for the actor, who must give the current one. It ends
// the actor's other sessions and, if asked, revokes their API tokens.
func (s *Service) ChangePassword(ctx context.Context, actor Principal, c PasswordChange) error {
	if actor.IsAnonymous() {
		return errSessionExpired
	}
	if err := text.Check("current", c.Current, text.Password); err != nil {
		return err
	}
	u, err := s.Store.User(ctx, actor.User.ID)
	if err != nil {
		return err
	}
	if u.PasswordHash != "" && !passwordMatches(u.PasswordHash, c.Current) {
		return &apperr.Error{Code: apperr.Invalid, Field: "current", Message: "the current password is wrong",
			Dutch: "Het huidige wachtwoord is onjuist."}
	}
	if err := checkPassword(c.New); err != nil {
		return err
	}
	u.PasswordHash = hashPassword(c.New)
	return s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		if err := s.Store.DeleteOtherSessions(ctx, u.ID, c.KeepSession); err != nil {
			return err
		}
		revoked, err := s.revokeAPITokens(ctx, u, c.RevokeTokens)
		if err != nil {
			return err
		}
		return s.record(ctx, actor, ActionPasswordChange, "user:"+u.ID, u.OrgID, nil,
			map[string]any{"sessions_ended": "others", "api_tokens_revoked": revoked}, "", false)
	})
}
