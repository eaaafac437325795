package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/store"
)

// RunClaims tests the claims store: execution contracts and their price lists, insured
// persons, percentages, authorisations with documents, claim files (unique content and
// sender's reference), claim lines (bulk write, pages, streams, references, held lines,
// new adjudications, recounts, the overview) and that a rolled-back intake leaves nothing.
func RunClaims(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"contracts are replaced with their price lines and listed by page", testClaimContracts},
		{"a provider is found by any of its AGB codes", testClaimProviderByAGB},
		{"insured periods are replaced by policy number and start and found by BSN", testClaimInsured},
		{"percentages are set per insurer and policy type", testClaimPercentages},
		{"authorisations keep their decision and documents", testClaimAuthorisations},
		{"a file's content and a sender's reference are received once", testClaimFilesUnique},
		{"files are listed newest first by page with totals", testClaimFilesList},
		{"lines are stored in bulk, paged, streamed and counted into their file", testClaimLines},
		{"a line is stored once per file and number", testClaimLinesOnce},
		{"lines by reference ignore lines rejected as duplicates", testClaimLinesByReference},
		{"held lines are paged and adjudicated again with their files recounted", testClaimHeldLines},
		{"the overview sums per provider, contract, part and year, by page", testClaimOverview},
		{"the overview sums per provider, largest first, and per part, by page", testClaimOverviewGroupings},
		{"a rolled-back intake leaves no file and no line", testClaimRollback},
	})
}

var claimAt = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func claimContract(id, provider string, parts []string, lines ...claims.PriceLine) claims.Contract {
	return claims.Contract{ID: id, Source: claims.FromImport, Reference: "ref-" + id, Insurer: "cz-groep", ProviderID: provider,
		PolicyID: "cz-msz-2026", From: 20260101, To: 20261231, Parts: parts, Signed: true, Lines: lines, UpdatedAt: claimAt}
}

