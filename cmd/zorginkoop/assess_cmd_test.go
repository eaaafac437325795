package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/store"
	"zorginkoop/policies"
)

// partsData is a data dir with demo providers, assessed against the shipped policies and
// apptest.PartsPolicy, loaded from a folder of policies (returned second).
func partsData(t *testing.T) (dataDir, policyDir string) {
	t.Helper()
	dataDir, policyDir = t.TempDir(), t.TempDir()
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return os.MkdirAll(filepath.Join(policyDir, path), 0o755)
		}
		b, err := fs.ReadFile(policies.FS, path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(policyDir, path), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	name, data := apptest.PartsPolicyFile()
	if err := os.WriteFile(filepath.Join(policyDir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCmd(t, "demo", "--data-dir", dataDir, "--policies", policyDir, "--providers", "60"); code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errOut)
	}
	return dataDir, policyDir
}

func TestAssessShowsTheBaseContractAndEveryPart(t *testing.T) {
	dataDir, policyDir := partsData(t)
	assess := func(t *testing.T, args ...string) string {
		t.Helper()
		args = append([]string{"assess", "--data-dir", dataDir, "--policies", policyDir, "--policy", apptest.PartsPolicy}, args...)
		code, out, errOut := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
		return out
	}

	// The demo asks for about a third of every policy's parts (provider.PartChoice), so
	// some of the five practices asked for the programme and the others did not.
	t.Run("text: counts per part, and per provider the base contract and every part explained", func(t *testing.T) {
		out := assess(t, "--limit", "3")
		for _, want := range []string{
			"assessed 5 providers; base contract: ", // the counts of the run
			"  part Module praktijkmanagement: ",
			"  part Stoppen met rokenprogramma: ",
			"  base contract Praktijkovereenkomst huisartsenzorg: ",
			"  part Module praktijkmanagement: komt ",
			"  part Stoppen met rokenprogramma: niet aangevraagd. De zorgaanbieder heeft dit onderdeel niet aangevraagd; de voorwaarden zijn niet beoordeeld.\n",
			"\n… and 2 more; --limit 0 prints all\n",
			"Not stored: --save stores this run as the latest assessment.",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if !regexp.MustCompile(`  part Stoppen met rokenprogramma: [^\n]*[1-5] niet aangevraagd\n`).MatchString(out) {
			t.Errorf("output lacks the count of practices that did not ask for the programme:\n%s", out)
		}
		all := assess(t, "--limit", "0")
		if want := "  part Stoppen met rokenprogramma: niet aangevraagd. De zorgaanbieder heeft dit onderdeel niet aangevraagd; de voorwaarden zijn niet beoordeeld.\n"; !strings.Contains(all, want) {
			t.Errorf("output lacks %q:\n%s", want, all)
		}
	})

	var run struct {
		Run struct {
			PolicyVersion int `json:"policy_version"`
			Parts         []struct {
				Part         string `json:"part"`
				NotRequested int    `json:"not_requested"`
			} `json:"part_counts"`
		} `json:"run"`
		Summaries []struct {
			ProviderID   string            `json:"provider_id"`
			Outcome      string            `json:"outcome"`
			PartOutcomes map[string]string `json:"part_outcomes"`
		} `json:"summaries"`
	}
	t.Run("json: the run's summaries with the outcome per part by part id", func(t *testing.T) {
		out := assess(t, "--json")
		if err := json.Unmarshal([]byte(out), &run); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		notRequested := 0
		for _, s := range run.Summaries {
			if s.PartOutcomes["stoppen-met-roken"] == "not_requested" {
				notRequested++
			}
			if s.PartOutcomes["stoppen-met-roken"] == "" || s.PartOutcomes["praktijkmanagement"] == "" {
				t.Errorf("%s: part outcomes %v", s.ProviderID, s.PartOutcomes)
			}
		}
		if run.Run.PolicyVersion == 0 || len(run.Run.Parts) != 2 || run.Run.Parts[1].Part != "stoppen-met-roken" ||
			run.Run.Parts[1].NotRequested != notRequested || notRequested == 0 || len(run.Summaries) == 0 {
			t.Fatalf("run = %+v with %d summaries, %d of which did not ask for the programme", run.Run, len(run.Summaries), notRequested)
		}
	})
	t.Run("json: one provider's result has the contract, base first", func(t *testing.T) {
		if len(run.Summaries) == 0 {
			t.Fatal("no run read: the run subtest above failed")
		}
		id := run.Summaries[0].ProviderID
		for _, s := range run.Summaries { // one that did not ask for the programme
			if s.PartOutcomes["stoppen-met-roken"] == "not_requested" {
				id = s.ProviderID
				break
			}
		}
		var res []struct {
			Contract []struct {
				Part, OutcomeText, Explanation string
				Base                           bool
			} `json:"contract"`
			PartOutcomes map[string]string `json:"part_outcomes"`
		}
		out := assess(t, "--provider", id, "--json")
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if len(res) != 1 || len(res[0].Contract) != 3 || !res[0].Contract[0].Base || res[0].Contract[2].Part != "stoppen-met-roken" ||
			res[0].Contract[2].Explanation == "" || res[0].PartOutcomes["stoppen-met-roken"] != "not_requested" {
			t.Errorf("result = %+v", res)
		}
	})
}

// Looking is not storing: assess judges without storing a run or writing the audit trail,
// so the pages' "Laatste beoordeling" stays; assess --save stores the run with its entry.
func TestAssessStoresOnlyWithSave(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "demo", "--data-dir", dir, "--providers", "60"); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errOut)
	}
	const pol = "zz-msz-2024"
	state := func() (latest int64, entries int) {
		t.Helper()
		ctx := context.Background()
		db, err := store.Open(ctx, dir, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		run, err := db.LatestRun(ctx, pol)
		if err != nil {
			t.Fatal(err)
		}
		err = db.EachAuditEntry(ctx, func(audit.Entry) error { entries++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return run.ID, entries
	}
	run0, entries0 := state()
	for _, args := range [][]string{{}, {"--json"}, {"--limit", "0"}} {
		code, out, errOut := runCmd(t, append([]string{"assess", "--data-dir", dir, "--policy", pol}, args...)...)
		if code != 0 {
			t.Fatalf("assess %v: exit %d\n%s", args, code, errOut)
		}
		if run, entries := state(); run != run0 || entries != entries0 {
			t.Errorf("assess %v stored something: latest run %d (was %d), %d audit entries (were %d)", args, run, run0, entries, entries0)
		}
		if len(args) == 0 && !strings.Contains(out, "Not stored: --save stores this run") {
			t.Errorf("assess does not say it stored nothing:\n%s", out)
		}
	}
	code, out, errOut := runCmd(t, "assess", "--data-dir", dir, "--policy", pol, "--save", "--limit", "1")
	if code != 0 {
		t.Fatalf("assess --save: exit %d\n%s", code, errOut)
	}
	run, entries := state()
	if run <= run0 || entries != entries0+1 {
		t.Errorf("assess --save: latest run %d (was %d), %d audit entries (were %d); want a new run and one entry", run, run0, entries, entries0)
	}
	if !strings.Contains(out, fmt.Sprintf("Stored as run %d, the latest assessment of %s.", run, pol)) {
		t.Errorf("assess --save does not name the stored run:\n%s", out)
	}
}

// The text output says how many providers --limit left out.
func TestAssessSaysHowManyProvidersItLeftOut(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "demo", "--data-dir", dir, "--providers", "60"); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errOut)
	}
	code, out, errOut := runCmd(t, "assess", "--data-dir", dir, "--policy", "zz-msz-2024", "--limit", "2")
	if code != 0 {
		t.Fatalf("assess: exit %d\n%s", code, errOut)
	}
	var total int
	if _, err := fmt.Sscanf(out, "assessed %d providers", &total); err != nil || total <= 2 {
		t.Fatalf("no count of providers (%v):\n%s", err, out)
	}
	if want := fmt.Sprintf("\n… and %d more; --limit 0 prints all\n", total-2); !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	_, all, _ := runCmd(t, "assess", "--data-dir", dir, "--policy", "zz-msz-2024", "--limit", "0")
	if strings.Contains(all, "more; --limit 0") || strings.Count(all, "\n") <= strings.Count(out, "\n") {
		t.Errorf("--limit 0 does not print all:\n%s", all)
	}
}
