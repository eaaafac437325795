package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
)

// downloadDocument sends a document of a dossier to its parties (the documents service
// answers NotFound to anyone else): as an attachment with the type sniffed at upload,
// which the browser must not sniff again (nosniff, set on every response by Secure).
func (h *Handler) downloadDocument(w http.ResponseWriter, r *http.Request) error {
	doc, rc, err := h.Documents.Open(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	hd := w.Header()
	hd.Set("Content-Type", doc.ContentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.Name}))
	hd.Set("Content-Length", strconv.FormatInt(doc.Size, 10))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, no-store")
	if _, err := io.Copy(w, rc); err != nil {
		h.Log.Warn("document download interrupted", "document", doc.ID, "err", err)
	}
	return nil
}
