package provider

import "zorginkoop/internal/audit"

// The actions the provider register records in the audit trail.
const (
	ActionImport = "provider.import" // records imported or replaced
	ActionFacts  = "provider.facts"  // facts kept per insurer changed, in that insurer's trail
	ActionDelete = "provider.delete" // records removed from the register
	// ActionDealings: part choices under an insurer's policies or contracts with it
	// changed, in that insurer's trail.
	ActionDealings = "provider.dealings"
)

func init() {
	audit.Register(
		audit.Action{Name: ActionImport, Dutch: "Zorgaanbieders geïmporteerd", Refused: "Zorgaanbieders importeren geweigerd"},
		audit.Action{Name: ActionFacts, Dutch: "Gegevens van de verzekeraar over zorgaanbieders gewijzigd",
			Refused: "Gegevens van de verzekeraar over zorgaanbieders wijzigen geweigerd"},
		audit.Action{Name: ActionDelete, Dutch: "Zorgaanbieders verwijderd", Refused: "Zorgaanbieders verwijderen geweigerd"},
		audit.Action{Name: ActionDealings, Dutch: "Aangevraagde of aangeboden onderdelen of contracten van zorgaanbieders gewijzigd",
			Refused: "Onderdelen of contracten van zorgaanbieders wijzigen geweigerd"},
	)
}
