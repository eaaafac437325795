package contract_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	policyID   = "cz-hz-mdz-2022"
	insurer    = "cz-groep"
	providerID = "hap-de-linde" // KvK 12345678 in apptest.Providers
	basePart   = "huisartsenovereenkomst"
	addPart    = "prestatie-praktijkmanager"
)

// fixture is a seeded database with a contract service whose lookups are test doubles.
type fixture struct {
	env       *apptest.Env
	svc       *contract.Service
	mu        sync.Mutex
	now       time.Time
	dossiers  map[string]contract.Dossier
	prices    map[string][]contract.PriceLine // by dossier/part
	deadlines map[string]contract.Deadline    // by dossier/step
	signed    []string
	published []string
}

func amsterdam(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, nl.Amsterdam)
}

func date(t *testing.T, s string) policy.Date {
	d, err := policy.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newFixture(t *testing.T, engine string) *fixture {
	env := apptest.Open(t, engine)
	f := &fixture{env: env, now: amsterdam(2021, 11, 1, 10, 0, 0), dossiers: map[string]contract.Dossier{},
		prices: map[string][]contract.PriceLine{}, deadlines: map[string]contract.Deadline{}}
	f.svc = contract.NewService(env.DB, env.Library, env.DB, env.Audit, env.DB, f.clock, f.lookups())
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) setNow(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

func (f *fixture) lookups() contract.Lookups {
	return contract.Lookups{
		Dossier: func(_ context.Context, id string) (contract.Dossier, error) {
			d, ok := f.dossiers[id]
			if !ok {
				return d, apperr.NotFoundf("dossier %q does not exist", id)
			}
			return d, nil
		},
		PriceList: func(_ context.Context, dossierID, part string) ([]contract.PriceLine, error) {
			return f.prices[dossierID+"/"+part], nil
		},
		Deadline: func(_ context.Context, dossierID, step string) (contract.Deadline, bool, error) {
			d, ok := f.deadlines[dossierID+"/"+step]
			return d, ok, nil
		},
		OnSigned:    func(_ context.Context, id string) error { f.signed = append(f.signed, id); return nil },
		OnPublished: func(_ context.Context, id string) error { f.published = append(f.published, id); return nil },
	}
}

// addDossier adds an agreed dossier of the GP practice with the base contract and one
// prestatie, each with a price list, a hard signing deadline on 9 November 2021 and
// publication on 12 November 2021.
func (f *fixture) addDossier(t *testing.T, id string) contract.Dossier {
	d := contract.Dossier{ID: id, RoundID: policyID + "-2022", PolicyID: policyID, Year: 2022, Insurer: insurer,
		ProviderID: providerID, Parts: []string{basePart, addPart}, Stage: contract.StageAgreed}
	f.dossiers[id] = d
	f.prices[id+"/"+basePart] = []contract.PriceLine{
		{Code: "13001", Description: "Inschrijving per verzekerde per kwartaal", TariffCents: 123456, Volume: 10, Category: 1, CeilingCents: 1500000},
		{Code: "13003", Description: "Consult regulier", TariffCents: 1070, Volume: 2000},
	}
	f.prices[id+"/"+addPart] = []contract.PriceLine{{Code: "30090", Description: "Praktijkmanagement", TariffCents: 99999, Volume: 4}}
	f.deadlines[id+"/"+contract.StepSigning] = contract.Deadline{What: "de ondertekening van het contract", Date: date(t, "2021-11-09"), Hard: true}
	f.deadlines[id+"/"+contract.StepPublication] = contract.Deadline{What: "publicatie", Date: date(t, "2021-11-12"), Hard: true}
	return d
}

func insurerUser(id string, roles ...identity.Role) identity.Principal {
	return identity.Principal{User: &identity.User{ID: id, OrgID: "org-cz", Name: "Gebruiker " + id, Roles: roles},
		Org: &identity.Organisation{ID: "org-cz", Kind: identity.Insurer, Name: "CZ groep", KvK: "18036866", Insurers: []string{insurer}}}
}

func providerUser(id, providerID string, roles ...identity.Role) identity.Principal {
	return identity.Principal{User: &identity.User{ID: id, OrgID: "org-" + providerID, Name: "Gebruiker " + id, Roles: roles},
		Org: &identity.Organisation{ID: "org-" + providerID, Kind: identity.Provider, Name: providerID, Providers: []string{providerID}}}
}

var (
	buyer        = insurerUser("u-inkoper", identity.RoleBuyer)
	manager      = insurerUser("u-contractbeheerder", identity.RoleContractManager)
	signatory    = providerUser("u-tekenbevoegde", providerID, identity.RoleSignatory)
	filler       = providerUser("u-invuller", providerID, identity.RoleFiller, identity.RoleProviderContractManager, identity.RoleAdmin)
	otherSigner  = providerUser("u-ander", "hap-failliet", identity.RoleSignatory)
	otherInsurer = identity.Principal{User: &identity.User{ID: "u-zz", OrgID: "org-zz", Name: "ZZ", Roles: []identity.Role{identity.RoleContractManager}},
		Org: &identity.Organisation{ID: "org-zz", Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{"zorg-en-zekerheid"}}}
)

func engines(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, newFixture(t, engine)) })
	}
}

