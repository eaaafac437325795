package identity

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// SaveOrganisation adds or changes an organisation; only the operator may.
func (s *Service) SaveOrganisation(ctx context.Context, actor Principal, o Organisation, knownInsurer func(string) bool) error {
	if !actor.IsOperator() {
		s.record(ctx, actor, ActionOrganisationSave, "organisation:"+o.ID, o.ID, nil, nil, "", true)
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
		return s.record(ctx, actor, ActionOrganisationSave, "organisation:"+o.ID, o.ID, before, o, "", false)
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
		s.record(ctx, actor, ActionUserAdd, "user:"+NormalizeEmail(nu.Email), nu.OrgID, nil, nil, "", true)
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
	u := User{ID: newID("u-"), OrgID: org.ID, Email: NormalizeEmail(nu.Email), Name: strings.TrimSpace(nu.Name),
		Roles: nu.Roles, CreatedAt: s.Now().UTC()}
	errs := text.CheckAll(text.Field{Name: "email", Value: nu.Email, Max: text.Email}, text.Field{Name: "name", Value: nu.Name, Max: text.Name})
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		e := apperr.Invalidf("email", "%q is not an e-mail address", nu.Email)
		e.Dutch = "Vul een geldig e-mailadres in, zoals naam@organisatie.nl."
		errs = append(errs, e)
	}
	if u.Name == "" {
		e := apperr.Invalidf("name", "the user needs a name")
		e.Dutch = "Vul de naam van de gebruiker in."
		errs = append(errs, e)
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
		return s.record(ctx, actor, ActionUserAdd, "user:"+u.ID, u.OrgID, nil, u, "", false)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func checkRoles(k OrgKind, roles []Role) *apperr.Error {
	if len(roles) == 0 {
		e := apperr.Invalidf("roles", "a user needs at least one role")
		e.Dutch = "Kies minstens één rol."
		return e
	}
	allowed := RolesFor(k)
	for _, r := range roles {
		if !slices.Contains(allowed, r) {
			names, dutch := make([]string, len(allowed)), make([]string, len(allowed))
			for i, a := range allowed {
				names[i], dutch[i] = string(a), RoleNames[a]
			}
			e := apperr.Invalidf("roles", "role %q is not one of %s for a %s organisation", r, strings.Join(names, ", "), k)
			e.Dutch = fmt.Sprintf("De rol %q bestaat niet voor deze organisatie; kies uit %s.", r, strings.Join(dutch, ", "))
			return e
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
	u, err := s.userFor(ctx, actor, userID, ActionUserRoles)
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
		if err := s.keepsABeheerder(ctx, before, *u); err != nil {
			return err
		}
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionUserRoles, "user:"+u.ID, u.OrgID, before.Roles, u.Roles, reason, false)
	})
	if err != nil {
		s.refusedLastBeheerder(ctx, actor, ActionUserRoles, u, err)
		return nil, err
	}
	return u, nil
}

// SetDisabled disables (ending every session) or enables a user.
func (s *Service) SetDisabled(ctx context.Context, actor Principal, userID string, disabled bool, reason string) (*User, error) {
	if err := text.Check("reason", reason, text.Line); err != nil {
		return nil, err
	}
	u, err := s.userFor(ctx, actor, userID, ActionUserDisable)
	if err != nil {
		return nil, err
	}
	if disabled && u.ID == actor.UserID() {
		s.record(ctx, actor, ActionUserDisable, "user:"+u.ID, u.OrgID, nil, nil, reasonSelfDisable, true)
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "user", Message: "you cannot disable yourself",
			Dutch: "U kunt uzelf niet uitschakelen. Vraag een andere beheerder van uw organisatie."}
	}
	before, old := u.Disabled, *u
	u.Disabled = disabled
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.keepsABeheerder(ctx, old, *u); err != nil {
			return err
		}
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		if disabled {
			if err := s.Store.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, actor, ActionUserDisable, "user:"+u.ID, u.OrgID, before, disabled, reason, false)
	})
	if err != nil {
		s.refusedLastBeheerder(ctx, actor, ActionUserDisable, u, err)
		return nil, err
	}
	return u, nil
}

// SetCertificate maps a client certificate (by its SHA-256 fingerprint) to a user, for
// mutual-TLS login; an empty fingerprint removes the mapping.
func (s *Service) SetCertificate(ctx context.Context, actor Principal, userID, fingerprint string) (*User, error) {
	u, err := s.userFor(ctx, actor, userID, ActionUserCertificate)
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
		return s.record(ctx, actor, ActionUserCertificate, "user:"+u.ID, u.OrgID, before, fingerprint, "", false)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists an organisation's users ("" for all, operator only): for its beheerder and
// the operator. The organisation's other users get Forbidden, everyone else NotFound.
func (s *Service) Users(ctx context.Context, actor Principal, orgID string) ([]User, error) {
	if actor.IsAnonymous() {
		return nil, LoginRequired("see users")
	}
	if orgID != "" && orgID == actor.OrgID() && !actor.MayManageUsers(orgID) {
		return nil, forbidden("only the organisation's beheerder may manage its users", "Alleen een beheerder van uw organisatie mag gebruikers beheren.")
	}
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

// Reasons recorded with refused changes of users (the pages translate them).
const (
	reasonLastBeheerder = "would leave the organisation without an active beheerder"
	reasonSelfDisable   = "a user cannot disable themselves"
)

// errLastBeheerder refuses a change that would leave an organisation without an enabled
// beheerder: nobody but the operator could manage its users any more.
var errLastBeheerder = &apperr.Error{Code: apperr.Conflict, Field: "roles",
	Message: "the organisation must keep at least one active beheerder",
	Dutch:   "De organisatie moet minstens één actieve beheerder houden. Maak eerst iemand anders beheerder."}

// keepsABeheerder returns errLastBeheerder when a user who was an enabled beheerder
// (before) stops being one (after) and no other enabled beheerder is left in its
// organisation. It reads the organisation's users in the change's transaction.
func (s *Service) keepsABeheerder(ctx context.Context, before, after User) error {
	if !activeBeheerder(before) || activeBeheerder(after) {
		return nil
	}
	users, err := s.Store.Users(ctx, after.OrgID)
	if err != nil {
		return err
	}
	for _, other := range users {
		if other.ID != after.ID && activeBeheerder(other) {
			return nil
		}
	}
	return errLastBeheerder
}

func activeBeheerder(u User) bool { return !u.Disabled && u.HasRole(RoleAdmin) }

// refusedLastBeheerder records a change refused by keepsABeheerder, after its rollback.
func (s *Service) refusedLastBeheerder(ctx context.Context, actor Principal, action string, u *User, err error) {
	if errors.Is(err, errLastBeheerder) {
		s.record(ctx, actor, action, "user:"+u.ID, u.OrgID, nil, nil, reasonLastBeheerder, true)
	}
}
