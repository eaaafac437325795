package apptest_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/postgres"
	"zorginkoop/internal/store/sqlite"
)

// A change and its audit entry commit or roll back together (docs/audit.md): when the
// entry cannot be recorded, the change is not stored either, and the error is returned.

var errAudit = errors.New("audit trail unavailable (test)")

// failingAudit appends the entry through the real log and then fails: the entry is in the
// transaction already, so only the rollback takes it out again, with the change.
type failingAudit struct{ log *audit.Log }

func (f failingAudit) Record(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	if _, err := f.log.Record(ctx, e); err != nil {
		return audit.Entry{}, err
	}
	return audit.Entry{}, errAudit
}

// trail returns the number of entries and the newest one, checking the chain.
func trail(t *testing.T, log *audit.Log) (int, audit.Entry) {
	t.Helper()
	r, err := log.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("audit trail broken: %+v", r.Problems)
	}
	es, err := log.Entries(context.Background(), audit.Operator, audit.Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 {
		return r.Entries, audit.Entry{}
	}
	return r.Entries, es[0]
}

// wantAuditFailure checks that err is the audit failure and that the trail is unchanged.
func wantAuditFailure(t *testing.T, what string, err error, log *audit.Log, entries int) {
	t.Helper()
	if !errors.Is(err, errAudit) {
		t.Errorf("%s: err = %v, want the audit failure", what, err)
	}
	if n, last := trail(t, log); n != entries {
		t.Errorf("%s: %d entries, want %d (last: %s %s)", what, n, entries, last.Action, last.Subject)
	}
}

// wantEntry checks that the trail grew by one entry, the newest being action on subject.
func wantEntry(t *testing.T, log *audit.Log, entries *int, action, subject string) {
	t.Helper()
	n, last := trail(t, log)
	if n != *entries+1 || last.Action != action || last.Subject != subject {
		t.Errorf("trail: %d entries, newest %s %s; want %d, newest %s %s", n, last.Action, last.Subject, *entries+1, action, subject)
	}
	*entries = n
}

func sqlDB(t *testing.T, db store.DB) *sql.DB {
	switch d := db.(type) {
	case *sqlite.DB:
		return d.Read
	case *postgres.DB:
		return d.Read
	}
	t.Fatalf("unknown store %T", db)
	return nil
}