type result[T any] struct {
	v   T
	err error
}

func r[T any](v T, err error) result[T] { return result[T]{v, err} }

func (x result[T]) must(t *testing.T) T {
	t.Helper()
	if x.err != nil {
		t.Fatal(x.err)
	}
	return x.v
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("error %v: code %s, want %s", err, apperr.CodeOf(err), code)
	}
}

func entries(t *testing.T, f *fixture, dossierID string) []audit.Entry {
	t.Helper()
	es, err := f.env.DB.AuditEntries(context.Background(), audit.Filter{Dossier: dossierID})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func count(es []audit.Entry, action string, denied bool) int {
	n := 0
	for _, e := range es {
		if e.Action == action && e.Denied == denied {
			n++
		}
	}
	return n
}

func TestGeneratedDocumentsCarryTheAgreedPartsAmountsAndHashes(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.addDossier(t, "dos-0000000000000001")
		c := r(f.svc.Generate(ctx, buyer, d.ID)).must(t)
		if c.Version != 1 || c.Status != contract.AwaitingSignatures {
			t.Fatalf("version %d status %s", c.Version, c.Status)
		}
		doc := r(f.svc.Document(ctx, signatory, c.ID, contract.FormatPDF)).must(t)
		if !bytes.HasPrefix(doc.Bytes, []byte("%PDF")) {
			t.Fatalf("not a PDF: %q", doc.Bytes[:min(20, len(doc.Bytes))])
		}
		sum := sha256.Sum256(doc.Bytes)
		if hex.EncodeToString(sum[:]) != c.DocumentSHA256 || doc.SHA256 != c.DocumentSHA256 {
			t.Fatalf("stored SHA-256 %s does not match the PDF bytes", c.DocumentSHA256)
		}
		// Uncompressed Windows-1252 text: the amounts as € 1.234,56 (€ is byte 0x80).
		for _, want := range []string{"Huisartsenovereenkomst 2021", "\x80 1.234,56", "\x80 12.345,60", "\x80 999,99",
			"\x80 3.999,96", "Praktijkmanagement", "12345678", "01012345", c.ContentSHA256, "1 november 2021", "Totaal"} {
			if !bytes.Contains(doc.Bytes, []byte(want)) {
				t.Errorf("the PDF does not contain %q", want)
			}
		}
		if n := bytes.Count(doc.Bytes, []byte(c.ContentSHA256)); n < 1 {
			t.Errorf("content hash printed %d times", n)
		}
		// Totals: 12.345,60 + 21.400,00 + 3.999,96.
		if c.Content.TotalCents != 1234560+2140000+399996 || c.Content.CeilingCents != 1500000 {
			t.Errorf("totals %d ceiling %d", c.Content.TotalCents, c.Content.CeilingCents)
		}
		if c.Content.Parts[0].ID != basePart || c.Content.Parts[1].Addendum == "" {
			t.Errorf("parts %+v: the prestatie is an addendum to the base contract", c.Content.Parts)
		}
		// The same contract at the same time renders the same bytes.
		again := r(contract.PDF(c.Content, f.clock())).must(t)
		if !bytes.Equal(again, doc.Bytes) {
			t.Error("rendering the same contract again gives other bytes")
		}
		x := r(f.svc.Document(ctx, manager, c.ID, contract.FormatXLSX)).must(t)
		book := r(excelize.OpenReader(bytes.NewReader(x.Bytes))).must(t)
		rows := r(book.GetRows("Prijslijst")).must(t)
		if len(rows) != 4 || rows[1][1] != "13001" || rows[3][0] != addPart || rows[3][2] != "Praktijkmanagement" {
			t.Errorf("xlsx rows %q", rows)
		}
		if es := entries(t, f, d.ID); count(es, contract.ActionGenerate, false) != 1 {
			t.Errorf("audit %+v: want one generate entry", es)
		}
	})
}

