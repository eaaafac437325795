package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// RunAssessments runs the assessments' suite: runs, their summaries and their retention.
func RunAssessments(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"latest run comes back without summaries; its summaries page in saved order", testRuns},
		{"summaries filter by outcome, current care type and name or id; count and page agree", testSummaryFilters},
		{"EachSummary streams a filtered run in saved order and stops at the callback's error", testEachSummary},
		{"DeleteOldRuns keeps the newest runs of one policy, in the caller's transaction", testDeleteOldRuns},
		{"a run keeps its policy version, its parts with their counts and each summary's part outcomes", testRunParts},
		{"summaries filter by a part's outcome at the part's place in the run", testPartFilter},
		{"a page sorts by name, outcome or score in the database, either way", testSummarySort},
		{"the register counts its providers and knows its last change; a run knows its entry", testRegisterAndRunEntry},
	})
}

var runStart = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)

// mkRun is a run of n summaries: ids "z-<n-i>" (so saved order is not id order), odd
// positions not eligible, statuses of varying length.
func mkRun(policyID string, n int, at time.Time) *assessment.Run {
	r := &assessment.Run{RunCounts: assessment.RunCounts{PolicyID: policyID, StartedAt: at, FinishedAt: at.Add(1500 * time.Millisecond)}}
	statuses := []assessment.Status{assessment.Met, assessment.NotMet, assessment.Unknown, assessment.Review, assessment.NotApplicable}
	for i := range n {
		s := assessment.Summary{
			ProviderID: fmt.Sprintf("z-%02d", n-i), ProviderName: fmt.Sprintf("Aanbieder %d", i),
			Outcome: assessment.Eligible, Score: i, MaxScore: 10, Statuses: statuses[:i%len(statuses)],
		}
		if i%2 == 1 {
			s.Outcome = assessment.NotEligible
			r.NotEligible++
		} else {
			r.Eligible++
		}
		if len(s.Statuses) == 0 {
			s.Statuses = nil
		}
		r.Summaries = append(r.Summaries, s)
	}
	r.Providers = n
	return r
}

func saveRuns(t *testing.T, db store.DB, runs ...*assessment.Run) {
	t.Helper()
	for _, r := range runs {
		if err := db.SaveRun(context.Background(), r); err != nil {
			t.Fatalf("SaveRun: %v", err)
		}
		if r.ID == 0 {
			t.Fatalf("SaveRun did not set the run's id")
		}
	}
}

func page(t *testing.T, db store.DB, runID int64, f assessment.SummaryFilter) ([]assessment.Summary, int) {
	t.Helper()
	got, total, err := db.Summaries(context.Background(), runID, f)
	if err != nil {
		t.Fatalf("Summaries(%d, %+v): %v", runID, f, err)
	}
	return got, total
}

func testRuns(t *testing.T, db store.DB) {
	ctx := context.Background()
	if _, err := db.LatestRun(ctx, "zz-msz-2024"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("LatestRun before any run: err = %v, want NotFound", err)
	}
	first := mkRun("zz-msz-2024", 3, runStart)
	latest := mkRun("zz-msz-2024", 7, runStart.Add(time.Hour))
	other := mkRun("asr-msz-2025", 2, runStart.Add(2*time.Hour))
	saveRuns(t, db, first, latest, other)
	if first.ID == latest.ID {
		t.Fatalf("two runs got the same id %d", first.ID)
	}
	got, err := db.LatestRun(ctx, "zz-msz-2024")
	if err != nil {
		t.Fatalf("LatestRun: %v", err)
	}
	same(t, "latest run", *got, latest.RunCounts)

	sums, total := page(t, db, latest.ID, assessment.SummaryFilter{Limit: 100})
	same(t, "all summaries of the latest run", sums, latest.Summaries)
	if total != 7 {
		t.Errorf("total = %d, want 7", total)
	}
	sums, total = page(t, db, latest.ID, assessment.SummaryFilter{Offset: 2, Limit: 3})
	same(t, "summaries 3 to 5", sums, latest.Summaries[2:5])
	if total != 7 {
		t.Errorf("total of a page = %d, want 7", total)
	}
	sums, total = page(t, db, latest.ID, assessment.SummaryFilter{Offset: 7, Limit: 3})
	if len(sums) != 0 || total != 7 {
		t.Errorf("page past the end: %d summaries, total %d; want none of 7", len(sums), total)
	}

	empty := &assessment.Run{RunCounts: assessment.RunCounts{PolicyID: "leeg", StartedAt: runStart, FinishedAt: runStart}}
	saveRuns(t, db, empty)
	got, err = db.LatestRun(ctx, "leeg")
	if err != nil {
		t.Fatalf("LatestRun (no summaries): %v", err)
	}
	same(t, "run without summaries", *got, empty.RunCounts)
	if sums, total = page(t, db, empty.ID, assessment.SummaryFilter{Limit: 10}); len(sums) != 0 || total != 0 {
		t.Errorf("run without summaries: %d summaries, total %d", len(sums), total)
	}
}

