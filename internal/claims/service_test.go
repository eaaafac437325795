package claims_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/identity"
)

// Insured persons of Eucare: natura with supplementary cover for "fysio", combinatie
// (100% for non-contracted care), natura-select (no percentage set).
const (
	bsnP1       = "111222333"
	bsnP2       = "123456782"
	bsnP3       = "100000022"
	bsnUnknown  = "100000010"
	insuredCSV  = "polisnummer;bsn;label;polissoort;begindatum;einddatum;aanvullend\nP1;111222333;aevitae;natura;2025-01-01;;fysio\nP2;123456782;care4life;combinatie;01-01-2025;;\nP3;100000022;aevitae;natura-select;2025-01-01;2026-12-31;\n"
	fileFrom    = "20251201"
	fileTo      = "20260331"
	tariff      = 100000 // € 1.000,00 for 150000
	tariffMSR   = 250000 // € 2.500,00 for 170000
	contractZud = "imp-eucare-C-ZUID"
)

func forEngines(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, newFixture(t, engine)) })
	}
}

// setupEucare imports the insured persons and the contracts of Zuid (caresq policy,
// parts basis and msr) and De Linde (part oncologie, code 190000), and sets the
// percentages natura 75 and combinatie 100.
func (f *fixture) setupEucare() {
	t := f.t
	if n, err := f.svc.ImportInsured(f.ctx, euAssessor, eucare, strings.NewReader(insuredCSV)); err != nil || n != 3 {
		t.Fatalf("import insured: %d %v", n, err)
	}
	book := contractBook(t, [][]any{
		{"C-ZUID", agbZuid, "caresq-zbc-2026", "2026-01-01", "31-12-2026", "basis, msr"},
		{"C-LINDE", "01012345", "", "2026-01-01", "2026-12-31", "basis,oncologie"},
	}, [][]any{
		{"C-ZUID", "basis", "150000", "DBC", "1000,00", 10, 0, "fysio", "nee"},
		{"C-ZUID", "msr", "170000", "MSR vervolg", "2.500,00", 5, 0, "", "nee"},
		{"C-LINDE", "oncologie", "190000", "Oncologie", 3000.5, 1, 0, "", "ja"},
	})
	if n, err := f.svc.ImportContracts(f.ctx, euManager, eucare, bytes.NewReader(book)); err != nil || n != 2 {
		t.Fatalf("import contracts: %d %v", n, err)
	}
	for pt, pct := range map[string]int{"natura": 75, "combinatie": 100} {
		if err := f.svc.SetPercentage(f.ctx, euManager, eucare, pt, pct); err != nil {
			t.Fatal(err)
		}
	}
}

func claim(bsn, code, ref, begin string, cents int64) zhClaim {
	return zhClaim{BSN: bsn, Code: code, Ref: ref, Begin: begin, Cents: cents}
}

