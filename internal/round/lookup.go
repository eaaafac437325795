package round

import "context"

// Lookup returns a dossier without asking who calls: for the sibling areas (questionnaire,
// price lists, documents, contracts), which check their own permissions against its
// parties. apperr NotFound when it does not exist. Inside a write transaction it reads
// there.
func (s *Service) Lookup(ctx context.Context, id string) (*Dossier, error) {
	return s.Store.Dossier(ctx, id)
}
