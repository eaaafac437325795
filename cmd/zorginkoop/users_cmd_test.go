package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/store"
)

const cliPassword = "een lang genoeg wachtwoord"

// usersEnv is a data dir with the first administrator and organisation CZ, and the
// environment that points the commands at it.
func usersEnv(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"ZORGINKOOP_DATA_DIR": t.TempDir(), "USER": "tester"}
	pw := writeFile(t, "wachtwoord", cliPassword+"\n")
	for _, args := range [][]string{
		{"users", "bootstrap", "--email", "beheer@platform.example", "--name", "Platformbeheer", "--password-file", pw},
		{"users", "org-add", "--id", "cz", "--kind", "insurer", "--name", "CZ groep", "--insurers", "cz-groep", "--kvk", "12345678"},
	} {
		if code, out, errOut := cli(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	return env
}

func openDB(t *testing.T, env map[string]string) store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), env["ZORGINKOOP_DATA_DIR"], "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustCLI(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, errOut := cli(t, env, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

func TestUsersCommandsManageAccounts(t *testing.T) {
	env := usersEnv(t)
	ctx := context.Background()
	pw := writeFile(t, "pw", cliPassword+"\r\n")
	out := mustCLI(t, env, "users", "add", "--org", "cz", "--email", "Anna@CZ.example", "--name", "Anna de Vries", "--roles", "inkoper, beheerder", "--password-file", pw)
	if !strings.Contains(out, "Added anna@cz.example") || !strings.Contains(out, "inkoper,beheerder") {
		t.Errorf("add printed %q", out)
	}
	out = mustCLI(t, env, "users", "add", "--org", "cz", "--email", "bram@cz.example", "--name", "Bram", "--roles", "medisch-adviseur")
	if !strings.Contains(out, "has no password") {
		t.Errorf("adding a user without password should say how they log in: %q", out)
	}

	// The password came from the file, without its line ending.
	db := openDB(t, env)
	ids := identity.NewService(db, identity.NoAudit, db, time.Now, identity.Options{})
	if _, _, _, err := ids.Login(ctx, "anna@cz.example", cliPassword); err != nil {
		t.Errorf("anna cannot log in with the password of --password-file: %v", err)
	}

	out = mustCLI(t, env, "users", "orgs")
	if !strings.Contains(out, "cz ") || !strings.Contains(out, "CZ groep") || !strings.Contains(out, "platform") {
		t.Errorf("orgs:\n%s", out)
	}
	// An organisation keeps an active beheerder: anna hands over to carla first.
	if code, _, errOut := cli(t, env, "users", "roles", "anna@cz.example", "--roles", "inkoper"); code == 0 || !strings.Contains(errOut, "at least one active beheerder") {
		t.Errorf("removing the last beheerder: exit %d, %q", code, errOut)
	}
	mustCLI(t, env, "users", "add", "--org", "cz", "--email", "carla@cz.example", "--name", "Carla", "--roles", "beheerder")
	mustCLI(t, env, "users", "roles", "anna@cz.example", "--roles", "inkoper", "--reason", "geen beheer meer")
	mustCLI(t, env, "users", "disable", "bram@cz.example", "--reason", "uit dienst")
	out = mustCLI(t, env, "users", "list", "--org", "cz")
	anna, bram := lineWith(out, "anna@cz.example"), lineWith(out, "bram@cz.example")
	if !strings.Contains(anna, " inkoper ") || !strings.Contains(anna, "active") || !strings.Contains(anna, "password") {
		t.Errorf("anna's line: %q", anna)
	}
	if !strings.Contains(bram, "disabled") {
		t.Errorf("bram's line: %q", bram)
	}
	if strings.Contains(out, "beheer@platform.example") {
		t.Errorf("list --org cz shows the platform's user:\n%s", out)
	}
	mustCLI(t, env, "users", "enable", "bram@cz.example")
	if out := mustCLI(t, env, "users", "list"); !strings.Contains(lineWith(out, "bram@cz.example"), "active") || !strings.Contains(out, "beheer@platform.example") {
		t.Errorf("list:\n%s", out)
	}

	// A certificate by fingerprint (colons allowed) or by its PEM file.
	fp := strings.Repeat("ab", 32)
	mustCLI(t, env, "users", "cert", "anna@cz.example", "--fingerprint", strings.ToUpper(fp[:2])+":"+fp[2:])
	if u, err := db.UserByCert(ctx, fp); err != nil || u.Email != "anna@cz.example" {
		t.Errorf("the fingerprint is not anna's: %v", err)
	}
	ca := newTestCA(t, "Test CA")
	cert := ca.issue(t, "bram")
	certFile := writeFile(t, "bram.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})))
	mustCLI(t, env, "users", "cert", "bram@cz.example", "--cert-file", certFile)
	sum := sha256.Sum256(cert.Certificate[0])
	if u, err := db.UserByCert(ctx, hex.EncodeToString(sum[:])); err != nil || u.Email != "bram@cz.example" {
		t.Errorf("the certificate file's fingerprint is not bram's: %v", err)
	}
	mustCLI(t, env, "users", "cert", "bram@cz.example", "--remove")
	if u, _ := db.UserByEmail(ctx, "bram@cz.example"); u.CertFingerprint != "" {
		t.Errorf("--remove left %s", u.CertFingerprint)
	}

	// The audit trail names the command line and the OS user.
	entries, err := audit.NewLog(db, time.Now).Entries(ctx, audit.Operator, audit.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, e := range entries {
		if e.UserID == identity.SystemUserID && e.UserName == "opdrachtregel (tester)" && e.OrgID == identity.OperatorOrgID {
			actions[e.Action] = true
		}
	}
	for _, want := range []string{"organisation.save", "user.add", "user.roles", "user.disable", "user.certificate"} {
		if !actions[want] {
			t.Errorf("no %s by the command line in the audit trail (%v)", want, actions)
		}
	}
}

func TestUsersBootstrapOnlyOnce(t *testing.T) {
	env := usersEnv(t)
	code, _, errOut := cli(t, env, "users", "bootstrap", "--email", "nog@platform.example", "--name", "Nog een", "--password-file", writeFile(t, "pw", cliPassword))
	if code != 1 || !strings.Contains(errOut, "there are users already") {
		t.Errorf("second bootstrap: exit %d, %s", code, errOut)
	}
}

// Without --password-file, bootstrap reads the password from standard input when that is
// not a terminal (a pipe, as in provisioning scripts).
func TestUsersBootstrapReadsThePasswordFromStandardInput(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(cliPassword + "\n"), stdout: &out, stderr: &errOut, now: time.Now,
		getenv: func(k string) string { return map[string]string{"ZORGINKOOP_DATA_DIR": dir}[k] }}
	if err := a.users(context.Background(), []string{"bootstrap", "--email", "beheer@platform.example", "--name", "Beheer"}); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	db := openDB(t, map[string]string{"ZORGINKOOP_DATA_DIR": dir})
	if _, _, _, err := identity.NewService(db, identity.NoAudit, db, time.Now, identity.Options{}).Login(context.Background(), "beheer@platform.example", cliPassword); err != nil {
		t.Errorf("the administrator cannot log in with the password from standard input: %v", err)
	}
}

func TestUsersBadFlagsAreNamed(t *testing.T) {
	env := usersEnv(t)
	short := writeFile(t, "kort", "kort\n")
	empty := writeFile(t, "leeg", "\n")
	pem := writeFile(t, "geen.pem", "geen certificaat")
	add := []string{"users", "add", "--org", "cz", "--email", "c@cz.example", "--name", "C", "--roles", "inkoper"}
	with := func(args []string, extra ...string) []string { return append(append([]string{}, args...), extra...) }
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"users"}, "usage: zorginkoop users"},
		{[]string{"users", "toveren"}, `unknown users subcommand "toveren"`},
		{[]string{"users", "add", "--email", "c@cz.example", "--name", "C", "--roles", "inkoper"}, "--org is required"},
		{[]string{"users", "add", "--org", "cz", "--name", "C", "--roles", "inkoper"}, "--email is required"},
		{[]string{"users", "add", "--org", "cz", "--email", "c@cz.example", "--roles", "inkoper"}, "--name is required"},
		{[]string{"users", "add", "--org", "cz", "--email", "c@cz.example", "--name", "C"}, "--roles is required"},
		{with(add, "--verzin", "x"), "flag provided but not defined: -verzin"},
		{[]string{"users", "add", "--org", "bestaat-niet", "--email", "c@cz.example", "--name", "C", "--roles", "inkoper"}, `--org: organisation "bestaat-niet" does not exist`},
		{[]string{"users", "add", "--org", "cz", "--email", "geen-adres", "--name", "C", "--roles", "inkoper"}, `--email: "geen-adres" is not an e-mail address`},
		{[]string{"users", "add", "--org", "cz", "--email", "c@cz.example", "--name", "C", "--roles", "tovenaar"}, `--roles: role "tovenaar" is not one of`},
		{[]string{"users", "add", "--org", "cz", "--email", "c@cz.example", "--name", "C", "--roles", "tekenbevoegde"}, "--roles: role \"tekenbevoegde\" is not one of"},
		{with(add, "--password-file", short), "--password-file: the password has 4 characters; at least 12"},
		{with(add, "--password-file", empty), "--password-file: " + empty + " gives no password"},
		{with(add, "--password-file", "/bestaat/niet"), "--password-file: cannot read /bestaat/niet"},
		{[]string{"users", "add", "extra"}, `users add takes no arguments, got "extra"`},
		{[]string{"users", "list", "--org", "bestaat-niet"}, `--org: organisation "bestaat-niet" does not exist`},
		{[]string{"users", "disable"}, "users disable needs one EMAIL argument"},
		{[]string{"users", "enable", "niemand@cz.example"}, `no user has e-mail address "niemand@cz.example"`},
		{[]string{"users", "roles", "beheer@platform.example"}, "--roles is required"},
		{[]string{"users", "roles", "beheer@platform.example", "--roles", "inkoper"}, `--roles: role "inkoper" is not one of beheerder for a operator organisation`},
		{[]string{"users", "cert", "beheer@platform.example"}, "give exactly one of --fingerprint, --cert-file or --remove"},
		{[]string{"users", "cert", "beheer@platform.example", "--fingerprint", "abc", "--remove"}, "give exactly one of"},
		{[]string{"users", "cert", "beheer@platform.example", "--fingerprint", "xyz"}, `--fingerprint: "xyz" is not a SHA-256 fingerprint`},
		{[]string{"users", "cert", "beheer@platform.example", "--cert-file", pem}, "--cert-file: " + pem + " holds no PEM certificate"},
		{[]string{"users", "org-add", "--kind", "insurer", "--name", "X", "--insurers", "cz-groep"}, "--id is required"},
		{[]string{"users", "org-add", "--id", "x", "--name", "X"}, "--kind is required"},
		{[]string{"users", "org-add", "--id", "X!", "--kind", "insurer", "--name", "X", "--insurers", "cz-groep"}, `--id: organisation id "X!" must be lower-case`},
		{[]string{"users", "org-add", "--id", "x", "--kind", "bank", "--name", "X"}, `--kind: kind "bank" is not one of insurer, purchaser, provider, operator`},
		{[]string{"users", "org-add", "--id", "x", "--kind", "purchaser", "--name", "X", "--insurers", "onbekend"}, `--insurers: unknown insurer "onbekend"`},
		{[]string{"users", "org-add", "--id", "x", "--kind", "provider", "--name", "X"}, "--providers: a provider organisation must name its provider records"},
		{[]string{"users", "org-add", "--id", "x", "--kind", "provider", "--name", "X", "--providers", "p1", "--kvk", "123"}, `--kvk: KvK number "123" must be exactly 8 digits`},
		{[]string{"users", "org-add", "--id", "x", "--kind", "provider", "--name", "X", "--providers", "p1", "--oidc-issuer", "https://login.example"}, "needs both --oidc-issuer and --oidc-client-id"},
		{[]string{"users", "org-add", "--id", "x", "--kind", "provider", "--name", "X", "--providers", "p1", "--oidc-issuer", "login.example", "--oidc-client-id", "zk"}, `--oidc-issuer: "login.example" is not an http(s) URL`},
	}
	for _, tt := range tests {
		code, out, errOut := cli(t, env, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q (stdout %q); want exit 2 and %q", tt.args, code, errOut, out, tt.want)
		}
	}
	// Nothing was added by the refused commands.
	if out := mustCLI(t, env, "users", "list"); strings.Count(out, "\n") != 2 {
		t.Errorf("refused commands changed the users:\n%s", out)
	}
}

