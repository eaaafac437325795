package pricelist_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var engines = []string{"sqlite", "postgres"}

// The parties of the tests: insurer A (cz-groep) with its purchasing party, insurer B,
// provider X (hap-de-linde) and provider Y; a user per role.
const (
	insurerA  = "cz-groep"
	insurerB  = "zorg-en-zekerheid"
	providerX = "hap-de-linde"
	providerY = "hap-ypsilon"
	dossierID = "dos-00112233aabbccdd"
	base      = "basisovereenkomst"
	partS3    = "s3-prestaties"
)

var now = time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)

var orgs = map[string]*identity.Organisation{
	"a":  {ID: "cz", Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{insurerA}},
	"ap": {ID: "cz-inkoop", Kind: identity.Purchaser, Name: "CZ Inkoop", Insurers: []string{insurerA}},
	"b":  {ID: "zz", Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{insurerB}},
	"x":  {ID: "linde", Kind: identity.Provider, Name: "De Linde", Providers: []string{providerX}},
	"y":  {ID: "ypsilon", Kind: identity.Provider, Name: "Ypsilon", Providers: []string{providerY}},
	"op": {ID: "operator", Kind: identity.Operator, Name: "Beheer"},
}

// who returns a user of org key with one role, named after both.
func who(org string, role identity.Role) identity.Principal {
	o := orgs[org]
	return identity.Principal{User: &identity.User{ID: org + "-" + string(role), OrgID: o.ID, Name: "Gebruiker " + org + "-" + string(role),
		Roles: []identity.Role{role}}, Org: o}
}

var (
	inkoper           = who("a", identity.RoleBuyer)
	contractbeheerder = who("a", identity.RoleContractManager)
	contractmanager   = who("x", identity.RoleProviderContractManager)
	beheerderX        = who("x", identity.RoleAdmin)
	operator          = who("op", identity.RoleAdmin)
)

// env is a fresh database with the price-list service over it, a dossier of insurer A and
// provider X offering the base contract and the S3 part, and counters of the hooks.
type env struct {
	db          store.DB
	svc         *pricelist.Service
	dossier     pricelist.Dossier
	negotiating int
	agreed      int
	hookErr     error
	mu          sync.Mutex // guards dossier and the counters for concurrent calls
}

func open(t *testing.T, engine string) *env {
	t.Helper()
	ctx := context.Background()
	dataDir, dsn := "", ""
	if engine == "sqlite" {
		dataDir = t.TempDir()
	} else {
		dsn = pgtest.DSN(t)
	}
	db, err := store.Open(ctx, dataDir, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{db: db, dossier: pricelist.Dossier{ID: dossierID, PolicyID: "cz-hz-mdz-2022", Year: 2027, Insurer: insurerA,
		ProviderID: providerX, Parts: []string{base, partS3}, Stage: pricelist.StageOffered}}
	clock := func() time.Time { return now }
	e.svc = pricelist.NewService(db, audit.NewLog(db, clock), db, clock, pricelist.Hooks{
		Dossier: func(_ context.Context, id string) (pricelist.Dossier, error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			if id != e.dossier.ID {
				return pricelist.Dossier{}, apperr.NotFoundf("dossier %s does not exist", id)
			}
			return e.dossier, nil
		},
		OnNegotiating: func(context.Context, string) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.negotiating++
			e.dossier.Stage = pricelist.StageNegotiating
			return e.hookErr
		},
		OnAgreed: func(context.Context, string) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.agreed++
			return e.hookErr
		},
	})
	return e
}

// each runs fn as a subtest on a fresh database of every engine.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) { fn(t, open(t, engine)) })
	}
}

func lines() []pricelist.Line {
	return []pricelist.Line{
		{Code: "13000", Description: "Consult huisarts", Tariff: 1250, Volume: 1200},
		{Code: "13001", Description: "Visite", Tariff: 2000, Volume: 300, Category: 1, Ceiling: 1_000_000},
		{Code: "S3-DM2", Description: "Ketenzorg diabetes", Tariff: 123456, Volume: 10},
	}
}

func (e *env) propose(t *testing.T, part string) *pricelist.PriceList {
	t.Helper()
	pl, err := e.svc.Propose(context.Background(), inkoper, pricelist.Proposal{DossierID: dossierID, Part: part, Lines: lines(), Note: "Ons voorstel"})
	if err != nil {
		t.Fatalf("Propose %s: %v", part, err)
	}
	return pl
}

func (e *env) stored(t *testing.T, part string) *pricelist.PriceList {
	t.Helper()
	pl, err := e.db.PriceList(context.Background(), dossierID, part)
	if err != nil {
		t.Fatalf("stored price list: %v", err)
	}
	return pl
}

func (e *env) entries(t *testing.T, action string) []audit.Entry {
	t.Helper()
	all, err := e.db.AuditEntries(context.Background(), audit.Filter{Dossier: dossierID})
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	for _, en := range all {
		if en.Action == action {
			out = append(out, en)
		}
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s = %v (%s), want %s", what, err, apperr.CodeOf(err), code)
	}
}

func dutch(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Dutch
	}
	return ""
}
