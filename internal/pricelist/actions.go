package pricelist

import "zorginkoop/internal/audit"

// The actions this area records in the audit trail. Subject is "pricelist:<dossier>/<part>",
// Dossier the dossier id, and Scope the OTHER party of the dossier (the provider record
// when the insurer acts, the insurer when the provider acts), so that the entry is in both
// parties' trails: the actor's through its organisation, the other's through the scope.
// Amounts in Before and After are euro cents.
const (
	ActionPropose = "pricelist.propose" // the insurer's first proposal
	ActionCounter = "pricelist.counter" // a counter-proposal, by either side
	ActionAccept  = "pricelist.accept"  // the other side accepted: the price list is agreed
)

func init() {
	audit.Register(
		audit.Action{Name: ActionPropose, Dutch: "Prijslijst voorgesteld", Refused: "Prijslijst voorstellen geweigerd"},
		audit.Action{Name: ActionCounter, Dutch: "Tegenvoorstel op de prijslijst gedaan", Refused: "Tegenvoorstel op de prijslijst geweigerd"},
		audit.Action{Name: ActionAccept, Dutch: "Prijslijst geaccepteerd en overeengekomen", Refused: "Prijslijst accepteren geweigerd"},
	)
}
