package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs the command in-process and returns exit code, stdout and stderr.
func cli(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

func TestPolicyListPrintsIDFirst(t *testing.T) {
	code, out, errOut := cli(t, nil, "policy", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, id := range []string{"caresq-zbc-2026", "zz-msz-2023", "zz-msz-2024", "asr-msz-2025", "cz-msz-2024", "cz-hz-mdz-2022"} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, id+"\t") {
				found = true
			}
		}
		if !found {
			t.Errorf("policy list has no line starting with %s:\n%s", id, out)
		}
	}
}

func TestPolicyValidateReportsFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "kapot.yaml")
	os.WriteFile(bad, []byte("id: kapot\ntitle: Kapot\ninsurer: asr\nsector: msz\ncontract_years: [2025]\npublished: 2024-03-31\nsource: {file: x}\nrequirements:\n  - id: r1\n    kind: knockout\n    title: T\n    text: T\n    source: x\n    rule: omzet_verzekeraar >= 'veel'\nbase: {id: basis, title: B, source: x}\n"), 0o644)
	code, _, errOut := cli(t, nil, "policy", "validate", bad)
	if code != 2 {
		t.Fatalf("exit %d, want 2 for invalid input", code)
	}
	if !strings.Contains(errOut, bad+":14: requirements[0].rule: the rule does not compile") {
		t.Errorf("stderr does not name file, line and field:\n%s", errOut)
	}
}

func TestPolicyValidateAcceptsShippedFiles(t *testing.T) {
	files, _ := filepath.Glob("../../policies/*.yaml")
	code, out, errOut := cli(t, nil, append([]string{"policy", "validate"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	if got := strings.Count(out, "ok: "); got != len(files)-1 { // all but registry.yaml
		t.Errorf("%d files validated, want %d:\n%s", got, len(files)-1, out)
	}
}

func TestPolicyDiffShowsZBCRevenueChange(t *testing.T) {
	code, out, errOut := cli(t, nil, "policy", "diff", "zz-msz-2023", "zz-msz-2024")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "€ 50.000,00") || !strings.Contains(out, "€ 100.000,00") {
		t.Errorf("diff does not show the ZBC revenue threshold moving from € 50.000 to € 100.000:\n%s", out)
	}
}

func TestUnknownCommandAndFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"policy", "show"}, "usage: zorginkoop policy show ID"},
		{[]string{"policy", "show", "bestaat-niet"}, `unknown policy "bestaat-niet"; known: asr-msz-2025, caresq-zbc-2026, `},
		{[]string{"policy", "diff", "zz-msz-2023", "bestaat-niet"}, `unknown policy "bestaat-niet"; known: asr-msz-2025, caresq-zbc-2026, `},
		{[]string{"assess", "--policy", "bestaat-niet", "--facts", "aanbieders.json"}, `unknown policy "bestaat-niet"; known: asr-msz-2025, caresq-zbc-2026, `},
		{[]string{"assess", "--policy", "asr-msz-2025", "--facts", "aanbieders.json", "--save"}, "--save stores a run of the database's providers"},
		{[]string{"assess"}, "--policy is required"},
		{[]string{"assess", "--policy", "asr-msz-2025", "--limit", "-1"}, "--limit must be 0 or more"},
		{[]string{"policy", "list", "--log-level", "luid"}, `--log-level "luid"`},
		{[]string{"assess", "--policy", "asr-msz-2025", "--provider", "p\xff"}, "argument 4: is not valid UTF-8 text"},
	}
	for _, tc := range cases {
		code, _, errOut := cli(t, nil, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// Flag help reads well in Go's flag output: a backquoted word in a flag's usage is its
// placeholder, so none may quote a command (`zorginkoop policy list` made "-policy
// zorginkoop policy list").
func TestFlagHelpNamesPlaceholders(t *testing.T) {
	for _, args := range [][]string{{"assess"}, {"demo"}, {"serve"}, {"policy", "list"}, {"providers", "import"},
		{"users", "add"}, {"users", "org-add"}, {"users", "bootstrap"}, {"users", "cert"}, {"audit", "list"}, {"audit", "verify"}} {
		code, _, errOut := cli(t, nil, append(args, "--help")...)
		if code != 0 {
			t.Errorf("%v --help: exit %d", args, code)
		}
		if strings.Contains(errOut, " zorginkoop ") && !strings.Contains(errOut, "Usage of zorginkoop") || strings.Contains(errOut, "-policy zorginkoop") {
			t.Errorf("%v --help quotes a command as a placeholder:\n%s", args, errOut)
		}
	}
	_, _, help := cli(t, nil, "assess", "--help")
	for _, want := range []string{"Usage of zorginkoop assess", "-policy id\n", "-limit n\n", "0 prints all (default 50)", "-save\n", "-data-dir dir\n"} {
		if !strings.Contains(help, want) {
			t.Errorf("assess --help lacks %q:\n%s", want, help)
		}
	}
}

// Global flags may come before the command, as the usage text says.
func TestGlobalFlagsBeforeTheCommand(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{[]string{"--data-dir", "d", "demo", "--providers", "5"}, []string{"demo", "--providers", "5", "--data-dir", "d"}},
		{[]string{"--log-level=debug", "-db", "postgres://x", "assess", "--policy", "p"}, []string{"assess", "--policy", "p", "--log-level=debug", "-db", "postgres://x"}},
		{[]string{"policy", "list", "--data-dir", "d"}, []string{"policy", "list", "--data-dir", "d"}},
		{[]string{"--keep-runs", "3", "assess", "--policy", "p"}, []string{"assess", "--policy", "p", "--keep-runs", "3"}},
		{[]string{"--providers", "5", "demo"}, []string{"--providers", "5", "demo"}}, // not global: left for the usage error
	}
	for _, tt := range tests {
		if got := globalFlagsLast(tt.in); strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("globalFlagsLast(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	dir := t.TempDir()
	code, out, errOut := cli(t, nil, "--data-dir", dir, "demo", "--providers", "20")
	if code != 0 || !strings.Contains(out, "20 demo providers") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "zorginkoop.db")); err != nil {
		t.Errorf("the database is not in --data-dir: %v", err)
	}
}