func TestGeneratingAgainMakesANewVersionUntilTheFirstSignature(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.addDossier(t, "dos-0000000000000002")
		c1 := r(f.svc.Generate(ctx, manager, d.ID)).must(t)
		same := r(f.svc.Generate(ctx, manager, d.ID)).must(t)
		if same.Version != 1 || same.DocumentSHA256 != c1.DocumentSHA256 {
			t.Fatalf("unchanged content made version %d", same.Version)
		}
		f.prices[d.ID+"/"+addPart][0].Volume = 5
		c2 := r(f.svc.Generate(ctx, manager, d.ID)).must(t)
		if c2.ID != c1.ID || c2.Version != 2 || c2.ContentSHA256 == c1.ContentSHA256 {
			t.Fatalf("changed price list: id %s version %d", c2.ID, c2.Version)
		}
		_, err := f.svc.Sign(ctx, signatory, c2.ID, c1.DocumentSHA256)
		wantCode(t, err, apperr.Invalid) // signing what is no longer the document
		r(f.svc.Sign(ctx, signatory, c2.ID, c2.DocumentSHA256)).must(t)
		f.prices[d.ID+"/"+addPart][0].Volume = 6
		_, err = f.svc.Generate(ctx, manager, d.ID)
		wantCode(t, err, apperr.Conflict)
		if got := r(f.svc.Contract(ctx, manager, c1.ID)).must(t); got.Version != 2 {
			t.Errorf("frozen contract has version %d", got.Version)
		}
	})
}

func TestGenerateRefusals(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.addDossier(t, "dos-0000000000000003")
		_, err := f.svc.Generate(ctx, otherInsurer, d.ID)
		wantCode(t, err, apperr.NotFound)
		_, err = f.svc.Generate(ctx, signatory, d.ID)
		wantCode(t, err, apperr.Forbidden)
		_, err = f.svc.Generate(ctx, insurerUser("u-ma", identity.RoleMedicalAdvisor), d.ID)
		wantCode(t, err, apperr.Forbidden)
		d.Stage = "negotiating"
		f.dossiers[d.ID] = d
		_, err = f.svc.Generate(ctx, buyer, d.ID)
		wantCode(t, err, apperr.Conflict)
		_, err = f.svc.ContractForDossier(ctx, buyer, d.ID)
		wantCode(t, err, apperr.NotFound)
		bare := contract.NewService(f.env.DB, f.env.Library, f.env.DB, f.env.Audit, f.env.DB, f.clock, contract.Lookups{})
		_, err = bare.Generate(ctx, buyer, d.ID)
		wantCode(t, err, apperr.Internal)
	})
}

