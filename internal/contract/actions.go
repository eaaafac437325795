package contract

import "zorginkoop/internal/audit"

// The actions the contract area records in the audit trail.
const (
	ActionGenerate = "contract.generate" // a contract (version) generated
	ActionSign     = "contract.sign"     // a party signed
	ActionPublish  = "contract.publish"  // published on the publication date
)

func init() {
	audit.Register(
		audit.Action{Name: ActionGenerate, Dutch: "Contract opgesteld", Refused: "Contract opstellen geweigerd"},
		audit.Action{Name: ActionSign, Dutch: "Contract ondertekend", Refused: "Contract ondertekenen geweigerd"},
		audit.Action{Name: ActionPublish, Dutch: "Contract gepubliceerd", Refused: "Contract publiceren geweigerd"},
	)
}
