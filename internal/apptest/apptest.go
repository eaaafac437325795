// Package apptest sets up what the HTTP tests of api and web share: a fresh database
// (SQLite, or PostgreSQL on the throwaway test server) with the shipped policies installed
// and a few providers imported, the services over it, and (tenants.go) organisations
// with a user in every role for the authorisation tests.
package apptest

import (
	"context"
	"io/fs"
	"log/slog"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/policies"
)

// Policy is the shipped policy the scenarios assess against.
const Policy = "cz-hz-mdz-2022"

// Now is the fixed "now" of the scenarios.
var Now = time.Date(2021, 11, 1, 9, 30, 0, 0, time.UTC)

// Engines are the database engines the shared tests run on.
var Engines = []string{"sqlite", "postgres"}

// Env is a seeded database, the library loaded from it and the services over it, all
// recording in the database's audit trail.
type Env struct {
	DB store.DB
	// DataDir and DSN are where DB is (one of them is set), for a second connection to the
	// same database (OpenSecond).
	DataDir, DSN string
	// Services are wired by app.New on the fixed clock Now, policies kept in sync with
	// the database. Their Identity has no mail; NewIdentity makes one on a clock.
	*app.Services
}

// New opens a fresh SQLite database for one test, installs the shipped policies and imports
// Providers through the provider service, as the CLI would.
func New(t testing.TB) *Env { return Open(t, "sqlite") }

// NewPostgres is New on a fresh database of the throwaway PostgreSQL server; the test
// package needs `func TestMain(m *testing.M) { pgtest.Main(m) }`.
func NewPostgres(t testing.TB) *Env { return Open(t, "postgres") }

// Open is New on the engine named ("sqlite" or "postgres").
func Open(t testing.TB, engine string) *Env {
	t.Helper()
	ctx := context.Background()
	dataDir, dsn := "", ""
	switch engine {
	case "sqlite":
		dataDir = t.TempDir()
	case "postgres":
		dsn = pgtest.DSN(t)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	db, err := store.Open(ctx, dataDir, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(policies.FS, "*.yaml")
	files := map[string][]byte{}
	for _, n := range names {
		if n != "registry.yaml" {
			files[n], _ = fs.ReadFile(policies.FS, n)
		}
	}
	if _, err := policy.Install(ctx, lib, db, Now, files); err != nil {
		t.Fatalf("install shipped policies: %v", err)
	}
	if lib, err = policy.LoadStored(ctx, policies.FS, db); err != nil {
		t.Fatal(err)
	}
	env := &Env{DB: db, DataDir: dataDir, DSN: dsn, Services: app.New(db, lib, app.Config{Now: func() time.Time { return Now }, SyncPolicies: true})}
	ps := Providers()
	if err := env.Providers.Normalize(ps, nil); err != nil {
		t.Fatalf("seed providers: %v", err)
	}
	if err := env.Providers.Import(ctx, identity.System(), ps, nil, nil); err != nil {
		t.Fatalf("seed providers: %v", err)
	}
	return env
}

func fact(key, value string) provider.Fact {
	return provider.Fact{Key: key, Value: value, Source: provider.SourceProvider, Date: "2021-06-01"}
}

func perInsurer(key, value string) provider.Fact {
	f := fact(key, value)
	f.Insurer = "cz-groep"
	return f
}

// Providers returns, in file notation: a GP practice that meets every knock-out it has
// facts for, one in bankruptcy, and a hospital outside the policy's care types.
func Providers() []provider.Provider {
	loc := func(city string) []provider.Location {
		return []provider.Location{{Name: "Hoofdlocatie", Street: "Dorpsstraat 1", Postcode: "5611 AB", City: city}}
	}
	good := []provider.Fact{
		fact("big_registratie_huisarts", "ja"), fact("agb_code_zorgverlener", "ja"), fact("agb_geregistreerd", "ja"),
		fact("elektronische_inzage_dossier", "ja"), fact("zorg_24_7_gewaarborgd", "ja"), fact("aangesloten_bij_rsv", "ja"),
		fact("omzet_totaal", "100000"), fact("dubbele_financiering_stoppen_met_roken", "nee"),
		perInsurer("aanvraag_alleen_wijkmanagement_of_ketenzorg", "nee"),
		fact("in_faillissement", "nee"), fact("in_liquidatie", "nee"), fact("werkzaamheden_gestaakt", "nee"),
		fact("akkoord_schuldeisers", "nee"), fact("faillissement_aangevraagd", "nee"), fact("belastingachterstand", "nee"),
		fact("valse_verklaring", "nee"), fact("inlichtingen_niet_verstrekt", "nee"), fact("integriteitsonderzoek_beletselen", "nee"),
	}
	w := fact("waarneemregeling", "ja")
	w.Evidence = "waarneemregeling-2021.pdf"
	good = append(good, w)
	return []provider.Provider{
		{ID: "hap-de-linde", Name: "Huisartsenpraktijk De Linde", KvK: "12345678",
			AGBCodes:  []provider.AGBCode{{Code: "01012345", Kind: provider.AGBPractice}, {Code: "01123456", Kind: provider.AGBCaregiver}},
			CareTypes: []string{"huisarts"}, Locations: loc("Eindhoven"), Facts: good},
		{ID: "hap-failliet", Name: "Huisartsenpraktijk Failliet", KvK: "23456789",
			AGBCodes:  []provider.AGBCode{{Code: "01023456", Kind: provider.AGBPractice}},
			CareTypes: []string{"huisarts"}, Locations: loc("Tilburg"),
			Facts: []provider.Fact{fact("in_faillissement", "ja")}},
		{ID: "ziekenhuis-zuid", Name: "Ziekenhuis Zuid", KvK: "34567890",
			AGBCodes:  []provider.AGBCode{{Code: "06010001", Kind: provider.AGBInstitution}},
			CareTypes: []string{"ziekenhuis"}, Locations: loc("Breda")},
	}
}

// OpenSecond opens a second connection to the env's database, as a second instance of the
// application on the same database would, with the library loaded from it. It is closed
// when the test ends.
func (e *Env) OpenSecond(t testing.TB) (store.DB, *policy.Library) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e.DataDir, e.DSN, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open a second connection: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	lib, err := policy.LoadStored(ctx, policies.FS, db)
	if err != nil {
		t.Fatal(err)
	}
	return db, lib
}
