package contract_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/policies"
)

// Kill -9 in the middle of signing: a child process (this test binary, re-executed) signs
// contracts as fast as it can and is killed with SIGKILL at a random moment, several
// times over one database. After each kill every signature is either complete (its row,
// its audit entry and the contract's status) or absent, and the audit trail verifies.

const (
	killDirEnv = "ZORGINKOOP_KILL_DIR" // the child's SQLite data directory
	killDSNEnv = "ZORGINKOOP_KILL_DSN" // or its PostgreSQL DSN
	killRunEnv = "ZORGINKOOP_KILL_RUN" // distinguishes the dossiers of each child
)

func TestKilledSigningLeavesACompleteSignatureOrNone(t *testing.T) {
	if os.Getenv(killDirEnv) != "" || os.Getenv(killDSNEnv) != "" {
		t.Skip("in the child")
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir, dsn, env := "", "", ""
			if engine == "sqlite" {
				dir, env = t.TempDir(), killDirEnv+"="
			} else {
				dsn, env = pgtest.DSN(t), killDSNEnv+"="
			}
			openDB(t, dir, dsn).Close() // migrate before the first child
			total := 0
			for run := range 4 {
				killChild(t, env+dir+dsn, run)
				total += checkConsistent(t, dir, dsn)
			}
			if total == 0 {
				t.Fatal("no signature was made before the kills")
			}
			t.Logf("%d signatures complete after 4 kills", total)
		})
	}
}

func openDB(t *testing.T, dir, dsn string) store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dir, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// killChild starts the signing child, waits until it has signed once, lets it run a
// random while more and kills it with SIGKILL.
func killChild(t *testing.T, dbEnv string, run int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChildSigns$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), dbEnv, fmt.Sprintf("%s=%d", killRunEnv, run))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool)
	go func() {
		sc := bufio.NewScanner(out)
		signaled := false
		for sc.Scan() {
			if !signaled && strings.Contains(sc.Text(), "signing") {
				signaled = true
				ready <- true
			}
		}
		if !signaled {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			_ = cmd.Wait()
			t.Fatal("the child ended before signing")
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the child did not start signing")
	}
	time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// checkConsistent checks every contract against its signatures and the audit trail and
// returns the number of signatures.
func checkConsistent(t *testing.T, dir, dsn string) int {
	t.Helper()
	ctx := context.Background()
	db := openDB(t, dir, dsn)
	defer db.Close()
	entries, err := db.AuditEntries(ctx, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	signEntries := map[string]int{} // contract/side → entries
	for _, e := range entries {
		if e.Action != contract.ActionSign || e.Denied {
			continue
		}
		var after struct{ Side string }
		if err := json.Unmarshal(e.After, &after); err != nil {
			t.Fatal(err)
		}
		signEntries[strings.TrimPrefix(e.Subject, "contract:")+"/"+after.Side]++
	}
	sigs := 0
	want := map[int]contract.Status{0: contract.AwaitingSignatures, 1: contract.ProviderSigned, 2: contract.Signed}
	for _, st := range []contract.Status{contract.AwaitingSignatures, contract.ProviderSigned, contract.Signed} {
		list, err := db.ContractsWithStatus(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		for _, brief := range list {
			c, err := db.Contract(ctx, brief.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want[len(c.Signatures)] != c.Status {
				t.Errorf("contract %s: status %s with %d signatures", c.ID, c.Status, len(c.Signatures))
			}
			for _, s := range c.Signatures {
				key := c.ID + "/" + string(s.Side)
				if signEntries[key] != 1 {
					t.Errorf("signature %s has %d audit entries", key, signEntries[key])
				}
				delete(signEntries, key)
				sigs++
			}
		}
	}
	for key := range signEntries {
		t.Errorf("audit entry of signature %s without its signature", key)
	}
	rep, err := audit.NewLog(db, time.Now).Verify(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("audit trail after the kill: %v %+v", err, rep.Problems)
	}
	return sigs
}

// TestKillChildSigns is the child: it signs contracts until it is killed.
func TestKillChildSigns(t *testing.T) {
	dir, dsn := os.Getenv(killDirEnv), os.Getenv(killDSNEnv)
	if dir == "" && dsn == "" {
		t.Skip("run by TestKilledSigningLeavesACompleteSignatureOrNone")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dir, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	run := os.Getenv(killRunEnv)
	svc := contract.NewService(db, lib, fixedProvider{}, audit.NewLog(db, time.Now), db, time.Now, contract.Lookups{
		Dossier: func(_ context.Context, id string) (contract.Dossier, error) {
			return contract.Dossier{ID: id, RoundID: policyID + "-2022", PolicyID: policyID, Year: 2022, Insurer: insurer,
				ProviderID: providerID, Parts: []string{basePart}, Stage: contract.StageAgreed}, nil
		},
		PriceList: func(context.Context, string, string) ([]contract.PriceLine, error) {
			return []contract.PriceLine{{Code: "13001", Description: "Inschrijving", TariffCents: 1234, Volume: 100}}, nil
		},
		Deadline: func(context.Context, string, string) (contract.Deadline, bool, error) {
			return contract.Deadline{}, false, nil
		},
	})
	for i := 0; i < 100000; i++ {
		c, err := svc.Generate(ctx, buyer, fmt.Sprintf("dos-kill-%s-%06d", run, i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Sign(ctx, signatory, c.ID, c.DocumentSHA256); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			fmt.Println("signing") // the parent kills from now on
		}
		if _, err := svc.Sign(ctx, manager, c.ID, c.DocumentSHA256); err != nil {
			t.Fatal(err)
		}
	}
}

type fixedProvider struct{}

func (fixedProvider) Provider(context.Context, string) (*provider.Provider, error) {
	return &provider.Provider{ID: providerID, Name: "Huisartsenpraktijk De Linde", KvK: "12345678",
		AGBCodes: []provider.AGBCode{{Code: "01012345", Kind: provider.AGBPractice}}}, nil
}
