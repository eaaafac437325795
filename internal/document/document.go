// Package document keeps the evidence and documents of a dossier: uploaded by its parties,
// stored in the database with their SHA-256, limited in size and in type (sniffed from the
// bytes, never taken from the name), and visible only to the dossier's parties and the
// operator.
package document

import (
	"context"
	"io"
	"time"
)

// Side is the party of a dossier that uploaded a document.
type Side string

const (
	SideInsurer  Side = "insurer"  // the insurer's side: its staff or a purchasing party's
	SideProvider Side = "provider" // the provider's organisation
)

// Document is a stored document's metadata.
type Document struct {
	ID          string    `json:"id"` // doc-<16 hex>
	DossierID   string    `json:"dossier_id"`
	Name        string    `json:"name"`         // cleaned file name
	ContentType string    `json:"content_type"` // sniffed from the bytes
	Size        int64     `json:"size"`         // bytes
	SHA256      string    `json:"sha256"`       // hex, of the bytes as stored
	UploadedBy  string    `json:"uploaded_by"`  // user id
	OrgID       string    `json:"org_id"`       // the uploader's organisation
	UploadedAt  time.Time `json:"uploaded_at"`
	Side        Side      `json:"side"`
}

// DocumentRef is what another area needs to check a reference to evidence (the
// questionnaire's evidence fields): which dossier the document belongs to, and its hash.
type DocumentRef struct {
	ID        string `json:"id"`
	DossierID string `json:"dossier_id"`
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`
}

// Dossier is what this area needs of a dossier: who its parties are.
type Dossier struct {
	ID         string
	Insurer    string // registry insurer id
	ProviderID string // provider record id
}

// DossierLookup returns a dossier, or an apperr NotFound error. The round area provides it.
type DossierLookup func(ctx context.Context, id string) (Dossier, error)

// Page selects part of a listing.
type Page struct {
	Offset int
	Limit  int // DefaultPageSize when 0; at most MaxPageSize
}

// Listing sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

func (p Page) normal() Page {
	if p.Offset < 0 {
		p.Offset = 0
	}
	if p.Limit <= 0 {
		p.Limit = DefaultPageSize
	}
	p.Limit = min(p.Limit, MaxPageSize)
	return p
}

// List is one page of a dossier's documents, newest first, and how many it has.
type List struct {
	Documents []Document `json:"documents"`
	Total     int        `json:"total"`
}

// Store keeps documents. Implementations: store/sqlstore (SQLite and PostgreSQL).
type Store interface {
	// SaveDocument inserts a document with its bytes, in the context's transaction if it
	// carries one.
	SaveDocument(ctx context.Context, d Document, content []byte) error
	// Document returns a document's metadata, or an apperr NotFound error.
	Document(ctx context.Context, id string) (*Document, error)
	// DocumentContent returns a document's bytes, or an apperr NotFound error.
	DocumentContent(ctx context.Context, id string) (io.ReadCloser, error)
	// Documents lists a dossier's documents, newest first, and how many it has.
	Documents(ctx context.Context, dossierID string, offset, limit int) ([]Document, int, error)
}
