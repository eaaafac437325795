package identity

// API tokens: a user makes them for the systems that call the API on their behalf, sees
// them listed, and revokes them; a password reset may revoke them all.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

const (
	// MaxAPITokens is how many unexpired API tokens one user may hold.
	MaxAPITokens = 20
	// TokenUseInterval is how precisely a token's last use is kept: it is written at most
	// once per interval, not on every request.
	TokenUseInterval = 5 * time.Minute
)

// NewAPIToken is an API token just issued: its secret, shown once, and the token as
// stored, whose ID, name and expiry every door shows alike.
type NewAPIToken struct {
	Secret string
	Token
}

// IssueAPIToken issues an API token for the actor's own account. A user holds at most
// MaxAPITokens unexpired tokens. The token expires APITokenTTL from now, to the second:
// the expiry shown when it is made is the one stored and listed.
func (s *Service) IssueAPIToken(ctx context.Context, actor Principal, name string) (NewAPIToken, error) {
	if actor.IsAnonymous() {
		return NewAPIToken{}, errSessionExpired
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return NewAPIToken{}, &apperr.Error{Code: apperr.Invalid, Field: "name",
			Message: "give the token a name, e.g. the system that uses it",
			Dutch:   "Geef het token een naam, bijvoorbeeld het systeem dat het gebruikt."}
	}
	if err := text.Check("name", name, text.Name); err != nil {
		return NewAPIToken{}, err
	}
	active, err := s.APITokens(ctx, actor)
	if err != nil {
		return NewAPIToken{}, err
	}
	if len(active) >= MaxAPITokens {
		return NewAPIToken{}, &apperr.Error{Code: apperr.Conflict, Field: "name",
			Message: fmt.Sprintf("you have %d API tokens, the most allowed; revoke one you no longer use first", len(active)),
			Dutch:   fmt.Sprintf("U heeft al %d API-tokens, het maximum. Trek eerst een token in dat u niet meer gebruikt.", len(active))}
	}
	secret, hash := newSecret("zk_")
	now := s.Now().UTC()
	t := Token{TokenHash: hash, Kind: TokenAPI, UserID: actor.User.ID, Name: name, CreatedAt: now,
		ExpiresAt: now.Add(APITokenTTL).Truncate(time.Second)}
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateToken(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionTokenCreate, "user:"+actor.User.ID, actor.OrgID(), nil,
			map[string]any{"id": t.ID(), "name": name, "expires_at": t.ExpiresAt}, "", false)
	})
	if err != nil {
		return NewAPIToken{}, err
	}
	return NewAPIToken{Secret: secret, Token: t}, nil
}

// CreateAPIToken is IssueAPIToken for callers that need only the secret.
func (s *Service) CreateAPIToken(ctx context.Context, actor Principal, name string) (string, error) {
	t, err := s.IssueAPIToken(ctx, actor, name)
	return t.Secret, err
}

// APITokens lists the actor's own unexpired API tokens, oldest first.
func (s *Service) APITokens(ctx context.Context, actor Principal) ([]Token, error) {
	if actor.IsAnonymous() {
		return nil, LoginRequired("see your API tokens")
	}
	ts, err := s.Store.Tokens(ctx, actor.User.ID, TokenAPI)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	return slices.DeleteFunc(ts, func(t Token) bool { return !now.Before(t.ExpiresAt) }), nil
}

// RevokeAPIToken revokes one of the actor's own API tokens by its ID. Another user's token
// is not found, as one that does not exist.
func (s *Service) RevokeAPIToken(ctx context.Context, actor Principal, id string) error {
	ts, err := s.APITokens(ctx, actor)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ts, func(t Token) bool { return t.ID() == id })
	if i < 0 {
		return &apperr.Error{Code: apperr.NotFound, Field: "id", Message: fmt.Sprintf("you have no API token %q", id),
			Dutch: "Dit API-token bestaat niet (meer). Misschien is het al ingetrokken of verlopen."}
	}
	t := ts[i]
	return s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.DeleteToken(ctx, t.TokenHash); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionTokenRevoke, "user:"+actor.User.ID, actor.OrgID(),
			map[string]any{"id": t.ID(), "name": t.Name, "expires_at": t.ExpiresAt}, nil, "", false)
	})
}

var errBadToken = &apperr.Error{Code: apperr.Unauthenticated, Field: "Authorization",
	Message: "the API token is malformed, unknown, revoked or expired; send 'Authorization: Bearer zk_...'",
	Dutch:   "Het API-token is ongeldig, ingetrokken of verlopen."}

// AuthenticateToken returns the principal of an API token, and notes its use.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, "zk_") || len(secret) != 46 {
		return Anonymous, errBadToken
	}
	now := s.Now().UTC()
	t, err := s.Store.Token(ctx, HashSecret(secret))
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && (t.Kind != TokenAPI || !now.Before(t.ExpiresAt)) {
		return Anonymous, errBadToken
	}
	if err != nil {
		return Anonymous, err
	}
	p, err := s.activeUser(ctx, t.UserID)
	if err != nil {
		return Anonymous, errBadToken
	}
	if now.Sub(t.LastUsedAt) >= TokenUseInterval {
		if err := s.Store.TouchToken(ctx, t.TokenHash, now); err != nil {
			return Anonymous, err
		}
	}
	return p, nil
}

// revokeAPITokens revokes every API token of u, for a password reset or change; it
// returns how many there were.
func (s *Service) revokeAPITokens(ctx context.Context, u *User, revoke bool) (int, error) {
	if !revoke {
		return 0, nil
	}
	return s.Store.DeleteTokens(ctx, u.ID, TokenAPI)
}
