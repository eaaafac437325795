package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/store"
)

// testCA issues certificates for the tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial int64

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// sign issues a certificate for tmpl's subject, valid for an hour unless tmpl says otherwise.
func (ca *testCA) sign(t *testing.T, tmpl *x509.Certificate) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	if tmpl.NotAfter.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// issue is a client certificate for a person.
func (ca *testCA) issue(t *testing.T, name string) tls.Certificate {
	return ca.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: name}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
}

func fingerprint(c tls.Certificate) string {
	sum := sha256.Sum256(c.Certificate[0])
	return hex.EncodeToString(sum[:])
}

// writePEM writes the server's certificate and key and the client CA to files, as an
// operator would give them to serve.
func writePEM(t *testing.T, server tls.Certificate, clientCA *testCA) (certFile, keyFile, caFile string) {
	t.Helper()
	keyDER, err := x509.MarshalPKCS8PrivateKey(server.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile = writeFile(t, "server.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate[0]})))
	keyFile = writeFile(t, "server-key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	caFile = writeFile(t, "clients.pem", string(clientCA.pem))
	return certFile, keyFile, caFile
}

// testApp is an app as run() makes it, quiet.
func testApp(dataDir string) *app {
	return &app{stdout: io.Discard, stderr: io.Discard, now: time.Now, log: slog.New(slog.DiscardHandler),
		getenv: func(string) string { return "" }, cfg: config{DataDir: dataDir}}
}

// mustIdentity is the command line's identity service over db (see identityService).
func mustIdentity(t *testing.T, a *app, db store.DB) *identity.Service {
	t.Helper()
	ids, err := a.identityService(db)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// seedUser adds organisation cz and a user of it, as the command line would.
func seedUser(t *testing.T, a *app, db store.DB, email string) *identity.User {
	t.Helper()
	ctx := context.Background()
	ids := mustIdentity(t, a, db)
	if _, err := db.Organisation(ctx, "cz"); err != nil {
		o := identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{"cz-groep"}}
		if err := ids.SaveOrganisation(ctx, a.cliOperator(), o, nil); err != nil {
			t.Fatal(err)
		}
	}
	u, err := ids.AddUser(ctx, a.cliOperator(), identity.NewUser{OrgID: "cz", Email: email, Name: email, Roles: []identity.Role{identity.RoleBuyer}, Password: cliPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestServeWithClientCertificates(t *testing.T) {
	ctx := context.Background()
	clientCA, otherCA, serverCA := newTestCA(t, "Zorginkoop klanten-CA"), newTestCA(t, "Een andere CA"), newTestCA(t, "Server-CA")
	server := serverCA.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	certFile, keyFile, caFile := writePEM(t, server, clientCA)
	cfg, err := serverTLS(certFile, keyFile, caFile)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	a := testApp(dir)
	db, err := store.Open(ctx, dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	anna := seedUser(t, a, db, "anna@cz.example")
	annaCert, strangerCert := clientCA.issue(t, "Anna"), clientCA.issue(t, "Onbekend")
	foreignCert := otherCA.issue(t, "Anna")
	expiredCert := clientCA.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Anna"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)})
	// The certificates that must not verify are mapped too: a known fingerprint alone must
	// never be enough.
	ids := mustIdentity(t, a, db)
	for u, c := range map[*identity.User]tls.Certificate{anna: annaCert,
		seedUser(t, a, db, "bram@cz.example"): foreignCert, seedUser(t, a, db, "carla@cz.example"): expiredCert} {
		if _, err := ids.SetCertificate(ctx, a.cliOperator(), u.ID, fingerprint(c)); err != nil {
			t.Fatal(err)
		}
	}

	handler, _, err := a.appHandler(ctx, db, appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes below
	srv.StartTLS()
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(serverCA.cert)
	client := func(c *tls.Certificate) *http.Client {
		tc := &tls.Config{RootCAs: roots}
		if c != nil {
			// Send the certificate whatever CAs the server asks for (a client following
			// the request would not send one of another CA at all).
			tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return c, nil }
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
	}
	me := func(c *tls.Certificate) (int, string, error) {
		resp, err := client(c).Get(srv.URL + "/api/me")
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}

	t.Run("a mapped certificate logs in its user", func(t *testing.T) {
		status, body, err := me(&annaCert)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%d %v %s", status, err, body)
		}
		var got struct{ User struct{ Email string } }
		if json.Unmarshal([]byte(body), &got); got.User.Email != "anna@cz.example" {
			t.Errorf("/api/me = %s, want Anna", body)
		}
	})
	t.Run("a verified certificate of nobody is refused with 401", func(t *testing.T) {
		status, body, err := me(&strangerCert)
		if err != nil || status != http.StatusUnauthorized || !strings.Contains(body, "certificate") {
			t.Errorf("%d %v %s", status, err, body)
		}
	})
	t.Run("without a certificate the public API and the login page still work", func(t *testing.T) {
		for _, path := range []string{"/api/insurers", "/inloggen"} {
			resp, err := client(nil).Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s without a certificate: %d", path, resp.StatusCode)
			}
		}
		if status, _, _ := me(nil); status != http.StatusUnauthorized {
			t.Errorf("/api/me without a certificate: %d, want 401", status)
		}
	})
	// A certificate that does not verify (another CA, expired) ends the TLS handshake: it
	// never reaches the application, however its fingerprint is mapped.
	for name, c := range map[string]tls.Certificate{"of another CA": foreignCert, "that has expired": expiredCert} {
		t.Run("a certificate "+name+" is refused", func(t *testing.T) {
			status, body, err := me(&c)
			if err == nil {
				t.Fatalf("got %d %s, want a failed handshake", status, body)
			}
		})
	}
}

func TestServeTLSFlags(t *testing.T) {
	ca := newTestCA(t, "CA")
	server := ca.sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"}})
	certFile, keyFile, caFile := writePEM(t, server, ca)
	notPEM := writeFile(t, "leeg.pem", "geen PEM")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--client-ca", caFile}, "--client-ca needs --tls-cert and --tls-key"},
		{[]string{"--tls-cert", certFile}, "--tls-cert needs --tls-key"},
		{[]string{"--tls-key", keyFile}, "--tls-key needs --tls-cert"},
		{[]string{"--tls-cert", certFile, "--tls-key", caFile}, "--tls-cert: cannot use certificate " + certFile + " with key " + caFile},
		{[]string{"--tls-cert", certFile, "--tls-key", keyFile, "--client-ca", notPEM}, "--client-ca: " + notPEM + " holds no PEM certificate"},
		{[]string{"--tls-cert", certFile, "--tls-key", keyFile, "--client-ca", filepath.Join(t.TempDir(), "weg.pem")}, "--client-ca: cannot read"},
		{[]string{"--base-url", "zorginkoop.example"}, `--base-url: "zorginkoop.example" is not an http(s) URL`},
		{[]string{"--smtp-addr", "smtp.example"}, `--smtp-addr: "smtp.example" is not host:port`},
		{[]string{"--smtp-addr", "smtp.example:587"}, "--smtp-from is required with --smtp-addr"},
		{[]string{"--smtp-addr", "smtp.example:587", "--smtp-from", "geen adres"}, "--smtp-from: sender"},
		{[]string{"--smtp-from", "noreply@zorginkoop.example"}, "--smtp-from and --smtp-user need --smtp-addr"},
		{[]string{"--addr"}, "flag needs an argument: -addr"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		code, _, errOut := cli(t, map[string]string{"ZORGINKOOP_DATA_DIR": dir}, append([]string{"serve"}, tt.args...)...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want exit 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
	// The environment works as the flags do.
	code, _, errOut := cli(t, map[string]string{"ZORGINKOOP_DATA_DIR": t.TempDir(), "ZORGINKOOP_CLIENT_CA": caFile}, "serve")
	if code != 2 || !strings.Contains(errOut, "--client-ca needs --tls-cert") {
		t.Errorf("ZORGINKOOP_CLIENT_CA alone: exit %d, %s", code, errOut)
	}
}
