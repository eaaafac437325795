package identity_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

func TestABeheerderInvitesAUserWhoSetsAPasswordWithTheLinkOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	czAdmin := e.principalOf(t, e.addUser(t, "cz", "beheer@cz.example", identity.RoleAdmin))

	u, err := e.svc.InviteUser(ctx, czAdmin, identity.NewUser{OrgID: "cz", Email: " Nieuw@CZ.example ", Name: "Nina Nieuw",
		Roles: []identity.Role{identity.RoleBuyer}, Password: "wordt genegeerd 123"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "nieuw@cz.example" || u.PasswordHash != "" || u.OrgID != "cz" {
		t.Fatalf("invited user %+v", u)
	}
	if len(e.out.mail) != 1 || !strings.HasPrefix(e.out.mail[0], "nieuw@cz.example\nUitnodiging voor zorginkoop\nBeste Nina Nieuw") ||
		!strings.Contains(e.out.mail[0], "namens CZ groep") {
		t.Fatalf("mail %q", e.out.mail)
	}
	m := e.out.mail[0]
	secret := strings.Fields(m[strings.Index(m, "token=")+len("token="):])[0]
	if _, _, _, err := e.svc.Login(ctx, "nieuw@cz.example", "wordt genegeerd 123"); err == nil {
		t.Fatal("the password of the form was set: an invited user chooses their own")
	}
	if err := e.svc.ResetPassword(ctx, secret, "mijn eigen wachtwoord", false); err != nil {
		t.Fatal(err)
	}
	e.clock.add(identity.MaxLoginDelay) // past the wait after the failed login above
	if _, _, _, err := e.svc.Login(ctx, "nieuw@cz.example", "mijn eigen wachtwoord"); err != nil {
		t.Fatalf("login after setting the password: %v", err)
	}
	if err := e.svc.ResetPassword(ctx, secret, "nog een wachtwoord", false); code(err) != apperr.Invalid {
		t.Errorf("the link worked twice: %v", err)
	}
	if got := e.actions(t, "cz"); !slices.ContainsFunc(got, func(a string) bool { return strings.HasPrefix(a, "user.invite ") }) {
		t.Errorf("no invitation in CZ's trail: %v", got)
	}
}

func TestARefusedInvitationChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	czAdmin := e.principalOf(t, e.addUser(t, "cz", "beheer@cz.example", identity.RoleAdmin))
	czBuyer := e.principalOf(t, e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer))
	roles := []identity.Role{identity.RoleBuyer}
	tests := []struct {
		name  string
		actor identity.Principal
		nu    identity.NewUser
		code  apperr.Code
		dutch string
	}{
		{"an inkoper is not a beheerder", czBuyer, identity.NewUser{OrgID: "cz", Email: "a@cz.example", Name: "A", Roles: roles},
			apperr.Forbidden, "Alleen een beheerder van uw organisatie mag gebruikers uitnodigen."},
		{"another organisation's users are not CZ's beheerder's", czAdmin, identity.NewUser{OrgID: "zz", Email: "a@zz.example", Name: "A", Roles: roles},
			apperr.NotFound, ""},
		{"a role of another kind of organisation", czAdmin, identity.NewUser{OrgID: "cz", Email: "b@cz.example", Name: "B", Roles: []identity.Role{identity.RoleSignatory}},
			apperr.Invalid, "De rol \"tekenbevoegde\" bestaat niet voor deze organisatie"},
		{"no role", czAdmin, identity.NewUser{OrgID: "cz", Email: "c@cz.example", Name: "C"}, apperr.Invalid, "Kies minstens één rol."},
		{"no name", czAdmin, identity.NewUser{OrgID: "cz", Email: "d@cz.example", Roles: roles}, apperr.Invalid, "Vul de naam van de gebruiker in."},
		{"not an e-mail address", czAdmin, identity.NewUser{OrgID: "cz", Email: "geen adres", Name: "E", Roles: roles}, apperr.Invalid, "Vul een geldig e-mailadres in"},
		{"an address in use", czAdmin, identity.NewUser{OrgID: "cz", Email: "inkoper@cz.example", Name: "F", Roles: roles}, apperr.Conflict,
			"Er bestaat al een gebruiker met dit e-mailadres."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.db.Users(ctx, "")
			mails := len(e.out.mail)
			_, err := e.svc.InviteUser(ctx, tc.actor, tc.nu)
			if code(err) != tc.code || !strings.Contains(dutch(err), tc.dutch) {
				t.Fatalf("InviteUser = %v (%q), want %s with %q", err, dutch(err), tc.code, tc.dutch)
			}
			after, _ := e.db.Users(ctx, "")
			if len(after) != len(before) || len(e.out.mail) != mails {
				t.Errorf("users %d → %d, mails %d → %d: a refused invitation changed something", len(before), len(after), mails, len(e.out.mail))
			}
		})
	}
}

