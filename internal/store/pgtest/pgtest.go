// Package pgtest starts a throwaway PostgreSQL server from the installed binaries for
// tests: one server per test binary, a fresh database per test.
//
// Use DSN in a test, and Main in the package's TestMain so the server is stopped and its
// directory removed when the tests end:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// Without the binaries DSN skips the test, except when CI=true: then it fails.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// server is the one PostgreSQL server of this test binary.
type server struct {
	dir    string // temporary directory with data/, sock/ and the log
	bin    string // directory with initdb, pg_ctl
	port   int
	asUser string // run the binaries as this user (when we are root), or ""
}

var (
	once     sync.Once
	srv      *server
	startErr error
	missing  bool // binaries not installed
	dbSeq    atomic.Int64
)

// Main runs the tests and then stops the server, if one was started.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the server and removes its directory. Safe to call when none was started.
func Stop() {
	if srv == nil {
		return
	}
	srv.stop()
	srv = nil
}

// DSN returns the URL of a new, empty database on the test server, starting the server on
// first use. The database is dropped when the test ends.
func DSN(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { srv, startErr = start() })
	if missing {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL binaries (initdb, pg_ctl) are not installed, and CI=true: install PostgreSQL: %v", startErr)
		}
		tb.Skipf("PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin; install PostgreSQL to run this test (%v)", startErr)
	}
	if startErr != nil {
		tb.Fatalf("start PostgreSQL: %v", startErr)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	ctx := context.Background()
	admin := srv.url("postgres")
	if err := execAdmin(ctx, admin, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		if err := execAdmin(ctx, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	return srv.url(name)
}

func execAdmin(ctx context.Context, url, stmt string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, stmt)
	return err
}

func (s *server) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// findBin returns the directory holding initdb and pg_ctl: PATH first, then the newest
// /usr/lib/postgresql/*/bin.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("initdb not found")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func start() (*server, error) {
	bin, err := findBin()
	if err != nil {
		missing = true
		return nil, err
	}
	dir, err := os.MkdirTemp("", "zorginkoop-pgtest-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, bin: bin}
	if err := s.init(); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) init() error {
	for _, d := range []string{"data", "sock"} {
		if err := os.Mkdir(filepath.Join(s.dir, d), 0o700); err != nil {
			return err
		}
	}
	// PostgreSQL refuses to run as root: hand the directory to the postgres user.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root needs a postgres system user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		err = filepath.Walk(s.dir, func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Chown(p, uid, gid)
		})
		if err != nil {
			return err
		}
		s.asUser = "postgres"
	}
	if out, err := s.run("initdb", "-D", s.path("data"), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	var err error
	if s.port, err = freePort(); err != nil {
		return err
	}
	return s.start()
}

// start starts the initialised server on its port and waits until it accepts connections.
func (s *server) start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
		s.port, s.path("sock"))
	if out, err := s.run("pg_ctl", "-D", s.path("data"), "-l", s.path("postgres.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(s.path("postgres.log"))
		return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
	}
	return s.waitReady()
}

// Restart stops this test binary's server and starts it again on the same port with the
// same data, as an operator's restart (immediate false: "pg_ctl stop -m fast", which
// ends every session, rolls back open transactions and writes a checkpoint) or a crash
// (immediate true: "-m immediate", no checkpoint: the server recovers from its WAL on
// start). Connections open before are broken. No other test may use the server
// meanwhile, so a test that restarts it must not run in parallel with others of its
// package. The server runs with synchronous_commit=off: for a crash to keep every
// acknowledged commit, the test's database needs synchronous_commit=on (ALTER DATABASE
// ... SET, for sessions that connect after it).
func Restart(tb testing.TB, immediate bool) {
	tb.Helper()
	if srv == nil {
		tb.Fatal("pgtest.Restart: no server started (call DSN first)")
	}
	mode := "fast"
	if immediate {
		mode = "immediate"
	}
	if out, err := srv.run("pg_ctl", "-D", srv.path("data"), "-m", mode, "-w", "-t", "60", "stop"); err != nil {
		tb.Fatalf("pg_ctl stop -m %s: %v\n%s", mode, err, out)
	}
	if err := srv.start(); err != nil {
		tb.Fatalf("restart PostgreSQL: %v", err)
	}
}

func (s *server) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, s.url("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("PostgreSQL did not accept connections: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *server) path(name string) string { return filepath.Join(s.dir, name) }

// run runs a PostgreSQL binary, as the postgres user when we are root.
func (s *server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	if s.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.asUser, "--", filepath.Join(s.bin, name)}, args...)...)
	}
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

func (s *server) stop() {
	if _, err := os.Stat(s.path("data/postmaster.pid")); err == nil {
		s.run("pg_ctl", "-D", s.path("data"), "-m", "immediate", "-w", "stop")
	}
	os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
