package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/text"
)

// Limits of logins and secrets.
const (
	SessionTTL  = 12 * time.Hour // a browser session's lifetime
	ResetTTL    = time.Hour      // a password-reset link's lifetime
	APITokenTTL = 365 * 24 * time.Hour
)

// Auditor records state changes; *audit.Log implements it.
type Auditor interface {
	Record(ctx context.Context, e audit.Entry) (audit.Entry, error)
}

// Mailer sends e-mail; internal/mail implements it over SMTP.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Service applies the identity rules above a Store.
type Service struct {
	Store Store
	Audit Auditor
	// Tx makes each change and its audit entry one transaction (store.DB implements it);
	// nil: no transaction (tests of the rules alone).
	Tx      TxRunner
	Mail    Mailer
	Now     func() time.Time
	BaseURL string // where the web pages are served, for links in e-mail
}

// Hide is the error for an object the principal may not see: NotFound, so that its
// existence does not leak.
func Hide(what string) error { return apperr.NotFoundf("%s does not exist", what) }

func forbidden(msg, dutch string) error {
	return &apperr.Error{Code: apperr.Forbidden, Message: msg, Dutch: dutch}
}

// inTx runs fn in one transaction with the store (see TxRunner): a change and its audit
// entry commit or roll back together.
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return InTx(ctx, s.Tx, fn)
}

// record writes an audit entry for a change made by actor.
func (s *Service) record(ctx context.Context, actor Principal, action, subject, scope string, before, after any, reason string, denied bool) error {
	if s.Audit == nil {
		return nil
	}
	_, err := s.Audit.Record(ctx, audit.Entry{UserID: actor.UserID(), UserName: actor.UserName(), OrgID: actor.OrgID(),
		Action: action, Subject: subject, Scope: scope, Before: audit.JSON(before), After: audit.JSON(after),
		Reason: reason, Denied: denied})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Principal returns the principal of a user, with their organisation.
func (s *Service) Principal(ctx context.Context, u *User) (Principal, error) {
	o, err := s.Store.Organisation(ctx, u.OrgID)
	if err != nil {
		return Anonymous, fmt.Errorf("organisation of user %s: %w", u.ID, err)
	}
	return Principal{User: u, Org: o}, nil
}

// ---- organisations and users ----

// SaveOrganisation adds or changes an organisation; only the operator may.
func (s *Service) SaveOrganisation(ctx context.Context, actor Principal, o Organisation, knownInsurer func(string) bool) error {
	if !actor.IsOperator() {
		s.record(ctx, actor, "organisation.save", "organisation:"+o.ID, o.ID, nil, nil, "", true)
		return forbidden("only the platform operator may register organisations", "Alleen de beheerder van het platform mag organisaties registreren.")
	}
	if err := validateOrganisation(&o, knownInsurer); err != nil {
		return err
	}
	before, err := s.Store.Organisation(ctx, o.ID)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SaveOrganisation(ctx, o); err != nil {
			return err
		}
		return s.record(ctx, actor, "organisation.save", "organisation:"+o.ID, o.ID, before, o, "", false)
	})
}

func validateOrganisation(o *Organisation, knownInsurer func(string) bool) error {
	var errs apperr.List
	o.ID, o.Name = strings.TrimSpace(o.ID), strings.TrimSpace(o.Name)
	if !validSlug(o.ID) {
		errs = append(errs, apperr.Invalidf("id", "organisation id %q must be lower-case letters, digits and dashes", o.ID))
	}
	if o.Name == "" {
		errs = append(errs, apperr.Invalidf("name", "the organisation needs a name"))
	} else if e := text.Check("name", o.Name, text.Name); e != nil {
		errs = append(errs, e)
	}
	switch o.Kind {
	case Insurer, Purchaser:
		if len(o.Insurers) == 0 {
			errs = append(errs, apperr.Invalidf("insurers", "an insurer or purchasing party must name the insurers it acts for"))
		}
		for _, id := range o.Insurers {
			if knownInsurer != nil && !knownInsurer(id) {
				errs = append(errs, apperr.Invalidf("insurers", "unknown insurer %q (see policies/registry.yaml)", id))
			}
		}
	case Provider:
		if len(o.Providers) == 0 {
			errs = append(errs, apperr.Invalidf("providers", "a provider organisation must name its provider records"))
		}
	case Operator:
	default:
		errs = append(errs, apperr.Invalidf("kind", "kind %q is not one of insurer, purchaser, provider, operator", o.Kind))
	}
	if o.KvK != "" && (len(o.KvK) != 8 || strings.Trim(o.KvK, "0123456789") != "") {
		errs = append(errs, apperr.Invalidf("kvk", "KvK number %q must be exactly 8 digits", o.KvK))
	}
	return errs.Err()
}