func testSummaryFilters(t *testing.T, db store.DB) {
	// Providers z-01..z-10: odd ids are GP care, even ids hospital care; the run has 10.
	var ps []provider.Provider
	for i := 1; i <= 10; i++ {
		ct := "msz"
		if i%2 == 1 {
			ct = "huisartsenzorg"
		}
		ps = append(ps, provider.Provider{ID: fmt.Sprintf("z-%02d", i), Name: fmt.Sprintf("Aanbieder %d", 10-i), CareTypes: []string{ct}})
	}
	Fill(t, db, ps)
	run := mkRun("zz-msz-2024", 10, runStart)
	run.Summaries[3].ProviderName = "Kliniek 100%_Zeker" // z-07, not eligible
	saveRuns(t, db, run)
	ids := func(ss []assessment.Summary) []string {
		out := []string{}
		for _, s := range ss {
			out = append(out, s.ProviderID)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		f     assessment.SummaryFilter
		want  []string
		total int
	}{
		{"outcome", assessment.SummaryFilter{Outcome: assessment.NotEligible, Limit: 100},
			[]string{"z-09", "z-07", "z-05", "z-03", "z-01"}, 5},
		{"outcome, second page", assessment.SummaryFilter{Outcome: assessment.NotEligible, Offset: 2, Limit: 2},
			[]string{"z-05", "z-03"}, 5},
		{"care type", assessment.SummaryFilter{CareType: "msz", Limit: 100},
			[]string{"z-10", "z-08", "z-06", "z-04", "z-02"}, 5},
		{"care type and outcome", assessment.SummaryFilter{CareType: "msz", Outcome: assessment.NotEligible, Limit: 100},
			[]string{}, 0},
		{"name, any case, % and _ are literal", assessment.SummaryFilter{Query: "100%_zEKER", Limit: 100},
			[]string{"z-07"}, 1},
		{"a % alone matches no name without one", assessment.SummaryFilter{Query: "%", Limit: 100},
			[]string{"z-07"}, 1},
		{"id", assessment.SummaryFilter{Query: "Z-1", Limit: 100}, []string{"z-10"}, 1},
		{"care type nobody has", assessment.SummaryFilter{CareType: "ggz", Limit: 100}, []string{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := page(t, db, run.ID, tc.f)
			same(t, "ids", ids(got), tc.want)
			if total != tc.total {
				t.Errorf("total = %d, want %d", total, tc.total)
			}
		})
	}
}

func testEachSummary(t *testing.T, db store.DB) {
	ctx := context.Background()
	run := mkRun("zz-msz-2024", 9, runStart)
	saveRuns(t, db, run, mkRun("zz-msz-2024", 2, runStart.Add(time.Hour)))
	var got []assessment.Summary
	err := db.EachSummary(ctx, run.ID, assessment.SummaryFilter{Outcome: assessment.Eligible, Limit: 1, Offset: 3},
		func(s *assessment.Summary) error {
			c := *s
			c.Statuses = append([]assessment.Status(nil), s.Statuses...)
			got = append(got, c)
			return nil
		})
	if err != nil {
		t.Fatalf("EachSummary: %v", err)
	}
	var want []assessment.Summary
	for _, s := range run.Summaries {
		if s.Outcome == assessment.Eligible {
			want = append(want, s)
		}
	}
	same(t, "eligible summaries of the first run, limit and offset ignored", got, want)

	stop := errors.New("stop")
	n := 0
	err = db.EachSummary(ctx, run.ID, assessment.SummaryFilter{}, func(*assessment.Summary) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("EachSummary = %v after %d calls, want the callback's error after 1", err, n)
	}
}

func testDeleteOldRuns(t *testing.T, db store.DB) {
	ctx := context.Background()
	var runs []*assessment.Run
	for i := range 5 {
		r := mkRun("zz-msz-2024", 3, runStart.Add(time.Duration(i)*time.Hour))
		saveRuns(t, db, r)
		runs = append(runs, r)
	}
	other := mkRun("asr-msz-2025", 2, runStart)
	saveRuns(t, db, other)

	// Rolled back with the caller's transaction: nothing deleted.
	rollback := errors.New("roll back")
	err := db.InTx(ctx, func(ctx context.Context) error {
		if n, err := db.DeleteOldRuns(ctx, "zz-msz-2024", 1); err != nil || n != 4 {
			t.Errorf("DeleteOldRuns in a transaction = %d, %v; want 4", n, err)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("InTx = %v", err)
	}
	if _, total := page(t, db, runs[0].ID, assessment.SummaryFilter{Limit: 10}); total != 3 {
		t.Fatalf("after a rolled back delete the oldest run has %d summaries, want 3", total)
	}

	n, err := db.DeleteOldRuns(ctx, "zz-msz-2024", 2)
	if err != nil || n != 3 {
		t.Fatalf("DeleteOldRuns(keep 2) = %d, %v; want 3", n, err)
	}
	for i, r := range runs {
		_, total := page(t, db, r.ID, assessment.SummaryFilter{Limit: 10})
		if want := map[bool]int{true: 3, false: 0}[i >= 3]; total != want {
			t.Errorf("run %d (of 5) has %d summaries after keeping the newest 2, want %d", i+1, total, want)
		}
	}
	if got, err := db.LatestRun(ctx, "zz-msz-2024"); err != nil || got.ID != runs[4].ID {
		t.Errorf("LatestRun after the delete = %v, %v; want run %d", got, err, runs[4].ID)
	}
	if _, total := page(t, db, other.ID, assessment.SummaryFilter{Limit: 10}); total != 2 {
		t.Errorf("another policy's run lost summaries: %d left, want 2", total)
	}
	if n, err := db.DeleteOldRuns(ctx, "zz-msz-2024", 2); err != nil || n != 0 {
		t.Errorf("DeleteOldRuns again = %d, %v; want 0", n, err)
	}
}

// partRun is a run of n summaries over two parts: "borstkanker" is asked for by every
// third provider (eligible, not eligible, then not requested); "hybride" is offered to all
// (incomplete for even positions, eligible for odd ones).
func partRun(policyID string, n int, at time.Time) *assessment.Run {
	r := mkRun(policyID, n, at)
	r.PolicyVersion = 3
	r.Parts = []assessment.PartCounts{{Part: "borstkanker"}, {Part: "hybride"}}
	bk := []assessment.Outcome{assessment.Eligible, assessment.NotEligible, assessment.NotRequested}
	for i := range r.Summaries {
		s := &r.Summaries[i]
		s.PartOutcomes = []assessment.Outcome{bk[i%3], assessment.Incomplete}
		if i%2 == 1 {
			s.PartOutcomes[1] = assessment.Eligible
		}
		for k, o := range s.PartOutcomes {
			switch o {
			case assessment.Eligible:
				r.Parts[k].Eligible++
			case assessment.NotEligible:
				r.Parts[k].NotEligible++
			case assessment.Incomplete:
				r.Parts[k].Incomplete++
			case assessment.NotRequested:
				r.Parts[k].NotRequested++
			}
		}
	}
	r.Summaries[0].PartOutcomes[0] = assessment.OutOfScope
	r.Parts[0].Eligible--
	r.Parts[0].OutOfScope++
	return r
}

func testRunParts(t *testing.T, db store.DB) {
	ctx := context.Background()
	run := partRun("zz-msz-2024", 7, runStart)
	saveRuns(t, db, run)
	got, err := db.LatestRun(ctx, "zz-msz-2024")
	if err != nil {
		t.Fatalf("LatestRun: %v", err)
	}
	same(t, "run with parts", *got, run.RunCounts)
	if got.PolicyVersion != 3 || len(got.Parts) != 2 || got.Parts[0].OutOfScope != 1 {
		t.Fatalf("run read back = %+v", got)
	}
	sums, _ := page(t, db, run.ID, assessment.SummaryFilter{Limit: 100})
	same(t, "summaries with part outcomes", sums, run.Summaries)
	var each []assessment.Summary
	err = db.EachSummary(ctx, run.ID, assessment.SummaryFilter{}, func(s *assessment.Summary) error {
		c := *s
		c.Statuses = append([]assessment.Status(nil), s.Statuses...)
		c.PartOutcomes = append([]assessment.Outcome(nil), s.PartOutcomes...)
		if len(c.Statuses) == 0 {
			c.Statuses = nil
		}
		each = append(each, c)
		return nil
	})
	if err != nil {
		t.Fatalf("EachSummary: %v", err)
	}
	same(t, "streamed summaries with part outcomes", each, run.Summaries)

	// Deleting a run deletes its parts too.
	saveRuns(t, db, mkRun("zz-msz-2024", 1, runStart.Add(time.Hour)))
	if _, err := db.DeleteOldRuns(ctx, "zz-msz-2024", 1); err != nil {
		t.Fatal(err)
	}
	if got, err := db.LatestRun(ctx, "zz-msz-2024"); err != nil || got.Parts != nil || got.PolicyVersion != 0 {
		t.Errorf("latest run without parts = %+v, %v", got, err)
	}
}

func testPartFilter(t *testing.T, db store.DB) {
	run := partRun("zz-msz-2024", 9, runStart)
	// A later run whose policy has the parts the other way round: each run reads its own.
	later := partRun("zz-msz-2024", 4, runStart.Add(time.Hour))
	later.Parts[0], later.Parts[1] = later.Parts[1], later.Parts[0]
	for i := range later.Summaries {
		po := later.Summaries[i].PartOutcomes
		po[0], po[1] = po[1], po[0]
	}
	saveRuns(t, db, run, later)
	ids := func(ss []assessment.Summary) []string {
		out := []string{}
		for _, s := range ss {
			out = append(out, s.ProviderID)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		runID int64
		f     assessment.SummaryFilter
		want  []string
	}{
		{"not eligible for borstkanker", run.ID, assessment.SummaryFilter{Part: "borstkanker", PartOutcome: assessment.NotEligible, Limit: 100},
			[]string{"z-08", "z-05", "z-02"}},
		{"out of scope for borstkanker", run.ID, assessment.SummaryFilter{Part: "borstkanker", PartOutcome: assessment.OutOfScope, Limit: 100},
			[]string{"z-09"}},
		{"not requested, second page", run.ID, assessment.SummaryFilter{Part: "borstkanker", PartOutcome: assessment.NotRequested, Offset: 1, Limit: 1},
			[]string{"z-04"}},
		{"with the base outcome", run.ID, assessment.SummaryFilter{Part: "hybride", PartOutcome: assessment.Eligible, Outcome: assessment.NotEligible, Limit: 100},
			[]string{"z-08", "z-06", "z-04", "z-02"}},
		{"the part's place in the later run", later.ID, assessment.SummaryFilter{Part: "borstkanker", PartOutcome: assessment.NotEligible, Limit: 100},
			[]string{"z-03"}},
		{"a part the run does not have", run.ID, assessment.SummaryFilter{Part: "telemonitoring", PartOutcome: assessment.Eligible, Limit: 100},
			[]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := page(t, db, tc.runID, tc.f)
			same(t, "ids", ids(got), tc.want)
			if tc.f.Offset == 0 && total != len(tc.want) {
				t.Errorf("total = %d, want %d", total, len(tc.want))
			}
			n := 0
			err := db.EachSummary(context.Background(), tc.runID, tc.f, func(*assessment.Summary) error { n++; return nil })
			if err != nil || n != total {
				t.Errorf("EachSummary gave %d, %v; want the %d Summaries counts", n, err, total)
			}
		})
	}
}

func testSummarySort(t *testing.T, db store.DB) {
	saveRuns(t, db, mkRun("p-sort", 6, runStart)) // "Aanbieder i" scores i; odd i not eligible
	run, err := db.LatestRun(context.Background(), "p-sort")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sort assessment.Sort
		desc bool
		want string // the i of "Aanbieder i", in order
	}{
		{assessment.SortSaved, false, "012345"},
		{assessment.SortName, false, "012345"},
		{assessment.SortName, true, "543210"},
		{assessment.SortOutcome, false, "420531"}, // eligible first, each by score, highest first
		{assessment.SortOutcome, true, "531420"},
		{assessment.SortScore, true, "420531"}, // not eligible after the others either way
		{assessment.SortScore, false, "024135"},
	} {
		var got string
		for off := 0; off < 6; off += 4 { // two pages: they must not overlap
			sums, _ := page(t, db, run.ID, assessment.SummaryFilter{Sort: tc.sort, Desc: tc.desc, Offset: off, Limit: 4})
			for _, s := range sums {
				got += s.ProviderName[len("Aanbieder "):]
			}
		}
		if got != tc.want {
			t.Errorf("sort %q desc %v: %s, want %s", tc.sort, tc.desc, got, tc.want)
		}
	}
}

func testRegisterAndRunEntry(t *testing.T, db store.DB) {
	ctx := context.Background()
	Fill(t, db, Synthetic(5, 1)) // care types alternate: msz, huisartsenzorg, ...
	reg, err := db.Register(ctx, []string{"msz"})
	if err != nil {
		t.Fatal(err)
	}
	if reg.Total != 5 || reg.InCareTypes != 3 || reg.ChangeSeq != 0 || !reg.Changed.IsZero() {
		t.Errorf("register before any recorded change: %+v, want 5 providers, 3 msz, no change", reg)
	}
	if seq, err := db.RunEntry(ctx, "p-x"); err != nil || seq != 0 {
		t.Errorf("RunEntry without a run = %d, %v; want 0", seq, err)
	}
	log := audit.NewLog(db, auditClock())
	rec := func(action, subject string, denied bool) audit.Entry {
		t.Helper()
		e, err := log.Record(ctx, audit.Entry{UserID: "u", UserName: "U", OrgID: "o", Action: action, Subject: subject, Denied: denied})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	imp := rec(provider.ActionImport, "providers", false)
	runEntry := rec(assessment.ActionRun, "policy:p-x", false)
	rec(assessment.ActionRun, "policy:p-y", false)
	rec(provider.ActionFacts, "providers", true) // refused: no change
	rec(assessment.ActionRun, "policy:p-x", true)
	reg, err = db.Register(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reg.ChangeSeq != imp.Seq || !reg.Changed.Equal(imp.At) || reg.InCareTypes != 0 {
		t.Errorf("register: %+v, want the import entry %d at %v", reg, imp.Seq, imp.At)
	}
	if seq, err := db.RunEntry(ctx, "p-x"); err != nil || seq != runEntry.Seq {
		t.Errorf("RunEntry = %d, %v; want %d", seq, err, runEntry.Seq)
	}
	facts := rec(provider.ActionFacts, "providers", false)
	if reg, _ = db.Register(ctx, nil); reg.ChangeSeq != facts.Seq {
		t.Errorf("after a facts change the register's change is %d, want %d", reg.ChangeSeq, facts.Seq)
	}
}