func TestIntakeGivesEveryOutcomeAndReasonEndToEnd(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		f.setupEucare()
		msr := claim(bsnP2, "170000", "R05", "20260110", tariffMSR)
		msr.Zorgtype, msr.Specialism = "21", "0327"
		wrongUZOVI := claim(bsnP2, "150000", "R10", "20260110", tariff)
		wrongUZOVI.UZOVI = uzoviASR
		badList := claim(bsnP2, "150000", "R11", "20260110", tariff)
		badList.List = "999"
		badDates := claim(bsnP2, "150000", "R12", "20260110", tariff)
		badDates.End = "20260105"
		unknownCredit := claim(bsnP2, "150000", "R13", "20260110", -tariff)
		unknownCredit.Credit, unknownCredit.PrevRef = true, "NOPE"
		credit := claim(bsnP2, "150000", "R14", "20260110", -90000)
		credit.Credit, credit.PrevRef = true, "R02"
		data := zh308(t, agbZuid, uzoviEu, "F-2026-1", fileFrom, fileTo, []zhClaim{
			claim(bsnP1, "150000", "R01", "20260115", tariff),
			claim(bsnP2, "150000", "R02", "20260110", 90000),
			claim(bsnP2, "150000", "R03", "20260110", 120000),
			claim(bsnP2, "190000", "R04", "20260110", 300050),
			msr,
			claim(bsnUnknown, "150000", "R06", "20260110", tariff),
			claim(bsnP2, "150000", "R02", "20260111", tariff),
			claim(bsnP2, "999999", "R08", "20260110", tariff),
			claim("123456789", "150000", "R09", "20260110", tariff),
			wrongUZOVI, badList, badDates, unknownCredit, credit,
			claim(bsnP2, "150000", "R15", "20251210", 80000),
			claim(bsnP1, "150000", "R16", "20251210", 100001),
			claim(bsnP3, "150000", "R17", "20251210", 50000),
		})
		file, err := f.intake(zuidAdmin, "zuid-jan.zh308", data)
		if err != nil {
			t.Fatal(err)
		}
		if file.ProviderID != zuid || file.Insurer != eucare || file.Lines != 17 || file.Sender != agbZuid {
			t.Fatalf("file %+v", file)
		}
		want := map[string]struct {
			reason  claims.Reason
			allowed int64
		}{
			"R01": {claims.ReasonContracted, tariff}, "R02": {claims.ReasonBelowContract, 90000},
			"R03": {claims.ReasonAboveContract, tariff}, "R04": {claims.ReasonNoContractPart, 0},
			"R05": {claims.ReasonNoAuthorisation, 0}, "R06": {claims.ReasonNotInsured, 0},
			"R08": {claims.ReasonNotInPriceList, 0}, "R09": {claims.ReasonInvalidBSN, 0},
			"R10": {claims.ReasonWrongInsurer, 0}, "R11": {claims.ReasonUnknownCode, 0},
			"R12": {claims.ReasonBadDates, 0}, "R13": {claims.ReasonUnknownCredit, 0},
			"R14": {claims.ReasonContracted, -90000}, "R15": {claims.ReasonPolicyCover, 80000},
			"R16": {claims.ReasonNonContracted, 75000}, "R17": {claims.ReasonNoPercentage, 0},
		}
		all, total, err := f.svc.Lines(f.ctx, euAssessor, file.ID, "", claims.Page{Limit: 100})
		if err != nil || total != 17 {
			t.Fatalf("lines: %d %v", total, err)
		}
		seen := map[claims.Reason]bool{}
		for _, l := range all {
			if l.Reference == "R02" && l.No == 7 {
				if l.Reason != claims.ReasonDuplicate {
					t.Errorf("the second R02 in the file: %s %s", l.Reason, l.Explanation)
				}
				seen[l.Reason] = true
				continue
			}
			w := want[l.Reference]
			if l.Reason != w.reason || l.AllowedCents != w.allowed || l.Explanation == "" || l.Rule == "" {
				t.Errorf("%s: got %s allowed %d rule %q (%s); want %s allowed %d", l.Reference, l.Reason, l.AllowedCents, l.Rule,
					l.Explanation, w.reason, w.allowed)
			}
			seen[l.Reason] = true
		}
		for _, r := range claims.Reasons {
			if r != claims.ReasonNoApproval && r != claims.ReasonPurchasingOpen && !seen[r] {
				t.Errorf("no line got %s", r)
			}
		}
		lines := f.lines(file.ID)
		if !lines["R01"].Supplementary || lines["R03"].Supplementary {
			t.Errorf("supplementary: R01 %v R03 %v", lines["R01"].Supplementary, lines["R03"].Supplementary)
		}
		if lines["R05"].Rule != "msr-vervolg-dbc" || !strings.Contains(lines["R05"].Explanation, "vervolg DBC") {
			t.Errorf("R05 names rule %q: %s", lines["R05"].Rule, lines["R05"].Explanation)
		}
		if file.Counts[claims.Held] != 1 || file.Counts[claims.Rejected] != 10 {
			t.Errorf("counts %v", file.Counts)
		}

		// The overview's ceiling leaves out the supplementary line R01.
		rows, _, err := f.svc.Overview(f.ctx, euBuyer, claims.OverviewFilter{Insurer: eucare}, claims.ByDetail, claims.Page{Limit: claims.MaxPage})
		if err != nil {
			t.Fatal(err)
		}
		var ceiling, allowed, supp int64
		for _, r := range rows {
			ceiling += r.CeilingCents
			allowed += r.AllowedCents
			supp += r.SupplementaryCents
		}
		var wantCeiling int64
		for _, l := range all {
			if (l.Outcome == claims.Approved || l.Outcome == claims.Reduced) && !l.Supplementary {
				wantCeiling += l.AllowedCents
			}
		}
		if ceiling != wantCeiling || ceiling != allowed-tariff || supp == 0 {
			t.Errorf("overview ceiling %d allowed %d supplementary %d; want ceiling %d", ceiling, allowed, supp, wantCeiling)
		}
		// Per provider and per part the same sums, grouped; an unknown grouping names the field.
		for _, by := range []claims.Grouping{claims.ByProvider, claims.ByPart} {
			rows, total, err := f.svc.Overview(f.ctx, euBuyer, claims.OverviewFilter{Insurer: eucare}, by, claims.Page{Limit: 2 * claims.MaxPage})
			if err != nil || total != len(rows) || total == 0 {
				t.Fatalf("overview per %s: %d rows of %d, %v", by, len(rows), total, err)
			}
			var c int64
			for _, r := range rows {
				c += r.CeilingCents
			}
			if c != ceiling || by == claims.ByProvider && total != 1 {
				t.Errorf("overview per %s: %d groups, ceiling %d, want %d", by, total, c, ceiling)
			}
		}
		if _, _, err := f.svc.Overview(f.ctx, euBuyer, claims.OverviewFilter{Insurer: eucare}, "contract", claims.Page{}); apperr.CodeOf(err) != apperr.Invalid || len(apperr.Errors(err)) != 1 || apperr.Errors(err)[0].Field != "group" {
			t.Errorf("overview per contract: %v, want Invalid naming group", err)
		}

		// Setting the percentage for natura-select releases R17 and recounts the file.
		if err := f.svc.SetPercentage(f.ctx, euManager, eucare, "natura-select", 80); err != nil {
			t.Fatal(err)
		}
		r17 := f.lines(file.ID)["R17"]
		if r17.Reason != claims.ReasonNonContracted || r17.AllowedCents != 40000 {
			t.Errorf("R17 after the percentage: %s %d", r17.Reason, r17.AllowedCents)
		}
		after, err := f.svc.File(f.ctx, euAssessor, file.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Counts[claims.Held] != 0 || after.AllowedCents != file.AllowedCents+40000 {
			t.Errorf("file after release: counts %v allowed %d (was %d)", after.Counts, after.AllowedCents, file.AllowedCents)
		}

		// The return, as CSV.
		var csv bytes.Buffer
		if err := f.svc.WriteReturn(f.ctx, zuidAdmin, file.ID, "csv", &csv); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(csv.String(), "\ufeff"+claims.ReturnHeader+"\r\n") || strings.Count(csv.String(), "\r\n") != 18 ||
			!strings.Contains(csv.String(), ";1000,00;1000,00;goedgekeurd;G01;") {
			t.Errorf("return csv:\n%s", csv.String())
		}
		var js bytes.Buffer
		if err := f.svc.WriteReturn(f.ctx, euAssessor, file.ID, "json", &js); err != nil || !strings.Contains(js.String(), `"lines":[`) {
			t.Errorf("return json: %v %s", err, js.String())
		}
	})
}

