package pricelist_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/pricelist"
)

// editSheet exports version of the base price list as actor, lets edit change the
// workbook, and returns its bytes.
func editSheet(t *testing.T, e *env, actor identity.Principal, version int, edit func(f *excelize.File)) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := e.svc.Export(context.Background(), actor, dossierID, base, version, &buf); err != nil {
		t.Fatalf("Export: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f)
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestProposeCounterByXLSXAndAcceptAgreesThePriceListAndKeepsEveryRound(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.propose(t, base)
		// The provider downloads version 1, raises the consult tariff (typed as Dutch text)
		// and the visit volume, and uploads it as its counter-proposal.
		file := editSheet(t, e, contractmanager, 0, func(f *excelize.File) {
			f.SetCellStr(pricelist.SheetLines, "C2", "€ 13,75")
			f.SetCellInt(pricelist.SheetLines, "D3", 350)
		})
		pl, err := e.svc.CounterUpload(ctx, contractmanager, dossierID, base, 0, bytes.NewReader(file), "Hogere kosten")
		if err != nil {
			t.Fatalf("CounterUpload: %v", err)
		}
		if pl.Version != 2 || pl.Status != pricelist.Countered || pl.Lines[0].Tariff != 1375 || pl.Lines[1].Volume != 350 {
			t.Fatalf("after the counter-proposal: %+v", pl)
		}
		if e.negotiating != 1 {
			t.Fatalf("OnNegotiating called %d times, want 1", e.negotiating)
		}
		if _, err := e.svc.Accept(ctx, contractbeheerder, dossierID, base, 2); err != nil {
			t.Fatalf("Accept: %v", err)
		}
		got := e.stored(t, base)
		if got.Status != pricelist.Agreed || got.Version != 2 || got.AgreedAt.IsZero() || got.Lines[0].Tariff != 1375 {
			t.Fatalf("stored after acceptance: %+v", got)
		}
		// One of the two parts: the base contract; the S3 part has no price list, so the
		// dossier is agreed.
		if e.agreed != 1 {
			t.Fatalf("OnAgreed called %d times, want 1", e.agreed)
		}
		rs, err := e.svc.Rounds(ctx, beheerderX, dossierID, base)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].By.Side != pricelist.SideInsurer || rs[1].By.Side != pricelist.SideProvider ||
			rs[1].Note != "Hogere kosten" || rs[0].Accepted != nil || rs[1].Accepted == nil || rs[1].Accepted.UserID != contractbeheerder.UserID() {
			t.Fatalf("rounds: %+v", rs)
		}
		d := rs[1].Diff
		if d[0].Change != pricelist.Changed || !d[0].TariffChanged || d[0].TariffBefore != 1250 || d[0].TariffAfter != 1375 ||
			!d[1].VolumeChanged || d[1].TariffChanged || d[2].Change != pricelist.Unchanged {
			t.Fatalf("diff of version 2: %+v", d)
		}
		// Agreed is immutable.
		_, err = e.svc.Counter(ctx, inkoper, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: 2, Lines: lines()})
		wantCode(t, "Counter on an agreed price list", err, apperr.Conflict)
		if !strings.Contains(dutch(err), "overeengekomen") {
			t.Errorf("Dutch: %q", dutch(err))
		}
		// The audit trail has the three steps, amounts in cents.
		for _, a := range []string{pricelist.ActionPropose, pricelist.ActionCounter, pricelist.ActionAccept} {
			if n := len(e.entries(t, a)); n != 1 {
				t.Fatalf("%d audit entries %s, want 1", n, a)
			}
		}
		counter := e.entries(t, pricelist.ActionCounter)[0]
		var after struct {
			Version int                  `json:"version"`
			Changes []pricelist.LineDiff `json:"changes"`
		}
		json.Unmarshal(counter.After, &after)
		if after.Version != 2 || len(after.Changes) != 2 || after.Changes[0].TariffAfter != 1375 || counter.Scope != insurerA ||
			counter.Subject != pricelist.Subject(dossierID, base) || counter.Reason != "Hogere kosten" {
			t.Fatalf("counter entry: %+v after %s", counter, counter.After)
		}
		if accept := e.entries(t, pricelist.ActionAccept)[0]; accept.Scope != providerX || accept.UserID != contractbeheerder.UserID() {
			t.Fatalf("accept entry: %+v", accept)
		}
	})
}

