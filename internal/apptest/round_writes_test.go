package apptest_test

import (
	"slices"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
)

// The write rules of the purchasing round (issue 10): every row of its tables belongs to
// a dossier (or a round) of one insurer and one provider, and a change is judged by what
// the actor may do on that dossier, with the areas' own permission functions. A change to
// another tenant's dossier, or by a role of the party that may not make it, fails the
// row.

func init() {
	for table, cols := range map[string][]string{
		"rounds": {"id"}, "dossiers": {"id"}, "round_extensions": {"round_id", "dossier_id", "step"},
		"questionnaire_answers": {"dossier_id", "fact"}, "questionnaire_evidence": {"dossier_id", "requirement_id", "document_id"},
		"questionnaire_submissions": {"dossier_id"}, "questionnaire_reviews": {"dossier_id", "requirement_id"},
		"price_lists": {"dossier_id", "part_id"}, "price_list_rounds": {"dossier_id", "part_id", "version"},
		"documents": {"id"}, "notices": {"id"}, "notice_inbox": {"notice_id", "org_id"}, "mail_outbox": {"id"},
		"contracts": {"id"}, "contract_versions": {"contract_id", "version"}, "contract_signatures": {"contract_id", "side"},
		"published_contracts": {"contract_id"},
	} {
		rowKeys[table] = cols
	}
}

// dossierParties are the insurer and provider whose dossier (or round) the changed row c
// belongs to, looked up in the snapshots before and after; ok is false for a row of no
// dossier.
func dossierParties(w *written, c change) (insurer, providerID string, ok bool) {
	r := c.row()
	lookup := func(table string, key ...string) dbRow {
		if row := w.after.row(table, key...); row != nil {
			return row
		}
		return w.before.row(table, key...)
	}
	switch c.table {
	case "dossiers", "contracts", "price_lists", "questionnaire_submissions", "published_contracts":
		return r["insurer"], r["provider_id"], true
	case "rounds":
		return r["insurer"], "", true
	case "contract_versions", "contract_signatures":
		if k := lookup("contracts", r["contract_id"]); k != nil {
			return k["insurer"], k["provider_id"], true
		}
		return "", "", false
	case "notice_inbox", "mail_outbox":
		n := lookup("notices", r["notice_id"])
		if n == nil {
			return "", "", false
		}
		r = n
	case "round_extensions":
		if r["dossier_id"] == "" {
			if rd := lookup("rounds", r["round_id"]); rd != nil {
				return rd["insurer"], "", true
			}
			return "", "", false
		}
	}
	id, has := r["dossier_id"]
	if !has {
		return "", "", false
	}
	d := lookup("dossiers", id)
	if d == nil {
		return "", "", false
	}
	return d["insurer"], d["provider_id"], true
}

// dossierRows: a change to a row of the tables (any table of the round when none are
// named) of a dossier on which may allows the actor.
func dossierRows(may func(p identity.Principal, insurer, providerID string) bool, tables ...string) mayChange {
	return func(w *written, c change) bool {
		if len(tables) > 0 && !slices.Contains(tables, c.table) {
			return false
		}
		insurer, providerID, ok := dossierParties(w, c)
		return ok && may(w.actor, insurer, providerID)
	}
}

// Who may do what on a dossier of insurer and providerID, by the areas' rules.
func runsRound(p identity.Principal, insurer, _ string) bool  { return round.MayRunRound(p, insurer) }
func applies(p identity.Principal, _, providerID string) bool { return round.MayApply(p, providerID) }
func answers(p identity.Principal, insurer, providerID string) bool {
	return questionnaire.MayAnswer(p, questionnaire.Dossier{Insurer: insurer, ProviderID: providerID})
}
func submits(p identity.Principal, insurer, providerID string) bool {
	return questionnaire.MaySubmit(p, questionnaire.Dossier{Insurer: insurer, ProviderID: providerID})
}
func reviews(p identity.Principal, insurer, providerID string) bool {
	return questionnaire.MayHandleReview(p, questionnaire.Dossier{Insurer: insurer, ProviderID: providerID})
}
func negotiates(p identity.Principal, insurer, providerID string) bool {
	_, ok := pricelist.MayNegotiate(p, pricelist.Dossier{Insurer: insurer, ProviderID: providerID})
	return ok
}