func TestSigningOrderRolesAndOneSignaturePerSide(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.addDossier(t, "dos-0000000000000004")
		c := r(f.svc.Generate(ctx, buyer, d.ID)).must(t)
		refusals := []struct {
			name  string
			actor identity.Principal
			hash  string
			code  apperr.Code
		}{
			{"the insurer cannot sign before the provider", manager, c.DocumentSHA256, apperr.Conflict},
			{"a provider user who is not tekenbevoegde is forbidden", filler, c.DocumentSHA256, apperr.Forbidden},
			{"the insurer's inkoper does not sign", buyer, c.DocumentSHA256, apperr.Forbidden},
			{"another provider's tekenbevoegde does not see the contract", otherSigner, c.DocumentSHA256, apperr.NotFound},
			{"another insurer does not see the contract", otherInsurer, c.DocumentSHA256, apperr.NotFound},
			{"a hash of another document is refused", signatory, strings.Repeat("0", 64), apperr.Invalid},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.Sign(ctx, tc.actor, c.ID, tc.hash)
				wantCode(t, err, tc.code)
				if got := r(f.svc.Contract(ctx, manager, c.ID)).must(t); len(got.Signatures) != 0 || got.Status != contract.AwaitingSignatures {
					t.Errorf("a refused signature changed the contract: %+v", got.Signatures)
				}
			})
		}
		if denied := count(entries(t, f, d.ID), contract.ActionSign, true); denied != 2 {
			t.Errorf("%d refused signatures audited, want 2 (the two without the role)", denied)
		}
		got := r(f.svc.Sign(ctx, signatory, c.ID, c.DocumentSHA256)).must(t)
		if got.Status != contract.ProviderSigned || len(got.Signatures) != 1 {
			t.Fatalf("after the provider: %s %+v", got.Status, got.Signatures)
		}
		s := got.Signatures[0]
		if s.Side != contract.ProviderSide || s.UserID != "u-tekenbevoegde" || s.KvK != "12345678" || s.DocumentSHA256 != c.DocumentSHA256 || !s.SignedAt.Equal(f.clock()) {
			t.Errorf("signature %+v", s)
		}
		_, err := f.svc.Sign(ctx, signatory, c.ID, c.DocumentSHA256)
		wantCode(t, err, apperr.Conflict)
		if len(f.signed) != 0 {
			t.Error("OnSigned called before both signed")
		}
		got = r(f.svc.Sign(ctx, manager, c.ID, c.DocumentSHA256)).must(t)
		if got.Status != contract.Signed || len(got.Signatures) != 2 || got.Signatures[1].KvK != "18036866" {
			t.Fatalf("after the insurer: %s %+v", got.Status, got.Signatures)
		}
		_, err = f.svc.Sign(ctx, manager, c.ID, c.DocumentSHA256)
		wantCode(t, err, apperr.Conflict)
		stored := r(f.svc.ContractForDossier(ctx, signatory, d.ID)).must(t)
		if len(stored.Signatures) != 2 || len(f.signed) != 1 || f.signed[0] != d.ID {
			t.Errorf("stored %+v, OnSigned %v", stored.Signatures, f.signed)
		}
		if n := count(entries(t, f, d.ID), contract.ActionSign, false); n != 2 {
			t.Errorf("%d signature entries in the audit trail, want 2", n)
		}
	})
}

