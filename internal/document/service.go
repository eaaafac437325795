package document

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// DefaultMaxSize is the largest document accepted unless Options say otherwise: 10 MiB.
const DefaultMaxSize = 10 << 20

// Options are the limits of uploads.
type Options struct {
	MaxSize int64 // bytes; DefaultMaxSize when 0
}

// Service applies the rules of documents. Build it with NewService.
type Service struct {
	store   Store
	dossier DossierLookup
	audit   identity.Auditor
	tx      identity.TxRunner
	now     func() time.Time
	maxSize int64
}

// NewService returns the documents service. dossiers may be nil until the round area is
// wired: every call then fails with an Internal error.
func NewService(store Store, dossiers DossierLookup, a identity.Auditor, tx identity.TxRunner, now func() time.Time, opt Options) *Service {
	identity.Require("document.NewService", "store", store)
	identity.Require("document.NewService", "audit", a)
	identity.Require("document.NewService", "tx", tx)
	identity.Require("document.NewService", "now", now)
	if opt.MaxSize <= 0 {
		opt.MaxSize = DefaultMaxSize
	}
	return &Service{store: store, dossier: dossiers, audit: a, tx: tx, now: now, maxSize: opt.MaxSize}
}

// MaxSize is the largest document accepted, in bytes.
func (s *Service) MaxSize() int64 { return s.maxSize }

// readable returns the dossier if p may read it, else NotFound.
func (s *Service) readable(ctx context.Context, p identity.Principal, dossierID string) (Dossier, error) {
	if s.dossier == nil {
		return Dossier{}, &apperr.Error{Code: apperr.Internal, Message: "document: the dossier lookup is not wired"}
	}
	d, err := s.dossier(ctx, dossierID)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return Dossier{}, hideDossier(dossierID)
		}
		return Dossier{}, fmt.Errorf("dossier %s: %w", dossierID, err)
	}
	if !MayRead(p, d) {
		return Dossier{}, hideDossier(dossierID)
	}
	return d, nil
}

func hideDossier(id string) error {
	return &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("dossier %s does not exist", id),
		Dutch: fmt.Sprintf("Dossier %s bestaat niet.", id)}
}

func hideDocument(id string) error {
	return &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("document %s does not exist", id),
		Dutch: fmt.Sprintf("Document %s bestaat niet.", id)}
}

// Upload stores the document read from r in the dossier, as p, with its audit entry in
// one transaction. It refuses (and stores nothing) an empty file, one larger than
// MaxSize, and one whose bytes are not PDF, PNG, JPEG, xlsx, docx or UTF-8 text/CSV.
func (s *Service) Upload(ctx context.Context, p identity.Principal, dossierID, name string, r io.Reader) (*Document, error) {
	d, err := s.readable(ctx, p, dossierID)
	if err != nil {
		return nil, err
	}
	name = CleanName(name)
	side, ok := UploadSide(p, d)
	if !ok {
		return nil, s.refuse(ctx, p, d, name)
	}
	content, sum, err := s.read(name, r)
	if err != nil {
		return nil, err
	}
	typ := Sniff(name, content)
	if typ == "" {
		return nil, &apperr.Error{Code: apperr.Invalid, Field: "file",
			Message: fmt.Sprintf("%s is not a PDF, PNG, JPEG, Excel (xlsx), Word (docx) or text/CSV file", name),
			Dutch:   fmt.Sprintf("%s is geen PDF-, PNG-, JPEG-, Excel- (xlsx), Word- (docx) of tekst/CSV-bestand; alleen die soorten bestanden kunt u uploaden.", name)}
	}
	doc := Document{ID: newID(), DossierID: d.ID, Name: name, ContentType: typ, Size: int64(len(content)), SHA256: sum,
		UploadedBy: p.UserID(), OrgID: p.OrgID(), UploadedAt: s.now().UTC().Truncate(time.Microsecond), Side: side}
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.SaveDocument(ctx, doc, content); err != nil {
			return err
		}
		return identity.Record(ctx, s.audit, p, audit.Entry{Action: ActionUpload, Subject: "document:" + doc.ID,
			Scope: otherParty(side, d), Dossier: d.ID, After: audit.JSON(doc)})
	})
	if err != nil {
		return nil, err
	}
	return &doc, nil
}