// uploads: the provider's beheerder, contractmanager and invuller; the insurer's
// inkoper, contractbeheerder and medisch adviseur (document.UploadSide).
func uploads(p identity.Principal, insurer, providerID string) bool {
	return p.ActsForProvider(providerID) && p.Has(identity.RoleAdmin, identity.RoleProviderContractManager, identity.RoleFiller) ||
		p.ActsForInsurer(insurer) && p.Has(identity.RoleBuyer, identity.RoleContractManager, identity.RoleMedicalAdvisor)
}

// generates: the insurer's inkoper or contractbeheerder (contract.Generate).
func generates(p identity.Principal, insurer, _ string) bool {
	return p.ActsForInsurer(insurer) && p.Has(identity.RoleBuyer, identity.RoleContractManager)
}

// signs: the provider's tekenbevoegde and the insurer's contractbeheerder (contract.Sign).
func signs(p identity.Principal, insurer, providerID string) bool {
	return p.ActsForProvider(providerID) && p.Has(identity.RoleSignatory) ||
		p.ActsForInsurer(insurer) && p.Has(identity.RoleContractManager)
}

// isParty: a user of the dossier's insurer or provider.
func isParty(p identity.Principal, insurer, providerID string) bool {
	return p.ActsForInsurer(insurer) || providerID != "" && p.ActsForProvider(providerID)
}

// The changes of the round's steps, each with the notices it sends to the parties.
var (
	// told: a new notice (inbox rows and e-mails) about a dossier of the actor's parties.
	told mayChange = func(w *written, c change) bool {
		return c.before == nil && dossierRows(isParty, "notices", "notice_inbox", "mail_outbox")(w, c)
	}
	roundOpened    = dossierRows(runsRound, "rounds", "dossiers")
	deadlineMoved  = dossierRows(runsRound, "round_extensions")
	applied        = dossierRows(applies, "dossiers")
	answered       = dossierRows(answers, "questionnaire_answers", "questionnaire_evidence")
	documentStored = dossierRows(uploads, "documents")
	submitted      = dossierRows(submits, "questionnaire_submissions", "dossiers")
	reviewed       = dossierRows(reviews, "questionnaire_reviews")
	decided        = dossierRows(runsRound, "dossiers")
	quoted         = dossierRows(applies, "dossiers")
	negotiated     = dossierRows(negotiates, "price_lists", "price_list_rounds", "dossiers")
	generated      = dossierRows(generates, "contracts", "contract_versions")
	signed         = dossierRows(signs, "contracts", "contract_signatures", "dossiers")
)

// ownNoticeRead: the actor's organisation marks a notice of its inbox read.
func ownNoticeRead(w *written, c change) bool {
	return c.table == "notice_inbox" && c.before != nil && c.after != nil && w.actor.OrgID() != "" &&
		c.before["org_id"] == w.actor.OrgID() && onlyColumns(c, "read_at")
}