func count(t *testing.T, db store.DB, table string) int {
	t.Helper()
	var n int
	if err := sqlDB(t, db).QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIdentityChangesCommitWithTheirAuditEntry(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := apptest.Open(t, engine)
			clock := apptest.NewClock()
			id := env.NewIdentity(t, clock, nil, "https://zorginkoop.example/")
			id.Seed(t)
			svc, op := id.Service, id.Operator
			log := svc.Audit.(*audit.Log)
			buyer := id.User(t, apptest.CZBuyerEmail)
			entries, _ := trail(t, log)

			svc.Audit = failingAudit{log}
			_, err := svc.SetRoles(ctx, op, buyer.ID, []identity.Role{identity.RoleAdmin}, "promotie")
			wantAuditFailure(t, "SetRoles", err, log, entries)
			if u := id.User(t, apptest.CZBuyerEmail); len(u.Roles) != 1 || u.Roles[0] != identity.RoleBuyer {
				t.Errorf("roles after a failed SetRoles = %v, want unchanged [%s]", u.Roles, identity.RoleBuyer)
			}
			_, err = svc.AddUser(ctx, op, identity.NewUser{OrgID: apptest.OrgCZ, Email: "nieuw@cz.example", Name: "Nieuw", Roles: []identity.Role{identity.RoleBuyer}})
			wantAuditFailure(t, "AddUser", err, log, entries)
			if _, err := svc.Store.UserByEmail(ctx, "nieuw@cz.example"); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("user of a failed AddUser: err = %v, want NotFound", err)
			}
			err = svc.SaveOrganisation(ctx, op, identity.Organisation{ID: apptest.OrgCZ, Kind: identity.Insurer, Name: "Hernoemd", Insurers: []string{apptest.InsurerA}}, nil)
			wantAuditFailure(t, "SaveOrganisation", err, log, entries)
			if o, err := svc.Store.Organisation(ctx, apptest.OrgCZ); err != nil || o.Name != "CZ groep" {
				t.Errorf("organisation after a failed save = %+v, %v; want the name unchanged", o, err)
			}
			// The login throttle counts the attempt before the password is checked, so it
			// stands when the entry of the failure cannot be written (the source waits).
			_, _, _, err = svc.Login(ctx, apptest.CZBuyerEmail, "wrong password")
			wantAuditFailure(t, "Login with a wrong password", err, log, entries)
			clock.Advance(time.Second)
			_, _, _, err = svc.Login(ctx, apptest.CZBuyerEmail, apptest.Password)
			wantAuditFailure(t, "Login", err, log, entries)
			if n := count(t, env.DB, "sessions"); n != 0 {
				t.Errorf("%d sessions after a failed login, want 0", n)
			}
			buyerP := id.Principal(t, buyer)
			_, err = svc.CreateAPIToken(ctx, buyerP, "koppeling")
			wantAuditFailure(t, "CreateAPIToken", err, log, entries)
			if ts, err := svc.Store.Tokens(ctx, buyer.ID, identity.TokenAPI); err != nil || len(ts) != 0 {
				t.Errorf("tokens after a failed CreateAPIToken = %v, %v; want none", ts, err)
			}
			err = svc.ChangePassword(ctx, buyerP, identity.PasswordChange{Current: apptest.Password, New: "een heel ander wachtwoord", RevokeTokens: true})
			wantAuditFailure(t, "ChangePassword", err, log, entries)
			clock.Advance(identity.MaxLoginDelay) // the login above was counted: its session was not stored
			if _, _, _, err := identity.NewService(svc.Store, identity.NoAudit, identity.NoTx, svc.Now, identity.Options{}).Login(ctx, apptest.CZBuyerEmail, apptest.Password); err != nil {
				t.Errorf("the old password after a failed ChangePassword: %v", err)
			}

			// With the trail working, the change and its entry are both there.
			svc.Audit = log
			if _, err := svc.SetRoles(ctx, op, buyer.ID, []identity.Role{identity.RoleAdmin}, "promotie"); err != nil {
				t.Fatal(err)
			}
			wantEntry(t, log, &entries, "user.roles", "user:"+buyer.ID)
			if u := id.User(t, apptest.CZBuyerEmail); len(u.Roles) != 1 || u.Roles[0] != identity.RoleAdmin {
				t.Errorf("roles = %v, want [%s]", u.Roles, identity.RoleAdmin)
			}
			u, err := svc.AddUser(ctx, op, identity.NewUser{OrgID: apptest.OrgCZ, Email: "nieuw@cz.example", Name: "Nieuw", Roles: []identity.Role{identity.RoleBuyer}})
			if err != nil {
				t.Fatal(err)
			}
			wantEntry(t, log, &entries, "user.add", "user:"+u.ID)
			clock.Advance(time.Second)
			if _, _, _, err := svc.Login(ctx, apptest.CZBuyerEmail, "wrong password"); apperr.CodeOf(err) != apperr.Unauthenticated {
				t.Fatalf("login with a wrong password: %v", err)
			}
			wantEntry(t, log, &entries, "login", "user:"+buyer.ID)
		})
	}
}