func TestASecondSaveOnAStaleVersionIsAConflictThatKeepsWhatWasSubmittedAndChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.propose(t, base)
		first := lines()
		first[0].Tariff = 1300
		if _, err := e.svc.Counter(ctx, contractmanager, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: 1, Lines: first, Note: "eerste"}); err != nil {
			t.Fatal(err)
		}
		// X's beheerder worked on version 1 too.
		second := lines()
		second[2].Volume = 99
		_, err := e.svc.Counter(ctx, beheerderX, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: 1, Lines: second, Note: "tweede"})
		wantCode(t, "Counter on version 1", err, apperr.Conflict)
		msg := dutch(err)
		if !strings.Contains(msg, "Deze prijslijst is intussen gewijzigd door "+contractmanager.UserName()) || !strings.Contains(msg, "(versie 2)") ||
			!strings.Contains(msg, "niet opgeslagen") {
			t.Errorf("Dutch message: %q", msg)
		}
		u, ok := pricelist.UnsavedOf(err)
		if !ok || u.BasedOn != 1 || u.Current != 2 || u.Note != "tweede" || !slices.Equal(u.Lines, second) {
			t.Fatalf("unsaved: %+v", u)
		}
		got := e.stored(t, base)
		if got.Version != 2 || !slices.Equal(got.Lines, first) {
			t.Fatalf("stored after the refused save: %+v", got)
		}
		// An acceptance of version 1 by the insurer is stale too.
		_, err = e.svc.Accept(ctx, inkoper, dossierID, base, 1)
		wantCode(t, "Accept of version 1", err, apperr.Conflict)
		if u, ok := pricelist.UnsavedOf(err); !ok || !u.Accept {
			t.Fatalf("unsaved acceptance: %+v", u)
		}
		if got := e.stored(t, base); got.Status != pricelist.Countered {
			t.Fatalf("status after the refused acceptance: %s", got.Status)
		}
		if n := len(e.entries(t, pricelist.ActionCounter)); n != 1 {
			t.Fatalf("%d counter entries, want 1", n)
		}
	})
}

func TestNegotiationRules(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.propose(t, base)
		tests := []struct {
			name string
			do   func() error
			code apperr.Code
		}{
			{"the proposing side cannot accept its own proposal", func() error {
				_, err := e.svc.Accept(ctx, contractbeheerder, dossierID, base, 1)
				return err
			}, apperr.Conflict},
			{"a second proposal for the same part is a conflict", func() error {
				_, err := e.svc.Propose(ctx, inkoper, pricelist.Proposal{DossierID: dossierID, Part: base, Lines: lines()})
				return err
			}, apperr.Conflict},
			{"a part not offered in the dossier is invalid", func() error {
				_, err := e.svc.Propose(ctx, inkoper, pricelist.Proposal{DossierID: dossierID, Part: "rsv-voetzorg", Lines: lines()})
				return err
			}, apperr.Invalid},
			{"a counter-proposal that changes nothing is invalid", func() error {
				_, err := e.svc.Counter(ctx, contractmanager, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: 1, Lines: lines()})
				return err
			}, apperr.Invalid},
			{"a counter-proposal with a bad line is invalid", func() error {
				ls := lines()
				ls[1].Tariff = 0
				_, err := e.svc.Counter(ctx, contractmanager, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: 1, Lines: ls})
				return err
			}, apperr.Invalid},
			{"a counter-proposal on a part without a price list is not found", func() error {
				_, err := e.svc.Counter(ctx, contractmanager, pricelist.Submission{DossierID: dossierID, Part: partS3, BasedOn: 1, Lines: lines()})
				return err
			}, apperr.NotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				wantCode(t, tc.name, tc.do(), tc.code)
				if got := e.stored(t, base); got.Version != 1 || got.Status != pricelist.Proposed {
					t.Fatalf("stored after a refused action: %+v", got)
				}
			})
		}
		if e.negotiating != 0 || len(e.entries(t, pricelist.ActionCounter)) != 0 {
			t.Fatalf("refused counter-proposals moved the dossier (%d) or were recorded", e.negotiating)
		}
	})
}

