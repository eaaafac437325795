package postgres_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store/pgtest"
)

// restartingStore restarts the PostgreSQL server once, when armed, right after an
// AddLines: inside an intake's transaction, with lines of the file written in it.
type restartingStore struct {
	claims.Store
	mu      sync.Mutex
	restart func()
}

func (s *restartingStore) arm(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restart = fn
}

func (s *restartingStore) AddLines(ctx context.Context, lines []claims.Line) error {
	err := s.Store.AddLines(ctx, lines)
	s.mu.Lock()
	fn := s.restart
	s.restart = nil
	s.mu.Unlock()
	if fn != nil {
		fn()
	}
	return err
}

// The issue's fault: "a restart of PostgreSQL during intake loses nothing that was
// acknowledged". A sequence of ZH308 files goes through the service's intake (as the
// watched folder sends them); the server is restarted inside the transaction of the
// second file (pg_ctl stop -m fast, as an operator's restart) and of the fifth (-m
// immediate, a crash with recovery from the WAL). Every file whose intake returned
// nil is complete afterwards (its lines, counts and amounts); every file whose intake
// failed, because of a restart or a connection the restart broke, has left nothing (no
// file by hash or reference, no line by reference) and is accepted when sent again.
func TestIntakeLosesNothingAcknowledgedWhenPostgreSQLRestarts(t *testing.T) {
	env := apptest.Open(t, "postgres")
	ctx := context.Background()
	setUZOVI(env.Library, "aevitae", restartUZOVI)
	// The test server commits asynchronously (synchronous_commit=off): a crash could
	// lose the last commits it acknowledged. This database commits synchronously, as
	// production does, for the sessions opened after the first restart.
	u, err := url.Parse(env.DSN)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, env.DSN)
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{strings.TrimPrefix(u.Path, "/")}.Sanitize()+` SET synchronous_commit = on`)
	admin.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}

	st := &restartingStore{Store: env.DB}
	now := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	svc := claims.NewService(st, env.Library, env.Audit, env.DB, func() time.Time { return now },
		claims.Lookups{Purchasing: func(context.Context, string, string, int) (bool, error) { return false, nil }},
		claims.Options{BatchLines: 200})
	const files, perFile = 7, 1000
	restarts := map[int]bool{1: false, 4: true} // file index: immediate

	type sent struct {
		data    []byte
		invoice string
		refs    []string
		cents   int64
		file    *claims.File
		err     error
	}
	intake := func(s *sent) (*claims.File, error) {
		return svc.Intake(ctx, identity.System(), claims.Upload{Name: s.invoice + ".zh308", Body: bytes.NewReader(s.data),
			Channel: claims.ViaFolder})
	}
	var all []*sent
	for k := range files {
		s := &sent{invoice: fmt.Sprintf("F-RESTART-%d", k)}
		s.data, s.refs, s.cents = restartFile(t, s.invoice, perFile)
		if immediate, ok := restarts[k]; ok {
			st.arm(func() { pgtest.Restart(t, immediate) })
		}
		s.file, s.err = intake(s)
		if _, ok := restarts[k]; ok && s.err == nil {
			t.Fatalf("file %d: the intake in which the server restarted was acknowledged", k)
		}
		t.Logf("file %d: %v", k, s.err)
		all = append(all, s)
	}

	complete := func(s *sent, f *claims.File) {
		t.Helper()
		got, err := env.DB.ClaimFile(ctx, f.ID)
		if err != nil {
			t.Fatalf("%s acknowledged as %s: %v", s.invoice, f.ID, err)
		}
		if got.Lines != perFile || got.ClaimedCents != s.cents || got.AllowedCents != f.AllowedCents || got.Counts[claims.Rejected] != f.Counts[claims.Rejected] {
			t.Errorf("%s: %d lines, claimed %d, allowed %d, %v; acknowledged %d lines, claimed %d (sent %d), allowed %d, %v", s.invoice,
				got.Lines, got.ClaimedCents, got.AllowedCents, got.Counts, f.Lines, f.ClaimedCents, s.cents, f.AllowedCents, f.Counts)
		}
		n := 0
		if err := env.DB.EachLine(ctx, f.ID, func(*claims.Line) error { n++; return nil }); err != nil || n != perFile {
			t.Errorf("%s: %d lines stored, want %d (%v)", s.invoice, n, perFile, err)
		}
	}
	absent := func(s *sent) {
		t.Helper()
		sum := sha256.Sum256(s.data)
		if f, err := env.DB.FileByHash(ctx, hex.EncodeToString(sum[:])); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("%s failed (%v), yet by hash: %+v, %v", s.invoice, s.err, f, err)
		}
		if f, err := env.DB.FileByInvoice(ctx, restartAGB, s.invoice); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("%s failed (%v), yet by reference: %+v, %v", s.invoice, s.err, f, err)
		}
		if refs, err := env.DB.LinesByReference(ctx, restartProvider, s.refs); err != nil || len(refs) != 0 {
			t.Errorf("%s failed (%v), yet %d of its lines are stored (%v)", s.invoice, s.err, len(refs), err)
		}
	}
	acknowledged := 0
	for _, s := range all {
		if s.err == nil {
			acknowledged++
			complete(s, s.file)
			continue
		}
		absent(s)
		// Sent again: accepted (a few tries while the pools replace connections the
		// restart broke, each failure leaving nothing).
		var f *claims.File
		for try := 1; ; try++ {
			if f, err = intake(s); err == nil {
				break
			}
			absent(s)
			if try == 5 {
				t.Fatalf("%s sent again %d times: %v", s.invoice, try, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
		complete(s, f)
	}
	if acknowledged < files-len(restarts)-2 {
		t.Errorf("only %d of %d files acknowledged the first time", acknowledged, files)
	}
	if _, total, err := env.DB.Files(ctx, claims.FileFilter{ProviderID: restartProvider}, claims.Page{}); err != nil || total != files {
		t.Errorf("%d files stored, want %d (%v)", total, files, err)
	}
}

// The sender of the restart test: Ziekenhuis Zuid of apptest.Providers, claiming with
// Eucare's label Aevitae.
const (
	restartProvider = "ziekenhuis-zuid"
	restartAGB      = "06010001"
	restartUZOVI    = "9901"
	restartBSN      = "123456782"
)

// setUZOVI gives a label its UZOVI number when the registry has none.
func setUZOVI(lib *policy.Library, label, uzovi string) {
	for i := range lib.Registry.Insurers {
		for j := range lib.Registry.Insurers[i].Labels {
			if l := &lib.Registry.Insurers[i].Labels[j]; l.ID == label && l.UZOVI == "" {
				l.UZOVI = uzovi
			}
		}
	}
}

// restartFile is a valid ZH308 file of n claim lines (one insured person, a
// prestatierecord and a tariefrecord per line), its lines' references and claimed total.
func restartFile(t *testing.T, invoice string, n int) ([]byte, []string, int64) {
	t.Helper()
	l := vektis.ZH308v90()
	rec := func(code string, v map[string]string) vektis.Record {
		r, err := vektis.NewRecord(l, code, v)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	const from, to, begin = "20260101", "20260331", "20260115"
	open := rec("01", map[string]string{
		"CODE EXTERNE-INTEGRATIEBERICHT": "101", "VERSIENUMMER BERICHTSTANDAARD": "9", "SOORT BERICHT": "P",
		"IDENTIFICATIECODE BETALING AAN": "03", "BEGINDATUM DECLARATIEPERIODE": from, "UZOVI-NUMMER": restartUZOVI,
		"EINDDATUM DECLARATIEPERIODE": to, "FACTUURNUMMER DECLARANT": invoice,
		"DAGTEKENING FACTUUR": to, "VALUTACODE": "EUR", "INSTELLINGSCODE": restartAGB,
	})
	id := 0
	next := func() string { id++; return strconv.Itoa(id) }
	details := []vektis.Record{rec("02", map[string]string{
		"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": restartBSN,
		"UZOVI-NUMMER": restartUZOVI, "DATUM GEBOORTE VERZEKERDE": "19700101", "CODE GESLACHT VERZEKERDE": "1",
		"NAAMCODE/NAAMGEBRUIK (01)": "1", "NAAM VERZEKERDE (01)": "Jansen", "VOORLETTERS VERZEKERDE": "J",
		"INDICATIE CLIENT OVERLEDEN": "2",
	})}
	var refs []string
	var total int64
	for i := range n {
		ref := fmt.Sprintf("%s-%06d", invoice, i)
		code := strconv.Itoa(150000 + i%200)
		cents := int64(10000 + i%300)
		refs, total = append(refs, ref), total+cents
		details = append(details, rec("04", map[string]string{
			"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": restartBSN, "UZOVI-NUMMER": restartUZOVI,
			"DOORSTUREN TOEGESTAAN": "1", "DATUM GEBOORTE VERZEKERDE": "19700101", "AANDUIDING PRESTATIECODELIJST": "020",
			"PRESTATIECODE/DBC DECLARATIECODE": code, "BEGINDATUM PRESTATIE": begin, "EINDDATUM PRESTATIE": begin,
			"PRESTATIEVOLGNUMMER": "1", "CODE (ZELF)VERWIJZER": "03", "AANTAL UITGEVOERDE PRESTATIES": "1",
			"CODE HERDECLARATIE": "0", "INDICATIE DEBET/CREDIT": "D", "REFERENTIENUMMER DIT PRESTATIERECORD": ref,
		}), rec("06", map[string]string{
			"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": restartBSN, "UZOVI-NUMMER": restartUZOVI,
			"AANDUIDING PRESTATIECODELIJST (01)": "020", "PRESTATIECODE/DBC DECLARATIECODE": code,
			"BEGINDATUM PRESTATIE": begin, "PRESTATIEVOLGNUMMER": "1", "SOORT PRESTATIE/TARIEF": "02",
			"VERREKENPERCENTAGE": "10000", "INDICATIE DEBET/CREDIT (01)": "D", "DECLARATIEBEDRAG (INCL. BTW)": strconv.FormatInt(cents, 10),
			"INDICATIE DEBET/CREDIT (02)": "D", "REFERENTIENUMMER DIT TARIEFRECORD": "T" + ref,
		}))
	}
	closing, err := vektis.ClosingRecord(l, details)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := vektis.Write(&buf, l, append(append([]vektis.Record{open}, details...), closing)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), refs, total
}
