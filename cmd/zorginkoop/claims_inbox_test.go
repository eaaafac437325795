package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims/inbox"
)

// serve --claims-inbox DIR takes the files in DIR through the claims service: on an empty
// platform the sender is unknown, so the file lands in geweigerd/ with the reason.
func TestServeTakesClaimFilesFromTheInbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server and waits for two polls")
	}
	dataDir, box := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(box, "linde.asc"), apptest.ClaimFileAX(t, "SERVE-1"), 0o640); err != nil {
		t.Fatal(err)
	}
	startServer(t, map[string]string{"ZORGINKOOP_DATA_DIR": dataDir, "ZORGINKOOP_CLAIMS_INBOX": box}, dataDir)
	errFile := filepath.Join(box, inbox.Refused, "linde.asc"+inbox.ErrorSuffix)
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(errFile)
		if err == nil {
			if !strings.Contains(string(b), "01012345") {
				t.Errorf("the error does not name the unknown sender's AGB code:\n%s", b)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the file was not taken from the inbox: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestServeRefusesAMissingInbox(t *testing.T) {
	code, _, errOut := cli(t, map[string]string{"ZORGINKOOP_DATA_DIR": t.TempDir()}, "serve", "--claims-inbox", filepath.Join(t.TempDir(), "bestaat-niet"))
	if code != 2 || !strings.Contains(errOut, "--claims-inbox") {
		t.Errorf("serve --claims-inbox (missing): exit %d, stderr %q", code, errOut)
	}
}
