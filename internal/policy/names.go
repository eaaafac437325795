package policy

// Dutch names of the codes in policy files, for every door that shows a policy to people
// (docs/architecture.md: name tables live in their area).
var (
	// KindHeadings head the groups of requirements, in KindOrder.
	KindHeadings = map[Kind]string{
		Knockout: "Minimumeisen", Exclusion: "Uitsluitingsgronden",
		Attestation: "Verklaringen met bewijs", Guiding: "Richtinggevende criteria",
		Review: "Handmatige beoordeling", Information: "Ter informatie: toezeggingen en werkwijze van de verzekeraar, besluiten van derden",
	}
	KindOrder         = []Kind{Knockout, Exclusion, Attestation, Guiding, Review, Information}
	ContractFormNames = map[string]string{
		"pxq": "p x q (prijs maal volume)", "lump_sum": "lumpsum", "categories": "omzetplafond met categorieën",
		"integral": "integrale bekostiging", "subscription": "abonnement", "per_patient": "tarief per patiënt", "other": "overig",
	}
	SubstitutionNames = map[string]string{
		"none": "geen substitutie", "within_category": "substitutie binnen de categorie", "full": "volledige substitutievrijheid",
	}
	WindowKindNames = map[string]string{
		"new_provider_application": "aanvraag nieuwe zorgaanbieder", "mid_year_application": "tussentijdse aanvraag",
		"additional_purchasing": "aanvullende zorginkoop (bijcontracteren)", "objection": "bezwaar", "other": "overig",
	}
	WindowStartNames = map[string]string{
		"first_of_month": "op de eerste dag van de maand van aanvraag", "next_quarter": "aan het begin van het volgende kwartaal",
		"next_year": "op 1 januari van het volgende jaar", "decision_date": "op de datum van het besluit",
	}
	ActorNames = map[string]string{"verzekeraar": "zorgverzekeraar", "zorgaanbieder": "zorgaanbieder", "beide": "beide", "derde": "derde"}
	// InitiativeNames say who starts a contract part.
	InitiativeNames = map[Initiative]string{ByProvider: "aan te vragen door de zorgaanbieder", ByInsurer: "aangeboden door de verzekeraar"}
)
