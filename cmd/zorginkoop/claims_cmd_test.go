package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
)

// claimsEnv is a database with the demo and the claims demo data of one insurer, on
// SQLite (a data directory) or PostgreSQL, and the directory of its ZH308 files.
type claimsEnv struct {
	env   map[string]string
	args  []string // --data-dir for SQLite
	files string
}

const claimsDemoInsurer = "zorg-en-zekerheid"

func newClaimsEnv(t *testing.T, engine string, lines int) *claimsEnv {
	t.Helper()
	e := &claimsEnv{env: map[string]string{"USER": "tester"}, files: t.TempDir()}
	if engine == "postgres" {
		e.env["ZORGINKOOP_DB"] = pgtest.DSN(t)
	} else {
		e.args = []string{"--data-dir", t.TempDir()}
	}
	mustCLI(t, e.env, append([]string{"demo", "--providers", "40", "--claim-lines", "0"}, e.args...)...) // no claim files of its own
	mustCLI(t, e.env, append([]string{"demo", "claims", "--out", e.files, "--lines", strconv.Itoa(lines), "--insurer", claimsDemoInsurer}, e.args...)...)
	return e
}

func (e *claimsEnv) open(t *testing.T) (store.DB, claims.Store) {
	t.Helper()
	dir := ""
	if len(e.args) > 0 {
		dir = e.args[1]
	}
	db, err := store.Open(context.Background(), dir, e.env["ZORGINKOOP_DB"], nil)
	if err != nil {
		t.Fatal(err)
	}
	return db, db.(claims.Store)
}

// counts returns the stored files and lines.
func (e *claimsEnv) counts(t *testing.T) (files, lines int) {
	t.Helper()
	db, cs := e.open(t)
	defer db.Close()
	ctx := context.Background()
	_, files, err := cs.Files(ctx, claims.FileFilter{}, claims.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, lines, err = cs.Lines(ctx, claims.LineFilter{}, claims.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return files, lines
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// zorginkoopBinary builds the command once per test run.
func zorginkoopBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zorginkoop-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "zorginkoop")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("build zorginkoop: %v", binErr)
	}
	return binPath
}

// Killing the process (SIGKILL) in the middle of a file's intake, after some batches of
// lines are written inside the intake's transaction, stores nothing; sending the file
// again stores every line exactly once, with the file's totals; a third time is refused
// as a duplicate. On SQLite and on PostgreSQL.
func TestClaimsIntakeKilledMidFileStoresEveryLineOnceWhenSentAgain(t *testing.T) {
	bin := zorginkoopBinary(t)
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			const lines = 12_000 // 3 batches of claims.DefaultBatchLines (5000)
			e := newClaimsEnv(t, engine, lines)
			file := filepath.Join(e.files, claimsDemoInsurer+"-1.zh308")

			// Intake in a process of its own, paused for good inside the transaction
			// after about 6000 lines (one batch stored, the next being read).
			cmd := exec.Command(bin, append([]string{"claims", "intake", file}, e.args...)...)
			cmd.Env = append(os.Environ(), intakePauseEnv+"=9000000")
			for k, v := range e.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			paused := make(chan string, 1)
			go func() {
				var seen strings.Builder
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					seen.WriteString(sc.Text() + "\n")
					if sc.Text() == "intake paused" {
						paused <- ""
						return
					}
				}
				paused <- seen.String()
			}()
			select {
			case out := <-paused:
				if out != "" {
					cmd.Wait()
					t.Fatalf("the intake ended without pausing:\n%s", out)
				}
			case <-time.After(3 * time.Minute):
				cmd.Process.Kill()
				t.Fatal("the intake did not pause")
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the intake was not killed: %v", err)
			}
			if files, stored := e.counts(t); files != 0 || stored != 0 {
				t.Fatalf("after kill -9: %d files and %d lines stored, want none", files, stored)
			}

			// Sent again: every line once.
			out := mustCLI(t, e.env, append([]string{"claims", "intake", file}, e.args...)...)
			if !strings.Contains(out, "12000 lines") {
				t.Fatalf("intake output: %s", out)
			}
			db, cs := e.open(t)
			defer db.Close()
			ctx := context.Background()
			fs, n, err := cs.Files(ctx, claims.FileFilter{}, claims.Page{Limit: 10})
			if err != nil || n != 1 {
				t.Fatalf("%d files stored (%v), want 1", n, err)
			}
			f := fs[0]
			_, all, err := cs.Lines(ctx, claims.LineFilter{}, claims.Page{Limit: 1})
			if err != nil || all != lines || f.Lines != lines {
				t.Fatalf("%d lines stored, file says %d, want %d (%v)", all, f.Lines, lines, err)
			}
			seen := make([]bool, lines+1)
			var claimed int64
			counted := 0
			err = cs.EachLine(ctx, f.ID, func(l *claims.Line) error {
				if l.No < 1 || l.No > lines || seen[l.No] {
					t.Fatalf("line number %d twice or out of range", l.No)
				}
				seen[l.No] = true
				claimed += l.ClaimedCents
				counted++
				return nil
			})
			if err != nil || counted != lines {
				t.Fatalf("%d lines read back (%v)", counted, err)
			}
			total := 0
			for _, o := range claims.Outcomes {
				total += f.Counts[o]
			}
			if want := closingTotal(t, file); claimed != want || f.ClaimedCents != want || total != lines {
				t.Fatalf("claimed: lines %d, file %d, closing record %d; outcome counts add up to %d", claimed, f.ClaimedCents, want, total)
			}

			// A third time: a duplicate, refused, nothing added.
			code, _, errOut := cli(t, e.env, append([]string{"claims", "intake", file}, e.args...)...)
			if code == 0 || !strings.Contains(errOut, f.ID) {
				t.Fatalf("sent a third time: exit %d: %s", code, errOut)
			}
			if _, all, _ := cs.Lines(ctx, claims.LineFilter{}, claims.Page{Limit: 1}); all != lines {
				t.Fatalf("after the duplicate: %d lines", all)
			}
		})
	}
}

