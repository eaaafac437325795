package main

import (
	"context"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
	"zorginkoop/policies"
)

func noEnv(string) string { return "" }

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(context.Background(), args, &out, &errOut, noEnv)
	return code, out.String(), errOut.String()
}

// providerCount opens the data dir's database and counts the providers in it.
func providerCount(t *testing.T, dir string) int {
	t.Helper()
	db, err := store.Open(context.Background(), dir, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, total, err := db.Providers(context.Background(), provider.AllProviders(), provider.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func TestDemoLoadsPoliciesProvidersAndAssessments(t *testing.T) {
	dir := t.TempDir()
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "demo", "--data-dir", dir, "--providers", "150")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, pol := range lib.Policies() {
		line := lineWith(out, pol.ID)
		if line == "" {
			t.Errorf("no line for policy %s in:\n%s", pol.ID, out)
			continue
		}
		// Every policy has eligible, not eligible and incomplete demo providers.
		f := strings.Fields(line)
		for _, count := range f[len(f)-3:] {
			if count == "0" {
				t.Errorf("policy %s has an outcome with no providers: %q", pol.ID, line)
			}
		}
	}
	for _, want := range []string{"150 demo providers", "zorginkoop serve --data-dir " + dir, "http://127.0.0.1:8080/", "zorginkoop assess --policy "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := providerCount(t, dir); n != 150 {
		t.Errorf("database holds %d providers, want 150", n)
	}
	for _, step := range []string{"demo: installing", "demo: generating 150 providers", "demo: importing 150 providers", "demo: assessing every provider against cz-msz-2024"} {
		if !strings.Contains(errOut, step) {
			t.Errorf("no progress line %q on stderr:\n%s", step, errOut)
		}
	}
	users := checkDemoAccounts(t, dir, out)
	claimFiles := checkDemoClaims(t, dir, out)
	versions, installs := policyState(t, dir)
	if installs != len(lib.Policies()) {
		t.Errorf("%d policy.install entries in the audit trail, want one per shipped policy (%d)", installs, len(lib.Policies()))
	}

	// Running it again replaces the data: the same counts, no extra providers; the
	// unchanged policies keep their version and get no new entry.
	code, again, errOut := runCmd(t, "demo", "--data-dir", dir, "--providers", "150")
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, errOut)
	}
	if again != out {
		t.Errorf("second run printed something else:\n%s\nfirst:\n%s", again, out)
	}
	if n := providerCount(t, dir); n != 150 {
		t.Errorf("after a second run the database holds %d providers, want 150", n)
	}
	if again := checkDemoClaims(t, dir, again); again != claimFiles {
		t.Errorf("after a second run there are %d claim files, want the %d of the first", again, claimFiles)
	}
	if again := userCount(t, dir); again != users {
		t.Errorf("after a second run there are %d users, want the %d of the first", again, users)
	}
	if v, n := policyState(t, dir); n != installs || !maps.Equal(v, versions) {
		t.Errorf("after a second run: versions %v (were %v), %d install entries (were %d)", v, versions, n, installs)
	}
}

// Running demo again with fewer providers leaves exactly the new population: the
// providers of the larger one are removed, as the operator, in the audit trail. A record
// imported by hand is not demo's to remove.
func TestDemoWithFewerProvidersLeavesExactlyTheNewPopulation(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "demo", "--data-dir", dir, "--providers", "150"); code != 0 {
		t.Fatalf("demo 150: exit %d\n%s", code, errOut)
	}
	file := writeFile(t, "eigen.csv", importHeader+
		"kliniek-a,Kliniek A,12345678,22012345,zbc,orthopedie,Hoofdlocatie,Straat 1,3011 TB,Rotterdam,aanbieder,2025-06-30,ja,,\n")
	if code, _, errOut := runCmd(t, "providers", "import", file, "--data-dir", dir); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	code, out, errOut := runCmd(t, "demo", "--data-dir", dir, "--providers", "60")
	if code != 0 {
		t.Fatalf("demo 60: exit %d\n%s", code, errOut)
	}
	if n := providerCount(t, dir); n != 61 {
		t.Errorf("after demo 150, an import of 1 and demo 60 the database holds %d providers, want 60 + 1", n)
	}
	if !strings.Contains(out, "Removed 90 providers of an earlier, larger demo population.") ||
		!strings.Contains(errOut, "demo: removing 90 providers of an earlier demo population") {
		t.Errorf("demo 60 does not say it removed 90 providers:\nstdout:\n%s\nstderr:\n%s", out, errOut)
	}
	db, err := store.Open(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Provider(context.Background(), "kliniek-a"); err != nil {
		t.Errorf("the provider imported by hand: %v", err)
	}
	var removals []audit.Entry
	err = db.EachAuditEntry(context.Background(), func(e audit.Entry) error {
		if e.Action == provider.ActionDelete {
			removals = append(removals, e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(removals) != 1 || removals[0].UserID != identity.SystemUserID || !strings.Contains(string(removals[0].After), `"deleted":90`) {
		t.Errorf("audit entries of the removal: %+v", removals)
	}
}

// checkDemoClaims checks that demo took a claim file in per insurer and demo provider,
// each printed with its outcomes, so that the claims pages show data, and returns how
// many files are stored.
func checkDemoClaims(t *testing.T, dir, out string) int {
	t.Helper()
	db, err := store.Open(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, total, err := db.(claims.Store).Files(context.Background(), claims.FileFilter{}, claims.Page{Limit: claims.MaxPage})
	if err != nil {
		t.Fatal(err)
	}
	if total < 4 || !strings.Contains(out, "Claim files taken in") {
		t.Fatalf("demo took in %d claim files, want one per insurer and demo provider:\n%s", total, out)
	}
	insurers := map[string]bool{}
	for _, f := range files {
		insurers[f.Insurer] = true
		if !strings.HasPrefix(f.Name, "demo-") || !strings.HasPrefix(f.Invoice, demoIntakeInvoice) || f.Lines != demoIntakeLines {
			t.Errorf("claim file %s: name %q, invoice %q, %d lines", f.ID, f.Name, f.Invoice, f.Lines)
		}
		if !strings.Contains(out, "\n"+f.Name+": file "+f.ID+", 200 lines: approved ") {
			t.Errorf("no line for claim file %s (%s) in:\n%s", f.Name, f.ID, out)
		}
	}
	if len(insurers) < 2 {
		t.Errorf("claim files to %d insurers, want every insurer with a published policy", len(insurers))
	}
	return total
}

// policyState returns the stored version of every policy and the number of policy.install
// entries in the audit trail.
func policyState(t *testing.T, dir string) (map[string]int, int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.PolicyRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]int{}
	for _, r := range recs {
		versions[r.ID] = r.Version
	}
	n := 0
	err = db.EachAuditEntry(ctx, func(e audit.Entry) error {
		if e.Action == policy.ActionInstall {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return versions, n
}

// storedProvider opens the data dir's database and reads provider id from it.
func storedProvider(t *testing.T, dir, id string) *provider.Provider {
	t.Helper()
	db, err := store.Open(context.Background(), dir, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Provider(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func userCount(t *testing.T, dir string) int {
	t.Helper()
	db, err := store.Open(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkDemoAccounts checks that every user in demo's login table logs in with the demo
// password as a user of the organisation printed, that the organisations of the insurers,
// purchasing parties and providers act for the right parties, and returns the number of
// users.
func checkDemoAccounts(t *testing.T, dir, out string) int {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := identity.NewService(db, identity.NoAudit, db, time.Now, identity.Options{})
	kinds := map[identity.OrgKind]int{}
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasSuffix(f[0], ".example") {
			continue
		}
		rows++
		if f[1] != DemoPassword {
			t.Errorf("the table gives password %q for %s", f[1], f[0])
		}
		p, _, _, err := ids.Login(ctx, f[0], DemoPassword)
		if err != nil {
			t.Errorf("%s cannot log in with the demo password: %v", f[0], err)
			continue
		}
		if !strings.Contains(line, p.Org.Name) || !strings.HasSuffix(line, " "+joinRoles(p.User.Roles)) {
			t.Errorf("the line %q does not show %s's organisation %q and roles %v", line, f[0], p.Org.Name, p.User.Roles)
		}
		kinds[p.Kind()]++
		switch p.User.Email {
		case "inkoper@caresq.example":
			if !p.ActsForInsurer("eucare") || !assessment.MayAssess(p, "eucare") || p.ActsForInsurer("cz-groep") {
				t.Errorf("Caresq's buyer should act for Eucare only: %+v", p.Org)
			}
		case "inkoper@cz-groep.example":
			if !assessment.MayAssess(p, "cz-groep") {
				t.Errorf("CZ's buyer may not assess CZ's policies: %+v", p.Org)
			}
		}
		if p.Kind() == identity.Provider {
			if len(p.Org.Providers) != 1 || p.Org.KvK == "" || p.Org.Providers[0] != "kvk-"+p.Org.KvK {
				t.Errorf("provider organisation %+v is not linked to its provider record and KvK", p.Org)
			} else if pr, err := db.Provider(ctx, p.Org.Providers[0]); err != nil || pr.Name != p.Org.Name {
				t.Errorf("provider organisation %s: record %v, %v", p.Org.ID, pr, err)
			}
		}
	}
	if kinds[identity.Operator] != 1 || kinds[identity.Insurer] < 8 || kinds[identity.Purchaser] < 8 || kinds[identity.Provider] < 9 {
		t.Errorf("demo users per kind of organisation: %v", kinds)
	}
	n, err := db.CountUsers(ctx)
	if err != nil || n != rows {
		t.Errorf("%d users in the database, %d in the table (%v)", n, rows, err)
	}
	return n
}

func lineWith(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, s+" ") {
			return l
		}
	}
	return ""
}

func TestDemoRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{{"demo", "--providers", "0"}, {"demo", "extra"}, {"demo", "--providers", "veel"}, {"demo", "--claim-lines", "-1"}} {
		dir := t.TempDir()
		code, _, errOut := runCmd(t, append(args, "--data-dir", dir)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%v wrote %d files into the data dir", args, len(entries))
		}
	}
}

const importHeader = "id,name,kvk,agb,care_types,specialisms,location_name,street,postcode,city,facts_source,facts_date,zkn_lid,omzet_verzekeraar@eucare,evidence:zkn_lid\n"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProvidersImportStoresAGoodFile(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "aanbieders.csv", importHeader+
		"kliniek-a,Kliniek A,12345678,22012345,zbc,orthopedie,Hoofdlocatie,Straat 1,3011 TB,Rotterdam,aanbieder,2025-06-30,ja,\"80.000,00\",zkn.pdf\n"+
		"kliniek-a,,,,,,Tweede locatie,Straat 2,3012 AB,Rotterdam,,,,,\n"+
		"praktijk-b,Praktijk B,12345679,01012345:praktijk,huisarts,,Praktijk,Straat 3,1011 AB,Amsterdam,,,,,\n")
	code, out, errOut := runCmd(t, "providers", "import", file, "--data-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "imported 2 providers (3 locations, 2 facts)") {
		t.Errorf("output = %q", out)
	}
	p := storedProvider(t, dir, "kliniek-a")
	if len(p.Locations) != 2 || len(p.Facts) != 2 {
		t.Fatalf("stored provider = %+v", p)
	}
	for _, f := range p.Facts {
		if f.Key == "omzet_verzekeraar" && (f.Value != "8000000" || f.Insurer != "eucare") {
			t.Errorf("omzet stored as %+v, want 8000000 cents for eucare", f)
		}
	}
}

// A semicolon-separated CSV with a byte-order mark and decimal commas, as a Dutch
// spreadsheet saves it, imports like a comma-separated one.
func TestProvidersImportReadsADutchSpreadsheetsCSV(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "excel.csv", "\ufeff"+strings.ReplaceAll(strings.TrimSuffix(importHeader, "\n"), ",", ";")+"\r\n"+
		"kliniek-a;Kliniek A;12345678;22012345;zbc;orthopedie;Hoofdlocatie;Straat 1;3011 TB;Rotterdam;verzekeraar;2025-06-30;ja;80.000,50;zkn.pdf\r\n")
	code, out, errOut := runCmd(t, "providers", "import", file, "--data-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "imported 1 provider") {
		t.Errorf("output = %q", out)
	}
	p := storedProvider(t, dir, "kliniek-a")
	for _, f := range p.Facts {
		if f.Key == "omzet_verzekeraar" && f.Value != "8000050" {
			t.Errorf("omzet stored as %+v, want 8000050 cents", f)
		}
	}
	if len(p.Facts) != 2 {
		t.Errorf("facts = %+v", p.Facts)
	}
}

// A file with one bad row is refused as a whole: every error is printed with its line and
// field, the exit code is 2 and the database gets nothing.
func TestProvidersImportIsAllOrNothing(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"a bad KvK number and a bad fact value in a CSV", "bad.csv", importHeader +
			"kliniek-a,Kliniek A,12345678,22012345,zbc,,Hoofdlocatie,Straat 1,3011 TB,Rotterdam,aanbieder,2025-06-30,ja,1000,zkn.pdf\n" +
			"kliniek-b,Kliniek B,1234,22012346,zbc,,Hoofdlocatie,Straat 1,3011 TB,Rotterdam,aanbieder,2025-06-30,misschien,1000,\n",
			[]string{"bad.csv:3: provider kliniek-b: kvk:", `bad.csv:3: provider kliniek-b: column "zkn_lid": fact zkn_lid: "misschien" is not`}},
		{"a semicolon CSV from a Dutch spreadsheet with a bad amount", "excel.csv", "\ufeff" + strings.ReplaceAll(importHeader, ",", ";") +
			"kliniek-a;Kliniek A;12345678;22012345;zbc;;Hoofdlocatie;Straat 1;3011 TB;Rotterdam;aanbieder;2025-06-30;ja;80.000,50;zkn.pdf\n" +
			"kliniek-b;Kliniek B;12345679;22012346;zbc;;Hoofdlocatie;Straat 1;3011 TB;Rotterdam;aanbieder;2025-06-30;nee;veel;\n",
			[]string{`excel.csv:3: provider kliniek-b: column "omzet_verzekeraar@eucare": `}},
		{"an unknown column in a CSV", "kolom.csv", "id,name,kvk,agb,care_types,kleur\nkliniek-a,Kliniek A,12345678,22012345,zbc,blauw\n",
			[]string{"kolom.csv:1: column kleur: unknown column"}},
		{"malformed JSON", "stuk.json", "{\"providers\": [\n{\"id\": \"a\",\n\"name\" \"A\"}\n]}",
			[]string{"stuk.json:3: malformed JSON"}},
		{"an unknown care type in JSON", "zorgsoort.json", `{"providers": [
  {"id": "a", "name": "A", "kvk": "12345678", "agb_codes": [{"code": "22012345", "kind": "instelling"}], "care_types": ["zbc"]},
  {"id": "b", "name": "B", "kvk": "12345679", "agb_codes": [{"code": "22012346", "kind": "instelling"}], "care_types": ["tandarts"]}
]}`, []string{"zorgsoort.json:3: provider b: care_types[0]: unknown care type \"tandarts\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if code, _, errOut := runCmd(t, "demo", "--data-dir", dir, "--providers", "20"); code != 0 {
				t.Fatalf("demo: %s", errOut)
			}
			code, out, errOut := runCmd(t, "providers", "import", writeFile(t, tt.file, tt.content), "--data-dir", dir)
			if code != 2 {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if n := providerCount(t, dir); n != 20 {
				t.Errorf("database holds %d providers after a refused import, want the 20 it had", n)
			}
		})
	}
}

func TestProvidersImportUsage(t *testing.T) {
	tests := []struct{ name, arg string }{
		{"a file of unknown format", "aanbieders.txt"},
		{"no file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"providers", "import", "--data-dir", t.TempDir()}
			if tt.arg != "" {
				args = append(args, writeFile(t, tt.arg, "x"))
			}
			if code, _, errOut := runCmd(t, args...); code != 2 {
				t.Errorf("exit %d, want 2 (%s)", code, errOut)
			}
		})
	}
}

// A provider file's part choices and contracts are checked against the policy files before
// the database is opened, and stored when the policy is in force there.
func TestProvidersImportStoresPartsAndContracts(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCmd(t, "demo", "--providers", "5", "--data-dir", dir); code != 0 { // installs the policies
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	header := "id,name,kvk,agb,care_types,location_name,street,postcode,city,parts_requested,parts_offered,contracts\n"
	bad := writeFile(t, "fout.csv", header+
		"ziekenhuis-a,Ziekenhuis A,12345678,06012345,ziekenhuis,Hoofdlocatie,Straat 1,3011 TB,Rotterdam,zz-msz-2024:bestaat-niet,,\n")
	code, _, errOut := runCmd(t, "providers", "import", bad, "--data-dir", dir)
	if code != 2 || !strings.Contains(errOut, `fout.csv:2: provider ziekenhuis-a: column parts_requested, item 1: part: policy "zz-msz-2024" has no part "bestaat-niet"`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	good := writeFile(t, "goed.csv", header+
		"ziekenhuis-a,Ziekenhuis A,12345678,06012345,ziekenhuis,Hoofdlocatie,Straat 1,3011 TB,Rotterdam,zz-msz-2024:nieuw-add-on-geneesmiddel,zz-msz-2024:zorgverschuiving,zorg-en-zekerheid:zz-msz-2023:2023-2024\n")
	if code, _, errOut := runCmd(t, "providers", "import", good, "--data-dir", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	db, err := store.Open(context.Background(), dir, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Provider(context.Background(), "ziekenhuis-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Parts) != 2 || p.Parts[1].By != "verzekeraar" || p.Parts[1].Insurer != "zorg-en-zekerheid" || p.ContractFor("zorg-en-zekerheid", 2024) == nil {
		t.Errorf("stored parts %+v and contracts %+v", p.Parts, p.Contracts)
	}
}
