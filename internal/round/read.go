package round

import (
	"context"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// ReadRound returns a round and its policy to who may see its dates (MayReadRound):
// NotFound for anyone else and for a round that was not opened. The pages list the rounds
// of the policies a principal sees with it.
func (s *Service) ReadRound(ctx context.Context, actor identity.Principal, roundID string) (*Round, *policy.Compiled, error) {
	return s.readRound(ctx, actor, roundID)
}
