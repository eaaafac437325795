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
		audit.Action{Name: ActionDraftSave, Dutch: "Concept zorginkoopbeleid opgeslagen", Refused: "Concept zorginkoopbeleid opslaan geweigerd"},
		audit.Action{Name: ActionPublish, Dutch: "Zorginkoopbeleid gepubliceerd", Refused: "Zorginkoopbeleid publiceren geweigerd"},
		audit.Action{Name: ActionInstall, Dutch: "Zorginkoopbeleid geïnstalleerd door de beheerder van het platform", Refused: "Zorginkoopbeleid installeren geweigerd"},
	)
}
