package web

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
)

// The Logboek in words a beheerder reads: who (name and organisation), what (the areas'
// Dutch action texts), on what (the subject named: a policy's title, a provider's or a
// user's name) and why (the reason in Dutch). The stored entries keep their English
// reasons and ids: they are hash-chained and cannot change, so the words are made here,
// when the trail is read, and the raw entry stays one click away.

// auditReasons translate the reasons the areas record with refused attempts and logins
// (identity/login.go, oidc.go, sessions.go; policy/service.go; assessment/service.go;
// provider/service.go, factrights.go). A reason typed by a person (a change of roles, a
// user disabled) matches none and is shown as it was typed.
var auditReasons = []struct {
	re    *regexp.Regexp
	dutch string
}{
	{regexp.MustCompile(`^wrong password \((\d+) in a row from (.+)\)$`), "verkeerd wachtwoord (${1}e poging op rij vanaf ${2})"},
	{regexp.MustCompile(`^unknown e-mail address \((\d+) in a row from (.+)\)$`), "onbekend e-mailadres (${1}e poging op rij vanaf ${2})"},
	{regexp.MustCompile(`^account disabled$`), "het account is uitgeschakeld"},
	{regexp.MustCompile(`^password$`), "met wachtwoord"},
	{regexp.MustCompile(`^oidc$`), "via de identiteitsprovider van de organisatie (OpenID Connect)"},
	{regexp.MustCompile(`^certificate$`), "met een certificaat"},
	{regexp.MustCompile(`^state mismatch$`), "de inlogpoging is verlopen of in een andere browser begonnen"},
	{regexp.MustCompile(`^provider refused: (.*)$`), "de identiteitsprovider weigerde het inloggen (${1})"},
	{regexp.MustCompile(`^first OpenID Connect login, by verified e-mail address$`), "eerste inlog via OpenID Connect, gekoppeld op het geverifieerde e-mailadres"},
	{regexp.MustCompile(`^would leave the organisation without an active beheerder$`), "de organisatie zou geen actieve beheerder meer hebben"},
	{regexp.MustCompile(`^a user cannot disable themselves$`), "een gebruiker kan zichzelf niet uitschakelen"},
	{regexp.MustCompile(`^only the platform operator installs policy files$`), "alleen de beheerder van het platform installeert beleidsbestanden"},
	{regexp.MustCompile(`^may not write policies$`), "mag geen zorginkoopbeleid opstellen"},
	{regexp.MustCompile(`^does not act for the policy's insurer$`), "werkt niet voor de zorgverzekeraar van dit beleid"},
	{regexp.MustCompile(`^may not change this draft$`), "mag dit concept niet wijzigen"},
	{regexp.MustCompile(`^another insurer's draft$`), "concept van een andere zorgverzekeraar"},
	{regexp.MustCompile(`^may not publish the insurer's policies$`), "mag het beleid van deze zorgverzekeraar niet publiceren"},
	{regexp.MustCompile(`^may not assess this insurer's policies$`), "mag het beleid van deze zorgverzekeraar niet beoordelen"},
	{regexp.MustCompile(`^may not write (\d+) provider record\(s\): (.*)$`), "mag ${1} zorgaanbieder(s) niet wijzigen: ${2}"},
	{regexp.MustCompile(`^may not write (\d+) fact\(s\): (.*)$`), "mag ${1} gegeven(s) niet wijzigen: ${2}"},
	{regexp.MustCompile(`^only the platform operator removes provider records$`), "alleen de platformbeheerder verwijdert zorgaanbieders"},
}

// auditReason is the Dutch reason of an entry: translated when an area recorded it, as
// typed otherwise.
func auditReason(reason string) string {
	for _, r := range auditReasons {
		if r.re.MatchString(reason) {
			return r.re.ReplaceAllString(reason, r.dutch)
		}
	}
	return reason
}

// auditSentence is what the entry records, as a Dutch sentence: the area's text, and for a
// refused login why ("Inloggen mislukt: verkeerd wachtwoord").
func auditSentence(e audit.Entry) string {
	text := audit.ActionText(e)
	if e.Denied && (e.Action == identity.ActionLogin || e.Action == identity.ActionLoginOIDC) && e.Reason != "" {
		why := auditReason(e.Reason)
		if i := strings.Index(why, " ("); i > 0 {
			why = why[:i]
		}
		return text + ": " + why
	}
	return text
}

// auditNamer names what entries mention, authorised as the reader: policies and providers
// through their services (what the reader may not see keeps its id), users and
// organisations through identity.TrailNames, users through identity.ManagedUser. It remembers what it looked up, for the
// pages of one answer.
type auditNamer struct {
	h      *Handler
	ctx    context.Context
	actor  identity.Principal
	names  *identity.TrailNames
	looked map[string]string
}

