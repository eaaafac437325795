package identity_test

import (
	"context"
	"slices"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

func subjects(es []audit.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Subject)
	}
	return out
}

func TestAnOrganisationsTrailHoldsWhatItsUsersDidAndWhatWasDoneToItsData(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	czAdmin := e.principal(t, e.addUser(t, "cz", "beheer@cz.example", identity.RoleAdmin))
	kliniekAdmin := e.principal(t, e.addUser(t, "kliniek", "beheer@kliniek.example", identity.RoleAdmin))
	for _, en := range []audit.Entry{
		{OrgID: "cz", Scope: "cz-groep", Action: "policy.publish", Subject: "policy:cz-eigen"},
		{OrgID: "cz-inkoop", Scope: "cz-groep", Action: "policy.draft_save", Subject: "policy:cz-door-inkoop"},
		{OrgID: "zz", Scope: "cz-groep", Action: "policy.publish", Subject: "policy:cz-poging-zz", Denied: true},
		{OrgID: "cz", Scope: "zorg-en-zekerheid", Action: "assessment.run", Subject: "policy:zz-geheim", Denied: true},
		{OrgID: "zz", Scope: "zorg-en-zekerheid", Action: "policy.publish", Subject: "policy:zz-eigen"},
		{OrgID: "platform", Scope: "kvk-1", Action: "provider.import", Subject: "provider:kvk-1"},
	} {
		if _, err := e.svc.Audit.Record(ctx, en); err != nil {
			t.Fatal(err)
		}
	}
	pg, err := e.svc.AuditTrail(ctx, czAdmin, "cz", audit.Filter{Limit: 100})
	if err != nil {
		t.Fatalf("AuditTrail: %v", err)
	}
	got := subjects(pg.Entries)
	for _, want := range []string{"policy:cz-eigen", "policy:cz-door-inkoop", "policy:cz-poging-zz", "user:" + czAdmin.UserID(), "organisation:cz"} {
		if !slices.Contains(got, want) {
			t.Errorf("cz's trail lacks %s: %v", want, got)
		}
	}
	for _, not := range []string{"policy:zz-geheim", "policy:zz-eigen", "provider:kvk-1", "organisation:zz"} {
		if slices.Contains(got, not) {
			t.Errorf("cz's trail holds %s: %v", not, got)
		}
	}
	pg, err = e.svc.AuditTrail(ctx, kliniekAdmin, "kliniek", audit.Filter{Subject: "provider:kvk-1"})
	if err != nil || len(pg.Entries) != 1 {
		t.Errorf("the provider's trail: %v, %v; want the import of its record", subjects(pg.Entries), err)
	}
	pg, err = e.svc.AuditTrail(ctx, e.admin, "zz", audit.Filter{Subject: "policy:zz-geheim"})
	if err != nil || len(pg.Entries) != 1 {
		t.Errorf("zz's trail, as the operator: %v, %v; want the refused attempt at its policy", subjects(pg.Entries), err)
	}
	if pg, err = e.svc.AuditTrail(ctx, e.admin, "", audit.Filter{Limit: 1000}); err != nil || len(pg.Entries) < 6 {
		t.Errorf("the whole trail, as the operator: %d entries, %v", len(pg.Entries), err)
	}
}

func TestOnlyTheBeheerderAndTheOperatorReadAnOrganisationsTrail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	czAdmin := e.principal(t, e.addUser(t, "cz", "beheer@cz.example", identity.RoleAdmin))
	czBuyer := e.principal(t, e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer))
	for _, tc := range []struct {
		name  string
		actor identity.Principal
		org   string
		want  apperr.Code
	}{
		{"anonymous", identity.Anonymous, "cz", apperr.Unauthenticated},
		{"the organisation's inkoper", czBuyer, "cz", apperr.Forbidden},
		{"another organisation's beheerder", czAdmin, "zz", apperr.NotFound},
		{"an organisation that does not exist", czAdmin, "bestaat-niet", apperr.NotFound},
		{"the whole trail, for a beheerder", czAdmin, "", apperr.Forbidden},
		{"an organisation that does not exist, for the operator", e.admin, "bestaat-niet", apperr.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AuditTrail(ctx, tc.actor, tc.org, audit.Filter{})
			if code(err) != tc.want {
				t.Errorf("AuditTrail = %v, want %s", err, tc.want)
			}
		})
	}
	if orgs, err := e.svc.AuditOrganisations(ctx, czAdmin); err != nil || len(orgs) != 1 || orgs[0].ID != "cz" {
		t.Errorf("a beheerder may choose %v, %v; want only cz", orgs, err)
	}
	if orgs, err := e.svc.AuditOrganisations(ctx, czBuyer); err != nil || len(orgs) != 0 {
		t.Errorf("an inkoper may choose %v, %v; want none", orgs, err)
	}
	if orgs, err := e.svc.AuditOrganisations(ctx, e.admin); err != nil || len(orgs) != 4 {
		t.Errorf("the operator may choose %d organisations, %v; want all 4", len(orgs), err)
	}
}

func (e *env) principal(t *testing.T, u *identity.User) identity.Principal {
	t.Helper()
	p, err := e.svc.Principal(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