func TestAProposalComesWithTheOfferOrAloneUnderARunningContract(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.dossier.Stage = pricelist.StageInvited
		_, err := e.svc.Propose(ctx, inkoper, pricelist.Proposal{DossierID: dossierID, Part: base, Lines: lines()})
		wantCode(t, "Propose before the offer", err, apperr.Conflict)
		pl, err := e.svc.Propose(ctx, inkoper, pricelist.Proposal{DossierID: dossierID, Part: base, Lines: lines(), PriceListOnly: true})
		if err != nil || !pl.PriceListOnly {
			t.Fatalf("Propose the new year's price list: %+v, %v", pl, err)
		}
		if !e.stored(t, base).PriceListOnly {
			t.Fatal("PriceListOnly not stored")
		}
		e.dossier.Stage = pricelist.StageSigned
		_, err = e.svc.Propose(ctx, inkoper, pricelist.Proposal{DossierID: dossierID, Part: partS3, Lines: lines(), PriceListOnly: true})
		wantCode(t, "Propose on a signed dossier", err, apperr.Conflict)
	})
}

func TestTheDossierIsAgreedWhenEveryPriceListIsAgreed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.propose(t, base)
		e.propose(t, partS3)
		if _, err := e.svc.Accept(ctx, contractmanager, dossierID, base, 1); err != nil {
			t.Fatal(err)
		}
		if e.agreed != 0 {
			t.Fatal("OnAgreed called while the S3 price list is still open")
		}
		if _, err := e.svc.Accept(ctx, beheerderX, dossierID, partS3, 1); err != nil {
			t.Fatal(err)
		}
		if e.agreed != 1 {
			t.Fatalf("OnAgreed called %d times, want 1", e.agreed)
		}
		agreed, err := e.svc.Agreed(ctx, dossierID)
		if err != nil || len(agreed) != 2 || agreed[0].Part != base || agreed[1].Part != partS3 {
			t.Fatalf("Agreed = %+v, %v", agreed, err)
		}
	})
}

func TestAFailingStageHookRollsTheChangeAndItsAuditEntryBack(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.propose(t, base)
		e.hookErr = errors.New("stage refused")
		ls := lines()
		ls[0].Tariff = 1
		if _, err := e.svc.Counter(ctx, contractmanager, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: 1, Lines: ls}); err == nil {
			t.Fatal("Counter succeeded with a failing hook")
		}
		if got := e.stored(t, base); got.Version != 1 || len(e.entries(t, pricelist.ActionCounter)) != 0 {
			t.Fatalf("after the rolled-back counter-proposal: %+v", got)
		}
		if _, err := e.svc.Accept(ctx, contractmanager, dossierID, base, 1); err == nil {
			t.Fatal("Accept succeeded with a failing hook")
		}
		if got := e.stored(t, base); got.Status != pricelist.Proposed || len(e.entries(t, pricelist.ActionAccept)) != 0 {
			t.Fatalf("after the rolled-back acceptance: %+v", got)
		}
	})
}