func (h *Handler) newAuditNamer(ctx context.Context, actor identity.Principal) (*auditNamer, error) {
	names, err := h.Identity.TrailNames(ctx, actor)
	if err != nil {
		return nil, err
	}
	return &auditNamer{h: h, ctx: ctx, actor: actor, names: names, looked: map[string]string{}}, nil
}

func (n *auditNamer) org(id string) string {
	if name, ok := n.names.Orgs[id]; ok {
		return name
	}
	return id
}

// who is the user and organisation that acted; a refused login is nobody logged in.
func (n *auditNamer) who(e audit.Entry) (user, org string) {
	if e.UserID == "" && (e.UserName == "" || e.UserName == identity.Anonymous.UserName()) {
		return "niet ingelogd", ""
	}
	user = e.UserName
	if e.OrgID != "" {
		org = n.org(e.OrgID)
	}
	return user, org
}

// subject names the object of an entry in Dutch: "zorginkoopbeleid Huisartsenzorg 2022",
// "zorgaanbieder Huisartsenpraktijk De Linde", "gebruiker Bea Beheer".
func (n *auditNamer) subject(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := n.looked[s]; ok {
		return v
	}
	v := n.lookup(s)
	n.looked[s] = v
	return v
}

func (n *auditNamer) lookup(s string) string {
	kind, id, _ := strings.Cut(s, ":")
	switch kind {
	case "policy":
		if n.h.Policies != nil {
			if c, err := n.h.Policies.Policy(n.ctx, n.actor, id); err == nil {
				return "zorginkoopbeleid " + c.Title
			}
		}
		return "zorginkoopbeleid " + id
	case "provider":
		if n.h.Providers != nil {
			if p, err := n.h.Providers.Provider(n.ctx, n.actor, id); err == nil {
				return "zorgaanbieder " + p.Name
			}
		}
		return "zorgaanbieder " + id
	case "providers":
		return "meerdere zorgaanbieders"
	case "user":
		if id == identity.SystemUserID {
			return "de opdrachtregel"
		}
		if u, err := n.h.Identity.ManagedUser(n.ctx, n.actor, id); err == nil {
			return "gebruiker " + u.Name
		}
		if strings.Contains(id, "@") {
			return "gebruiker met e-mailadres " + id
		}
		return "gebruiker " + id
	case "organisation":
		return "organisatie " + n.org(id)
	case "dossier":
		return "dossier " + id
	}
	return s
}

// change says in Dutch what an entry changed, where its before and after hold something a
// reader understands without the raw values: roles, and a user's state.
func auditChange(e audit.Entry) string {
	if e.Denied {
		return ""
	}
	switch e.Action {
	case identity.ActionUserRoles:
		var before, after []identity.Role
		if json.Unmarshal(e.Before, &before) == nil && json.Unmarshal(e.After, &after) == nil {
			return "rollen: " + roleNames(before) + " → " + roleNames(after)
		}
	case identity.ActionUserAdd:
		var u identity.User
		if json.Unmarshal(e.After, &u) == nil && u.Email != "" {
			return u.Name + " (" + u.Email + "), rollen: " + roleNames(u.Roles)
		}
	}
	return ""
}

func roleNames(rs []identity.Role) string {
	if len(rs) == 0 {
		return "geen"
	}
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = orCode(identity.RoleNames, r)
	}
	return nl.Join(names)
}

// auditRaw is the entry as stored, indented, for "Technische gegevens": without the seq
// and hashes in a tenant's view (audit.Entry.Pos is set there), as the API gives it.
func auditRaw(e audit.Entry) string {
	type raw struct {
		Number   int64           `json:"number"`
		Seq      int64           `json:"seq,omitempty"`
		At       string          `json:"at"`
		UserID   string          `json:"user_id"`
		UserName string          `json:"user_name"`
		OrgID    string          `json:"org_id"`
		Action   string          `json:"action"`
		Subject  string          `json:"subject"`
		Scope    string          `json:"scope"`
		Dossier  string          `json:"dossier,omitempty"`
		Before   json.RawMessage `json:"before,omitempty"`
		After    json.RawMessage `json:"after,omitempty"`
		Reason   string          `json:"reason,omitempty"`
		Denied   bool            `json:"denied"`
		PrevHash string          `json:"prev_hash,omitempty"`
		Hash     string          `json:"hash,omitempty"`
	}
	r := raw{Number: e.Number(), At: e.At.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"), UserID: e.UserID, UserName: e.UserName,
		OrgID: e.OrgID, Action: e.Action, Subject: e.Subject, Scope: e.Scope, Dossier: e.Dossier, Before: e.Before, After: e.After,
		Reason: e.Reason, Denied: e.Denied}
	if e.Pos == 0 {
		r.Seq, r.PrevHash, r.Hash = e.Seq, e.PrevHash, e.Hash
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}
