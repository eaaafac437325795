package policy

import "zorginkoop/internal/audit"

// The actions policies record in the audit trail.
const (
	ActionDraftSave = "policy.draft_save"
	ActionPublish   = "policy.publish"
	ActionInstall   = "policy.install" // the operator stores a shipped policy file as published
)

func init() {
	audit.Register(
		audit.Action{Name: ActionDraftSave, Dutch: "Concept opgeslagen", Refused: "Concept opslaan geweigerd"},
		audit.Action{Name: ActionPublish, Dutch: "Beleid gepubliceerd", Refused: "Beleid publiceren geweigerd"},
		audit.Action{Name: ActionInstall, Dutch: "Beleid geïnstalleerd door de beheerder van het platform", Refused: "Beleid installeren geweigerd"},
	)
}
