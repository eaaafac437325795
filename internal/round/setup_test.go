package round_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/round"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixture is a seeded database (apptest) with a round service on a clock the test sets.
type fixture struct {
	*apptest.Env
	svc *round.Service
	now time.Time
	// offered records the OnOffered hook's calls.
	offered []string
}

// at is a moment in Amsterdam.
func at(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, nl.Amsterdam)
}

func setup(t *testing.T, engine string) *fixture {
	t.Helper()
	f := &fixture{Env: apptest.Open(t, engine), now: at(2025, 8, 1, 9, 0, 0)}
	f.svc = round.NewService(f.Library, f.DB, f.DB, f.Audit, f.DB, func() time.Time { return f.now })
	f.svc.Hooks.OnOffered = func(ctx context.Context, id string, parts []string) error {
		f.offered = append(f.offered, id+":"+strings.Join(parts, ","))
		return nil
	}
	ps := []provider.Provider{clinic("kliniek-a", "22010001", "11111111"), clinic("kliniek-b", "22010002", "22222222"),
		clinic("kliniek-c", "22010003", "33333333")}
	// GP practices for CZ's 2022 round: a contract holder that meets the requirements, one
	// in bankruptcy, one with a running multi-year contract, and one without a contract.
	gp := func(id, agb, kvk string, contract *provider.Contract, bankrupt bool) provider.Provider {
		p := apptest.Providers()[0]
		p.ID, p.Name, p.KvK = id, "Praktijk "+id, kvk
		p.AGBCodes = []provider.AGBCode{{Code: agb, Kind: provider.AGBPractice}}
		if bankrupt {
			p.Facts = append([]provider.Fact(nil), apptest.Providers()[1].Facts...)
		}
		if contract != nil {
			p.Contracts = []provider.Contract{*contract}
		}
		return p
	}
	ps = append(ps,
		gp("hap-houder", "01030001", "44444444", &provider.Contract{Insurer: "cz-groep", Policy: "cz-hz-mdz-2021", FirstYear: 2021, LastYear: 2021}, false),
		gp("hap-failliet-houder", "01030002", "55555555", &provider.Contract{Insurer: "cz-groep", Policy: "cz-hz-mdz-2021", FirstYear: 2021, LastYear: 2021}, true),
		gp("hap-meerjarig", "01030003", "66666666", &provider.Contract{Insurer: "cz-groep", Policy: "cz-hz-mdz-2021", Parts: []string{"s3-zorginnovatie"}, FirstYear: 2021, LastYear: 2023}, false),
		gp("hap-nieuw", "01030004", "77777777", nil, false),
	)
	if err := f.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Providers.Import(context.Background(), identity.System(), ps, nil, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func clinic(id, agb, kvk string) provider.Provider {
	return provider.Provider{ID: id, Name: "Kliniek " + id, KvK: kvk, CareTypes: []string{"zbc"},
		AGBCodes:  []provider.AGBCode{{Code: agb, Kind: provider.AGBInstitution}},
		Locations: []provider.Location{{Name: "Hoofdlocatie", Street: "Laan 1", Postcode: "1011 AB", City: "Amsterdam"}}}
}

// insurer is a user of insurer with roles; provider a user of provider records.
func insurer(ins string, roles ...identity.Role) identity.Principal {
	return identity.Principal{User: &identity.User{ID: "u-" + ins + "-" + string(roles[0]), Name: "Medewerker " + ins, Roles: roles},
		Org: &identity.Organisation{ID: "org-" + ins, Kind: identity.Insurer, Insurers: []string{ins}}}
}

func providerUser(id string, roles ...identity.Role) identity.Principal {
	return identity.Principal{User: &identity.User{ID: "u-" + id + "-" + string(roles[0]), Name: "Medewerker " + id, Roles: roles},
		Org: &identity.Organisation{ID: "org-" + id, Kind: identity.Provider, Providers: []string{id}}}
}

var (
	buyerEucare = insurer("eucare", identity.RoleBuyer)
	buyerCZ     = insurer("cz-groep", identity.RoleBuyer)
	buyerZZ     = insurer("zorg-en-zekerheid", identity.RoleBuyer)
	buyerASR    = insurer("asr", identity.RoleBuyer)
)

func adminOf(id string) identity.Principal { return providerUser(id, identity.RoleAdmin) }

func date(s string) policy.Date {
	d, err := policy.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (f *fixture) open(t *testing.T, policyID string, year int, dates ...round.RoundDate) *round.Round {
	t.Helper()
	r, err := f.svc.OpenRound(context.Background(), insurerFor(policyID), policyID, year, dates)
	if err != nil {
		t.Fatalf("open %s %d: %v", policyID, year, err)
	}
	return r
}

func insurerFor(policyID string) identity.Principal {
	switch {
	case strings.HasPrefix(policyID, "caresq"):
		return buyerEucare
	case strings.HasPrefix(policyID, "cz"):
		return buyerCZ
	case strings.HasPrefix(policyID, "zz"):
		return buyerZZ
	}
	return buyerASR
}

func (f *fixture) apply(t *testing.T, roundID, providerID string, parts ...string) *round.Dossier {
	t.Helper()
	res, err := f.svc.Apply(context.Background(), adminOf(providerID), roundID, round.Application{ProviderID: providerID, Parts: parts})
	if err != nil {
		t.Fatalf("apply %s: %v", providerID, err)
	}
	return res.Dossier
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("err = %v (%s), want %s", err, apperr.CodeOf(err), code)
	}
}

func dutch(err error) string {
	if e, ok := err.(*apperr.Error); ok {
		return e.Dutch
	}
	return ""
}

// entries are the audit entries of a dossier (or of a subject when dossier is "").
func (f *fixture) entries(t *testing.T, dossier, subject string) []audit.Entry {
	t.Helper()
	es, err := f.Audit.Entries(context.Background(), audit.Operator, audit.Filter{Dossier: dossier, Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func engines(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, e := range apptest.Engines {
		t.Run(e, func(t *testing.T) { fn(t, setup(t, e)) })
	}
}

var _ = fmt.Sprint