func TestAStructuralErrorRefusesTheWholeFileAndStoresNothing(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		f.setupEucare()
		data := zh308(t, agbZuid, uzoviEu, "F-BAD", fileFrom, fileTo, []zhClaim{
			claim(bsnP1, "150000", "R01", "20260115", tariff), claim(bsnP2, "150000", "R02", "20260115", tariff)})
		truncated := data[:len(data)-612] // without the closing record
		_, err := f.intake(zuidAdmin, "kapot.zh308", truncated)
		wantCode(t, err, "invalid")
		var ve *vektis.Error
		if !errors.As(err, &ve) || ve.Line == 0 {
			t.Fatalf("the cause names the line: %v", err)
		}
		// A bad code in the closing record.
		bad := bytes.Clone(data)
		bad[len(bad)-3-553] ^= 1
		_, err = f.intake(zuidAdmin, "kapot2.zh308", bad)
		wantCode(t, err, "invalid")
		files, total, err := f.svc.Files(f.ctx, euAssessor, claims.FileFilter{Insurer: eucare}, claims.Page{})
		if err != nil || total != 0 || len(files) != 0 {
			t.Fatalf("stored after a refusal: %d %v", total, err)
		}
		// The same file whole is then received.
		if _, err := f.intake(zuidAdmin, "goed.zh308", data); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAFileReceivedBeforeIsRefusedAsADuplicate(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		f.setupEucare()
		data := zh308(t, agbZuid, uzoviEu, "F-DUP", fileFrom, fileTo, []zhClaim{claim(bsnP1, "150000", "R01", "20260115", tariff)})
		first, err := f.intake(zuidAdmin, "a.zh308", data)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.intake(euAssessor, "a-again.zh308", data)
		wantCode(t, err, "conflict")
		var ae *apperr.Error
		if errors.As(err, &ae); ae == nil || !strings.Contains(ae.Dutch, "Dit bestand is al ontvangen op 1 april 2026") || !strings.Contains(ae.Dutch, first.ID) {
			t.Fatalf("dutch: %v", err)
		}
		other := zh308(t, agbZuid, uzoviEu, "F-DUP", fileFrom, fileTo, []zhClaim{claim(bsnP2, "150000", "R09", "20260115", tariff)})
		_, err = f.intake(zuidAdmin, "b.zh308", other)
		wantCode(t, err, "conflict")
		if _, total, _ := f.svc.Files(f.ctx, zuidAdmin, claims.FileFilter{ProviderID: zuid}, claims.Page{}); total != 1 {
			t.Fatalf("%d files", total)
		}
	})
}

