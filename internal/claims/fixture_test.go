package claims_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The parties of the claims tests: Eucare (Caresq's policy caresq-zbc-2026, UZOVI 9901)
// and a.s.r. (asr-msz-2025, hold until signed, UZOVI 9906); the hospital Ziekenhuis Zuid
// (AGB 06010001) and the practice De Linde (AGB 01012345) of apptest.Providers.
const (
	eucare   = "eucare"
	asr      = "asr"
	zuid     = "ziekenhuis-zuid"
	linde    = "hap-de-linde"
	agbZuid  = "06010001"
	uzoviEu  = "9901"
	uzoviASR = "9906"
)

// now is the clock of the tests: 1 April 2026.
var now = time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)

type fixture struct {
	t   *testing.T
	ctx context.Context
	env *apptest.Env
	svc *claims.Service
	lib *policy.Library
	log *audit.Log
}

func newFixture(t *testing.T, engine string) *fixture {
	t.Helper()
	env := apptest.Open(t, engine)
	lib := env.Library
	setUZOVI(lib, "aevitae", uzoviEu)
	setUZOVI(lib, "asr", uzoviASR)
	setUZOVI(lib, "cz", "9903")
	claimRules(t, lib)
	svcs := app.New(env.DB, lib, app.Config{Now: func() time.Time { return now }})
	return &fixture{t: t, ctx: context.Background(), env: env, svc: svcs.Claims, lib: lib, log: svcs.Audit}
}

// setUZOVI gives a label its UZOVI number when the registry has none (the shipped
// registry gets them with the policy data).
func setUZOVI(lib *policy.Library, label, uzovi string) {
	for i := range lib.Registry.Insurers {
		for j := range lib.Registry.Insurers[i].Labels {
			if l := &lib.Registry.Insurers[i].Labels[j]; l.ID == label && l.UZOVI == "" {
				l.UZOVI = uzovi
			}
		}
	}
}

// claimRules sets the seeds' claim rules on the policies when the shipped files do not
// have them yet.
func claimRules(t *testing.T, lib *policy.Library) {
	cq, err := lib.Policy("caresq-zbc-2026")
	if err != nil {
		t.Fatal(err)
	}
	if len(cq.Claims.Authorisations) == 0 {
		cq.Claims.Authorisations = []policy.ClaimAuthorisation{{ID: "msr-vervolg-dbc", Kind: "machtiging",
			Title:  "Machtiging vóór het ingaan van een vervolg-DBC medisch specialistische revalidatiezorg",
			Text:   "Levert u medisch specialistische revalidatiezorg? Dan moet er voor het ingaan van een vervolg DBC toestemming worden aangevraagd door het revalidatiecentrum namens de verzekerde.",
			Source: "000_96c93137a0f7a398.txt §3", Zorgtypes: []string{"21"}, Specialisms: []string{"0327"}}}
	}
	as, err := lib.Policy("asr-msz-2025")
	if err != nil {
		t.Fatal(err)
	}
	if as.Claims.HoldUntilSigned == nil {
		as.Claims.HoldUntilSigned = &policy.ClaimText{Text: "Pas als het inkooptraject met u volledig is afgerond, nemen we de declaraties over het betreffende contractjaar in behandeling.",
			Source: "002_916bf12dc64a36d6.txt"}
	}
}

// principal is a user with one role of an organisation acting for an insurer or a provider.
func insurerUser(insurer string, role identity.Role) identity.Principal {
	return identity.Principal{User: &identity.User{ID: "u-" + insurer + "-" + string(role), OrgID: "org-" + insurer, Name: string(role),
		Roles: []identity.Role{role}}, Org: &identity.Organisation{ID: "org-" + insurer, Kind: identity.Insurer, Name: insurer,
		Insurers: []string{insurer}}}
}

func providerUser(providerID string, role identity.Role) identity.Principal {
	return identity.Principal{User: &identity.User{ID: "u-" + providerID + "-" + string(role), OrgID: "org-" + providerID,
		Name: string(role), Roles: []identity.Role{role}}, Org: &identity.Organisation{ID: "org-" + providerID,
		Kind: identity.Provider, Name: providerID, Providers: []string{providerID}}}
}

var (
	euAssessor = insurerUser(eucare, identity.RoleClaimsAssessor)
	euAdviser  = insurerUser(eucare, identity.RoleMedicalAdvisor)
	euManager  = insurerUser(eucare, identity.RoleContractManager)
	euBuyer    = insurerUser(eucare, identity.RoleBuyer)
	asrManager = insurerUser(asr, identity.RoleContractManager)
	asrAssess  = insurerUser(asr, identity.RoleClaimsAssessor)
	zuidAdmin  = providerUser(zuid, identity.RoleAdmin)
	zuidFiller = providerUser(zuid, identity.RoleFiller)
	lindeAdmin = providerUser(linde, identity.RoleAdmin)
)

// contractBook is an .xlsx of contracts: rows of the Contracten sheet and of the
// Prijslijst sheet, after the headers.
func contractBook(t *testing.T, contracts, prices [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", claims.SheetContracts)
	f.NewSheet(claims.SheetPrices)
	write := func(sheet string, header []string, rows [][]any) {
		for i, h := range header {
			c, _ := excelize.CoordinatesToCellName(i+1, 1)
			f.SetCellStr(sheet, c, h)
		}
		for r, row := range rows {
			for i, v := range row {
				c, _ := excelize.CoordinatesToCellName(i+1, r+2)
				f.SetCellValue(sheet, c, v)
			}
		}
	}
	write(claims.SheetContracts, claims.ContractColumns, contracts)
	write(claims.SheetPrices, claims.PriceColumns, prices)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zhClaim is one claim line of a test file: a prestatierecord and one tariefrecord.
type zhClaim = claims.ZHClaim

// zh308 writes a valid ZH308 file of the sender to the UZOVI number with the lines.
func zh308(t *testing.T, sender, uzovi, invoice, from, to string, cs []zhClaim) []byte {
	t.Helper()
	return claims.BuildZH308(t, claims.ZHHeader{Sender: sender, UZOVI: uzovi, Invoice: invoice, From: from, To: to}, cs)
}

func (f *fixture) intake(actor identity.Principal, name string, data []byte) (*claims.File, error) {
	return f.svc.Intake(f.ctx, actor, claims.Upload{Name: name, Body: bytes.NewReader(data), Channel: claims.ViaWeb})
}

// lines returns every line of the file by reference (as the operator).
func (f *fixture) lines(id string) map[string]claims.Line {
	f.t.Helper()
	ls, _, err := f.svc.Lines(f.ctx, identity.System(), id, "", claims.Page{Limit: claims.MaxPage})
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]claims.Line{}
	for _, l := range ls {
		out[l.Reference] = l
	}
	return out
}

// entries counts the audit entries of action about subject.
func (f *fixture) entries(action, subject string) int {
	f.t.Helper()
	p, err := f.log.Page(f.ctx, audit.Operator, audit.Filter{Subject: subject, Limit: 500})
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, e := range p.Entries {
		if e.Action == action {
			n++
		}
	}
	return n
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil || string(apperr.CodeOf(err)) != code {
		t.Fatalf("got %v (%s), want %s", err, apperr.CodeOf(err), code)
	}
}
