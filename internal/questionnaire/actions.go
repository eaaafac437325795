package questionnaire

import "zorginkoop/internal/audit"

// The actions the questionnaire records in the audit trail, each with the dossier.
const (
	ActionAnswers  = "questionnaire.answers"  // draft answers saved, in the provider's trail
	ActionEvidence = "questionnaire.evidence" // an evidence document attached, in the provider's trail
	// ActionSubmit: the questionnaire submitted and assessed, in the insurer's trail.
	ActionSubmit = "questionnaire.submit"
	// ActionReview: a "ter beoordeling" item handled by the medisch adviseur, in the
	// provider's trail (the adviser's organisation sees it as its own user's entry).
	ActionReview = "questionnaire.review"
)

func init() {
	audit.Register(
		audit.Action{Name: ActionAnswers, Dutch: "Antwoorden op de uitvraag opgeslagen", Refused: "Antwoorden op de uitvraag opslaan geweigerd"},
		audit.Action{Name: ActionEvidence, Dutch: "Bewijsstuk bij de uitvraag toegevoegd", Refused: "Bewijsstuk bij de uitvraag toevoegen geweigerd"},
		audit.Action{Name: ActionSubmit, Dutch: "Uitvraag ingediend en beoordeeld", Refused: "Uitvraag indienen geweigerd"},
		audit.Action{Name: ActionReview, Dutch: "Beoordelingspunt afgehandeld door de medisch adviseur",
			Refused: "Beoordelingspunt afhandelen geweigerd"},
	)
}