func TestWhoMaySendAndReadClaimFiles(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		f.setupEucare()
		data := zh308(t, agbZuid, uzoviEu, "F-AUTH", fileFrom, fileTo, []zhClaim{claim(bsnP1, "150000", "R01", "20260115", tariff)})
		// A provider never claims as another: De Linde sending Zuid's file.
		_, err := f.intake(lindeAdmin, "zuid.zh308", data)
		wantCode(t, err, "forbidden")
		_, err = f.intake(zuidFiller, "zuid.zh308", data)
		wantCode(t, err, "forbidden")
		_, err = f.intake(asrAssess, "zuid.zh308", data)
		wantCode(t, err, "forbidden")
		if _, total, _ := f.svc.Files(f.ctx, euAssessor, claims.FileFilter{Insurer: eucare}, claims.Page{}); total != 0 {
			t.Fatalf("stored after a refused upload: %d", total)
		}
		file, err := f.intake(zuidAdmin, "zuid.zh308", data)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			actor func() error
			code  string
		}{
			{"another insurer's declaratiebeoordelaar does not find the file", func() error { _, err := f.svc.File(f.ctx, asrAssess, file.ID); return err }, "not_found"},
			{"another insurer's declaratiebeoordelaar does not find the lines", func() error {
				_, _, err := f.svc.Lines(f.ctx, asrAssess, file.ID, "", claims.Page{})
				return err
			}, "not_found"},
			{"another provider does not find the lines", func() error {
				_, _, err := f.svc.Lines(f.ctx, lindeAdmin, file.ID, "", claims.Page{})
				return err
			}, "not_found"},
			{"the insurer's inkoper may not read lines", func() error {
				_, _, err := f.svc.Lines(f.ctx, euBuyer, file.ID, "", claims.Page{})
				return err
			}, "forbidden"},
			{"the provider's invuller may not read lines", func() error {
				_, _, err := f.svc.Lines(f.ctx, zuidFiller, file.ID, "", claims.Page{})
				return err
			}, "forbidden"},
			{"the inkoper may not read a person's claims", func() error {
				_, _, err := f.svc.InsuredClaims(f.ctx, euBuyer, eucare, bsnP1, claims.Page{})
				return err
			}, "forbidden"},
			{"another insurer does not find Eucare's insured", func() error {
				_, _, err := f.svc.InsuredList(f.ctx, asrAssess, eucare, claims.Page{})
				return err
			}, "not_found"},
		} {
			t.Run(c.name, func(t *testing.T) { wantCode(t, c.actor(), c.code) })
		}
		// Reading the lines as the insurer, and a person's claims, is audited.
		if _, _, err := f.svc.Lines(f.ctx, euAssessor, file.ID, "", claims.Page{}); err != nil {
			t.Fatal(err)
		}
		if f.entries(claims.ActionFileRead, "claimfile:"+file.ID) == 0 {
			t.Error("reading the file's lines is not audited")
		}
		ls, n, err := f.svc.InsuredClaims(f.ctx, euAdviser, eucare, bsnP1, claims.Page{})
		if err != nil || n != 1 || ls[0].Reference != "R01" {
			t.Fatalf("insured claims: %d %v", n, err)
		}
		if f.entries(claims.ActionInsuredRead, "insured:"+bsnP1) != 1 {
			t.Error("reading a person's claims is not audited")
		}
		if f.entries(claims.ActionIntake, "claimfile:"+file.ID) != 1 {
			t.Error("the intake is not audited")
		}
	})
}