func TestSigningDeadline(t *testing.T) {
	cases := []struct {
		name string
		at   time.Time
		hard bool
		ok   bool
	}{
		{"the deadline day at 23:59:59 in Amsterdam is accepted", amsterdam(2021, 11, 9, 23, 59, 59), true, true},
		{"midnight after the deadline day is refused", amsterdam(2021, 11, 10, 0, 0, 0), true, false},
		{"one day after the deadline is refused", amsterdam(2021, 11, 10, 12, 0, 0), true, false},
		{"after a soft deadline is accepted", amsterdam(2021, 11, 10, 12, 0, 0), false, true},
	}
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				f.setNow(amsterdam(2021, 11, 1, 10, 0, 0))
				d := f.addDossier(t, "dos-10000000000000"+string(rune('a'+i))+"0")
				dl := f.deadlines[d.ID+"/"+contract.StepSigning]
				dl.Hard = tc.hard
				f.deadlines[d.ID+"/"+contract.StepSigning] = dl
				c := r(f.svc.Generate(ctx, buyer, d.ID)).must(t)
				f.setNow(tc.at)
				_, err := f.svc.Sign(ctx, signatory, c.ID, c.DocumentSHA256)
				if tc.ok {
					if err != nil {
						t.Fatal(err)
					}
					var sign audit.Entry
					for _, e := range entries(t, f, d.ID) {
						if e.Action == contract.ActionSign {
							sign = e
						}
					}
					if late := strings.Contains(sign.Reason, "zachte"); late != !tc.hard {
						t.Errorf("signature entry reason %q: a signature after a soft deadline records the warning, and only then", sign.Reason)
					}
					return
				}
				wantCode(t, err, apperr.Conflict)
				var e *apperr.Error
				if !asErr(err, &e) || !strings.Contains(e.Dutch, "9 november 2021") || !strings.Contains(e.Dutch, "ondertekening") {
					t.Errorf("Dutch message %q does not name the deadline and its date", e.Dutch)
				}
				if got := r(f.svc.Contract(ctx, signatory, c.ID)).must(t); len(got.Signatures) != 0 {
					t.Error("a late signature was stored")
				}
				es := entries(t, f, d.ID)
				if count(es, contract.ActionSign, true) != 1 {
					t.Errorf("the late signature is not audited as refused: %+v", es)
				}
			})
		}
	})
}

func TestPublicationOnThePublicationDate(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.addDossier(t, "dos-0000000000000005")
		c := r(f.svc.Generate(ctx, buyer, d.ID)).must(t)
		unsigned := f.addDossier(t, "dos-0000000000000006")
		r(f.svc.Generate(ctx, buyer, unsigned.ID)).must(t)
		r(f.svc.Sign(ctx, signatory, c.ID, c.DocumentSHA256)).must(t)
		r(f.svc.Sign(ctx, manager, c.ID, c.DocumentSHA256)).must(t)

		if n := r(f.svc.Publish(ctx, amsterdam(2021, 11, 11, 23, 59, 59))).must(t); n != 0 {
			t.Fatalf("published %d before the publication date", n)
		}
		if got := r(f.svc.Contract(ctx, manager, c.ID)).must(t); got.Status != contract.Signed {
			t.Fatalf("status %s before the publication date", got.Status)
		}
		if n := r(f.svc.Publish(ctx, amsterdam(2021, 11, 12, 0, 0, 0))).must(t); n != 1 {
			t.Fatalf("published %d on the publication date, want 1 (the unsigned one stays)", n)
		}
		if n := r(f.svc.Publish(ctx, amsterdam(2021, 11, 13, 0, 0, 0))).must(t); n != 0 {
			t.Fatalf("publishing again published %d", n)
		}
		if got := r(f.svc.Contract(ctx, manager, c.ID)).must(t); got.Status != contract.Published {
			t.Errorf("status %s", got.Status)
		}
		list, total := must2(t)(f.svc.PublishedContracts(ctx, contract.PublishedFilter{Insurer: insurer}, contract.Page{}))
		if total != 1 || len(list) != 1 {
			t.Fatalf("published list %d of %d", len(list), total)
		}
		p := list[0]
		if p.ProviderID != providerID || len(p.Labels) != 3 || p.Parts[1] != addPart || len(p.Locations) != 1 ||
			p.Locations[0].City != "Eindhoven" || p.Years[0] != 2022 {
			t.Errorf("published %+v", p)
		}
		if empty, total := must2(t)(f.svc.PublishedContracts(ctx, contract.PublishedFilter{Insurer: insurer}, contract.Page{Offset: 1})); total != 1 || len(empty) != 0 {
			t.Errorf("page 2: %d of %d", len(empty), total)
		}
		if none, _ := must2(t)(f.svc.PublishedContracts(ctx, contract.PublishedFilter{Year: 2023}, contract.Page{})); len(none) != 0 {
			t.Errorf("year filter: %+v", none)
		}
		if len(f.published) != 1 || count(entries(t, f, d.ID), contract.ActionPublish, false) != 1 {
			t.Errorf("OnPublished %v; audit: want one publish entry", f.published)
		}
	})
}