func TestUsersOrgAddWithOpenIDConnect(t *testing.T) {
	env := usersEnv(t)
	secret := writeFile(t, "secret", "s3cr3t\n")
	mustCLI(t, env, "users", "org-add", "--id", "caresq", "--kind", "purchaser", "--name", "Caresq", "--insurers", "eucare",
		"--oidc-issuer", "https://login.caresq.example/", "--oidc-client-id", "zorginkoop", "--oidc-secret-file", secret)
	o, err := openDB(t, env).Organisation(context.Background(), "caresq")
	if err != nil {
		t.Fatal(err)
	}
	if o.OIDC == nil || *o.OIDC != (identity.OIDCConfig{Issuer: "https://login.caresq.example", ClientID: "zorginkoop", ClientSecret: "s3cr3t"}) {
		t.Errorf("OIDC = %+v", o.OIDC)
	}
	if out := mustCLI(t, env, "users", "orgs"); !strings.Contains(lineWith(out, "caresq"), "https://login.caresq.example") {
		t.Errorf("orgs does not show the issuer:\n%s", out)
	}
}

func TestUsersUsageInHelp(t *testing.T) {
	_, out, _ := cli(t, nil, "help")
	if !strings.Contains(out, "zorginkoop users ") {
		t.Errorf("the usage text does not mention users:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join("..", "..", "README.md")); err == nil {
		readme, _ := os.ReadFile(filepath.Join("..", "..", "README.md"))
		if !strings.Contains(string(readme), "zorginkoop users") {
			t.Errorf("README.md does not document the users command")
		}
	}
}