// The round's rules on made-up snapshots: each allows its actor on A's dossier with X and
// refuses the same change on B's dossier with Y, and to a role that may not make it.
func TestRoundWriteRulesJudgeByTheActorsRights(t *testing.T) {
	user := func(org string, kind identity.OrgKind, role identity.Role) identity.Principal {
		o := &identity.Organisation{ID: org, Kind: kind}
		switch kind {
		case identity.Provider:
			o.Providers = map[string][]string{apptest.OrgX: {apptest.ProviderX}, apptest.OrgY: {apptest.ProviderY}}[org]
		default:
			o.Insurers = map[string][]string{apptest.OrgA: {apptest.InsurerA}, apptest.OrgB: {apptest.InsurerB}}[org]
		}
		return identity.Principal{User: &identity.User{ID: "u-" + org + "-" + string(role), OrgID: org, Roles: []identity.Role{role}}, Org: o}
	}
	buyerA := user(apptest.OrgA, identity.Insurer, identity.RoleBuyer)
	adviserA := user(apptest.OrgA, identity.Insurer, identity.RoleMedicalAdvisor)
	adminX := user(apptest.OrgX, identity.Provider, identity.RoleAdmin)
	fillerX := user(apptest.OrgX, identity.Provider, identity.RoleFiller)
	signatoryX := user(apptest.OrgX, identity.Provider, identity.RoleSignatory)
	dossiers := map[string]dbRow{
		"dos-ax": {"id": "dos-ax", "insurer": apptest.InsurerA, "provider_id": apptest.ProviderX},
		"dos-by": {"id": "dos-by", "insurer": apptest.InsurerB, "provider_id": apptest.ProviderY},
	}
	snap := &snapshot{tables: map[string]map[string]dbRow{"dossiers": dossiers,
		"rounds":    {"r-a": {"id": "r-a", "insurer": apptest.InsurerA}},
		"contracts": {"con-by": {"id": "con-by", "insurer": apptest.InsurerB, "provider_id": apptest.ProviderY}},
		"notices":   {"ntc-ax": {"id": "ntc-ax", "dossier_id": "dos-ax"}}}}
	for _, tc := range []struct {
		name  string
		actor identity.Principal
		may   mayChange
		c     change
		want  bool
	}{
		{"A's inkoper decides on A's dossier", buyerA, decided, change{table: "dossiers", after: dossiers["dos-ax"]}, true},
		{"A's inkoper decides on B's dossier", buyerA, decided, change{table: "dossiers", after: dossiers["dos-by"]}, false},
		{"A's medisch adviseur decides", adviserA, decided, change{table: "dossiers", after: dossiers["dos-ax"]}, false},
		{"A's medisch adviseur handles a review item", adviserA, reviewed, change{table: "questionnaire_reviews", after: dbRow{"dossier_id": "dos-ax"}}, true},
		{"X's invuller saves an answer", fillerX, answered, change{table: "questionnaire_answers", after: dbRow{"dossier_id": "dos-ax"}}, true},
		{"X's invuller saves an answer in Y's dossier", fillerX, answered, change{table: "questionnaire_answers", after: dbRow{"dossier_id": "dos-by"}}, false},
		{"X's invuller submits", fillerX, submitted, change{table: "questionnaire_submissions", after: dbRow{"dossier_id": "dos-ax", "insurer": apptest.InsurerA, "provider_id": apptest.ProviderX}}, false},
		{"X's invuller negotiates", fillerX, negotiated, change{table: "price_list_rounds", after: dbRow{"dossier_id": "dos-ax"}}, false},
		{"X's beheerder counters", adminX, negotiated, change{table: "price_list_rounds", after: dbRow{"dossier_id": "dos-ax"}}, true},
		{"X's tekenbevoegde signs Y's contract", signatoryX, signed, change{table: "contract_signatures", after: dbRow{"contract_id": "con-by"}}, false},
		{"A's inkoper extends A's round", buyerA, deadlineMoved, change{table: "round_extensions", after: dbRow{"round_id": "r-a", "dossier_id": ""}}, true},
		{"X is told about its dossier", adminX, told, change{table: "notice_inbox", after: dbRow{"notice_id": "ntc-ax", "org_id": apptest.OrgX}}, true},
		{"a notice of X's is removed", adminX, told, change{table: "notices", before: dbRow{"id": "ntc-ax", "dossier_id": "dos-ax"}}, false},
		{"A's inkoper reads X's notice", buyerA, ownNoticeRead, change{table: "notice_inbox",
			before: dbRow{"notice_id": "ntc-ax", "org_id": apptest.OrgX, "read_at": "NULL"}, after: dbRow{"notice_id": "ntc-ax", "org_id": apptest.OrgX, "read_at": "x"}}, false},
		{"X reads its notice", adminX, ownNoticeRead, change{table: "notice_inbox",
			before: dbRow{"notice_id": "ntc-ax", "org_id": apptest.OrgX, "read_at": "NULL"}, after: dbRow{"notice_id": "ntc-ax", "org_id": apptest.OrgX, "read_at": "x"}}, true},
	} {
		w := &written{actor: tc.actor, before: snap, after: snap}
		if got := tc.may(w, tc.c); got != tc.want {
			t.Errorf("%s: allowed = %v, want %v", tc.name, got, tc.want)
		}
	}
}
