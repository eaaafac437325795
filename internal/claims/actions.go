package claims

import "zorginkoop/internal/audit"

// The actions the claims area records in the audit trail.
const (
	ActionIntake         = "claims.intake"          // a claim file received and adjudicated
	ActionFileRead       = "claims.file_read"       // a file's lines or return read by an insurer user
	ActionInsuredRead    = "claims.insured_read"    // the claims of a person, or the insured list, read
	ActionInsuredImport  = "claims.insured_import"  // insured persons imported
	ActionContractImport = "claims.contract_import" // existing contracts imported
	ActionPercentage     = "claims.percentage"      // a percentage for non-contracted care set
	ActionAuthRequest    = "claims.auth_request"    // an authorisation requested
	ActionAuthDocument   = "claims.auth_document"   // a document added to a request
	ActionAuthDecide     = "claims.auth_decide"     // an authorisation granted or refused
	ActionReleased       = "claims.released"        // held lines adjudicated again
)

func init() {
	audit.Register(
		audit.Action{Name: ActionIntake, Dutch: "Declaratiebestand ontvangen en beoordeeld", Refused: "Declaratiebestand aanleveren geweigerd"},
		audit.Action{Name: ActionFileRead, Dutch: "Declaratieregels of retourinformatie ingezien", Refused: "Declaratieregels inzien geweigerd"},
		audit.Action{Name: ActionInsuredRead, Dutch: "Declaraties of gegevens van verzekerden ingezien", Refused: "Gegevens van verzekerden inzien geweigerd"},
		audit.Action{Name: ActionInsuredImport, Dutch: "Verzekerden geïmporteerd", Refused: "Verzekerden importeren geweigerd"},
		audit.Action{Name: ActionContractImport, Dutch: "Bestaande contracten geïmporteerd", Refused: "Contracten importeren geweigerd"},
		audit.Action{Name: ActionPercentage, Dutch: "Vergoedingspercentage niet-gecontracteerde zorg vastgesteld", Refused: "Vergoedingspercentage vaststellen geweigerd"},
		audit.Action{Name: ActionAuthRequest, Dutch: "Machtiging of toestemming aangevraagd", Refused: "Machtiging aanvragen geweigerd"},
		audit.Action{Name: ActionAuthDocument, Dutch: "Document bij aanvraag machtiging toegevoegd", Refused: "Document bij aanvraag machtiging toevoegen geweigerd"},
		audit.Action{Name: ActionAuthDecide, Dutch: "Machtiging of toestemming beoordeeld", Refused: "Machtiging beoordelen geweigerd", Text: decideText},
		audit.Action{Name: ActionReleased, Dutch: "Aangehouden declaratieregels opnieuw beoordeeld", Refused: "Aangehouden declaratieregels vrijgeven geweigerd"},
	)
}

// decideText names the decision: granted or refused.
func decideText(e audit.Entry) string {
	switch {
	case containsJSON(e.After, `"status":"granted"`):
		return "Machtiging of toestemming verleend"
	case containsJSON(e.After, `"status":"refused"`):
		return "Machtiging of toestemming geweigerd"
	}
	return ""
}

func containsJSON(b []byte, s string) bool {
	return len(b) > 0 && contains(string(b), s)
}
