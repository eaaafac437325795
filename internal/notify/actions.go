package notify

import "zorginkoop/internal/audit"

// The actions notices record in the audit trail. A notice about a change is stored in the
// transaction of that change, whose own entry records it; a reminder has no such change
// and records that it was sent.
const (
	ActionReminder = "notify.reminder" // a reminder of a deadline sent
)

func init() {
	audit.Register(
		audit.Action{Name: ActionReminder, Dutch: "Herinnering aan een termijn verstuurd", Refused: "Herinnering versturen geweigerd"},
	)
}
