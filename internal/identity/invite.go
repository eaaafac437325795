package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/nl"
)

// InviteTTL is how long the link in an invitation works: longer than a reset link, since
// a new colleague may read the mail days later.
const InviteTTL = 7 * 24 * time.Hour

// ErrInviteMailOff: the server cannot mail a link (no absolute base URL or no mail
// server), so an invited user could never set a password; nothing is added.
var ErrInviteMailOff = &apperr.Error{Code: apperr.Conflict, Field: "email",
	Message: "invitations are off: the server has no mail server or no absolute --base-url",
	Dutch:   "Uitnodigingen per e-mail zijn op deze installatie niet ingesteld. Vraag de beheerder van het platform om de gebruiker toe te voegen."}

// InviteUser adds a user without a password to an organisation (its beheerder or the
// operator may, as AddUser) and mails them a one-time link to set one, which works for
// InviteTTL. The user, the link and the entries commit together; the mail goes after.
func (s *Service) InviteUser(ctx context.Context, actor Principal, nu NewUser) (*User, error) {
	if !actor.MayManageUsers(nu.OrgID) {
		s.record(ctx, actor, ActionUserAdd, "user:"+NormalizeEmail(nu.Email), nu.OrgID, nil, nil, "", true)
		if !actor.IsAnonymous() && actor.OrgID() == nu.OrgID {
			return nil, forbidden("only the organisation's beheerder may invite users", "Alleen een beheerder van uw organisatie mag gebruikers uitnodigen.")
		}
		return nil, Hide("organisation " + nu.OrgID)
	}
	if s.Mail == nil || !strings.HasPrefix(s.BaseURL, "http://") && !strings.HasPrefix(s.BaseURL, "https://") {
		return nil, ErrInviteMailOff
	}
	nu.Password = ""
	var u *User
	secret, hash := newSecret("r_")
	now := s.Now().UTC()
	err := s.inTx(ctx, func(ctx context.Context) error {
		var err error
		if u, err = s.addUser(ctx, actor, nu); err != nil {
			return err
		}
		if err := s.Store.CreateToken(ctx, Token{TokenHash: hash, Kind: TokenReset, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(InviteTTL)}); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionUserInvite, "user:"+u.ID, u.OrgID, nil, map[string]string{"email": u.Email}, "", false)
	})
	if err != nil {
		return nil, err
	}
	org, err := s.Store.Organisation(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	link := strings.TrimRight(s.BaseURL, "/") + "/wachtwoord/herstellen?token=" + secret
	body := fmt.Sprintf("Beste %s,\n\n%s heeft u namens %s toegang gegeven tot zorginkoop, het platform voor de zorginkoop van "+
		"zorgverzekeraars en zorgaanbieders.\n\nKies uw wachtwoord tot %s via deze link, die één keer werkt:\n\n%s\n\n"+
		"Daarna logt u in met uw e-mailadres %s.\n\nVerwachtte u dit bericht niet? Dan kunt u het negeren.\n",
		u.Name, actor.UserName(), org.Name, nl.DateTime(now.Add(InviteTTL)), link, u.Email)
	if err := s.Mail.Send(ctx, u.Email, "Uitnodiging voor zorginkoop", body); err != nil {
		return u, fmt.Errorf("send invitation mail: %w", errors.Join(err, errInviteNotSent))
	}
	return u, nil
}

// errInviteNotSent marks an invitation whose user was added but whose mail failed: the
// user can ask for a new link with "wachtwoord vergeten".
var errInviteNotSent = errors.New("the user was added; the invitation mail was not sent")

// ManagedUser returns one user that actor manages (its own organisation's users; every
// user for the operator). Another organisation's user is NotFound, as one that does not
// exist; the organisation's other users get Forbidden.
func (s *Service) ManagedUser(ctx context.Context, actor Principal, userID string) (*User, error) {
	if actor.IsAnonymous() {
		return nil, LoginRequired("manage users")
	}
	u, err := s.Store.User(ctx, userID)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound || err == nil && u.OrgID != actor.OrgID() && !actor.MayManageUsers(u.OrgID):
		return nil, Hide("user " + userID)
	case err == nil && !actor.MayManageUsers(u.OrgID):
		return nil, forbidden("only the organisation's beheerder may manage its users", "Alleen een beheerder van uw organisatie mag gebruikers beheren.")
	}
	return u, err
}