// otherParty is the audit scope of an upload: the uploader's organisation sees the entry
// as its own (OrgID), the other party through the scope.
func otherParty(side Side, d Dossier) string {
	if side == SideInsurer {
		return d.ProviderID
	}
	return d.Insurer
}

// ownParty is the audit scope of a refused upload: the party p works for, so that the
// other party does not read of it.
func ownParty(p identity.Principal, d Dossier) string {
	if p.ActsForInsurer(d.Insurer) {
		return d.Insurer
	}
	return d.ProviderID
}

// refuse records the refused upload of a party's user in another role, and returns the
// Forbidden error.
func (s *Service) refuse(ctx context.Context, p identity.Principal, d Dossier, name string) error {
	err := identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		return identity.Record(ctx, s.audit, p, audit.Entry{Action: ActionUpload, Subject: "dossier:" + d.ID,
			Scope: ownParty(p, d), Dossier: d.ID, Denied: true, Reason: "role may not upload: " + name})
	})
	if err != nil {
		return err
	}
	return identity.Deny("your role may not upload documents to this dossier",
		"Met uw rol kunt u geen documenten bij dit dossier uploaden (dat kunnen beheerder, contractmanager en invuller van de zorgaanbieder, en inkoper, contractbeheerder en medisch adviseur van de zorgverzekeraar).")
}

// read reads at most MaxSize+1 bytes, hashing as it goes.
func (s *Service) read(name string, r io.Reader) ([]byte, string, error) {
	h := sha256.New()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.TeeReader(io.LimitReader(r, s.maxSize+1), h)); err != nil {
		return nil, "", &apperr.Error{Code: apperr.Invalid, Field: "file", Message: fmt.Sprintf("reading %s: %v", name, err),
			Dutch: fmt.Sprintf("%s kon niet worden gelezen.", name), Err: err}
	}
	switch {
	case buf.Len() == 0:
		return nil, "", &apperr.Error{Code: apperr.Invalid, Field: "file", Message: fmt.Sprintf("%s is empty", name),
			Dutch: fmt.Sprintf("%s is leeg.", name)}
	case int64(buf.Len()) > s.maxSize:
		return nil, "", &apperr.Error{Code: apperr.Invalid, Field: "file",
			Message: fmt.Sprintf("%s is larger than %s, the most a document may be", name, sizeText(s.maxSize)),
			Dutch:   fmt.Sprintf("%s is groter dan %s, het maximum voor een document.", name, sizeText(s.maxSize))}
	}
	return buf.Bytes(), hex.EncodeToString(h.Sum(nil)), nil
}

// sizeText gives a limit in MiB ("10 MB") or kB.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d kB", (n+1023)>>10)
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "doc-" + hex.EncodeToString(b)
}

// Get returns a document's metadata, if p may read its dossier.
func (s *Service) Get(ctx context.Context, p identity.Principal, id string) (*Document, error) {
	doc, err := s.store.Document(ctx, id)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, hideDocument(id)
		}
		return nil, err
	}
	if _, err := s.readable(ctx, p, doc.DossierID); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, hideDocument(id)
		}
		return nil, err
	}
	return doc, nil
}

// Open returns a document's metadata and its bytes to stream (for a download), if p may
// read its dossier. The caller closes the reader.
func (s *Service) Open(ctx context.Context, p identity.Principal, id string) (*Document, io.ReadCloser, error) {
	doc, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.store.DocumentContent(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return doc, rc, nil
}

// List returns a page of the dossier's documents, newest first, if p may read it.
func (s *Service) List(ctx context.Context, p identity.Principal, dossierID string, page Page) (List, error) {
	if _, err := s.readable(ctx, p, dossierID); err != nil {
		return List{}, err
	}
	page = page.normal()
	docs, total, err := s.store.Documents(ctx, dossierID, page.Offset, page.Limit)
	if err != nil {
		return List{}, err
	}
	return List{Documents: docs, Total: total}, nil
}

// Ref returns what another area needs to check a reference to a document, without a
// principal: the caller has checked its own principal against the dossier. NotFound when
// there is no such document.
func (s *Service) Ref(ctx context.Context, id string) (DocumentRef, error) {
	doc, err := s.store.Document(ctx, id)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return DocumentRef{}, hideDocument(id)
		}
		return DocumentRef{}, err
	}
	return DocumentRef{ID: doc.ID, DossierID: doc.DossierID, Name: doc.Name, SHA256: doc.SHA256}, nil
}
