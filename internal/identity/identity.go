// Package identity holds who may use the platform and what they may see and do:
// organisations, users with roles, sessions, tokens and the authorisation rules. The rules
// are enforced here and in the other areas' services, which ask a Principal; the web and
// API layers only find out who is calling.
package identity

import (
	"context"
	"slices"
	"strings"
	"time"
)

// OrgKind says what an organisation is on the platform.
type OrgKind string

const (
	Insurer   OrgKind = "insurer"   // zorgverzekeraar
	Purchaser OrgKind = "purchaser" // inkooporganisatie that buys for insurers (e.g. Caresq)
	Provider  OrgKind = "provider"  // zorgaanbieder
	Operator  OrgKind = "operator"  // runs the platform
)

// Organisation is a party whose users work on the platform.
type Organisation struct {
	ID   string  `json:"id"`
	Kind OrgKind `json:"kind"`
	Name string  `json:"name"`
	KvK  string  `json:"kvk,omitempty"`
	// Insurers are the registry insurers an insurer or purchasing party acts for: an
	// insurer for itself (and its labels' carrier), a purchasing party for those it buys for.
	Insurers []string `json:"insurers,omitempty"`
	// Providers are the provider records (provider ids) a provider organisation manages.
	Providers []string `json:"providers,omitempty"`
	// OIDC configures OpenID Connect login for the organisation's users; nil when off.
	OIDC *OIDCConfig `json:"oidc,omitempty"`
}