// closingTotal is the signed TOTAAL DECLARATIEBEDRAG of a file's closing record.
func closingTotal(t *testing.T, name string) int64 {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimRight(b, "\r\n")
	last := b[bytes.LastIndexByte(b, '\n')+1:]
	f, err := vektis.Parse(bytes.NewReader(b), vektis.ZH308v90(), vektis.Options{MaxBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	cl := f.Closing()
	if cl.Raw() != string(last) {
		t.Fatal("closing record is not the last line")
	}
	n, _ := strconv.ParseInt(cl.Field("TOTAAL DECLARATIEBEDRAG"), 10, 64)
	if cl.Field("INDICATIE DEBET/CREDIT") == "C" {
		n = -n
	}
	return n
}

// The claims commands: intake prints each file's counts per outcome; a structural error
// refuses the file with line, position and field, and the next file is still received;
// the imports refuse a file with problems, naming them.
func TestClaimsCommands(t *testing.T) {
	e := newClaimsEnv(t, "sqlite", 200)
	good := filepath.Join(e.files, claimsDemoInsurer+"-2.zh308")
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "kapot.zh308")
	if err := os.WriteFile(bad, b[:len(b)-700], 0o644); err != nil { // the closing record cut off
		t.Fatal(err)
	}
	code, out, errOut := cli(t, e.env, append([]string{"claims", "intake", bad, good}, e.args...)...)
	if code == 0 || !strings.Contains(errOut, "kapot.zh308") || !strings.Contains(errOut, "line") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, good+": file clf-") || !strings.Contains(out, "200 lines: approved ") {
		t.Fatalf("the good file after the bad one: %s", out)
	}
	if files, lines := e.counts(t); files != 1 || lines != 200 {
		t.Fatalf("%d files, %d lines stored", files, lines)
	}
	csv := writeFile(t, "verzekerden.csv", "polisnummer;bsn;label;polissoort;begindatum;einddatum;aanvullend\nX1;123456789;onbekend;natura;2026-01-01;;\n")
	code, _, errOut = cli(t, e.env, append([]string{"claims", "insured", "--insurer", claimsDemoInsurer, csv}, e.args...)...)
	if code != 2 || !strings.Contains(errOut, "verzekerden.csv") {
		t.Fatalf("bad insured CSV: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{{"claims"}, {"claims", "intake"}, {"claims", "contracts", "x.xlsx"}, {"claims", "insured", "--insurer", "nobody", csv}} {
		if code, _, _ := cli(t, e.env, append(args, e.args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
