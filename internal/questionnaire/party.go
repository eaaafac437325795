package questionnaire

import "zorginkoop/internal/identity"

// IsParty reports whether p works for a party of the dossier, whatever its role: a user of
// its insurer (also of a purchasing party buying for it) or of its provider. A party's
// user whose role may not read the questionnaire (MayRead) is refused (Forbidden): it is
// its own organisation's dossier. For anyone else the dossier does not exist (NotFound).
func IsParty(p identity.Principal, d Dossier) bool {
	return p.ActsForInsurer(d.Insurer) || p.ActsForProvider(d.ProviderID)
}

func roleMayNotRead() error {
	return identity.Deny("your role may not see this dossier's questionnaire",
		"Met uw rol kunt u de uitvraag van dit dossier niet inzien (dat kunnen de zorgaanbieder, en inkoper, contractbeheerder en medisch adviseur van de zorgverzekeraar).")
}
