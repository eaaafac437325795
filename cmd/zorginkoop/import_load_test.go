package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zorginkoop/internal/demo"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/sqlite"
	"zorginkoop/policies"
)

// Defect 7 of the hardening issue: on SQLite an import held the one writer for all of its
// rows, so logins waited for it, and a CLI import beside a running server made the
// server's writes fail with SQLITE_BUSY (500) after the busy timeout.

// demoProviders returns n demo providers in the form a file or an API body gives them,
// without part choices: the servers of these tests hold no policies, and a part choice
// names a part of a policy in force.
func demoProviders(t *testing.T, n int) []provider.Provider {
	t.Helper()
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	ps := provider.FileForm(lib.Facts, demo.Generate(lib, n, 1))
	for i := range ps {
		ps[i].Parts = nil
	}
	return ps
}

// operatorToken bootstraps the platform operator in env's data directory and returns an
// API token of theirs.
func operatorToken(t *testing.T, a *app, db store.DB, env map[string]string) string {
	t.Helper()
	mustCLI(t, env, "users", "bootstrap", "--email", "beheer@platform.example", "--name", "Platformbeheer", "--password-file", writeFile(t, "pw", cliPassword))
	ctx := context.Background()
	u, err := db.UserByEmail(ctx, "beheer@platform.example")
	if err != nil {
		t.Fatal(err)
	}
	p, err := mustIdentity(t, a, db).Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	token, err := mustIdentity(t, a, db).CreateAPIToken(ctx, p, "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// post sends a JSON body with the bearer token and returns the status and body.
func post(base, path, token string, body []byte) (int, string, error) {
	req, err := http.NewRequest("POST", base+path, strings.NewReader(string(body)))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// login logs in with the web form and out again, and returns the statuses of the
// requests that write (the login and the logout).
func login(base, email string) ([]int, error) {
	do := func(method, path string, form url.Values, cookies ...*http.Cookie) (*http.Response, string, error) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(form.Encode()))
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp, err := noRedirects.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), nil
	}
	resp, page, err := do("GET", "/inloggen", nil)
	if err != nil {
		return nil, err
	}
	pre, m := cookie(resp, httpauth.CSRFCookie), csrfField.FindStringSubmatch(page)
	if pre == nil || m == nil {
		return []int{resp.StatusCode}, fmt.Errorf("login page %d without a CSRF token", resp.StatusCode)
	}
	resp, _, err = do("POST", "/inloggen", url.Values{"csrf": {m[1]}, "email": {email}, "wachtwoord": {cliPassword}}, pre)
	if err != nil {
		return nil, err
	}
	statuses := []int{resp.StatusCode}
	session := cookie(resp, httpauth.SessionCookie)
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		return statuses, fmt.Errorf("login: %d without a session", resp.StatusCode)
	}
	resp, page, err = do("GET", "/account", nil, session)
	if err != nil {
		return statuses, err
	}
	if m = csrfField.FindStringSubmatch(page); m == nil {
		return statuses, fmt.Errorf("account page %d without a form", resp.StatusCode)
	}
	resp, _, err = do("POST", "/uitloggen", url.Values{"csrf": {m[1]}}, session)
	if err != nil {
		return statuses, err
	}
	return append(statuses, resp.StatusCode), nil
}

// hookedStore calls progress with every import's progress.
type hookedStore struct {
	store.DB
	progress func(done int)
}

func (h hookedStore) StageProviders(ctx context.Context, ps []provider.Provider, _ func(int)) (provider.StagedImport, error) {
	return h.DB.StageProviders(ctx, ps, h.progress)
}

func (h hookedStore) ReplaceProviders(ctx context.Context, ps []provider.Provider, _ func(int)) error {
	return h.DB.ReplaceProviders(ctx, ps, h.progress)
}

