package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"zorginkoop/internal/apperr"
)

// OpenID Connect login per organisation. An organisation with an OIDCConfig lets its users
// log in at its own identity provider (authorization code flow with PKCE, state and
// nonce). The provider's answer is trusted only for that organisation: a login through
// organisation A's provider can only ever become a session of a user of A.
//
// Mapping an ID token to a user:
//   - the token's issuer and subject ("issuer subject") already linked to a user
//     (User.OIDCSubject): that user, if it belongs to the organisation; a subject linked
//     to another organisation's user is refused;
//   - otherwise, on a first login, the token's e-mail address, if the provider marks it
//     verified (email_verified true), of an active user of the organisation without a
//     linked subject: the subject is linked to that user and the login proceeds;
//   - otherwise the login is refused: the organisation's beheerder must add the user first.

// OIDCLoginTTL is how long a started OpenID Connect login may take to come back.
const OIDCLoginTTL = 10 * time.Minute

// oidcHTTP fetches discovery documents, keys and tokens from identity providers.
var oidcHTTP = &http.Client{Timeout: 15 * time.Second}

// OIDCPending is what the browser keeps between the redirect to the identity provider and
// its return (in a short-lived cookie): the organisation, the state that must come back,
// the nonce the ID token must carry and the PKCE code verifier.
type OIDCPending struct {
	OrgID    string
	State    string
	Nonce    string
	Verifier string
}

// OIDCCallback is what the identity provider sent to the redirect URL.
type OIDCCallback struct {
	State            string
	Code             string
	Error            string // set by the provider when the user or the provider refused
	ErrorDescription string
}

var errOIDCOff = &apperr.Error{Code: apperr.NotFound, Field: "org",
	Message: "OpenID Connect login is not configured for this organisation",
	Dutch:   "Inloggen via de eigen identiteitsprovider is voor deze organisatie niet ingesteld. Log in met uw e-mailadres en wachtwoord."}

// oidcRefusal is a refused OpenID Connect login, with the Dutch reason for the user.
func oidcRefusal(message, dutch string) error {
	return &apperr.Error{Code: apperr.Unauthenticated, Message: message, Dutch: dutch}
}

// oidcClient is an organisation's provider and its OAuth 2 client for one login.
type oidcClient struct {
	org      *Organisation
	provider *oidc.Provider
	oauth    oauth2.Config
}

func (s *Service) oidcClient(ctx context.Context, orgID, redirectURL string) (*oidcClient, error) {
	org, err := s.Store.Organisation(ctx, orgID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, errOIDCOff
	}
	if err != nil {
		return nil, err
	}
	if org.OIDC == nil || org.OIDC.Issuer == "" || org.OIDC.ClientID == "" {
		return nil, errOIDCOff
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, oidcHTTP), org.OIDC.Issuer)
	if err != nil {
		return nil, fmt.Errorf("identity provider %s of organisation %s: %w", org.OIDC.Issuer, org.ID, err)
	}
	return &oidcClient{org: org, provider: p, oauth: oauth2.Config{
		ClientID: org.OIDC.ClientID, ClientSecret: org.OIDC.ClientSecret,
		Endpoint: p.Endpoint(), RedirectURL: redirectURL,
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"},
	}}, nil
}

// StartOIDCLogin begins a login at the organisation's identity provider. It returns the
// URL to send the browser to and what the browser must keep until it comes back to
// redirectURL (the organisation's callback, registered at the provider).
func (s *Service) StartOIDCLogin(ctx context.Context, orgID, redirectURL string) (string, OIDCPending, error) {
	c, err := s.oidcClient(ctx, orgID, redirectURL)
	if err != nil {
		return "", OIDCPending{}, err
	}
	p := OIDCPending{OrgID: c.org.ID, State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier()}
	url := c.oauth.AuthCodeURL(p.State, oidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier))
	return url, p, nil
}

// FinishOIDCLogin completes a login started with StartOIDCLogin: it checks the state,
// exchanges the code (with the PKCE verifier), verifies the ID token (signature, issuer,
// audience, expiry, nonce), finds the organisation's user (see the rules above) and starts
// a session.
func (s *Service) FinishOIDCLogin(ctx context.Context, pending OIDCPending, cb OIDCCallback, redirectURL string) (Principal, string, *Session, error) {
	fail := func(reason string, err error) (Principal, string, *Session, error) {
		s.record(ctx, Anonymous, ActionLoginOIDC, "organisation:"+pending.OrgID, pending.OrgID, nil, nil, reason, true)
		return Anonymous, "", nil, err
	}
	if pending.State == "" || subtle.ConstantTimeCompare([]byte(pending.State), []byte(cb.State)) != 1 {
		return fail("state mismatch", oidcRefusal("the login's state does not match the one this browser started with",
			"Deze inlogpoging is verlopen of niet in deze browser begonnen. Probeer opnieuw in te loggen."))
	}
	if cb.Error != "" {
		return fail("provider refused: "+cb.Error, oidcRefusal(fmt.Sprintf("the identity provider refused the login: %s %s", cb.Error, cb.ErrorDescription),
			"De identiteitsprovider van uw organisatie heeft het inloggen geweigerd of afgebroken."))
	}
	c, err := s.oidcClient(ctx, pending.OrgID, redirectURL)
	if err != nil {
		return Anonymous, "", nil, err
	}
	claims, err := s.verifiedClaims(oidc.ClientContext(ctx, oidcHTTP), c, pending, cb.Code)
	if err != nil {
		return fail(err.Error(), oidcRefusal("the identity provider's answer is not valid: "+err.Error(),
			"Het antwoord van de identiteitsprovider van uw organisatie is niet geldig. Probeer opnieuw in te loggen."))
	}
	u, err := s.oidcUser(ctx, c.org, claims)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			return fail(err.Error(), err)
		}
		return Anonymous, "", nil, err
	}
	if u.Disabled {
		s.record(ctx, Anonymous, ActionLogin, "user:"+u.ID, u.OrgID, nil, nil, "account disabled", true)
	}
	return s.StartSession(ctx, u, "oidc")
}

