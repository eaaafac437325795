package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// One write through each service that New returns appears in the audit trail: no service
// is wired without it.
func TestNewWiresTheAuditTrailIntoEveryService(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { auditTrailTest(t, engine) })
	}
}

func auditTrailTest(t *testing.T, engine string) {
	ctx := context.Background()
	env := apptest.Open(t, engine)
	svc := app.New(env.DB, env.Library, app.Config{Now: func() time.Time { return apptest.Now }})
	op := identity.System()
	draft := apptest.DraftYAML(t, "cz-hz-mdz-2022.yaml", "cz-app-2027", "Via app.New")
	writes := []struct {
		service, action string
		write           func() error
	}{
		{"Identity", "organisation.save", func() error {
			o := identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{"cz-groep"}}
			return svc.Identity.SaveOrganisation(ctx, op, o, nil)
		}},
		{"Policies", "policy.draft_save", func() error {
			_, _, err := svc.Policies.SaveDraft(ctx, op, "concept.yaml", draft)
			return err
		}},
		{"Providers", "provider.import", func() error {
			ps := apptest.Providers()
			if err := svc.Providers.Normalize(ps, nil); err != nil {
				return err
			}
			return svc.Providers.Import(ctx, op, ps, nil, nil)
		}},
		{"Assessments", "assessment.run", func() error {
			_, err := svc.Assessments.AssessAll(ctx, op, apptest.Policy, nil)
			return err
		}},
	}
	for _, w := range writes {
		before := countActions(t, svc.Audit)[w.action]
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.service, err)
		}
		if after := countActions(t, svc.Audit)[w.action]; after != before+1 {
			t.Errorf("a write through %s left %d new %q entries in the audit trail, want 1", w.service, after-before, w.action)
		}
	}
	if r, err := svc.Audit.Verify(ctx); err != nil || !r.OK() {
		t.Errorf("the trail after the writes does not verify: %+v, %v", r, err)
	}
}

func countActions(t *testing.T, log *audit.Log) map[string]int {
	t.Helper()
	es, err := log.Entries(context.Background(), audit.Operator, audit.Filter{Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range es {
		n[e.Action]++
	}
	return n
}

// A service cannot be built without its audit trail or its transactions: the constructor
// refuses at start-up, naming what is missing, instead of dropping the trail later.
func TestConstructorsRefuseAMissingDependency(t *testing.T) {
	env := apptest.New(t)
	db, lib, trail, now := env.DB, env.Library, env.Audit, time.Now
	ref := app.ProviderReference(lib)
	tests := []struct {
		name, want string
		build      func()
	}{
		{"identity without a trail", "trail is nil", func() { identity.NewService(db, nil, db, now, identity.Options{}) }},
		{"identity without transactions", "tx is nil", func() { identity.NewService(db, trail, nil, now, identity.Options{}) }},
		{"policy without a trail", "trail is nil", func() { policy.NewService(lib, db, nil, db, now) }},
		{"policy without a clock", "now is nil", func() { policy.NewService(lib, db, trail, db, nil) }},
		{"provider without a trail", "trail is nil", func() { provider.NewService(db, ref, nil, db) }},
		{"provider without a catalogue", "ref.Catalogue is nil", func() { provider.NewService(db, provider.Reference{}, trail, db) }},
		{"provider without the policies' parts", "ref.Parts is nil", func() {
			noParts := ref
			noParts.Parts = nil
			provider.NewService(db, noParts, trail, db)
		}},
		{"assessment without transactions", "tx is nil", func() { assessment.NewService(lib, db, db, trail, nil, now, assessment.Options{}) }},
		{"assessment without a library", "lib is nil", func() { assessment.NewService(nil, db, db, trail, db, now, assessment.Options{}) }},
		{"audit log without a store", "store and now are required", func() { audit.NewLog(nil, now) }},
		{"app without a library", "lib is nil", func() { app.New(db, nil, app.Config{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one saying %q", msg, tt.want)
				}
			}()
			tt.build()
		})
	}
}

// A provider asks for parts of published policies only: the reference knows a published
// policy's insurer and parts, and no draft, whose existence is not for everyone to learn.
func TestProviderReferenceKnowsThePartsOfPublishedPoliciesOnly(t *testing.T) {
	env := apptest.New(t)
	ref := app.ProviderReference(env.Library)
	insurer, parts, ok := ref.Parts("zz-msz-2024")
	if !ok || insurer != "zorg-en-zekerheid" || !slices.Contains(parts, "zorgverschuiving") {
		t.Errorf("zz-msz-2024: %q %v %v, want Zorg en Zekerheid's policy with part zorgverschuiving", insurer, parts, ok)
	}
	draft := apptest.DraftYAML(t, "zz-msz-2024.yaml", "zz-concept-2027", "Concept")
	if _, _, err := env.Policies.SaveDraft(context.Background(), identity.System(), "concept.yaml", draft); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Library.Policy("zz-concept-2027"); err != nil {
		t.Fatalf("the draft is not in the library: %v", err)
	}
	if _, _, ok := ref.Parts("zz-concept-2027"); ok {
		t.Error("the reference knows a draft")
	}
	if _, _, ok := ref.Parts("bestaat-niet"); ok {
		t.Error("the reference knows a policy that does not exist")
	}
}

// An assessment run reads, through the store's Selection, the part choices of its policy:
// a part the provider asked for is judged, one it did not ask for is not, and a choice
// under another policy counts for nothing here.
func TestAnAssessmentRunReadsThePolicysPartChoices(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			env := apptest.Open(t, engine)
			const pol = "zz-msz-2024"
			ps := apptest.Providers()[2:3] // a hospital, in the policy's scope
			ps[0].Parts = []provider.PartChoice{
				{Policy: pol, Part: "nieuw-add-on-geneesmiddel", By: provider.SourceProvider},
				{Policy: "zz-msz-2023", Part: "basiszorg-umc", By: provider.SourceInsurer},
			}
			ps[0].Contracts = []provider.Contract{{Insurer: "zorg-en-zekerheid", Policy: "zz-msz-2023", FirstYear: 2023, LastYear: 2024}}
			if err := env.Providers.Normalize(ps, nil); err != nil {
				t.Fatal(err)
			}
			if err := env.Providers.Import(ctx, identity.System(), ps, nil, nil); err != nil {
				t.Fatal(err)
			}
			run, err := env.Assessments.AssessAll(ctx, identity.System(), pol, nil)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := env.Library.Policy(pol)
			for _, s := range run.Summaries {
				if s.ProviderID != ps[0].ID {
					continue
				}
				for i, pt := range c.Parts {
					asked := pt.ID == "nieuw-add-on-geneesmiddel"
					got := s.PartOutcomes[i]
					if got == assessment.OutOfScope && !asked {
						continue // open to other care types only
					}
					if (got == assessment.NotRequested) == asked {
						t.Errorf("part %s: outcome %s (asked for: %v)", pt.ID, got, asked)
					}
				}
				return
			}
			t.Fatalf("%s is not in the run", ps[0].ID)
		})
	}
}