// OIDCConfig is an organisation's OpenID Connect identity provider.
type OIDCConfig struct {
	Issuer       string `json:"issuer"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
}

// Role is what a user may do within their organisation.
type Role string

const (
	// Insurer and purchasing-party roles.
	RoleBuyer           Role = "inkoper"
	RoleContractManager Role = "contractbeheerder"
	RoleMedicalAdvisor  Role = "medisch-adviseur"
	RoleCareMediator    Role = "zorgbemiddelaar"
	RoleClaimsAssessor  Role = "declaratiebeoordelaar"
	// Every kind of organisation has administrators.
	RoleAdmin Role = "beheerder"
	// Provider roles.
	RoleProviderContractManager Role = "contractmanager"
	RoleFiller                  Role = "invuller"
	RoleSignatory               Role = "tekenbevoegde"
)

// RolesFor lists the roles users of an organisation kind may hold.
func RolesFor(k OrgKind) []Role {
	switch k {
	case Insurer, Purchaser:
		return []Role{RoleBuyer, RoleContractManager, RoleMedicalAdvisor, RoleCareMediator, RoleClaimsAssessor, RoleAdmin}
	case Provider:
		return []Role{RoleAdmin, RoleProviderContractManager, RoleFiller, RoleSignatory}
	case Operator:
		return []Role{RoleAdmin}
	}
	return nil
}

// RoleNames gives the Dutch name of each role.
var RoleNames = map[Role]string{
	RoleBuyer: "inkoper", RoleContractManager: "contractbeheerder", RoleMedicalAdvisor: "medisch adviseur",
	RoleCareMediator: "zorgbemiddelaar", RoleClaimsAssessor: "declaratiebeoordelaar", RoleAdmin: "beheerder",
	RoleProviderContractManager: "contractmanager", RoleFiller: "invuller", RoleSignatory: "tekenbevoegde",
}

// User is a person with an account. PasswordHash is empty for users who log in only with
// OpenID Connect or a certificate.
type User struct {
	ID              string    `json:"id"`
	OrgID           string    `json:"org_id"`
	Email           string    `json:"email"`
	Name            string    `json:"name"`
	Roles           []Role    `json:"roles"`
	Disabled        bool      `json:"disabled"`
	PasswordHash    string    `json:"-"`
	CertFingerprint string    `json:"cert_fingerprint,omitempty"`
	OIDCSubject     string    `json:"-"`
	CreatedAt       time.Time `json:"created_at"`
}

// Session is a login in a browser, stored so that any app instance can serve it.
type Session struct {
	TokenHash string
	UserID    string
	CSRF      string // the token every form of this session must carry
	CreatedAt time.Time
	ExpiresAt time.Time
}

// TokenKind tells API tokens from password-reset links.
type TokenKind string

const (
	TokenAPI   TokenKind = "api"
	TokenReset TokenKind = "reset"
)

// Token is a stored secret of an API client or a password-reset link, by its hash.
type Token struct {
	TokenHash string
	Kind      TokenKind
	UserID    string
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	// LastUsedAt is when an API token was last used, to within TokenUseInterval.
	LastUsedAt time.Time
}

// ID names a token to its user, to list and revoke it: the start of the hash of its
// secret, which tells nothing about the secret.
func (t *Token) ID() string {
	if len(t.TokenHash) < tokenIDLength {
		return t.TokenHash
	}
	return t.TokenHash[:tokenIDLength]
}

const tokenIDLength = 16

// LoginThrottle is the count of failed logins from one source for one e-mail address
// (known or not), by Key (see throttleKey).
type LoginThrottle struct {
	Key      string
	Failures int       // failed attempts since the last success
	RetryAt  time.Time // the next attempt is heard from then on
	LastAt   time.Time // the last attempt
}

// Store keeps organisations, users, sessions and tokens.
// Implementations: store/sqlstore (SQLite and PostgreSQL).
type Store interface {
	SaveOrganisation(ctx context.Context, o Organisation) error
	// Organisation returns one organisation or an apperr NotFound error.
	Organisation(ctx context.Context, id string) (*Organisation, error)
	Organisations(ctx context.Context) ([]Organisation, error)
	// CreateUser adds a user; an e-mail address in use gives an apperr Conflict error.
	CreateUser(ctx context.Context, u User) error
	// UpdateUser writes every field of an existing user.
	UpdateUser(ctx context.Context, u User) error
	// User, UserByEmail, UserByCert and UserByOIDC return one user or apperr NotFound.
	User(ctx context.Context, id string) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	UserByCert(ctx context.Context, fingerprint string) (*User, error)
	UserByOIDC(ctx context.Context, subject string) (*User, error)
	// Users lists the users of an organisation ("" for all), ordered by e-mail.
	Users(ctx context.Context, orgID string) ([]User, error)
	CountUsers(ctx context.Context) (int, error)
	CreateSession(ctx context.Context, s Session) error
	// Session returns a session by the hash of its token, or apperr NotFound.
	Session(ctx context.Context, tokenHash string) (*Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteUserSessions(ctx context.Context, userID string) error
	// DeleteOtherSessions ends every session of a user but the one of keepHash.
	DeleteOtherSessions(ctx context.Context, userID, keepHash string) error
	CreateToken(ctx context.Context, t Token) error
	// Token returns a token by hash, or apperr NotFound.
	Token(ctx context.Context, tokenHash string) (*Token, error)
	// UseToken marks an unused token used at t; false when it was already used.
	UseToken(ctx context.Context, tokenHash string, t time.Time) (bool, error)
	Tokens(ctx context.Context, userID string, kind TokenKind) ([]Token, error)
	// DeleteToken removes a token by hash; DeleteTokens removes every token of a kind of a
	// user and says how many there were.
	DeleteToken(ctx context.Context, tokenHash string) error
	DeleteTokens(ctx context.Context, userID string, kind TokenKind) (int, error)
	// TouchToken sets when a token was last used.
	TouchToken(ctx context.Context, tokenHash string, at time.Time) error
	// LoginThrottle returns the failed logins of a key, or apperr NotFound.
	LoginThrottle(ctx context.Context, key string) (*LoginThrottle, error)
	// SaveLoginThrottle stores t if the stored count of its key is still stored (0: no
	// row); false when another attempt changed it first.
	SaveLoginThrottle(ctx context.Context, t LoginThrottle, stored int) (bool, error)
	DeleteLoginThrottle(ctx context.Context, key string) error
	// PruneLoginThrottle forgets the keys whose last attempt was before t.
	PruneLoginThrottle(ctx context.Context, before time.Time) error
}

// NormalizeEmail is the form e-mail addresses are stored, compared and counted in
// (login throttle, rate limits): trimmed and in lower case. Every door uses this one.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// HasRole reports whether the user holds one of roles.
func (u *User) HasRole(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(u.Roles, r) {
			return true
		}
	}
	return false
}