func TestAnMSRFollowUpDBCIsRejectedWithoutAndApprovedAfterAuthorisation(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		f.setupEucare()
		msr := claim(bsnP2, "170000", "MSR-1", "20260201", tariffMSR)
		msr.Zorgtype, msr.Specialism = "21", "0327"
		first, err := f.intake(zuidAdmin, "msr-1.zh308", zh308(t, agbZuid, uzoviEu, "F-MSR-1", fileFrom, fileTo, []zhClaim{msr}))
		if err != nil {
			t.Fatal(err)
		}
		if l := f.lines(first.ID)["MSR-1"]; l.Reason != claims.ReasonNoAuthorisation || l.Rule != "msr-vervolg-dbc" {
			t.Fatalf("without authorisation: %s %s", l.Reason, l.Explanation)
		}
		rules := f.svc.AuthorisationRules(eucare)
		if len(rules) == 0 || rules[0].ID != "msr-vervolg-dbc" || rules[0].PolicyID != "caresq-zbc-2026" {
			t.Fatalf("rules %+v", rules)
		}
		a, err := f.svc.RequestAuthorisation(f.ctx, zuidAdmin, claims.AuthRequest{Insurer: eucare, ProviderID: zuid, BSN: bsnP2,
			Rule: "msr-vervolg-dbc", Motivation: "Vervolgbehandeling na eerste DBC revalidatie."})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := f.svc.AddAuthorisationDocument(f.ctx, zuidAdmin, a.ID, "verwijzing.pdf", bytes.NewReader(apptest.SmallPDF(t)))
		if err != nil || doc.Type != "application/pdf" {
			t.Fatalf("document: %+v %v", doc, err)
		}
		_, err = f.svc.AddAuthorisationDocument(f.ctx, zuidAdmin, a.ID, "x.html", strings.NewReader("<html><script>x</script></html>"))
		wantCode(t, err, "invalid")
		// Only the medisch adviseur decides.
		_, err = f.svc.DecideAuthorisation(f.ctx, euAssessor, a.ID, claims.Decision{Grant: true, Reason: "ok", ValidFrom: 20260101})
		wantCode(t, err, "forbidden")
		_, err = f.svc.DecideAuthorisation(f.ctx, asrAssess, a.ID, claims.Decision{Grant: true, Reason: "ok", ValidFrom: 20260101})
		wantCode(t, err, "not_found")
		got, err := f.svc.DecideAuthorisation(f.ctx, euAdviser, a.ID, claims.Decision{Grant: true, Reason: "Indicatie onderbouwd.",
			ValidFrom: 20260101, ValidTo: 20261231})
		if err != nil || got.Status != claims.Granted {
			t.Fatalf("decide: %+v %v", got, err)
		}
		second, err := f.intake(zuidAdmin, "msr-2.zh308", zh308(t, agbZuid, uzoviEu, "F-MSR-2", fileFrom, fileTo, []zhClaim{msr}))
		if err != nil {
			t.Fatal(err)
		}
		if l := f.lines(second.ID)["MSR-1"]; l.Reason != claims.ReasonContracted || l.AllowedCents != tariffMSR {
			t.Fatalf("after authorisation: %s %d %s", l.Reason, l.AllowedCents, l.Explanation)
		}
	})
}

