package claims

// Dutch is the outcome's Dutch name: goedgekeurd, verlaagd, afgewezen, aangehouden.
func (o Outcome) Dutch() string {
	switch o {
	case Approved:
		return "goedgekeurd"
	case Reduced:
		return "verlaagd"
	case Rejected:
		return "afgewezen"
	case Held:
		return "aangehouden"
	}
	return string(o)
}

// reasonTexts are the Dutch short texts of the reason codes (docs/claims.md).
var reasonTexts = map[Reason]string{
	ReasonContracted:      "Goedgekeurd tegen het gecontracteerde tarief",
	ReasonBelowContract:   "Goedgekeurd tegen het gedeclareerde bedrag (lager dan het gecontracteerde tarief)",
	ReasonPolicyCover:     "Niet-gecontracteerde zorg, volledig vergoed volgens de polis",
	ReasonNonContracted:   "Niet-gecontracteerde zorg: vergoed tegen het percentage voor de polissoort",
	ReasonAboveContract:   "Gedeclareerd boven het gecontracteerde tarief: verlaagd tot het tarief",
	ReasonNoContractPart:  "Geen contract voor dit onderdeel",
	ReasonNoAuthorisation: "Geen geldige machtiging op de prestatiedatum",
	ReasonNoApproval:      "Geen voorafgaande schriftelijke toestemming op de prestatiedatum",
	ReasonNotInsured:      "Niet verzekerd bij de zorgverzekeraar op de prestatiedatum",
	ReasonDuplicate:       "Dubbele declaratie: deze prestatie is al eerder gedeclareerd",
	ReasonNotInPriceList:  "Prestatie staat niet in de afgesproken prijslijst",
	ReasonInvalidBSN:      "Burgerservicenummer voldoet niet aan de elfproef",
	ReasonWrongInsurer:    "UZOVI-nummer hoort niet bij deze zorgverzekeraar",
	ReasonUnknownCode:     "Onbekende code (prestatiecodelijst of declaratiecode)",
	ReasonBadDates:        "Ongeldige datum (einde voor begin, in de toekomst of buiten de declaratieperiode)",
	ReasonUnknownCredit:   "Creditregel zonder bekende oorspronkelijke declaratieregel",
	ReasonPurchasingOpen:  "Aangehouden: het inkooptraject met de zorgaanbieder is nog niet afgerond",
	ReasonNoPercentage:    "Aangehouden: de zorgverzekeraar heeft voor deze polissoort nog geen vergoedingspercentage vastgesteld",
}

// Reasons are all reason codes in the order docs/claims.md lists them.
var Reasons = []Reason{ReasonContracted, ReasonBelowContract, ReasonPolicyCover, ReasonNonContracted, ReasonAboveContract,
	ReasonNoContractPart, ReasonNoAuthorisation, ReasonNoApproval, ReasonNotInsured, ReasonDuplicate, ReasonNotInPriceList,
	ReasonInvalidBSN, ReasonWrongInsurer, ReasonUnknownCode, ReasonBadDates, ReasonUnknownCredit,
	ReasonPurchasingOpen, ReasonNoPercentage}

// ReasonText is the Dutch short text of a reason code; the code itself when unknown.
func ReasonText(r Reason) string {
	if t, ok := reasonTexts[r]; ok {
		return t
	}
	return string(r)
}

// Outcome is the outcome a reason code belongs to (its first letter).
func (r Reason) Outcome() Outcome {
	if r == "" {
		return ""
	}
	switch r[0] {
	case 'G':
		return Approved
	case 'V':
		return Reduced
	case 'A':
		return Rejected
	case 'H':
		return Held
	}
	return ""
}
