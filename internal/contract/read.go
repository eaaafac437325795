package contract

import (
	"context"
	"fmt"
	"io"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// Contract returns a contract to its parties and the operator; others get NotFound.
func (s *Service) Contract(ctx context.Context, actor identity.Principal, id string) (*Contract, error) {
	c, err := s.store.Contract(ctx, id)
	return s.visible(actor, c, err, hidden(id))
}

// ContractForDossier returns the contract of a dossier, as Contract.
func (s *Service) ContractForDossier(ctx context.Context, actor identity.Principal, dossierID string) (*Contract, error) {
	c, err := s.store.ContractByDossier(ctx, dossierID)
	return s.visible(actor, c, err, identity.Hide(fmt.Sprintf("contract of dossier %q", dossierID)))
}

func (s *Service) visible(actor identity.Principal, c *Contract, err, notFound error) (*Contract, error) {
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !mayRead(actor, c.Insurer, c.ProviderID) {
		return nil, notFound
	}
	if !mayReadTerms(actor, c.Insurer, c.ProviderID) {
		return nil, &apperr.Error{Code: apperr.Forbidden, Message: "only the parties' purchasing, contract and signing staff read a contract",
			Dutch: "Alleen de inkoper en contractbeheerder van de zorgverzekeraar en de beheerder, contractmanager en tekenbevoegde van de zorgaanbieder zien het contract en de tarieven."}
	}
	return c, nil
}

// Document formats.
const (
	FormatPDF  = "pdf"
	FormatXLSX = "xlsx"
)

// Document is a contract's current document in a format.
type Document struct {
	Name        string // file name, e.g. "contract-con-…-v2.pdf"
	ContentType string
	SHA256      string // of the PDF; empty for the xlsx
	Bytes       []byte
}

// WriteTo streams the document's bytes to w (an HTTP response).
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(d.Bytes)
	return int64(n), err
}

// Document returns the contract's current document as PDF or xlsx, to its parties and
// the operator.
func (s *Service) Document(ctx context.Context, actor identity.Principal, contractID, format string) (*Document, error) {
	c, err := s.Contract(ctx, actor, contractID)
	if err != nil {
		return nil, err
	}
	doc := &Document{Name: fmt.Sprintf("contract-%s-v%d.%s", c.ID, c.Version, format)}
	switch format {
	case FormatPDF:
		doc.ContentType, doc.SHA256 = "application/pdf", c.DocumentSHA256
	case FormatXLSX:
		doc.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		return nil, invalid("format", fmt.Sprintf("format %q is not pdf or xlsx", format), "Kies pdf of xlsx.")
	}
	if doc.Bytes, err = s.store.ContractDocument(ctx, c.ID, c.Version, format); err != nil {
		return nil, err
	}
	return doc, nil
}