// A login in the middle of an API import completes while the import waits for it: the
// import does not hold the database's one writer from its first row to its last. (It did:
// the login then waited for the import, which waited for the login.)
func TestALoginCompletesWhileAnAPIImportIsRunning(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{"ZORGINKOOP_DATA_DIR": dir, "USER": "tester"}
	a := testApp(dir)
	db, err := store.Open(ctx, dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	token := operatorToken(t, a, db, env)

	loggedIn := make(chan error, 1)
	var once sync.Once
	var srv *httptest.Server
	hooked := hookedStore{DB: db, progress: func(int) {
		once.Do(func() {
			// The first chunk is staged; the import goes on when the login is done.
			go func() {
				_, err := login(srv.URL, "beheer@platform.example")
				loggedIn <- err
			}()
			select {
			case err := <-loggedIn:
				loggedIn <- err
			case <-time.After(2 * time.Minute): // a guard against the deadlock, not a measure
				loggedIn <- errors.New("the login waited for the import, and the import for the login")
			}
		})
	}}
	handler, _, err := a.appHandler(ctx, hooked, appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(handler)
	defer srv.Close()

	ps := demoProviders(t, 1000) // four staging chunks
	body, _ := json.Marshal(map[string]any{"providers": ps})
	status, out, err := post(srv.URL, "/api/providers", token, body)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("import: %d %v %.300s", status, err, out)
	}
	select {
	case err := <-loggedIn:
		if err != nil {
			t.Errorf("login during the import: %v", err)
		}
	default:
		t.Fatal("the import never reported progress")
	}
	if n := providerCount(t, dir); n != len(ps) {
		t.Errorf("%d providers stored, want %d", n, len(ps))
	}
}

// startServer runs `zorginkoop serve` on a free port of 127.0.0.1 until the test ends and
// returns its URL, read from the data directory's lock file.
func startServer(t *testing.T, env map[string]string, dir string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, io.Discard, io.Discard, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d", code)
		}
	})
	for range 3000 {
		b, _ := os.ReadFile(filepath.Join(dir, sqlite.LockFileName))
		if _, u, ok := strings.Cut(strings.TrimSpace(string(b)), ", http://"); ok {
			return "http://" + u
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before listening", code)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("serve did not write its address into the lock file")
	return ""
}

// load sends writes to the server from a few clients (API tokens, and logins with
// logouts) until stop is closed or each client has sent its share, and returns every
// failed request: a 5xx or no answer.
func load(base, token, email string, stop <-chan struct{}, sent *atomic.Int64) func() []string {
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
	)
	fail := func(s string) {
		mu.Lock()
		failed = append(failed, s)
		mu.Unlock()
	}
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 150 {
				select {
				case <-stop:
					return
				default:
				}
				sent.Add(1)
				if w == 0 && i%5 == 0 {
					statuses, err := login(base, email)
					for _, s := range statuses {
						if s >= 500 {
							fail(fmt.Sprintf("login: %d", s))
						}
					}
					if err != nil && len(statuses) == 0 {
						fail("login: " + err.Error())
					}
					continue
				}
				status, body, err := post(base, "/api/tokens", token, []byte(fmt.Sprintf(`{"name":"last %d-%d"}`, w, i)))
				if err != nil || status >= 500 {
					fail(fmt.Sprintf("POST /api/tokens: %d %v %.200s", status, err, body))
				}
			}
		}()
	}
	return func() []string {
		wg.Wait()
		return failed
	}
}

// A server on a SQLite data directory under write load, and beside it a CLI import of a
// large file, a CLI command that writes, and a large import through the API: no request
// fails. The CLI import is refused at once, naming the server and what to do instead (a
// bulk import beside the server would hold the database's lock for seconds); the import
// through the API lands whole.
func TestACLIImportBesideARunningServerUnderLoadFailsNoRequest(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ZORGINKOOP_DATA_DIR": dir, "USER": "tester"}
	a := testApp(dir)
	db, err := store.Open(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	token := operatorToken(t, a, db, env)
	db.Close()
	ps := demoProviders(t, 5_000)
	raw, _ := json.Marshal(ps)
	file := writeFile(t, "aanbieders.json", string(raw))
	apiBody, _ := json.Marshal(map[string]any{"providers": ps[:2500]})

	base := startServer(t, env, dir)
	stop := make(chan struct{})
	var sent atomic.Int64
	failures := load(base, token, "beheer@platform.example", stop, &sent)

	code, out, errOut := cli(t, env, "providers", "import", file)
	holder := "server, pid " + fmt.Sprint(os.Getpid()) + ", " + base
	want := "error: a server is running on data directory " + dir + " (" + holder + "); import through it: POST /api/providers, or stop it and run this command again\n"
	if code != 1 || errOut != want || out != "" {
		t.Errorf("CLI import beside the server: exit %d\nstdout %q\nstderr %q\nwant exit 1 and stderr %q", code, out, errOut, want)
	}
	mustCLI(t, env, "users", "org-add", "--id", "cz", "--kind", "insurer", "--name", "CZ groep", "--insurers", "cz-groep")
	before := sent.Load()
	status, body, err := post(base, "/api/providers", token, apiBody)
	t.Logf("%d requests of the load were answered while the API import ran", sent.Load()-before)
	if err != nil || status != http.StatusCreated {
		t.Errorf("import through the API: %d %v %.300s", status, err, body)
	}
	close(stop)
	if failed := failures(); len(failed) > 0 {
		t.Errorf("%d requests failed under load, first: %s", len(failed), failed[0])
	}
	if n := providerCount(t, dir); n != 2500 {
		t.Errorf("%d providers stored, want the 2500 of the API import", n)
	}
}

// While a bulk import holds the data directory, a server does not start on it, and a
// second import or the demo is refused; each says who holds it.
func TestTheDataDirectoryLockRefusesASecondLongWriter(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ZORGINKOOP_DATA_DIR": dir}
	lock, err := sqlite.LockDir(dir, "providers import a.json, pid 42")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "127.0.0.1:0"}, "error: another zorginkoop process is using data directory " + dir +
			" (providers import a.json, pid 42); wait for it to finish, or give the server another --data-dir\n"},
		{[]string{"providers", "import", writeFile(t, "b.json", "[]")}, "error: another import is running on data directory " + dir +
			" (providers import a.json, pid 42); wait for it to finish and run this command again\n"},
		{[]string{"demo", "--providers", "5"}, "error: another import is running on data directory " + dir +
			" (providers import a.json, pid 42); wait for it to finish and run this command again\n"},
	}
	for _, tc := range tests {
		// The last line: serve may warn first (no SMTP server).
		if code, _, errOut := cli(t, env, tc.args...); code != 1 || !strings.HasSuffix(errOut, "\n"+tc.want) && errOut != tc.want {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and last line %q", tc.args, code, errOut, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused command opened the database: %v", err)
	}
}
