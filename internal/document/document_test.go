package document_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/document"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The dossier of the tests: insurer A with provider X.
var dossier = document.Dossier{ID: "dos-00000000000000a1", Insurer: apptest.InsurerA, ProviderID: apptest.ProviderX}

func lookup(_ context.Context, id string) (document.Dossier, error) {
	if id == dossier.ID {
		return dossier, nil
	}
	return document.Dossier{}, apperr.NotFoundf("dossier %s does not exist", id)
}

type env struct {
	svc   *document.Service
	trail *audit.Log
	ps    *apptest.Parties
}

func newEnv(t *testing.T, engine string, maxSize int64) *env {
	db := apptest.OpenStore(t, engine)
	now := func() time.Time { return apptest.Now }
	trail := audit.NewLog(db, now)
	return &env{svc: document.NewService(db, lookup, trail, db, now, document.Options{MaxSize: maxSize}),
		trail: trail, ps: apptest.NewParties(t, db)}
}

func (e *env) upload(key, name string, data []byte) (*document.Document, error) {
	return e.svc.Upload(context.Background(), e.ps.P(key), dossier.ID, name, bytes.NewReader(data))
}

// stored is how many documents the dossier has, as the operator sees.
func (e *env) stored(t *testing.T) int {
	t.Helper()
	l, err := e.svc.List(context.Background(), e.ps.P("operator"), dossier.ID, document.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Total
}

func forEachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, engine) })
	}
}

var pdf = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func xlsx(t *testing.T) []byte {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "prestatie")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipOf makes a zip archive of the named parts.
func zipOf(t *testing.T, parts map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const docxTypes = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

func TestUploadKeepsTheTypeSniffedFromTheBytesNotTheName(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, 0)
		cases := []struct {
			name, file string
			data       []byte
			want       string
		}{
			{"a PDF named .txt is a PDF", "verklaring.txt", pdf, document.TypePDF},
			{"a PNG", "logo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), document.TypePNG},
			{"a JPEG named .pdf is a JPEG", "scan.pdf", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, document.TypeJPEG},
			{"an xlsx workbook", "prijslijst.xlsx", xlsx(t), document.TypeXLSX},
			{"a docx document", "beleid.docx", zipOf(t, map[string]string{"[Content_Types].xml": docxTypes, "word/document.xml": "<w:document/>"}), document.TypeDOCX},
			{"a CSV in UTF-8 with a BOM", "personeel.csv", []byte("\xEF\xBB\xBFnaam;fte\nJansen;0,8\n"), document.TypeCSV},
			{"plain text", "toelichting", []byte("Zie de bijlage: BIG-registratie is geldig tot 2027.\n"), document.TypeText},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				doc, err := e.upload("x-invuller", c.file, c.data)
				if err != nil {
					t.Fatal(err)
				}
				if doc.ContentType != c.want || doc.Name != c.file || doc.Size != int64(len(c.data)) || doc.Side != document.SideProvider {
					t.Errorf("got %+v, want type %s", doc, c.want)
				}
			})
		}
	})
}

func TestUploadRefusesOtherTypesNamingTheFileAndStoresNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, 0)
		cases := []struct {
			name, file string
			data       []byte
		}{
			{"a Windows program renamed .pdf", "offerte.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...)},
			{"an HTML page", "verklaring.txt", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
			{"an HTML page without a doctype", "a.csv", []byte("  <html><body onload=x()>")},
			{"an SVG image", "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>`)},
			{"a zip that is no Office document", "archief.xlsx", zipOf(t, map[string]string{"a.txt": "x"})},
			{"a macro-enabled workbook", "macro.xlsx", zipOf(t, map[string]string{"[Content_Types].xml": `"application/vnd.ms-excel.sheet.macroEnabled.main+xml"`,
				"xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": "x"})},
			{"binary with NUL bytes", "data.txt", []byte("abc\x00def")},
			{"text that is not UTF-8", "oud.csv", []byte("caf\xe9;\xe9\n")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.upload("x-invuller", c.file, c.data)
				ae := apperrOf(t, err, apperr.Invalid)
				if !strings.Contains(ae.Message, c.file) || !strings.Contains(ae.Dutch, c.file) {
					t.Errorf("the messages do not name %s: %q / %q", c.file, ae.Message, ae.Dutch)
				}
			})
		}
		if n := e.stored(t); n != 0 {
			t.Errorf("%d documents stored after refusals", n)
		}
	})
}

func apperrOf(t *testing.T, err error, code apperr.Code) *apperr.Error {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("got %v, want code %s", err, code)
	}
	es := apperr.Errors(err)
	return es[0]
}

// countingReader gives endless bytes and counts what was read of it.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestUploadRefusesAFileOverTheLimitReadingAtMostOneByteMoreAndStoringNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, 1024)
		if _, err := e.upload("x-invuller", "groot.txt", bytes.Repeat([]byte("a"), 1025)); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("1025 bytes over a 1024-byte limit: %v", err)
		} else if !strings.Contains(err.Error(), "groot.txt") || !strings.Contains(err.Error(), "1 kB") {
			t.Errorf("message: %v", err)
		}
		r := &countingReader{}
		_, err := e.svc.Upload(context.Background(), e.ps.P("x-invuller"), dossier.ID, "eindeloos.txt", r)
		if apperr.CodeOf(err) != apperr.Invalid || r.n > 1025+32*1024 {
			t.Errorf("endless upload: %v after reading %d bytes", err, r.n)
		}
		if _, err := e.upload("x-invuller", "leeg.pdf", nil); apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), "empty") {
			t.Errorf("empty file: %v", err)
		}
		if n := e.stored(t); n != 0 {
			t.Fatalf("%d documents stored", n)
		}
		if _, err := e.upload("x-invuller", "precies.txt", bytes.Repeat([]byte("a"), 1024)); err != nil {
			t.Errorf("exactly the limit: %v", err)
		}
	})
}

