package assessment

import "zorginkoop/internal/audit"

// The actions assessments record in the audit trail.
const ActionRun = "assessment.run"

func init() {
	audit.Register(audit.Action{Name: ActionRun, Dutch: "Beoordeling uitgevoerd", Refused: "Beoordeling uitvoeren geweigerd"})
}
