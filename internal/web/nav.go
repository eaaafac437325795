package web

import (
	"html/template"
	"net/http"
	"slices"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/round"
)

// What the navigation shows depends on what the principal may use; the templates ask the
// authorisation rules through these functions, never role names.

var orgKindNames = map[identity.OrgKind]string{
	identity.Insurer: "zorgverzekeraar", identity.Purchaser: "inkooporganisatie",
	identity.Provider: "zorgaanbieder", identity.Operator: "platformbeheer",
}

func (h *Handler) navFuncs() template.FuncMap {
	return template.FuncMap{
		"roleName":    func(r identity.Role) string { return identity.RoleNames[r] },
		"orgKindName": func(k identity.OrgKind) string { return orgKindNames[k] },
		// mayAssessSome: the principal may assess the policies of at least one insurer.
		"mayAssessSome": assessment.MayAssessSome,
		// mayUploadPolicies: the principal may upload policy drafts for some insurer.
		"mayUploadPolicies": policy.MayWriteSome,
		// mayReadProviderRegister: the principal may list the provider records.
		"mayReadProviderRegister": provider.MayReadRegister,
		// actsForSomeProvider: the principal works for at least one provider record.
		"actsForSomeProvider": func(p identity.Principal) bool { return len(ownProviders(p)) > 0 },
		// mayRunRounds: the principal works on the purchasing rounds of an insurer.
		"mayRunRounds": func(p identity.Principal) bool {
			return !p.IsAnonymous() && slices.ContainsFunc(p.Org.Insurers, func(ins string) bool { return round.MayReadAsInsurer(p, ins) })
		},
		// mayViewAuditTrail: the principal may read its organisation's audit trail (the
		// operator: every trail).
		"mayViewAuditTrail": func(p identity.Principal) bool { return p.MayViewAudit(p.OrgID()) },
		// hasInbox: the principal's organisation receives the round's messages (a
		// provider's or an insurer's side).
		"hasInbox": hasInbox,
		// maySetClock: the principal may set the platform date of the test clock.
		"maySetClock": func(p identity.Principal) bool { return p.IsOperator() },
		// mayManageUsers: the principal manages the users of its organisation.
		// The claims pages (declaraties, machtigingen) by the claims area's role table.
		"mayReadClaimFiles":     mayReadClaimFiles,
		"mayReadClaimsOverview": mayReadOverview,
		"mayUseAuthorisations":  mayUseAuthorisations,
		"mayManageUsers":        func(p identity.Principal) bool { return !p.IsAnonymous() && p.MayManageUsers(p.OrgID()) },
	}
}

// ownProviders are the provider records the principal works for.
func ownProviders(p identity.Principal) []string {
	if p.IsAnonymous() {
		return nil
	}
	var out []string
	for _, id := range p.Org.Providers {
		if p.ActsForProvider(id) {
			out = append(out, id)
		}
	}
	return out
}

// ownAssessment is one of the provider's own assessments: its record under one policy
// that purchases its kind of care.
type ownAssessment struct {
	Provider *provider.Provider
	Policies []ownResult
}

// ownResult is how the provider comes out under one policy: the base contract and every
// part, each with its outcome.
type ownResult struct {
	*policy.Compiled
	Result *assessment.Result
}

type myAssessmentsView struct {
	Insurer  []*policy.Compiled // policies whose overviews the principal may open
	Provider []ownAssessment    // the principal's own provider records
}

// myAssessments is where the navigation's "Beoordelingen" leads: for an insurer's staff
// the overviews of its policies, for a provider's users its own assessment under every
// policy that purchases its kind of care.
func (h *Handler) myAssessments(w http.ResponseWriter, r *http.Request) error {
	p := identity.PrincipalFrom(r.Context())
	if p.IsAnonymous() {
		return identity.LoginRequired("see assessments")
	}
	visible, err := h.Policies.Policies(r.Context(), p)
	if err != nil {
		return err
	}
	var v myAssessmentsView
	for _, c := range visible {
		if assessment.MayAssess(p, c.Insurer) {
			v.Insurer = append(v.Insurer, c)
		}
	}
	for _, id := range ownProviders(p) {
		prov, err := h.Providers.Provider(r.Context(), p, id)
		if err != nil {
			return err
		}
		own := ownAssessment{Provider: prov}
		for _, c := range visible {
			if !assessment.InScope(c, prov) {
				continue
			}
			res, err := h.Assessments.AssessProvider(r.Context(), p, c.ID, prov.ID)
			if err != nil {
				return err
			}
			own.Policies = append(own.Policies, ownResult{Compiled: c, Result: res})
		}
		v.Provider = append(v.Provider, own)
	}
	title := "Beoordelingen"
	if len(v.Insurer) == 0 {
		title = "Mijn beoordelingen"
	}
	return h.render(w, http.StatusOK, "my_assessments.html", title, v)
}

// hasInbox reports whether p's organisation gets messages about dossiers: it works for a
// provider record or acts for an insurer.
func hasInbox(p identity.Principal) bool {
	return !p.IsAnonymous() && !p.IsOperator() && (len(ownProviders(p)) > 0 || p.ForSomeInsurer(func(string) bool { return true }))
}
