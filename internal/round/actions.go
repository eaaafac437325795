package round

import "zorginkoop/internal/audit"

// The actions the round records in the audit trail.
const (
	ActionOpen   = "round.open"   // a round opened
	ActionInvite = "round.invite" // a contract holder invited
	ActionApply  = "round.apply"  // a provider applied
	ActionDecide = "round.decide" // the inkoper decided on a part
	ActionOffer  = "round.offer"  // the inkoper sent an offer
	ActionQuote  = "round.quote"  // the provider submitted its quote
	ActionStage  = "round.stage"  // a dossier's stage changed by another area
	ActionExtend = "round.extend" // a deadline extended
)

func init() {
	audit.Register(
		audit.Action{Name: ActionOpen, Dutch: "Inkoopronde geopend", Refused: "Inkoopronde openen geweigerd"},
		audit.Action{Name: ActionInvite, Dutch: "Zorgaanbieder uitgenodigd (startbrief)", Refused: "Zorgaanbieder uitnodigen geweigerd"},
		audit.Action{Name: ActionApply, Dutch: "Zorgaanbieder aangemeld voor de inkoopronde", Refused: "Aanmelding voor de inkoopronde geweigerd"},
		audit.Action{Name: ActionDecide, Dutch: "Besluit over een onderdeel genomen", Refused: "Besluit over een onderdeel geweigerd"},
		audit.Action{Name: ActionOffer, Dutch: "Contractaanbod verstuurd", Refused: "Contractaanbod versturen geweigerd"},
		audit.Action{Name: ActionQuote, Dutch: "Offerte ingediend", Refused: "Offerte indienen geweigerd"},
		audit.Action{Name: ActionStage, Dutch: "Fase van het dossier gewijzigd", Refused: "Fase van het dossier wijzigen geweigerd"},
		audit.Action{Name: ActionExtend, Dutch: "Uiterste datum verlengd", Refused: "Uiterste datum verlengen geweigerd"},
	)
}