func TestAnUploadIsStoredWithItsSHA256AndAuditedAndReadsBackToTheParties(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, 0)
		ctx := context.Background()
		doc, err := e.upload("x-beheerder", "../../etc/Verklaring\x00 omtrent gedrag.pdf", pdf)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pdf)
		if doc.SHA256 != hex.EncodeToString(sum[:]) || !strings.HasPrefix(doc.ID, "doc-") || len(doc.ID) != 20 {
			t.Errorf("stored %+v", doc)
		}
		if doc.Name != "Verklaring omtrent gedrag.pdf" {
			t.Errorf("name %q", doc.Name)
		}
		for _, key := range []string{"x-beheerder", "x-tekenbevoegde", "a-inkoper", "a-inkooporganisatie", "a-medisch-adviseur", "operator"} {
			got, rc, err := e.svc.Open(ctx, e.ps.P(key), doc.ID)
			if err != nil {
				t.Fatalf("%s opens: %v", key, err)
			}
			data, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(data, pdf) || got.SHA256 != doc.SHA256 || !got.UploadedAt.Equal(doc.UploadedAt) {
				t.Errorf("%s reads %+v, %d bytes", key, got, len(data))
			}
			l, err := e.svc.List(ctx, e.ps.P(key), dossier.ID, document.Page{})
			if err != nil || l.Total != 1 || l.Documents[0].ID != doc.ID {
				t.Errorf("%s lists %+v, %v", key, l, err)
			}
		}
		ref, err := e.svc.Ref(ctx, doc.ID)
		if err != nil || ref != (document.DocumentRef{ID: doc.ID, DossierID: dossier.ID, Name: doc.Name, SHA256: doc.SHA256}) {
			t.Errorf("Ref: %+v, %v", ref, err)
		}
		entries, err := e.trail.Entries(ctx, audit.Operator, audit.Filter{Dossier: dossier.ID})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit: %v, %v", entries, err)
		}
		en := entries[0]
		if en.Action != document.ActionUpload || en.Subject != "document:"+doc.ID || en.UserID != "u-x-beheerder" ||
			en.Scope != apptest.InsurerA || !strings.Contains(string(en.After), doc.SHA256) {
			t.Errorf("audit entry %+v", en)
		}
	})
}

func TestAnotherTenantFindsNoDocumentAndTheWrongRoleMayNotUpload(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, 0)
		ctx := context.Background()
		doc, err := e.upload("a-medisch-adviseur", "advies.pdf", pdf)
		if err != nil || doc.Side != document.SideInsurer {
			t.Fatalf("insurer upload: %+v, %v", doc, err)
		}
		// The insurer's staff who do not handle dossiers find none either (HandlesDossiersOf).
		for _, key := range []string{"b-inkoper", "y-beheerder", "y-invuller", "a-zorgbemiddelaar", "a-declaratiebeoordelaar", "a-beheerder"} {
			p := e.ps.P(key)
			if _, err := e.svc.Get(ctx, p, doc.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s Get: %v", key, err)
			}
			if _, _, err := e.svc.Open(ctx, p, doc.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s Open: %v", key, err)
			}
			if _, err := e.svc.List(ctx, p, dossier.ID, document.Page{}); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s List: %v", key, err)
			}
			if _, err := e.upload(key, "x.pdf", pdf); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s Upload: %v", key, err)
			}
		}
		if _, err := e.svc.Get(ctx, e.ps.P("x-beheerder"), "doc-0000000000000000"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("no such document: %v", err)
		}
		for _, key := range []string{"x-tekenbevoegde", "operator"} {
			if _, err := e.upload(key, "x.pdf", pdf); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s Upload: %v", key, err)
			}
		}
		if n := e.stored(t); n != 1 {
			t.Errorf("%d documents stored, want 1", n)
		}
		entries, _ := e.trail.Entries(ctx, audit.Operator, audit.Filter{Dossier: dossier.ID})
		denied := 0
		for _, en := range entries {
			if en.Denied {
				denied++
			}
		}
		if denied != 2 {
			t.Errorf("%d refused uploads audited, want 2", denied)
		}
	})
}

func TestWithoutTheDossierLookupTheServiceFailsWithAnInternalError(t *testing.T) {
	db := apptest.OpenStore(t, "sqlite")
	now := func() time.Time { return apptest.Now }
	svc := document.NewService(db, nil, audit.NewLog(db, now), db, now, document.Options{})
	ps := apptest.NewParties(t, db)
	_, err := svc.List(context.Background(), ps.P("x-beheerder"), dossier.ID, document.Page{})
	if apperr.CodeOf(err) != apperr.Internal {
		t.Errorf("got %v", err)
	}
}

func TestCleanNameKeepsOnlyAShortPlainFileName(t *testing.T) {
	long := strings.Repeat("é", 300) + ".pdf"
	cases := []struct{ in, want string }{
		{"../../etc/passwd", "passwd"},
		{`C:\Users\jan\Bureaublad\offerte.xlsx`, "offerte.xlsx"},
		{"..verborgen", "verborgen"},
		{"naam\r\nmet\tregels.txt", "naammetregels.txt"},
		{"fact\u202Efdp.exe", "factfdp.exe"},
		{"/", "document"},
		{"", "document"},
		{long, strings.Repeat("é", document.MaxNameLength-4) + ".pdf"},
	}
	for _, c := range cases {
		if got := document.CleanName(c.in); got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