func TestPolicyChangesCommitWithTheirAuditEntry(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := apptest.Open(t, engine)
			svc, op, log := env.Policies, identity.System(), env.Audit
			const id = "cz-concept-2030"
			yaml := apptest.DraftYAML(t, "cz-hz-mdz-2022.yaml", id, "Concept 2030")
			entries, _ := trail(t, log)

			svc.Audit = failingAudit{log}
			_, _, err := svc.SaveDraft(ctx, op, "concept.yaml", yaml)
			wantAuditFailure(t, "SaveDraft", err, log, entries)
			if _, err := env.DB.PolicyRecord(ctx, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("stored draft after a failed save: err = %v, want NotFound", err)
			}
			if _, err := svc.Policy(ctx, op, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("draft in the library after a failed save: err = %v, want NotFound", err)
			}

			svc.Audit = log
			if _, _, err := svc.SaveDraft(ctx, op, "concept.yaml", yaml); err != nil {
				t.Fatal(err)
			}
			wantEntry(t, log, &entries, "policy.draft_save", "policy:"+id)

			svc.Audit = failingAudit{log}
			_, err = svc.Publish(ctx, op, id)
			wantAuditFailure(t, "Publish", err, log, entries)
			if r, err := env.DB.PolicyRecord(ctx, id); err != nil || r.Status != policy.Draft || r.Version != 1 {
				t.Errorf("stored policy after a failed publish = %+v, %v; want the draft, version 1", r, err)
			}
			if c, err := svc.Policy(ctx, op, id); err != nil || c.Status != policy.Draft {
				t.Errorf("policy in the library after a failed publish: %v; want the draft", err)
			}

			svc.Audit = log
			if _, err := svc.Publish(ctx, op, id); err != nil {
				t.Fatal(err)
			}
			wantEntry(t, log, &entries, "policy.publish", "policy:"+id)
			if r, err := env.DB.PolicyRecord(ctx, id); err != nil || r.Status != policy.Published || r.Version != 2 {
				t.Errorf("stored policy after publishing = %+v, %v; want published, version 2", r, err)
			}
		})
	}
}

func TestAssessmentRunCommitsWithItsAuditEntry(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := apptest.Open(t, engine)
			svc, op, log := env.Assessments, identity.System(), env.Audit
			entries, _ := trail(t, log)
			runs, summaries := count(t, env.DB, "assessment_runs"), count(t, env.DB, "assessment_summaries")

			svc.Audit = failingAudit{log}
			_, err := svc.AssessAll(ctx, op, apptest.Policy, nil)
			wantAuditFailure(t, "AssessAll", err, log, entries)
			if r, s := count(t, env.DB, "assessment_runs"), count(t, env.DB, "assessment_summaries"); r != runs || s != summaries {
				t.Errorf("after a failed run: %d runs and %d summaries, want %d and %d", r, s, runs, summaries)
			}

			svc.Audit = log
			run, err := svc.AssessAll(ctx, op, apptest.Policy, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantEntry(t, log, &entries, "assessment.run", "policy:"+apptest.Policy)
			stored := func(when string) {
				t.Helper()
				got, err := env.DB.LatestRun(ctx, apptest.Policy)
				if err != nil || got.ID != run.ID || run.Providers == 0 {
					t.Fatalf("%s: stored run = %+v, %v; want run %d", when, got, err, run.ID)
				}
				if _, n, err := env.DB.Summaries(ctx, run.ID, assessment.SummaryFilter{Limit: 1}); err != nil || n != run.Providers {
					t.Errorf("%s: run %d has %d summaries (%v), want %d", when, run.ID, n, err, run.Providers)
				}
			}
			stored("after the run")

			// A failed run keeping one run per policy deletes nothing: the retention is
			// part of the run's transaction.
			svc.Audit, svc.KeepRuns = failingAudit{log}, 1
			_, err = svc.AssessAll(ctx, op, apptest.Policy, nil)
			wantAuditFailure(t, "AssessAll", err, log, entries)
			stored("after a failed run that would have deleted it")
		})
	}
}

func TestProviderImportCommitsWithItsAuditEntry(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			env := apptest.Open(t, engine)
			svc, op, log := env.Providers, identity.System(), env.Audit
			entries, _ := trail(t, log)
			ps := apptest.Providers()[:1]
			ps[0].Name = "Nieuwe naam"
			if err := svc.Normalize(ps, nil); err != nil {
				t.Fatal(err)
			}

			svc.Audit = failingAudit{log}
			err := svc.Import(ctx, op, ps, nil, nil)
			wantAuditFailure(t, "Import", err, log, entries)
			if p, err := env.DB.Provider(ctx, ps[0].ID); err != nil || p.Name == "Nieuwe naam" {
				t.Errorf("after a failed import: %+v, %v; want the old record", p, err)
			}

			svc.Audit = log
			if err := svc.Import(ctx, op, ps, nil, nil); err != nil {
				t.Fatal(err)
			}
			wantEntry(t, log, &entries, "provider.import", "provider:"+ps[0].ID)
			if p, err := env.DB.Provider(ctx, ps[0].ID); err != nil || p.Name != "Nieuwe naam" {
				t.Errorf("after the import: %+v, %v", p, err)
			}
		})
	}
}
