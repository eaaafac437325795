package inbox_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/inbox"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The watched folder over the real claims service, on both engines: a file is received
// as the system through the folder channel, the same file again is refused as a
// duplicate, and a broken file is refused naming its line, position and field, with
// nothing stored of it.
func TestTheFolderTakesFilesThroughTheClaimsService(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			env := apptest.Open(t, engine)
			dir := t.TempDir()
			w := &inbox.Watcher{Dir: dir, Intake: inbox.FromService(env.Claims)}
			good := apptest.ClaimFileAX(t, "MAP-1")
			broken := bytes.Replace(apptest.ClaimFileAX(t, "MAP-2"), []byte("\r\n99"), []byte("\r\n98"), 1)
			write(t, dir, "goed.asc", good)
			write(t, dir, "kapot.asc", broken)
			scanTwice(t, w)
			if _, err := os.Stat(filepath.Join(dir, inbox.Done, "goed.asc")); err != nil {
				t.Fatalf("the good file is not in verwerkt/: %v", err)
			}
			files, total, err := env.Claims.Files(context.Background(), identity.System(), claims.FileFilter{ProviderID: apptest.ProviderX}, claims.Page{})
			if err != nil || total != 1 || files[0].Channel != claims.ViaFolder || files[0].Invoice != "MAP-1" {
				t.Fatalf("stored files: %d %+v %v", total, files, err)
			}
			msg := readFile(t, filepath.Join(dir, inbox.Refused, "kapot.asc"+inbox.ErrorSuffix))
			for _, s := range []string{"line:", "position:", "error:"} {
				if !strings.Contains(msg, s) {
					t.Errorf("the error of the broken file lacks %q:\n%s", s, msg)
				}
			}
			// Sent again (a restart re-scans the folder): a duplicate, refused with the reason.
			write(t, dir, "goed-opnieuw.asc", good)
			scanTwice(t, &inbox.Watcher{Dir: dir, Intake: inbox.FromService(env.Claims)})
			msg = readFile(t, filepath.Join(dir, inbox.Refused, "goed-opnieuw.asc"+inbox.ErrorSuffix))
			if !strings.Contains(msg, "already received") {
				t.Errorf("the duplicate's error does not say so:\n%s", msg)
			}
			if _, total, _ := env.Claims.Files(context.Background(), identity.System(), claims.FileFilter{ProviderID: apptest.ProviderX}, claims.Page{}); total != 1 {
				t.Errorf("%d files stored, want 1", total)
			}
		})
	}
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o640); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func scanTwice(t *testing.T, w *inbox.Watcher) {
	t.Helper()
	for range 2 {
		if _, err := w.Scan(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