func validSlug(s string) bool {
	return s != "" && len(s) <= 64 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// NewUser is what is needed to add a user.
type NewUser struct {
	OrgID    string
	Email    string
	Name     string
	Roles    []Role
	Password string // optional: without one the user logs in by OIDC, certificate or reset link
}

// AddUser adds a user to an organisation: its beheerder or the operator may.
func (s *Service) AddUser(ctx context.Context, actor Principal, nu NewUser) (*User, error) {
	if !actor.MayManageUsers(nu.OrgID) {
		s.record(ctx, actor, "user.add", "user:"+normEmail(nu.Email), nu.OrgID, nil, nil, "", true)
		return nil, forbidden("you may not add users to this organisation", "U mag geen gebruikers toevoegen aan deze organisatie.")
	}
	return s.addUser(ctx, actor, nu)
}

func (s *Service) addUser(ctx context.Context, actor Principal, nu NewUser) (*User, error) {
	org, err := s.Store.Organisation(ctx, nu.OrgID)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.Invalidf("org", "organisation %q does not exist", nu.OrgID)
		}
		return nil, err
	}
	u := User{ID: newID("u-"), OrgID: org.ID, Email: normEmail(nu.Email), Name: strings.TrimSpace(nu.Name),
		Roles: nu.Roles, CreatedAt: s.Now().UTC()}
	errs := text.CheckAll(text.Field{Name: "email", Value: nu.Email, Max: text.Email}, text.Field{Name: "name", Value: nu.Name, Max: text.Name})
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		errs = append(errs, apperr.Invalidf("email", "%q is not an e-mail address", nu.Email))
	}
	if u.Name == "" {
		errs = append(errs, apperr.Invalidf("name", "the user needs a name"))
	}
	if e := checkRoles(org.Kind, u.Roles); e != nil {
		errs = append(errs, e)
	}
	if nu.Password != "" {
		if err := checkPassword(nu.Password); err != nil {
			errs = append(errs, err.(*apperr.Error))
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if nu.Password != "" {
		u.PasswordHash = hashPassword(nu.Password)
	}
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateUser(ctx, u); err != nil {
			if e, ok := err.(*apperr.Error); ok && e.Code == apperr.Conflict {
				e.Dutch = "Er bestaat al een gebruiker met dit e-mailadres."
			}
			return err
		}
		return s.record(ctx, actor, "user.add", "user:"+u.ID, u.OrgID, nil, u, "", false)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func checkRoles(k OrgKind, roles []Role) *apperr.Error {
	if len(roles) == 0 {
		return apperr.Invalidf("roles", "a user needs at least one role")
	}
	allowed := RolesFor(k)
	for _, r := range roles {
		if !slices.Contains(allowed, r) {
			names := make([]string, len(allowed))
			for i, a := range allowed {
				names[i] = string(a)
			}
			return apperr.Invalidf("roles", "role %q is not one of %s for a %s organisation", r, strings.Join(names, ", "), k)
		}
	}
	return nil
}

// userFor returns a user the actor may manage, or hides it.
func (s *Service) userFor(ctx context.Context, actor Principal, userID, action string) (*User, error) {
	u, err := s.Store.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !actor.MayManageUsers(u.OrgID) {
		s.record(ctx, actor, action, "user:"+userID, u.OrgID, nil, nil, "", true)
		return nil, Hide("user " + userID)
	}
	return u, nil
}

// SetRoles replaces a user's roles.
func (s *Service) SetRoles(ctx context.Context, actor Principal, userID string, roles []Role, reason string) (*User, error) {
	if err := text.Check("reason", reason, text.Line); err != nil {
		return nil, err
	}
	u, err := s.userFor(ctx, actor, userID, "user.roles")
	if err != nil {
		return nil, err
	}
	org, err := s.Store.Organisation(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	if e := checkRoles(org.Kind, roles); e != nil {
		return nil, e
	}
	before := *u
	u.Roles = roles
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		return s.record(ctx, actor, "user.roles", "user:"+u.ID, u.OrgID, before.Roles, u.Roles, reason, false)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetDisabled disables (ending every session) or enables a user.
func (s *Service) SetDisabled(ctx context.Context, actor Principal, userID string, disabled bool, reason string) (*User, error) {
	if err := text.Check("reason", reason, text.Line); err != nil {
		return nil, err
	}
	u, err := s.userFor(ctx, actor, userID, "user.disable")
	if err != nil {
		return nil, err
	}
	before := u.Disabled
	u.Disabled = disabled
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		if disabled {
			if err := s.Store.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, actor, "user.disable", "user:"+u.ID, u.OrgID, before, disabled, reason, false)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetCertificate maps a client certificate (by its SHA-256 fingerprint) to a user, for
// mutual-TLS login; an empty fingerprint removes the mapping.
func (s *Service) SetCertificate(ctx context.Context, actor Principal, userID, fingerprint string) (*User, error) {
	u, err := s.userFor(ctx, actor, userID, "user.certificate")
	if err != nil {
		return nil, err
	}
	fingerprint = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(fingerprint), ":", ""))
	if fingerprint != "" && (len(fingerprint) != 64 || strings.Trim(fingerprint, "0123456789abcdef") != "") {
		return nil, apperr.Invalidf("fingerprint", "%q is not a SHA-256 fingerprint (64 hexadecimal digits)", fingerprint)
	}
	before := u.CertFingerprint
	u.CertFingerprint = fingerprint
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		return s.record(ctx, actor, "user.certificate", "user:"+u.ID, u.OrgID, before, fingerprint, "", false)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists an organisation's users ("" for all, operator only).
func (s *Service) Users(ctx context.Context, actor Principal, orgID string) ([]User, error) {
	if orgID == "" && !actor.IsOperator() || orgID != "" && !actor.MayManageUsers(orgID) {
		return nil, Hide("organisation " + orgID)
	}
	return s.Store.Users(ctx, orgID)
}

// Bootstrap creates the platform operator organisation and its first beheerder. It works
// only while there are no users at all.
func (s *Service) Bootstrap(ctx context.Context, email, name, password string) (*User, error) {
	n, err := s.Store.CountUsers(ctx)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, &apperr.Error{Code: apperr.Conflict, Message: "there are users already; an operator adds more with 'users add'"}
	}
	if password == "" {
		return nil, apperr.Invalidf("password", "the first administrator needs a password")
	}
	if _, err := s.Store.Organisation(ctx, OperatorOrgID); apperr.CodeOf(err) == apperr.NotFound {
		if err := s.Store.SaveOrganisation(ctx, Organisation{ID: OperatorOrgID, Kind: Operator, Name: "Platformbeheer"}); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	return s.addUser(ctx, Anonymous, NewUser{OrgID: OperatorOrgID, Email: email, Name: name, Roles: []Role{RoleAdmin}, Password: password})
}

// OperatorOrgID is the organisation of the platform's own administrators.
const OperatorOrgID = "platform"

// ---- login, sessions and tokens ----

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
		return s.record(ctx, p, "login", "user:"+u.ID, u.OrgID, nil, nil, method, false)
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
		return s.record(ctx, p, "logout", "user:"+p.UserID(), p.OrgID(), nil, nil, "", false)
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

// ---- passwords ----

// RequestPasswordReset e-mails a one-time link to reset the password, if the address
// belongs to an active user. It answers the same either way, so that it does not tell
// which addresses have accounts. A new link revokes the user's older links.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	if err := text.Check("email", email, text.Email); err != nil {
		return err
	}
	u, err := s.Store.UserByEmail(ctx, normEmail(email))
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
		return s.record(ctx, Anonymous, "password.reset_requested", "user:"+u.ID, u.OrgID, nil,
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
		return s.record(ctx, Principal{User: u}, "password.reset", "user:"+u.ID, u.OrgID, nil,
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
		return s.record(ctx, actor, "password.change", "user:"+u.ID, u.OrgID, nil,
			map[string]any{"sessions_ended": "others", "api_tokens_revoked": revoked}, "", false)
	})
}