func TestAnInvitationNeedsMail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.svc.BaseURL = ""
	_, err := e.svc.InviteUser(ctx, e.admin, identity.NewUser{OrgID: "cz", Email: "a@cz.example", Name: "A", Roles: []identity.Role{identity.RoleBuyer}})
	if err != identity.ErrInviteMailOff {
		t.Fatalf("InviteUser without a base URL = %v", err)
	}
	if _, err := e.db.UserByEmail(ctx, "a@cz.example"); code(err) != apperr.NotFound {
		t.Error("the user was added although no link could be mailed")
	}
}

func TestAnOrganisationKeepsAnActiveBeheerder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bea := e.addUser(t, "cz", "beheer@cz.example", identity.RoleAdmin, identity.RoleBuyer)
	ivo := e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	self := e.principalOf(t, bea)
	unchanged := func(t *testing.T) {
		t.Helper()
		u, _ := e.db.User(ctx, bea.ID)
		if u.Disabled || !u.HasRole(identity.RoleAdmin) {
			t.Fatalf("the refused change was written: %+v", u)
		}
	}

	// The only beheerder cannot give up the role, and the operator cannot take it.
	for _, actor := range []identity.Principal{self, e.admin} {
		_, err := e.svc.SetRoles(ctx, actor, bea.ID, []identity.Role{identity.RoleBuyer}, "andere taken")
		if code(err) != apperr.Conflict || !strings.Contains(dutch(err), "minstens één actieve beheerder") {
			t.Fatalf("removing the last beheerder's role: %v", err)
		}
		unchanged(t)
	}
	if _, err := e.svc.SetDisabled(ctx, e.admin, bea.ID, true, "vertrokken"); code(err) != apperr.Conflict {
		t.Fatalf("disabling the last beheerder: %v", err)
	}
	unchanged(t)
	// Nobody disables themselves, whether others are left or not.
	if _, err := e.svc.SetDisabled(ctx, self, bea.ID, true, "vakantie"); code(err) != apperr.Conflict || !strings.Contains(dutch(err), "uzelf") {
		t.Fatalf("disabling oneself: %v", err)
	}
	unchanged(t)
	entries, _ := e.db.AuditEntries(ctx, audit.Filter{OrgID: "cz", Subject: "user:" + bea.ID})
	refused := 0
	for _, en := range entries {
		if en.Denied {
			refused++
		}
	}
	if refused != 4 {
		t.Errorf("%d refused attempts in the trail, want 4", refused)
	}

	// With a second beheerder, the first may step down.
	if _, err := e.svc.SetRoles(ctx, self, ivo.ID, []identity.Role{identity.RoleBuyer, identity.RoleAdmin}, "tweede beheerder"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetRoles(ctx, self, bea.ID, []identity.Role{identity.RoleBuyer}, "andere taken"); err != nil {
		t.Fatalf("stepping down beside another beheerder: %v", err)
	}
	// The rule is about beheerders only: an organisation without one changes its other users.
	zz := e.addUser(t, "zz", "inkoper@zz.example", identity.RoleBuyer)
	if _, err := e.svc.SetDisabled(ctx, e.admin, zz.ID, true, "vertrokken"); err != nil {
		t.Fatalf("disabling a user of an organisation without a beheerder: %v", err)
	}
}

func (e *env) principalOf(t *testing.T, u *identity.User) identity.Principal {
	t.Helper()
	p, err := e.svc.Principal(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