func testClaimContracts(t *testing.T, db store.DB) {
	ctx := context.Background()
	pl := func(part, code string, cents int64) claims.PriceLine {
		return claims.PriceLine{Part: part, Code: code, Description: "Ingreep " + code, TariffCents: cents, Volume: 10,
			Category: 2, Group: "fysio", ApprovalRequired: code == "B2"}
	}
	a := claimContract("imp-cz-1", "p-1", []string{"basis", "oncologie"}, pl("basis", "A1", 12345), pl("oncologie", "B2", 99))
	b := claimContract("imp-cz-2", "p-1", []string{"basis"}, pl("basis", "A1", 100))
	c := claimContract("imp-cz-3", "p-2", []string{"basis"})
	c.Insurer = "vgz"
	if err := db.SaveContracts(ctx, []claims.Contract{a, b, c}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ClaimContract(ctx, "imp-cz-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, a) || !got.UpdatedAt.Equal(claimAt) {
		t.Errorf("contract\n got %+v\nwant %+v", *got, a)
	}
	// Replacing keeps the id and drops the price lines that are no longer there.
	a.Lines, a.To, a.Parts = a.Lines[1:], 20271231, []string{"oncologie"}
	if err := db.SaveContracts(ctx, []claims.Contract{a}); err != nil {
		t.Fatal(err)
	}
	if got, err = db.ClaimContract(ctx, "imp-cz-1"); err != nil || !reflect.DeepEqual(*got, a) {
		t.Errorf("replaced contract %+v, %v", got, err)
	}
	if _, err := db.ClaimContract(ctx, "imp-cz-9"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown contract: %v", err)
	}
	of, err := db.ContractsOf(ctx, "cz-groep", "p-1")
	if err != nil || len(of) != 2 || of[0].ID != "imp-cz-1" || of[1].ID != "imp-cz-2" || len(of[1].Lines) != 1 {
		t.Errorf("contracts of p-1: %+v, %v", of, err)
	}
	if of, err := db.ContractsOf(ctx, "cz-groep", "p-2"); err != nil || len(of) != 0 {
		t.Errorf("contracts of p-2 with cz-groep (it has one with vgz): %+v, %v", of, err)
	}
	page, total, err := db.ListContracts(ctx, claims.ContractFilter{Insurer: "cz-groep"}, claims.Page{Offset: 1, Limit: 1})
	if err != nil || total != 2 || len(page) != 1 || page[0].ID != "imp-cz-2" || page[0].Lines != nil {
		t.Errorf("page 2 of cz-groep's contracts: %+v (total %d), %v", page, total, err)
	}
	if _, total, err := db.ListContracts(ctx, claims.ContractFilter{}, claims.Page{}); err != nil || total != 3 {
		t.Errorf("all contracts: total %d, %v", total, err)
	}
	parts, err := db.PartsOfCodes(ctx, "cz-groep", []string{"A1", "B2", "Z9"})
	if err != nil || !reflect.DeepEqual(parts, map[string]string{"A1": "basis", "B2": "oncologie"}) {
		t.Errorf("parts of codes: %v, %v", parts, err)
	}
	if parts, err := db.PartsOfCodes(ctx, "vgz", []string{"A1"}); err != nil || len(parts) != 0 {
		t.Errorf("parts of codes of vgz (no lines): %v, %v", parts, err)
	}
}

func testClaimProviderByAGB(t *testing.T, db store.DB) {
	ctx := context.Background()
	ps := Synthetic(3, 0)
	ps[2].AGBCodes = append(ps[2].AGBCodes, ps[2].AGBCodes[0])
	ps[2].AGBCodes[1].Code = "01999999"
	Fill(t, db, ps)
	for code, want := range map[string]string{"06000001": "p-000002", "01999999": "p-000003"} {
		if id, err := db.ProviderByAGB(ctx, code); err != nil || id != want {
			t.Errorf("ProviderByAGB(%s) = %q, %v; want %s", code, id, err, want)
		}
	}
	if _, err := db.ProviderByAGB(ctx, "06123456"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown AGB code: %v", err)
	}
}

func testClaimInsured(t *testing.T, db store.DB) {
	ctx := context.Background()
	ins := func(insurer, number, bsn string, from, to claims.Day, sup ...string) claims.Insured {
		return claims.Insured{Insurer: insurer, PolicyNumber: number, BSN: bsn, Label: "cz", PolicyType: "natura",
			From: from, To: to, Supplementary: sup}
	}
	ps := []claims.Insured{
		ins("cz-groep", "n-2", "111222333", 20250101, 20251231),
		ins("cz-groep", "n-2", "111222333", 20260101, 0, "fysio", "tand"),
		ins("cz-groep", "n-1", "123456782", 20260101, 0),
		ins("vgz", "v-1", "111222333", 20260101, 0),
	}
	if err := db.SaveInsured(ctx, ps); err != nil {
		t.Fatal(err)
	}
	ps[0].PolicyType, ps[0].To = "restitutie", 20250630
	if err := db.SaveInsured(ctx, ps[:1]); err != nil { // replaces by (insurer, policy number, from)
		t.Fatal(err)
	}
	by, err := db.InsuredByBSN(ctx, "cz-groep", []string{"111222333", "999999999", "111222333"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string][]claims.Insured{"111222333": {ps[0], ps[1]}}; !reflect.DeepEqual(by, want) {
		t.Errorf("insured by BSN\n got %+v\nwant %+v", by, want)
	}
	page, total, err := db.ListInsured(ctx, "cz-groep", claims.Page{Offset: 1, Limit: 2})
	if err != nil || total != 3 || len(page) != 2 || !reflect.DeepEqual(page, []claims.Insured{ps[0], ps[1]}) {
		t.Errorf("page 2 of cz-groep's insured: %+v (total %d), %v", page, total, err)
	}
}

func testClaimPercentages(t *testing.T, db store.DB) {
	ctx := context.Background()
	for _, s := range []struct {
		insurer, typ string
		pct          int
	}{{"cz-groep", "natura", 70}, {"cz-groep", "restitutie", 100}, {"cz-groep", "natura", 65}, {"vgz", "natura", 80}} {
		if err := db.SetPercentage(ctx, s.insurer, s.typ, s.pct); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Percentages(ctx, "cz-groep")
	if err != nil || !reflect.DeepEqual(got, map[string]int{"natura": 65, "restitutie": 100}) {
		t.Errorf("percentages: %v, %v", got, err)
	}
	if got, err := db.Percentages(ctx, "asr"); err != nil || len(got) != 0 {
		t.Errorf("percentages of an insurer without: %v, %v", got, err)
	}
}

func testClaimAuthorisations(t *testing.T, db store.DB) {
	ctx := context.Background()
	auth := func(id, provider, bsn string, at time.Time) *claims.Authorisation {
		return &claims.Authorisation{ID: id, Insurer: "caresq", ProviderID: provider, BSN: bsn, Rule: "msr-vervolg-dbc",
			PolicyID: "caresq-msr-2026", Kind: claims.Machtiging, Code: "131999", Indication: "CVA", Motivation: "Vervolgtraject",
			Status: claims.Requested, RequestedBy: "u-1", RequestedAt: at}
	}
	a1 := auth("a-1", "p-1", "111222333", claimAt)
	a2 := auth("a-2", "p-1", "123456782", claimAt.Add(time.Hour))
	a3 := auth("a-3", "p-2", "111222333", claimAt.Add(2*time.Hour))
	for _, a := range []*claims.Authorisation{a1, a2, a3} {
		if err := db.SaveAuthorisation(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	a1.Status, a1.Reason, a1.ValidFrom, a1.ValidTo = claims.Granted, "Voldoet", 20260301, 20261231
	a1.DecidedBy, a1.DecidedAt = "ma-1", claimAt.Add(24*time.Hour)
	if err := db.SaveAuthorisation(ctx, a1); err != nil {
		t.Fatal(err)
	}
	doc := claims.Document{ID: "d-1", Name: "verwijzing.pdf", Type: "application/pdf", Size: 4, SHA256: "abcd", At: claimAt}
	if err := db.AddAuthDocument(ctx, "a-1", doc, []byte("%PDF")); err != nil {
		t.Fatal(err)
	}
	if err := db.AddAuthDocument(ctx, "a-1", doc, []byte("%PDF")); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("the same document twice: %v, want a conflict", err)
	}
	if err := db.AddAuthDocument(ctx, "a-9", doc, []byte("%PDF")); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("a document of an unknown authorisation: %v, want not found", err)
	}
	got, err := db.Authorisation(ctx, "a-1")
	if err != nil {
		t.Fatal(err)
	}
	want := *a1
	want.Documents = []claims.Document{doc}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("authorisation\n got %+v\nwant %+v", *got, want)
	}
	if got, err := db.Authorisation(ctx, "a-2"); err != nil || !got.DecidedAt.IsZero() || got.Documents != nil {
		t.Errorf("undecided authorisation %+v, %v", got, err)
	}
	d, data, err := db.AuthDocument(ctx, "a-1", "d-1")
	if err != nil || string(data) != "%PDF" || !reflect.DeepEqual(d, doc) {
		t.Errorf("document %+v %q, %v", d, data, err)
	}
	if _, _, err := db.AuthDocument(ctx, "a-2", "d-1"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("a document of another authorisation: %v, want not found", err)
	}
	if _, err := db.Authorisation(ctx, "a-9"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown authorisation: %v", err)
	}
	page, total, err := db.ListAuthorisations(ctx, claims.AuthFilter{Insurer: "caresq"}, claims.Page{Limit: 2})
	if err != nil || total != 3 || len(page) != 2 || page[0].ID != "a-3" || page[1].ID != "a-2" {
		t.Errorf("newest authorisations: %+v (total %d), %v", page, total, err)
	}
	page, total, err = db.ListAuthorisations(ctx, claims.AuthFilter{ProviderID: "p-1", Status: claims.Granted}, claims.Page{})
	if err != nil || total != 1 || len(page) != 1 || page[0].ID != "a-1" {
		t.Errorf("granted of p-1: %+v (total %d), %v", page, total, err)
	}
	by, err := db.AuthorisationsFor(ctx, "caresq", "p-1", []string{"111222333", "123456782"})
	if err != nil || len(by) != 1 || len(by["111222333"]) != 1 || by["111222333"][0].ID != "a-1" {
		t.Errorf("granted authorisations for p-1 by BSN: %+v, %v", by, err)
	}
}

func claimFile(id, sha, invoice string, at time.Time) *claims.File {
	return &claims.File{ID: id, Insurer: "cz-groep", ProviderID: "p-1", Sender: "06000001", Invoice: invoice, Name: id + ".asc",
		SHA256: sha, Size: 6100, Standard: "ZH308 9.0", PeriodFrom: 20260101, PeriodTo: 20260331, Channel: claims.ViaWeb,
		ReceivedAt: at, ReceivedBy: "u-1"}
}

// createFile creates a file, failing t on error.
func createFile(t *testing.T, db store.DB, f *claims.File) {
	t.Helper()
	if err := db.CreateFile(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

func testClaimFilesUnique(t *testing.T, db store.DB) {
	ctx := context.Background()
	f := claimFile("f-1", "sha-1", "F2026-1", claimAt)
	createFile(t, db, f)
	sameHash := claimFile("f-2", "sha-1", "F2026-2", claimAt)
	var ae *apperr.Error
	if err := db.CreateFile(ctx, sameHash); !errors.As(err, &ae) || ae.Code != apperr.Conflict || ae.Field != "sha256" {
		t.Errorf("the same content twice: %v, want a conflict on sha256", err)
	}
	sameInvoice := claimFile("f-3", "sha-3", "F2026-1", claimAt)
	if err := db.CreateFile(ctx, sameInvoice); !errors.As(err, &ae) || ae.Code != apperr.Conflict || ae.Field != "invoice" {
		t.Errorf("the same sender's reference twice: %v, want a conflict on invoice", err)
	}
	other := claimFile("f-4", "sha-4", "F2026-1", claimAt)
	other.Sender = "06000002" // another sender may use the same reference
	createFile(t, db, other)
	got, err := db.FileByHash(ctx, "sha-1")
	want := *f
	want.Counts = map[claims.Outcome]int{claims.Approved: 0, claims.Reduced: 0, claims.Rejected: 0, claims.Held: 0}
	if err != nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("file by hash\n got %+v\nwant %+v (%v)", got, want, err)
	}
	if got, err := db.FileByInvoice(ctx, "06000002", "F2026-1"); err != nil || got.ID != "f-4" {
		t.Errorf("file by invoice: %+v, %v", got, err)
	}
	for name, err := range map[string]error{
		"hash":    func() error { _, err := db.FileByHash(ctx, "sha-9"); return err }(),
		"invoice": func() error { _, err := db.FileByInvoice(ctx, "06000001", "F2026-9"); return err }(),
		"id":      func() error { _, err := db.ClaimFile(ctx, "f-9"); return err }(),
	} {
		if apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("unknown file by %s: %v", name, err)
		}
	}
}

func testClaimFilesList(t *testing.T, db store.DB) {
	ctx := context.Background()
	for i := range 3 {
		f := claimFile(fmt.Sprintf("f-%d", i+1), fmt.Sprintf("sha-%d", i+1), fmt.Sprintf("F-%d", i+1), claimAt.Add(time.Duration(i)*time.Hour))
		if i == 2 {
			f.Insurer, f.ProviderID = "vgz", "p-2"
		}
		createFile(t, db, f)
	}
	page, total, err := db.Files(ctx, claims.FileFilter{Insurer: "cz-groep"}, claims.Page{Limit: 1})
	if err != nil || total != 2 || len(page) != 1 || page[0].ID != "f-2" {
		t.Errorf("newest file of cz-groep: %+v (total %d), %v", page, total, err)
	}
	page, total, err = db.Files(ctx, claims.FileFilter{ProviderID: "p-2"}, claims.Page{})
	if err != nil || total != 1 || len(page) != 1 || page[0].ID != "f-3" {
		t.Errorf("files of p-2: %+v (total %d), %v", page, total, err)
	}
	if _, total, err := db.Files(ctx, claims.FileFilter{}, claims.Page{Offset: 5}); err != nil || total != 3 {
		t.Errorf("all files: total %d, %v", total, err)
	}
}

// ClaimLines returns n adjudicated lines of the file, deterministic, for tests and
// benchmarks: begin dates in 2025 and 2026, every outcome, some supplementary and some
// credit lines, references "R<file>-<no>".
func ClaimLines(fileID, insurer, providerID string, n int) []claims.Line {
	out := make([]claims.Line, n)
	outcomes := []struct {
		o claims.Outcome
		r claims.Reason
	}{{claims.Approved, claims.ReasonContracted}, {claims.Reduced, claims.ReasonAboveContract},
		{claims.Rejected, claims.ReasonNotInsured}, {claims.Held, claims.ReasonPurchasingOpen}, {claims.Approved, claims.ReasonBelowContract}}
	for i := range out {
		no := i + 1
		oc := outcomes[i%len(outcomes)]
		begin := claims.Day(20250101 + 10000*(i%2) + 100*(i%12) + i%28)
		claimed := int64(1000 + i%997*10)
		allowed := int64(0)
		switch oc.o {
		case claims.Approved:
			allowed = claimed
		case claims.Reduced:
			allowed = claimed * 8 / 10
		}
		l := claims.Line{FileID: fileID, No: no, Record: 1 + 2*no, Insurer: insurer, ProviderID: providerID,
			Reference: fmt.Sprintf("R%s-%08d", fileID, no), BSN: fmt.Sprintf("%09d", 100000000+i%5000), UZOVI: "3311",
			PolicyNumber: fmt.Sprintf("N%07d", i%5000), CodeList: "076", Code: fmt.Sprintf("%06d", 140000+i%300),
			ProductCode: fmt.Sprintf("%09d", 990000000+i%50), Zorgtype: "11", Specialism: "0301", Begin: begin, End: begin,
			Quantity: 1 + i%3, ClaimedCents: claimed, Outcome: oc.o, Reason: oc.r, AllowedCents: allowed,
			ContractedCents: claimed, ContractID: fmt.Sprintf("imp-%s-%d", insurer, i%3), Part: []string{"basis", "oncologie"}[i%2],
			Rule: "contract", Explanation: "Goedgekeurd tegen het gecontracteerde tarief van € 12,34 (14 maart 2026).",
			Supplementary: i%7 == 0}
		if oc.o == claims.Rejected || oc.o == claims.Held {
			l.ContractID, l.Part = "", ""
		}
		out[i] = l
	}
	return out
}

// intake creates the file and stores its lines and totals in one transaction.
func intake(t *testing.T, db store.DB, f *claims.File, lines []claims.Line) {
	t.Helper()
	err := db.InTx(context.Background(), func(ctx context.Context) error {
		if err := db.CreateFile(ctx, f); err != nil {
			return err
		}
		for start := 0; start < len(lines); start += 100 { // in batches, as the intake does
			if err := db.AddLines(ctx, lines[start:min(start+100, len(lines))]); err != nil {
				return err
			}
		}
		return db.RecountFiles(ctx, []string{f.ID})
	})
	if err != nil {
		t.Fatalf("intake of %s: %v", f.ID, err)
	}
}

// expectTotals sums lines as RecountFiles and the overview should.
func expectTotals(lines []claims.Line) claims.Totals {
	var tt claims.Totals
	for _, l := range lines {
		tt.Lines++
		tt.ClaimedCents += l.ClaimedCents
		tt.AllowedCents += l.AllowedCents
		switch l.Outcome {
		case claims.Approved:
			tt.Approved++
		case claims.Reduced:
			tt.Reduced++
		case claims.Rejected:
			tt.Rejected++
			tt.RejectedCents += l.ClaimedCents
		case claims.Held:
			tt.Held++
			tt.HeldCents += l.ClaimedCents
		}
		if l.Outcome == claims.Approved || l.Outcome == claims.Reduced {
			if l.Supplementary {
				tt.SupplementaryCents += l.AllowedCents
			} else {
				tt.CeilingCents += l.AllowedCents
			}
		}
	}
	return tt
}

func checkFileTotals(t *testing.T, db store.DB, id string, lines []claims.Line) {
	t.Helper()
	f, err := db.ClaimFile(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	tt := expectTotals(lines)
	want := map[claims.Outcome]int{claims.Approved: tt.Approved, claims.Reduced: tt.Reduced, claims.Rejected: tt.Rejected, claims.Held: tt.Held}
	if f.Lines != tt.Lines || f.ClaimedCents != tt.ClaimedCents || f.AllowedCents != tt.AllowedCents || !reflect.DeepEqual(f.Counts, want) {
		t.Errorf("file %s: %d lines %v claimed %d allowed %d; want %d %v %d %d", id, f.Lines, f.Counts, f.ClaimedCents,
			f.AllowedCents, tt.Lines, want, tt.ClaimedCents, tt.AllowedCents)
	}
}

func testClaimLines(t *testing.T, db store.DB) {
	ctx := context.Background()
	lines := ClaimLines("f-1", "cz-groep", "p-1", 257)
	lines[3].Begin, lines[3].End = 20190601, 20190601                            // outside the yearly partitions
	lines[4].Begin, lines[4].End = 0, 0                                          // no date: year 0
	lines[6].Explanation = "tab\there, line\nbreak, back\\slash, \r, € 1.234,56" // COPY's text escapes
	lines[5].Credit, lines[5].PrevReference, lines[5].ClaimedCents = true, lines[0].Reference, -lines[0].ClaimedCents
	intake(t, db, claimFile("f-1", "sha-1", "F-1", claimAt), lines)
	intake(t, db, claimFile("f-2", "sha-2", "F-2", claimAt), ClaimLines("f-2", "cz-groep", "p-1", 3))
	checkFileTotals(t, db, "f-1", lines)

	page, total, err := db.Lines(ctx, claims.LineFilter{FileID: "f-1"}, claims.Page{Offset: 250, Limit: 10})
	if err != nil || total != 257 || len(page) != 7 || !reflect.DeepEqual(page, lines[250:]) {
		t.Errorf("last page of f-1: %d lines (total %d), %v", len(page), total, err)
	}
	page, total, err = db.Lines(ctx, claims.LineFilter{FileID: "f-1"}, claims.Page{Limit: 6})
	if err != nil || total != 257 || !reflect.DeepEqual(page, lines[:6]) {
		t.Errorf("first page of f-1\n got %+v\nwant %+v (%v)", page, lines[:6], err)
	}
	page, total, err = db.Lines(ctx, claims.LineFilter{FileID: "f-1", Outcome: claims.Held}, claims.Page{Limit: 2})
	if tt := expectTotals(lines); err != nil || total != tt.Held || len(page) != 2 || page[0].Outcome != claims.Held || page[0].No != 4 {
		t.Errorf("held lines of f-1: %+v (total %d, want %d), %v", page, total, tt.Held, err)
	}
	bsn := lines[0].BSN
	var want []claims.Line
	for _, set := range [][]claims.Line{lines, ClaimLines("f-2", "cz-groep", "p-1", 3)} {
		for _, l := range set {
			if l.BSN == bsn {
				want = append(want, l)
			}
		}
	}
	page, total, err = db.Lines(ctx, claims.LineFilter{Insurer: "cz-groep", BSN: bsn}, claims.Page{})
	if err != nil || total != len(want) || !reflect.DeepEqual(page, want) {
		t.Errorf("lines of BSN %s: %d (total %d), want %d, %v", bsn, len(page), total, len(want), err)
	}
	if _, total, err := db.Lines(ctx, claims.LineFilter{Insurer: "vgz", BSN: bsn}, claims.Page{}); err != nil || total != 0 {
		t.Errorf("lines of the BSN with another insurer: %d, %v", total, err)
	}

	n := 0
	err = db.EachLine(ctx, "f-1", func(l *claims.Line) error {
		if !reflect.DeepEqual(*l, lines[n]) {
			t.Errorf("streamed line %d\n got %+v\nwant %+v", n, *l, lines[n])
		}
		n++
		return nil
	})
	if err != nil || n != len(lines) {
		t.Errorf("streamed %d lines, want %d: %v", n, len(lines), err)
	}
	stop := errors.New("stop")
	n = 0
	if err := db.EachLine(ctx, "f-1", func(*claims.Line) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("a stream fn's error: %v after %d lines, want stop after 1", err, n)
	}
	// Inside a transaction reads see its writes.
	err = db.InTx(ctx, func(ctx context.Context) error {
		if err := db.CreateFile(ctx, claimFile("f-3", "sha-3", "F-3", claimAt)); err != nil {
			return err
		}
		if err := db.AddLines(ctx, ClaimLines("f-3", "cz-groep", "p-1", 2)); err != nil {
			return err
		}
		if _, total, err := db.Lines(ctx, claims.LineFilter{FileID: "f-3"}, claims.Page{}); err != nil || total != 2 {
			t.Errorf("lines read in their transaction: %d, %v", total, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RecountFiles(ctx, []string{"f-9"}); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("recount of an unknown file: %v", err)
	}
}

func testClaimLinesOnce(t *testing.T, db store.DB) {
	ctx := context.Background()
	lines := ClaimLines("f-1", "cz-groep", "p-1", 3)
	intake(t, db, claimFile("f-1", "sha-1", "F-1", claimAt), lines)
	err := db.InTx(ctx, func(ctx context.Context) error { return db.AddLines(ctx, lines[1:2]) })
	if apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("a line stored twice: %v, want a conflict", err)
	}
	if _, total, err := db.Lines(ctx, claims.LineFilter{FileID: "f-1"}, claims.Page{}); err != nil || total != 3 {
		t.Errorf("after the refused line: %d lines, %v", total, err)
	}
}

func testClaimLinesByReference(t *testing.T, db store.DB) {
	ctx := context.Background()
	// f-1: R1 approved, R2 rejected (not insured), R3 rejected as a duplicate.
	// f-2: R1 again rejected as a duplicate, R2 approved (claimed again), R3 credit.
	a := ClaimLines("f-1", "cz-groep", "p-1", 3)
	b := ClaimLines("f-2", "cz-groep", "p-1", 3)
	set := func(l *claims.Line, ref string, o claims.Outcome, r claims.Reason, allowed int64) {
		l.Reference, l.Outcome, l.Reason, l.AllowedCents = ref, o, r, allowed
	}
	set(&a[0], "R1", claims.Approved, claims.ReasonContracted, 500)
	set(&a[1], "R2", claims.Rejected, claims.ReasonNotInsured, 0)
	set(&a[2], "R3", claims.Rejected, claims.ReasonDuplicate, 0)
	set(&b[0], "R1", claims.Rejected, claims.ReasonDuplicate, 0)
	set(&b[1], "R2", claims.Approved, claims.ReasonContracted, 700)
	set(&b[2], "R4", claims.Approved, "", -500)
	b[2].Credit, b[2].PrevReference = true, "R1"
	intake(t, db, claimFile("f-1", "sha-1", "F-1", claimAt), a)
	intake(t, db, claimFile("f-2", "sha-2", "F-2", claimAt.Add(time.Hour)), b)
	other := ClaimLines("f-3", "cz-groep", "p-2", 1)
	set(&other[0], "R3", claims.Approved, claims.ReasonContracted, 1)
	intake(t, db, claimFile("f-3", "sha-3", "F-3", claimAt), other)

	got, err := db.LinesByReference(ctx, "p-1", []string{"R1", "R2", "R3", "R4", "R5"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]claims.LineRef{
		"R1": {FileID: "f-1", No: 1, Reference: "R1", Outcome: claims.Approved, AllowedCents: 500},
		"R2": {FileID: "f-2", No: 2, Reference: "R2", Outcome: claims.Approved, AllowedCents: 700},
		"R4": {FileID: "f-2", No: 3, Reference: "R4", Outcome: claims.Approved, AllowedCents: -500, Credit: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines by reference\n got %+v\nwant %+v", got, want)
	}
	got, err = db.LinesByReference(ctx, "p-2", []string{"R1", "R3"})
	if err != nil || len(got) != 1 || got["R3"].FileID != "f-3" {
		t.Errorf("lines by reference of p-2: %+v, %v", got, err)
	}
}

func testClaimHeldLines(t *testing.T, db store.DB) {
	ctx := context.Background()
	a := ClaimLines("f-1", "asr", "p-1", 20) // held: 4, 9, 14, 19 (H01)
	b := ClaimLines("f-2", "asr", "p-2", 10) // held: 4, 9
	a[8].Reason = claims.ReasonNoPercentage  // line 9 waits for a percentage
	intake(t, db, claimFile("f-1", "sha-1", "F-1", claimAt), a)
	intake(t, db, claimFile("f-2", "sha-2", "F-2", claimAt), b)
	intake(t, db, claimFile("f-3", "sha-3", "F-3", claimAt), ClaimLines("f-3", "vgz", "p-1", 10))
	nos := func(ls []claims.Line) []string {
		out := []string{}
		for _, l := range ls {
			out = append(out, fmt.Sprintf("%s/%d", l.FileID, l.No))
		}
		return out
	}
	var all []claims.Line
	afterFile, afterNo := "", 0
	for range 10 {
		page, err := db.HeldLines(ctx, "asr", "", claims.ReasonPurchasingOpen, afterFile, afterNo, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		afterFile, afterNo = page[len(page)-1].FileID, page[len(page)-1].No
	}
	if got, want := nos(all), []string{"f-1/4", "f-1/14", "f-1/19", "f-2/4", "f-2/9"}; !reflect.DeepEqual(got, want) {
		t.Errorf("held lines H01 of asr, by pages of 2: %v, want %v", got, want)
	}
	if !reflect.DeepEqual(all[0], a[3]) {
		t.Errorf("held line\n got %+v\nwant %+v", all[0], a[3])
	}
	ofP2, err := db.HeldLines(ctx, "asr", "p-2", claims.ReasonPurchasingOpen, "", 0, 100)
	if err != nil || !reflect.DeepEqual(nos(ofP2), []string{"f-2/4", "f-2/9"}) {
		t.Errorf("held lines of p-2: %v, %v", nos(ofP2), err)
	}
	// Release p-1's H01 lines: approved at the contract.
	released := []claims.Line{a[3], a[13], a[18]}
	for i := range released {
		l := &released[i]
		l.Outcome, l.Reason, l.AllowedCents, l.ContractID, l.Part = claims.Approved, claims.ReasonContracted, l.ClaimedCents, "c-1", "basis"
		l.Rule, l.Explanation, l.Supplementary = "contract", "Vrijgegeven na ondertekening.", true
		a[l.No-1] = *l
	}
	err = db.InTx(ctx, func(ctx context.Context) error {
		if err := db.UpdateAdjudication(ctx, released); err != nil {
			return err
		}
		return db.RecountFiles(ctx, []string{"f-1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	checkFileTotals(t, db, "f-1", a)
	if got, err := db.HeldLines(ctx, "asr", "p-1", claims.ReasonPurchasingOpen, "", 0, 100); err != nil || len(got) != 0 {
		t.Errorf("held lines of p-1 after release: %v, %v", nos(got), err)
	}
	page, _, err := db.Lines(ctx, claims.LineFilter{FileID: "f-1"}, claims.Page{Offset: 13, Limit: 1})
	if err != nil || !reflect.DeepEqual(page[0], a[13]) {
		t.Errorf("released line\n got %+v\nwant %+v (%v)", page, a[13], err)
	}
	// A line given without its begin date is found all the same; an unknown one is not.
	noDate := a[8]
	noDate.Begin, noDate.Outcome, noDate.Reason = 0, claims.Reduced, claims.ReasonNonContracted
	if err := db.UpdateAdjudication(ctx, []claims.Line{noDate}); err != nil {
		t.Errorf("update without the begin date: %v", err)
	}
	if err := db.UpdateAdjudication(ctx, []claims.Line{{FileID: "f-1", No: 99}}); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("update of an unknown line: %v", err)
	}
}

func testClaimOverview(t *testing.T, db store.DB) {
	ctx := context.Background()
	a := ClaimLines("f-1", "cz-groep", "p-1", 300)
	b := ClaimLines("f-2", "cz-groep", "p-2", 50)
	intake(t, db, claimFile("f-1", "sha-1", "F-1", claimAt), a)
	intake(t, db, claimFile("f-2", "sha-2", "F-2", claimAt), b)
	intake(t, db, claimFile("f-3", "sha-3", "F-3", claimAt), ClaimLines("f-3", "vgz", "p-1", 50))
	type key struct {
		provider, contract, part string
		year                     int
	}
	groups := map[key][]claims.Line{}
	for _, l := range append(append([]claims.Line{}, a...), b...) {
		k := key{l.ProviderID, l.ContractID, l.Part, l.Year()}
		groups[k] = append(groups[k], l)
	}
	// Page by page, 3 groups at a time, until a short page: every group once, in order.
	var rows []claims.OverviewRow
	for offset := 0; ; offset += 3 {
		page, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep"}, claims.ByDetail, claims.Page{Offset: offset, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(groups) {
			t.Fatalf("total %d groups, want %d", total, len(groups))
		}
		if len(page) > 3 {
			t.Fatalf("a page of 3 holds %d rows", len(page))
		}
		rows = append(rows, page...)
		if len(page) < 3 {
			break
		}
	}
	if len(rows) != len(groups) {
		t.Fatalf("%d overview rows over the pages, want %d", len(rows), len(groups))
	}
	for i, r := range rows {
		k := key{r.ProviderID, r.ContractID, r.Part, r.Year}
		if want := expectTotals(groups[k]); r.Totals != want {
			t.Errorf("row %+v\n got %+v\nwant %+v", k, r.Totals, want)
		}
		if i > 0 {
			p := rows[i-1]
			if fmt.Sprintf("%s\x00%s\x00%s\x00%04d", p.ProviderID, p.ContractID, p.Part, p.Year) >=
				fmt.Sprintf("%s\x00%s\x00%s\x00%04d", r.ProviderID, r.ContractID, r.Part, r.Year) {
				t.Errorf("rows %d and %d out of order: %+v, %+v", i-1, i, p, r)
			}
		}
	}
	if page, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep"}, claims.ByDetail, claims.Page{Offset: len(groups)}); err != nil || len(page) != 0 || total != len(groups) {
		t.Errorf("the page after the last: %d rows, total %d, %v", len(page), total, err)
	}
	rows, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep", ProviderID: "p-2", Year: 2026}, claims.ByDetail, claims.Page{Limit: claims.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(rows) {
		t.Errorf("p-2 in 2026: total %d, %d rows", total, len(rows))
	}
	var sum claims.Totals
	var want []claims.Line
	for _, l := range b {
		if l.Year() == 2026 {
			want = append(want, l)
		}
	}
	for _, r := range rows {
		if r.ProviderID != "p-2" || r.Year != 2026 {
			t.Errorf("row outside the filter: %+v", r)
		}
		sum.Lines += r.Lines
		sum.ClaimedCents += r.ClaimedCents
		sum.CeilingCents += r.CeilingCents
	}
	tt := expectTotals(want)
	if sum.Lines != tt.Lines || sum.ClaimedCents != tt.ClaimedCents || sum.CeilingCents != tt.CeilingCents {
		t.Errorf("p-2 in 2026: %+v, want %+v", sum, tt)
	}
	for _, by := range claims.Groupings {
		if rows, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "asr"}, by, claims.Page{}); err != nil || len(rows) != 0 || total != 0 {
			t.Errorf("overview %s of an insurer without lines: %+v, %d, %v", by, rows, total, err)
		}
	}
	if _, _, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep"}, "contract", claims.Page{}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("an unknown grouping: %v, want Invalid", err)
	}
}

// testClaimOverviewGroupings: per provider the largest claimed amount comes first (ties
// by provider id), per part by part; each paged with the number of groups; only the
// grouping's own fields are set.
func testClaimOverviewGroupings(t *testing.T, db store.DB) {
	ctx := context.Background()
	// Seven providers of cz-groep with 10, 40, 25, 40, 5, 60, 15 lines: p-2 and p-4 tie.
	sizes := []int{10, 40, 25, 40, 5, 60, 15}
	byProvider := map[string][]claims.Line{}
	byPart := map[string][]claims.Line{}
	for i, n := range sizes {
		id := fmt.Sprintf("f-%d", i+1)
		provider := fmt.Sprintf("p-%d", i+1)
		lines := ClaimLines(id, "cz-groep", provider, n)
		intake(t, db, claimFile(id, "sha-"+id, "F-"+id, claimAt), lines)
		byProvider[provider] = lines
		for _, l := range lines {
			byPart[l.Part] = append(byPart[l.Part], l)
		}
	}
	intake(t, db, claimFile("f-vgz", "sha-vgz", "F-vgz", claimAt), ClaimLines("f-vgz", "vgz", "p-9", 500))
	// The expected order: claimed descending, then provider id.
	var providers []string
	for p := range byProvider {
		providers = append(providers, p)
	}
	claimed := func(p string) int64 { return expectTotals(byProvider[p]).ClaimedCents }
	sort.Slice(providers, func(i, j int) bool {
		ci, cj := claimed(providers[i]), claimed(providers[j])
		return ci > cj || ci == cj && providers[i] < providers[j]
	})
	if claimed("p-2") != claimed("p-4") {
		t.Fatalf("the test needs a tie: p-2 %d, p-4 %d", claimed("p-2"), claimed("p-4"))
	}
	var got []string
	for offset := 0; offset < len(sizes); offset += 3 {
		page, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep"}, claims.ByProvider, claims.Page{Offset: offset, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if total != len(sizes) {
			t.Errorf("per provider: total %d, want %d", total, len(sizes))
		}
		if want := min(3, len(sizes)-offset); len(page) != want {
			t.Errorf("per provider from %d: %d rows, want %d", offset, len(page), want)
		}
		for _, r := range page {
			got = append(got, r.ProviderID)
			if want := expectTotals(byProvider[r.ProviderID]); r.Totals != want {
				t.Errorf("%s\n got %+v\nwant %+v", r.ProviderID, r.Totals, want)
			}
			if r.ContractID != "" || r.Part != "" || r.Year != 0 {
				t.Errorf("a provider's row names more than the provider: %+v", r)
			}
		}
	}
	if !reflect.DeepEqual(got, providers) {
		t.Errorf("per provider: %v, want the largest first %v", got, providers)
	}

	var parts []string
	for p := range byPart {
		parts = append(parts, p)
	}
	sort.Strings(parts)
	page, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep"}, claims.ByPart, claims.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(parts) || len(page) != len(parts) {
		t.Fatalf("per part: %d rows, total %d, want %d (%v)", len(page), total, len(parts), parts)
	}
	for i, r := range page {
		if r.Part != parts[i] || r.ProviderID != "" || r.ContractID != "" || r.Year != 0 {
			t.Errorf("part row %d: %+v, want part %q alone", i, r, parts[i])
		}
		if want := expectTotals(byPart[r.Part]); r.Totals != want {
			t.Errorf("part %q\n got %+v\nwant %+v", r.Part, r.Totals, want)
		}
	}
	second, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep"}, claims.ByPart, claims.Page{Offset: 1, Limit: 1})
	if err != nil || total != len(parts) || len(second) != 1 || second[0].Part != parts[1] {
		t.Errorf("per part, the second page of 1: %+v, total %d, %v", second, total, err)
	}
	// A provider's own overview per provider is one row; a year filters the sums.
	own, total, err := db.Overview(ctx, claims.OverviewFilter{Insurer: "cz-groep", ProviderID: "p-6", Year: 2025}, claims.ByProvider, claims.Page{})
	var in2025 []claims.Line
	for _, l := range byProvider["p-6"] {
		if l.Year() == 2025 {
			in2025 = append(in2025, l)
		}
	}
	if err != nil || total != 1 || len(own) != 1 || own[0].Totals != expectTotals(in2025) {
		t.Errorf("p-6 in 2025: %+v, total %d, %v; want %+v", own, total, err, expectTotals(in2025))
	}
}

func testClaimRollback(t *testing.T, db store.DB) {
	ctx := context.Background()
	failed := errors.New("structural error on line 7")
	err := db.InTx(ctx, func(ctx context.Context) error {
		if err := db.CreateFile(ctx, claimFile("f-1", "sha-1", "F-1", claimAt)); err != nil {
			return err
		}
		if err := db.AddLines(ctx, ClaimLines("f-1", "cz-groep", "p-1", 500)); err != nil {
			return err
		}
		if err := db.RecountFiles(ctx, []string{"f-1"}); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("transaction: %v", err)
	}
	if _, err := db.FileByHash(ctx, "sha-1"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("file after rollback: %v", err)
	}
	if _, total, err := db.Lines(ctx, claims.LineFilter{Insurer: "cz-groep", BSN: "100000000"}, claims.Page{}); err != nil || total != 0 {
		t.Errorf("lines after rollback: %d, %v", total, err)
	}
	if refs, err := db.LinesByReference(ctx, "p-1", []string{"Rf-1-00000001"}); err != nil || len(refs) != 0 {
		t.Errorf("references after rollback: %v, %v", refs, err)
	}
	// The same file is accepted afterwards.
	intake(t, db, claimFile("f-1", "sha-1", "F-1", claimAt), ClaimLines("f-1", "cz-groep", "p-1", 500))
	checkFileTotals(t, db, "f-1", ClaimLines("f-1", "cz-groep", "p-1", 500))
}
