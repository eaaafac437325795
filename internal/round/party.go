package round

import "zorginkoop/internal/identity"

// unreadable is the answer to a principal that may not read dossier d (MayReadDossier):
// a user of one of its parties, whose role has no part in the round (the insurer's
// zorgbemiddelaar, say), is refused (Forbidden): it is its own organisation's dossier and
// the answer tells nothing new. For anyone else the dossier does not exist (NotFound).
func unreadable(actor identity.Principal, d *Dossier) error {
	if actor.ActsForInsurer(d.Insurer) || actor.ActsForProvider(d.ProviderID) {
		return forbidden("your role has no part in the purchasing round", "Uw rol heeft geen toegang tot de dossiers van de inkoopronde.")
	}
	return notFoundDossier(d.ID)
}
