package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/document"
)

// Documents of dossiers (internal/document), their bytes in the row.

const documentColumns = `id, dossier_id, name, content_type, size, sha256, uploaded_by, org_id, side, uploaded_at`

// SaveDocument inserts a document with its bytes.
func (db *DB) SaveDocument(ctx context.Context, d document.Document, content []byte) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO documents (`+documentColumns+`, content)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		d.ID, d.DossierID, d.Name, d.ContentType, d.Size, d.SHA256, d.UploadedBy, d.OrgID, string(d.Side),
		db.Dialect.Time(d.UploadedAt), content)
	if err != nil {
		return fmt.Errorf("save document %s: %w", d.ID, err)
	}
	return nil
}

func scanDocument(row interface{ Scan(...any) error }) (document.Document, error) {
	var d document.Document
	var side string
	var at Timestamp
	err := row.Scan(&d.ID, &d.DossierID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.OrgID, &side, &at)
	d.Side, d.UploadedAt = document.Side(side), at.Time
	return d, err
}

// Document returns a document's metadata.
func (db *DB) Document(ctx context.Context, id string) (*document.Document, error) {
	d, err := scanDocument(db.Read.QueryRowContext(ctx, db.Q(`SELECT `+documentColumns+` FROM documents WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("document %s does not exist", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read document %s: %w", id, err)
	}
	return &d, nil
}

// DocumentContent returns a document's bytes (at most a document's size limit, so they
// are read whole).
func (db *DB) DocumentContent(ctx context.Context, id string) (io.ReadCloser, error) {
	var content []byte
	err := db.Read.QueryRowContext(ctx, db.Q(`SELECT content FROM documents WHERE id = ?`), id).Scan(&content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("document %s does not exist", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read document %s: %w", id, err)
	}
	return io.NopCloser(bytes.NewReader(content)), nil
}

// Documents lists a dossier's documents, newest first, and how many it has.
func (db *DB) Documents(ctx context.Context, dossierID string, offset, limit int) ([]document.Document, int, error) {
	var total int
	if err := db.Read.QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM documents WHERE dossier_id = ?`), dossierID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count documents: %w", err)
	}
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT `+documentColumns+` FROM documents WHERE dossier_id = ?
		ORDER BY uploaded_at DESC, id DESC LIMIT ? OFFSET ?`), dossierID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("read documents: %w", err)
	}
	defer rows.Close()
	var out []document.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("read documents: %w", err)
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}