func must2(t *testing.T) func([]contract.PublishedContract, int, error) ([]contract.PublishedContract, int) {
	return func(l []contract.PublishedContract, n int, err error) ([]contract.PublishedContract, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return l, n
	}
}

func TestOnlyThePartiesAndTheOperatorRead(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.addDossier(t, "dos-0000000000000007")
		c := r(f.svc.Generate(ctx, buyer, d.ID)).must(t)
		for _, p := range []identity.Principal{buyer, manager, signatory, filler, identity.System()} {
			r(f.svc.Contract(ctx, p, c.ID)).must(t)
			r(f.svc.Document(ctx, p, c.ID, contract.FormatPDF)).must(t)
		}
		for _, p := range []identity.Principal{otherSigner, otherInsurer, identity.Anonymous} {
			_, err := f.svc.Contract(ctx, p, c.ID)
			wantCode(t, err, apperr.NotFound)
			_, err = f.svc.ContractForDossier(ctx, p, d.ID)
			wantCode(t, err, apperr.NotFound)
			_, err = f.svc.Document(ctx, p, c.ID, contract.FormatXLSX)
			wantCode(t, err, apperr.NotFound)
		}
		_, err := f.svc.Document(ctx, buyer, c.ID, "docx")
		wantCode(t, err, apperr.Invalid)
	})
}

// The service cannot be built without its store, trail, transactions or clock.
func TestNewServiceRefusesAMissingDependency(t *testing.T) {
	env := apptest.New(t)
	db, lib, trail, now := env.DB, env.Library, env.Audit, time.Now
	tests := []struct {
		name, want string
		build      func()
	}{
		{"without a store", "store is nil", func() { contract.NewService(nil, lib, db, trail, db, now, contract.Lookups{}) }},
		{"without a library", "lib is nil", func() { contract.NewService(db, nil, db, trail, db, now, contract.Lookups{}) }},
		{"without a trail", "trail is nil", func() { contract.NewService(db, lib, db, nil, db, now, contract.Lookups{}) }},
		{"without transactions", "tx is nil", func() { contract.NewService(db, lib, db, trail, nil, now, contract.Lookups{}) }},
		{"without a clock", "now is nil", func() { contract.NewService(db, lib, db, trail, db, nil, contract.Lookups{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one saying %q", msg, tt.want)
				}
			}()
			tt.build()
		})
	}
}

func TestTwoSignaturesOfOneSideAtOnceStoreOne(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d := f.addDossier(t, "dos-0000000000000008")
		c := r(f.svc.Generate(ctx, buyer, d.ID)).must(t)
		second := providerUser("u-tekenbevoegde-2", providerID, identity.RoleSignatory)
		errs := make(chan error, 2)
		var wg sync.WaitGroup
		for _, p := range []identity.Principal{signatory, second} {
			wg.Go(func() {
				_, err := f.svc.Sign(ctx, p, c.ID, c.DocumentSHA256)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		var ok, conflicts int
		for err := range errs {
			switch apperr.CodeOf(err) {
			case apperr.Conflict:
				conflicts++
			default:
				if err != nil {
					t.Fatal(err)
				}
				ok++
			}
		}
		got := r(f.svc.Contract(ctx, manager, c.ID)).must(t)
		if ok != 1 || conflicts != 1 || len(got.Signatures) != 1 || count(entries(t, f, d.ID), contract.ActionSign, false) != 1 {
			t.Errorf("%d signed, %d conflicts, %d stored signatures", ok, conflicts, len(got.Signatures))
		}
	})
}