func TestOnlyThePartiesStaffWhoNegotiateSeeAndChangePrices(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.propose(t, base)
		changed := lines()
		changed[0].Tariff = 999
		tests := []struct {
			actor          identity.Principal
			name           string
			read, counter  apperr.Code // "" allowed
			proposeForbids bool
		}{
			{identity.Anonymous, "anoniem", apperr.Unauthenticated, apperr.Unauthenticated, false},
			{who("b", identity.RoleBuyer), "inkoper of another insurer", apperr.NotFound, apperr.NotFound, false},
			{who("y", identity.RoleAdmin), "beheerder of another provider", apperr.NotFound, apperr.NotFound, false},
			{who("a", identity.RoleMedicalAdvisor), "medisch adviseur", apperr.Forbidden, apperr.Forbidden, false},
			{who("a", identity.RoleAdmin), "beheerder of the insurer", apperr.Forbidden, apperr.Forbidden, false},
			{who("x", identity.RoleFiller), "invuller", apperr.Forbidden, apperr.Forbidden, false},
			{who("x", identity.RoleSignatory), "tekenbevoegde", "", apperr.Forbidden, true},
			{operator, "operator", "", apperr.Forbidden, true},
			{who("ap", identity.RoleBuyer), "inkoper of the purchasing party", "", "", false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.PriceList(ctx, tc.actor, dossierID, base)
				if tc.read == "" && err != nil || tc.read != "" {
					wantCode(t, "PriceList", err, tc.read)
				}
				var buf bytes.Buffer
				err = e.svc.Export(ctx, tc.actor, dossierID, base, 0, &buf)
				if tc.read == "" && err != nil || tc.read != "" {
					wantCode(t, "Export", err, tc.read)
				}
				cur := e.stored(t, base)
				_, err = e.svc.Counter(ctx, tc.actor, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: cur.Version, Lines: changed})
				if tc.counter == "" && err != nil || tc.counter != "" {
					wantCode(t, "Counter", err, tc.counter)
				}
				if tc.proposeForbids {
					_, err := e.svc.Propose(ctx, tc.actor, pricelist.Proposal{DossierID: dossierID, Part: partS3, Lines: lines()})
					wantCode(t, "Propose", err, apperr.Forbidden)
				}
			})
		}
		// Only the purchasing party's counter-proposal was stored; the refusals of the
		// parties' staff are in the trail as denied.
		if got := e.stored(t, base); got.Version != 2 {
			t.Fatalf("stored version %d, want 2", got.Version)
		}
		var denied int
		for _, en := range e.entries(t, pricelist.ActionCounter) {
			if en.Denied {
				denied++
			}
		}
		if denied != 5 { // medisch adviseur, insurer's beheerder, invuller, tekenbevoegde, operator
			t.Fatalf("%d denied counter entries, want 5", denied)
		}
	})
}

func TestOfTwoSimultaneousCounterProposalsOnOneVersionExactlyOneIsStored(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.propose(t, base)
		actors := []identity.Principal{contractmanager, beheerderX, inkoper, contractbeheerder}
		errs := make(chan error, len(actors))
		for i, a := range actors {
			go func() {
				ls := lines()
				ls[0].Tariff = int64(2000 + i)
				_, err := e.svc.Counter(context.Background(), a, pricelist.Submission{DossierID: dossierID, Part: base, BasedOn: 1, Lines: ls})
				errs <- err
			}()
		}
		var stored, conflicts int
		for range actors {
			switch err := <-errs; {
			case err == nil:
				stored++
			case apperr.CodeOf(err) == apperr.Conflict:
				if _, ok := pricelist.UnsavedOf(err); !ok {
					t.Errorf("conflict without the unsaved lines: %v", err)
				}
				conflicts++
			default:
				t.Errorf("Counter: %v", err)
			}
		}
		if stored != 1 || conflicts != len(actors)-1 {
			t.Fatalf("%d stored, %d conflicts", stored, conflicts)
		}
		if got := e.stored(t, base); got.Version != 2 || len(e.entries(t, pricelist.ActionCounter)) != 1 {
			t.Fatalf("stored: %+v", got)
		}
	})
}
