package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/document"
	"zorginkoop/internal/store"
)

// RunDocuments runs the suite of dossiers' documents: bytes and metadata round-trip,
// listings per dossier newest first, and a write that joins the context's transaction.
func RunDocuments(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"a document's metadata and every byte value round-trip", testDocumentRoundTrip},
		{"documents are listed per dossier, newest first, paged, with the total", testDocumentList},
		{"a document saved in a rolled-back transaction is not stored", testDocumentRollback},
	})
}

func doc(id, dossier string, at time.Time, size int) document.Document {
	return document.Document{ID: id, DossierID: dossier, Name: id + ".pdf", ContentType: document.TypePDF, Size: int64(size),
		SHA256: fmt.Sprintf("%064x", size), UploadedBy: "u-1", OrgID: "org-x", UploadedAt: at, Side: document.SideProvider}
}

func testDocumentRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	content := make([]byte, 256*4)
	for i := range content {
		content[i] = byte(i)
	}
	d := doc("doc-1", "dos-1", t0.Add(123456*time.Microsecond), len(content))
	if err := db.SaveDocument(ctx, d, content); err != nil {
		t.Fatal(err)
	}
	got, err := db.Document(ctx, "doc-1")
	if err != nil || *got != d {
		t.Fatalf("got %+v, %v; want %+v", got, err, d)
	}
	rc, err := db.DocumentContent(ctx, "doc-1")
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(back, content) {
		t.Errorf("content differs: %d bytes back", len(back))
	}
	if _, err := db.Document(ctx, "doc-2"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("missing document: %v", err)
	}
	if _, err := db.DocumentContent(ctx, "doc-2"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("missing content: %v", err)
	}
}

func testDocumentList(t *testing.T, db store.DB) {
	ctx := context.Background()
	for i := range 5 {
		if err := db.SaveDocument(ctx, doc(fmt.Sprintf("doc-%d", i), "dos-1", t0.Add(time.Duration(i)*time.Minute), 1), []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveDocument(ctx, doc("doc-other", "dos-2", t0, 1), []byte("x")); err != nil {
		t.Fatal(err)
	}
	page, total, err := db.Documents(ctx, "dos-1", 1, 2)
	if err != nil || total != 5 || len(page) != 2 || page[0].ID != "doc-3" || page[1].ID != "doc-2" {
		t.Errorf("page: %+v, %d, %v", page, total, err)
	}
	if none, total, err := db.Documents(ctx, "dos-3", 0, 10); err != nil || total != 0 || len(none) != 0 {
		t.Errorf("empty dossier: %+v, %d, %v", none, total, err)
	}
}

func testDocumentRollback(t *testing.T, db store.DB) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.InTx(ctx, func(ctx context.Context) error {
		if err := db.SaveDocument(ctx, doc("doc-1", "dos-1", t0, 1), []byte("x")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := db.Document(ctx, "doc-1"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("after rollback: %v", err)
	}
}