func TestASRLinesAreHeldUntilTheContractIsSigned(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		csv := "polisnummer;bsn;label;polissoort;begindatum;einddatum;aanvullend\nA1;111222333;asr;natura;2025-01-01;;\n"
		if _, err := f.svc.ImportInsured(f.ctx, asrAssess, asr, strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
		purchasing := true
		f.svc.SetLookups(claims.Lookups{
			Purchasing: func(ctx context.Context, insurer, providerID string, year int) (bool, error) {
				return purchasing && insurer == asr && providerID == zuid && year == 2025, nil
			},
			RoundContract: func(ctx context.Context, id string) (claims.Contract, error) {
				return claims.Contract{ID: id, Insurer: asr, ProviderID: zuid, PolicyID: "asr-msz-2025", From: 20250101, To: 20251231,
					Parts: []string{"basis"}, Lines: []claims.PriceLine{{Part: "basis", Code: "150000", TariffCents: tariff}}}, nil
			},
		})
		data := zh308(t, agbZuid, uzoviASR, "F-ASR-1", "20250101", "20250331", []zhClaim{
			claim(bsnP1, "150000", "A-1", "20250301", tariff), claim(bsnP1, "150000", "A-2", "20250302", 90000)})
		file, err := f.intake(zuidAdmin, "asr.zh308", data)
		if err != nil {
			t.Fatal(err)
		}
		l := f.lines(file.ID)["A-1"]
		if l.Reason != claims.ReasonPurchasingOpen || l.Rule != "inkoop-afgerond" || !strings.Contains(l.Explanation, "Pas als het inkooptraject") {
			t.Fatalf("while purchasing: %s %s", l.Reason, l.Explanation)
		}
		if file.Counts[claims.Held] != 2 {
			t.Fatalf("counts %v", file.Counts)
		}
		purchasing = false
		if err := f.svc.ContractSigned(f.ctx, "ctr-asr-zuid-2025"); err != nil {
			t.Fatal(err)
		}
		lines := f.lines(file.ID)
		if lines["A-1"].Reason != claims.ReasonContracted || lines["A-2"].Reason != claims.ReasonBelowContract ||
			lines["A-1"].ContractID != "ctr-asr-zuid-2025" {
			t.Fatalf("after signing: %+v", lines)
		}
		after, _ := f.svc.File(f.ctx, asrAssess, file.ID)
		if after.Counts[claims.Held] != 0 || after.Counts[claims.Approved] != 2 || after.AllowedCents != tariff+90000 {
			t.Fatalf("file after release: %v %d", after.Counts, after.AllowedCents)
		}
		if f.entries(claims.ActionReleased, "claimcontract:ctr-asr-zuid-2025") != 1 {
			t.Error("the release is not audited")
		}
		c, err := f.svc.Contract(f.ctx, asrManager, "ctr-asr-zuid-2025")
		if err != nil || c.Source != claims.FromRound || len(c.Lines) != 1 {
			t.Fatalf("execution contract: %+v %v", c, err)
		}
	})
}

func TestTheContractImportIsAllOrNothingWithSheetRowAndColumn(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		book := contractBook(t, [][]any{
			{"C-1", agbZuid, "", "2026-01-01", "2026-12-31", "basis"},
			{"C-2", "99999999", "", "morgen", "2026-12-31", "basis"},
		}, [][]any{
			{"C-1", "basis", "150000", "DBC", "1000,00", 1, 0, "", "nee"},
			{"C-1", "basis", "150001", "DBC", "duur", 1, 0, "", "misschien"},
			{"C-9", "basis", "150002", "DBC", "10,00", 1, 0, "", "nee"},
		})
		_, err := f.svc.ImportContracts(f.ctx, euManager, eucare, bytes.NewReader(book))
		wantCode(t, err, "invalid")
		var ie *claims.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("not an ImportError: %v", err)
		}
		want := map[string]bool{"Contracten!B3": false, "Contracten!D3": false, "Prijslijst!E3": false, "Prijslijst!I3": false, "Prijslijst!A4": false}
		for _, p := range ie.Problems {
			key := p.Sheet + "!" + p.Column + strconv.Itoa(p.Row)
			if _, ok := want[key]; ok {
				want[key] = true
			}
			if p.Dutch == "" {
				t.Errorf("problem without Dutch: %+v", p)
			}
		}
		for k, ok := range want {
			if !ok {
				t.Errorf("no problem at %s in %v", k, ie.Problems)
			}
		}
		if _, total, _ := f.svc.Contracts(f.ctx, euManager, claims.ContractFilter{Insurer: eucare}, claims.Page{}); total != 0 {
			t.Fatalf("stored %d contracts after a refused import", total)
		}
		_, err = f.svc.ImportContracts(f.ctx, euBuyer, eucare, bytes.NewReader(book))
		wantCode(t, err, "forbidden")
		var tmpl bytes.Buffer
		if err := f.svc.ContractTemplate(&tmpl); err != nil || tmpl.Len() == 0 {
			t.Fatal(err)
		}
	})
}