// oidcClaims is what the platform uses of an ID token.
type oidcClaims struct {
	Subject       string `json:"-"` // issuer + " " + sub
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	AuthorizedBy  string `json:"azp"`
}

// verifiedClaims exchanges the code and verifies the ID token it brings.
func (s *Service) verifiedClaims(ctx context.Context, c *oidcClient, pending OIDCPending, code string) (*oidcClaims, error) {
	if code == "" {
		return nil, fmt.Errorf("no authorization code")
	}
	tok, err := c.oauth.Exchange(ctx, code, oauth2.VerifierOption(pending.Verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("the token response has no id_token")
	}
	// Verify checks the signature against the provider's keys, the issuer, that the
	// client is in the audience, and the expiry (by our clock).
	idt, err := c.provider.VerifierContext(ctx, &oidc.Config{ClientID: c.oauth.ClientID, Now: s.Now}).Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(pending.Nonce)) != 1 {
		return nil, fmt.Errorf("the ID token's nonce does not match the login's")
	}
	var cl oidcClaims
	if err := idt.Claims(&cl); err != nil {
		return nil, fmt.Errorf("ID token claims: %w", err)
	}
	// With several audiences the token must have been issued to us (OIDC Core 3.1.3.7).
	if len(idt.Audience) > 1 && cl.AuthorizedBy != c.oauth.ClientID {
		return nil, fmt.Errorf("the ID token has several audiences but azp %q is not this client", cl.AuthorizedBy)
	}
	if idt.Subject == "" {
		return nil, fmt.Errorf("the ID token has no subject")
	}
	cl.Subject = idt.Issuer + " " + idt.Subject
	cl.Email = NormalizeEmail(cl.Email)
	return &cl, nil
}

// oidcUser finds (or, on a first login, links) the organisation's user of the claims.
func (s *Service) oidcUser(ctx context.Context, org *Organisation, cl *oidcClaims) (*User, error) {
	u, err := s.Store.UserByOIDC(ctx, cl.Subject)
	if err == nil {
		if u.OrgID != org.ID {
			return nil, oidcRefusal(fmt.Sprintf("OIDC subject %q is linked to a user of another organisation", cl.Subject),
				fmt.Sprintf("Uw account bij de identiteitsprovider is gekoppeld aan een gebruiker van een andere organisatie dan %s. Log in via uw eigen organisatie.", org.Name))
		}
		return u, nil
	}
	if apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	if cl.Email == "" || !cl.EmailVerified {
		return nil, oidcRefusal("the ID token has no verified e-mail address to find the user by",
			fmt.Sprintf("Uw identiteitsprovider gaf geen bevestigd e-mailadres door, dus kunnen wij u niet koppelen aan een account van %s. Vraag de beheerder van uw organisatie om hulp.", org.Name))
	}
	noAccount := oidcRefusal(fmt.Sprintf("no active user of organisation %s has e-mail address %s", org.ID, cl.Email),
		fmt.Sprintf("Er is bij %s geen actief account met e-mailadres %s. Vraag de beheerder van uw organisatie om u toe te voegen.", org.Name, cl.Email))
	u, err = s.Store.UserByEmail(ctx, cl.Email)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, noAccount
	}
	if err != nil {
		return nil, err
	}
	// A user of another organisation with this address gets the same answer as none, so
	// that one organisation's provider cannot probe another's accounts.
	if u.OrgID != org.ID || u.Disabled {
		return nil, noAccount
	}
	if u.OIDCSubject != "" {
		return nil, oidcRefusal(fmt.Sprintf("user %s is linked to another OIDC subject", u.ID),
			"Uw account is al gekoppeld aan een andere identiteit bij de identiteitsprovider. Vraag de beheerder van uw organisatie om hulp.")
	}
	u.OIDCSubject = cl.Subject
	p := Principal{User: u, Org: org}
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.UpdateUser(ctx, *u); err != nil {
			return err
		}
		return s.record(ctx, p, ActionUserOIDCLink, "user:"+u.ID, u.OrgID, nil, map[string]string{"subject": cl.Subject}, "first OpenID Connect login, by verified e-mail address", false)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// OIDCOrganisations lists the organisations whose users can log in with OpenID Connect,
// for the login page.
func (s *Service) OIDCOrganisations(ctx context.Context) ([]Organisation, error) {
	orgs, err := s.Store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(orgs, func(o Organisation) bool { return o.OIDC == nil || o.OIDC.Issuer == "" }), nil
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
