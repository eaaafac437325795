package document

import "zorginkoop/internal/audit"

// The actions documents record in the audit trail.
const (
	ActionUpload = "document.upload" // a document uploaded to a dossier
)

func init() {
	audit.Register(
		audit.Action{Name: ActionUpload, Dutch: "Document geüpload bij een dossier", Refused: "Document uploaden geweigerd"},
	)
}