func TestTheInsuredImportIsAllOrNothingWithLineAndColumn(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		csv := "polisnummer,bsn,label,polissoort,begindatum,einddatum,aanvullend\nP1,111222333,aevitae,natura,2025-01-01,,\nP2,123456789,aevitae,natura,2025-01-01,,\nP3,100000022,cz,natura,2025-01-01,,\nP4,100000010,aevitae,restitutie,31-02-2025,,\n"
		_, err := f.svc.ImportInsured(f.ctx, euAssessor, eucare, strings.NewReader(csv))
		wantCode(t, err, "invalid")
		var ie *claims.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("not an ImportError: %v", err)
		}
		want := map[string]bool{"3 bsn": false, "4 label": false, "5 polissoort": false, "5 begindatum": false}
		for _, p := range ie.Problems {
			want[strconv.Itoa(p.Row)+" "+p.Column] = true
		}
		for k, ok := range want {
			if !ok {
				t.Errorf("no problem at line/column %s in %v", k, ie.Problems)
			}
		}
		if _, total, _ := f.svc.InsuredList(f.ctx, euAssessor, eucare, claims.Page{}); total != 0 {
			t.Fatalf("stored %d insured after a refused import", total)
		}
		_, err = f.svc.ImportInsured(f.ctx, euManager, eucare, strings.NewReader(insuredCSV))
		wantCode(t, err, "forbidden")
	})
}

func TestAFileOverTheLimitIsRefusedAsTooLargeAndAnEmptyOneAsInvalid(t *testing.T) {
	f := newFixture(t, "sqlite")
	f.setupEucare()
	small := claims.NewService(f.env.DB, f.lib, f.log, f.env.DB, func() time.Time { return now }, claims.Lookups{},
		claims.Options{MaxFileBytes: 2000})
	data := zh308(t, agbZuid, uzoviEu, "F-BIG", fileFrom, fileTo, []zhClaim{claim(bsnP1, "150000", "R01", "20260115", tariff)})
	// Not seekable: spooled, and refused at the limit.
	_, err := small.Intake(f.ctx, zuidAdmin, claims.Upload{Name: "groot.zh308", Body: io.MultiReader(bytes.NewReader(data))})
	wantCode(t, err, "too_large")
	_, err = f.intake(zuidAdmin, "leeg.zh308", nil)
	wantCode(t, err, "invalid")
	if _, total, _ := f.svc.Files(f.ctx, euAssessor, claims.FileFilter{Insurer: eucare}, claims.Page{}); total != 0 {
		t.Fatalf("%d files stored", total)
	}
}

func TestDuplicatesAndCreditsAcrossBatchesOfOneFile(t *testing.T) {
	forEngines(t, func(t *testing.T, f *fixture) {
		f.setupEucare()
		small := claims.NewService(f.env.DB, f.lib, f.log, f.env.DB, func() time.Time { return now }, claims.Lookups{},
			claims.Options{BatchLines: 2})
		credit := claim(bsnP2, "150000", "C-1", "20260110", -tariff)
		credit.Credit, credit.PrevRef = true, "B-1"
		data := zh308(t, agbZuid, uzoviEu, "F-BATCH", fileFrom, fileTo, []zhClaim{
			claim(bsnP2, "150000", "B-1", "20260110", tariff), claim(bsnP2, "150000", "B-2", "20260110", tariff),
			claim(bsnP2, "150000", "B-1", "20260111", tariff), credit, claim(bsnP2, "150000", "B-5", "20260110", tariff)})
		file, err := small.Intake(f.ctx, zuidAdmin, claims.Upload{Name: "batches.zh308", Body: bytes.NewReader(data)})
		if err != nil {
			t.Fatal(err)
		}
		ls, _, err := f.svc.Lines(f.ctx, identity.System(), file.ID, "", claims.Page{})
		if err != nil || len(ls) != 5 {
			t.Fatalf("%d lines, %v", len(ls), err)
		}
		if ls[2].Reason != claims.ReasonDuplicate || !strings.Contains(ls[2].Explanation, "eerder in dit bestand") {
			t.Errorf("line 3 repeats line 1 of an earlier batch: %s %s", ls[2].Reason, ls[2].Explanation)
		}
		if ls[3].Outcome != claims.Approved || ls[3].AllowedCents != -tariff {
			t.Errorf("the credit of line 1 in a later batch: %s %d %s", ls[3].Reason, ls[3].AllowedCents, ls[3].Explanation)
		}
		if file.Lines != 5 || file.AllowedCents != 2*tariff {
			t.Errorf("file %d lines allowed %d", file.Lines, file.AllowedCents)
		}
	})
}
