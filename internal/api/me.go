package api

import (
	"net/http"
	"time"

	"zorginkoop/internal/identity"
)

// meJSON is who is calling: never secrets (password hash, OIDC client secret).
type meJSON struct {
	User struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"user"`
	Organisation struct {
		ID        string           `json:"id"`
		Kind      identity.OrgKind `json:"kind"`
		Name      string           `json:"name"`
		Insurers  []string         `json:"insurers"`
		Providers []string         `json:"providers"`
	} `json:"organisation"`
	Roles []roleJSON `json:"roles"`
}

type roleJSON struct {
	ID   identity.Role `json:"id"`
	Name string        `json:"name"` // Dutch
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.IsAnonymous() {
		return identity.LoginRequired("see who you are")
	}
	var out meJSON
	out.User.ID, out.User.Email, out.User.Name = p.User.ID, p.User.Email, p.User.Name
	o := &out.Organisation
	o.ID, o.Kind, o.Name = p.Org.ID, p.Org.Kind, p.Org.Name
	o.Insurers, o.Providers = nonNil(p.Org.Insurers), nonNil(p.Org.Providers)
	out.Roles = []roleJSON{}
	for _, role := range p.User.Roles {
		out.Roles = append(out.Roles, roleJSON{ID: role, Name: identity.RoleNames[role]})
	}
	return writeJSON(w, http.StatusOK, out)
}

// nonNil is s, or an empty list for nil: a list goes out as [], never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type tokenRequest struct {
	Name string `json:"name"`
}

type tokenJSON struct {
	ID        string    `json:"id"`
	Token     string    `json:"token"` // shown once; only its hash is stored
	Name      string    `json:"name"`
	ExpiresAt time.Time `json:"expires_at"`
}

// createToken issues an API token for the caller's own account.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.IsAnonymous() || h.Identity == nil {
		return identity.LoginRequired("create an API token")
	}
	var req tokenRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	t, err := h.Identity.IssueAPIToken(r.Context(), p, req.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, tokenJSON{ID: t.ID(), Token: t.Secret, Name: t.Name, ExpiresAt: t.ExpiresAt})
}

// tokenInfoJSON describes an API token without its secret.
type tokenInfoJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"` // null: never used; kept to within 5 minutes
	ExpiresAt  time.Time  `json:"expires_at"`
}

// listTokens lists the caller's own unexpired API tokens.
func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.IsAnonymous() || h.Identity == nil {
		return identity.LoginRequired("list your API tokens")
	}
	ts, err := h.Identity.APITokens(r.Context(), p)
	if err != nil {
		return err
	}
	out := make([]tokenInfoJSON, len(ts))
	for i, t := range ts {
		out[i] = tokenInfoJSON{ID: t.ID(), Name: t.Name, CreatedAt: t.CreatedAt.UTC(), ExpiresAt: t.ExpiresAt.UTC()}
		if !t.LastUsedAt.IsZero() {
			used := t.LastUsedAt.UTC()
			out[i].LastUsedAt = &used
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// revokeToken revokes one of the caller's own API tokens (it may be the one in use).
func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.IsAnonymous() || h.Identity == nil {
		return identity.LoginRequired("revoke an API token")
	}
	if err := h.Identity.RevokeAPIToken(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
