package apptest_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Write integrity: every request of the authorisation matrix, by every actor, is bracketed
// by a snapshot of the database (snapshot_test.go). What changed must be what the row's
// writes allow this actor, judged by the actor's rights, not by the status the row expects:
// a write that is refused, and every read, changes nothing; the audit trail may only grow.
// A change outside the actor's rights fails the row, naming the rows that changed.

// mayChange reports whether the actor of w may make the change c.
type mayChange func(w *written, c change) bool

// written is one request's effect: who sent it and the database before and after.
type written struct {
	actor         identity.Principal
	before, after *snapshot
}

// always are the changes every request may make: the caller's own API token notes when it
// was last used.
var always = []mayChange{ownTokenUsed}

// disallowed returns the changes of the request that none of may allow.
func (w *written) disallowed(may []mayChange) []change {
	var bad []change
	may = append(slices.Clip(may), always...)
	for _, c := range diff(w.before, w.after) {
		if !slices.ContainsFunc(may, func(m mayChange) bool { return m(w, c) }) {
			bad = append(bad, c)
		}
	}
	return bad
}

// ---- policies ----

// draft: a new draft, or a new text of a draft, of an insurer whose policies the actor may
// write, before and after; a published policy is never saved over.
func draft(w *written, c change) bool {
	return c.table == "policies" && c.after != nil &&
		policyOf(w, c.before, "draft") && policyOf(w, c.after, "draft")
}

// publication: a draft of an insurer whose policies the actor may write is published.
func publication(w *written, c change) bool {
	return c.table == "policies" && c.before != nil && c.after != nil &&
		policyOf(w, c.before, "draft") && policyOf(w, c.after, "published")
}

// policyOf reports whether r (nil for none) has the status and is of an insurer whose
// policies the actor may write.
func policyOf(w *written, r dbRow, status string) bool {
	return r == nil || r["status"] == status && policy.MayWrite(w.actor, r["insurer"])
}

// run: a new assessment run, with its summaries and part counts, of a policy of an insurer
// the actor may assess for; saving it removes the oldest runs of that policy beyond the
// retention.
func run(w *written, c change) bool {
	if c.before != nil && c.after == nil {
		return oldRunOfNewRun(w, c)
	}
	if c.before != nil || c.after == nil {
		return false
	}
	switch c.table {
	case "assessment_runs":
		return w.mayAssessPolicy(c.after["policy_id"])
	case "assessment_summaries", "assessment_run_parts": // the run's rows, made with it
		id := c.after["run_id"]
		r := w.after.row("assessment_runs", id)
		return r != nil && w.before.row("assessment_runs", id) == nil && w.mayAssessPolicy(r["policy_id"])
	}
	return false
}

// oldRunOfNewRun: a run removed (with its summaries) is of a policy that got a new run in
// this request, which the actor may assess.
func oldRunOfNewRun(w *written, c change) bool {
	var policyID string
	switch c.table {
	case "assessment_runs":
		policyID = c.before["policy_id"]
	case "assessment_summaries", "assessment_run_parts":
		r := w.before.row("assessment_runs", c.before["run_id"])
		if r == nil || w.after.row("assessment_runs", c.before["run_id"]) != nil {
			return false
		}
		policyID = r["policy_id"]
	default:
		return false
	}
	for _, r := range w.after.tables["assessment_runs"] {
		if r["policy_id"] == policyID && w.before.row("assessment_runs", r["id"]) == nil {
			return w.mayAssessPolicy(policyID)
		}
	}
	return false
}

func (w *written) mayAssessPolicy(id string) bool {
	p := w.after.row("policies", id)
	return p != nil && assessment.MayAssess(w.actor, p["insurer"])
}

// ---- providers ----

// providerColumn is the column naming the provider record, per table of a record.
var providerColumn = map[string]string{
	"providers": "id", "provider_agb_codes": "provider_id", "provider_care_types": "provider_id",
	"provider_specialisms": "provider_id", "provider_locations": "provider_id", "provider_facts": "provider_id",
	"provider_parts": "provider_id", "provider_contracts": "provider_id",
}

// providerRecord: a provider record the actor may write (the operator: any). Of the facts,
// a provider's own users may change only what the provider declares about itself, with
// source aanbieder. What an insurer keeps about the provider (a fact of source verzekeraar,
// or one that carries an insurer) they may read but not change, remove or forge
// (docs/security.md). Of the part choices they change only those the provider asks for
// (by aanbieder), never an insurer's offer; contracts only the insurer's side changes.
func providerRecord(w *written, c change) bool {
	col, ok := providerColumn[c.table]
	if !ok || !provider.MayWrite(w.actor, c.row()[col]) {
		return false
	}
	if w.actor.IsOperator() {
		return true
	}
	switch c.table {
	case "provider_facts":
		return !insurersFact(c.before) && (c.after == nil || c.after["source"] == string(provider.SourceProvider))
	case "provider_parts":
		return mayWritePartRow(w, c.before) && mayWritePartRow(w, c.after)
	case "provider_contracts":
		return mayWriteContractRow(w, c.before) && mayWriteContractRow(w, c.after)
	}
	return true
}

// mayWritePartRow reports whether the actor may write the part choice r (nil for none).
func mayWritePartRow(w *written, r dbRow) bool {
	return r == nil || provider.MayWritePart(w.actor, r["provider_id"], r["insurer"], provider.Source(r["by_source"]))
}

// mayWriteContractRow reports whether the actor may write the contract r (nil for none).
func mayWriteContractRow(w *written, r dbRow) bool {
	return r == nil || provider.MayWriteContract(w.actor, r["insurer"])
}

// insurersFact reports whether the fact (nil for none) is what an insurer keeps about the
// provider.
func insurersFact(f dbRow) bool {
	return f != nil && (f["source"] != string(provider.SourceProvider) || f["insurer"] != "")
}

// ---- accounts ----

// ownAPIToken: a new API token of the actor's own account, or one of them revoked.
func ownAPIToken(w *written, c change) bool {
	r := c.row()
	return c.table == "tokens" && (c.before == nil || c.after == nil) && r["kind"] == "api" &&
		w.actor.UserID() != "" && r["user_id"] == w.actor.UserID()
}

// ownTokenUsed: the API token the actor calls with notes its last use.
func ownTokenUsed(w *written, c change) bool {
	return c.table == "tokens" && c.before != nil && c.after != nil && c.before["kind"] == "api" &&
		w.actor.UserID() != "" && c.before["user_id"] == w.actor.UserID() && onlyColumns(c, "last_used_at")
}

// ownPassword: the actor's own password.
func ownPassword(w *written, c change) bool {
	return c.table == "users" && c.before != nil && c.after != nil && w.actor.UserID() != "" &&
		c.before["id"] == w.actor.UserID() && onlyColumns(c, "password_hash")
}

// ownSessionEnded: logging out ends the actor's own session.
func ownSessionEnded(w *written, c change) bool {
	return c.table == "sessions" && c.after == nil && w.actor.UserID() != "" && c.before["user_id"] == w.actor.UserID()
}

// failedLogin: a wrong password counts against the (address, source) pair in the login
// throttle, whoever sends it; the account itself does not change (it never locks).
func failedLogin(w *written, c change) bool {
	return c.table == "login_throttle" && c.after != nil
}

// resetLink: asking for a password-reset link for the address stores a one-time link for
// that account (mailed to its owner) and revokes its older links, whoever asks.
func resetLink(email string) mayChange {
	return func(w *written, c change) bool {
		u := w.before.userByEmail(email)
		r := c.row()
		return c.table == "tokens" && u != nil && r["kind"] == "reset" && r["user_id"] == u["id"]
	}
}

func onlyColumns(c change, cols ...string) bool {
	for _, col := range c.changed() {
		if !slices.Contains(cols, col) {
			return false
		}
	}
	return true
}

// ---- the check ----

// checkWrites compares the database after the request with before, against rw.writes.
func (m *matrix) checkWrites(t *testing.T, rw row, a *apptest.Actor, r request, before *snapshot) {
	t.Helper()
	db := m.ts.Env.DB
	w := &written{actor: a.Principal, before: before, after: takeSnapshot(t, db)}
	if msg := auditOnlyGrew(t, db, before, w.after); msg != "" {
		t.Errorf("%s %s as %s: %s", r.method, r.path, a.Key, msg)
	}
	bad := w.disallowed(rw.writes)
	if len(bad) == 0 {
		return
	}
	lines := make([]string, len(bad))
	for i, c := range bad {
		lines[i] = "  " + c.String()
	}
	t.Errorf("%s %s as %s changed what this actor may not change:\n%s", r.method, r.path, a.Key, strings.Join(lines, "\n"))
}

// providerRecords reads every stored provider record through the store, to put back what a
// request changed, so that later rows see the seeded records.
func (m *matrix) providerRecords(t *testing.T) map[string]provider.Provider {
	t.Helper()
	ctx := context.Background()
	out := map[string]provider.Provider{}
	err := m.ts.Env.DB.EachProvider(ctx, provider.Selection{}, func(p *provider.Provider) error {
		out[p.ID] = *p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// restoreProviders writes back the records changed since before, and checks that the
// database is as it was (new records are not expected: no row creates one).
func (m *matrix) restoreProviders(t *testing.T, saved map[string]provider.Provider, before *snapshot) {
	t.Helper()
	db := m.ts.Env.DB
	changed := map[string]bool{}
	for _, c := range diff(before, takeSnapshot(t, db)) {
		if col, ok := providerColumn[c.table]; ok {
			changed[c.row()[col]] = true
		}
	}
	if len(changed) == 0 {
		return
	}
	var ps []provider.Provider
	for id := range changed {
		p, ok := saved[id]
		if !ok {
			t.Fatalf("a request created provider %s, which the matrix cannot take back", id)
		}
		ps = append(ps, p)
	}
	if err := db.ReplaceProviders(context.Background(), ps, nil); err != nil {
		t.Fatalf("restore providers: %v", err)
	}
	for _, c := range diff(before, takeSnapshot(t, db)) {
		if _, ok := providerColumn[c.table]; ok {
			t.Fatalf("restoring the providers left %s", c)
		}
	}
}

// The rules themselves, on made-up snapshots: each says yes to what the actor may change
// and no to the same change of another tenant's object, so that a rule that allows
// everything fails here and not only in a matrix row that happens to need it.
func TestWriteRulesJudgeByTheActorsRights(t *testing.T) {
	buyerA := identity.Principal{User: &identity.User{ID: "u-a", Roles: []identity.Role{identity.RoleBuyer}},
		Org: &identity.Organisation{ID: apptest.OrgA, Kind: identity.Insurer, Insurers: []string{apptest.InsurerA}}}
	adminY := identity.Principal{User: &identity.User{ID: "u-y", Roles: []identity.Role{identity.RoleAdmin}},
		Org: &identity.Organisation{ID: apptest.OrgY, Kind: identity.Provider, Providers: []string{apptest.ProviderY}}}
	policies := map[string]dbRow{
		"a": {"id": "a", "insurer": apptest.InsurerA, "status": "published"},
		"b": {"id": "b", "insurer": apptest.InsurerB, "status": "published"},
	}
	before := &snapshot{tables: map[string]map[string]dbRow{"policies": policies}}
	after := &snapshot{tables: map[string]map[string]dbRow{"policies": policies,
		"assessment_runs": {"7": {"id": "7", "policy_id": "a"}, "8": {"id": "8", "policy_id": "b"}}}}
	fact := func(insurer, source, value string) dbRow {
		return dbRow{"provider_id": apptest.ProviderY, "key": "k", "insurer": insurer, "source": source, "value": value}
	}
	part := func(insurer, by string) dbRow {
		return dbRow{"provider_id": apptest.ProviderY, "policy_id": "p", "part_id": "d", "insurer": insurer, "by_source": by}
	}
	for _, tc := range []struct {
		name  string
		actor identity.Principal
		may   mayChange
		c     change
		want  bool
	}{
		{"A's buyer saves a draft of A", buyerA, draft, change{table: "policies", after: dbRow{"insurer": apptest.InsurerA, "status": "draft"}}, true},
		{"A's buyer saves a draft of B", buyerA, draft, change{table: "policies", after: dbRow{"insurer": apptest.InsurerB, "status": "draft"}}, false},
		{"A's buyer makes B's draft A's", buyerA, draft, change{table: "policies",
			before: dbRow{"insurer": apptest.InsurerB, "status": "draft"}, after: dbRow{"insurer": apptest.InsurerA, "status": "draft"}}, false},
		{"a save publishes", buyerA, draft, change{table: "policies", after: dbRow{"insurer": apptest.InsurerA, "status": "published"}}, false},
		{"A's buyer publishes A's draft", buyerA, publication, change{table: "policies",
			before: dbRow{"insurer": apptest.InsurerA, "status": "draft"}, after: dbRow{"insurer": apptest.InsurerA, "status": "published"}}, true},
		{"A's buyer publishes B's draft", buyerA, publication, change{table: "policies",
			before: dbRow{"insurer": apptest.InsurerB, "status": "draft"}, after: dbRow{"insurer": apptest.InsurerB, "status": "published"}}, false},
		{"A's buyer runs A's policy", buyerA, run, change{table: "assessment_runs", after: dbRow{"id": "7", "policy_id": "a"}}, true},
		{"A's buyer runs B's policy", buyerA, run, change{table: "assessment_runs", after: dbRow{"id": "8", "policy_id": "b"}}, false},
		{"summaries of a run of B's policy", buyerA, run, change{table: "assessment_summaries", after: dbRow{"run_id": "8"}}, false},
		{"part counts of a run of B's policy", buyerA, run, change{table: "assessment_run_parts", after: dbRow{"run_id": "8"}}, false},
		{"part counts of a new run of A's policy", buyerA, run, change{table: "assessment_run_parts", after: dbRow{"run_id": "7"}}, true},
		{"a token of one's own", buyerA, ownAPIToken, change{table: "tokens", after: dbRow{"kind": "api", "user_id": "u-a"}}, true},
		{"a token of another user", buyerA, ownAPIToken, change{table: "tokens", after: dbRow{"kind": "api", "user_id": "u-y"}}, false},
		{"Y changes its own declaration", adminY, providerRecord, change{table: "provider_facts",
			before: fact("", "aanbieder", "1"), after: fact("", "aanbieder", "2")}, true},
		{"Y removes a fact that carries an insurer", adminY, providerRecord, change{table: "provider_facts", before: fact(apptest.InsurerA, "aanbieder", "1")}, false},
		{"Y changes a verzekeraar fact", adminY, providerRecord, change{table: "provider_facts",
			before: fact("", "verzekeraar", "1"), after: fact("", "aanbieder", "2")}, false},
		{"Y forges a verzekeraar fact", adminY, providerRecord, change{table: "provider_facts", after: fact(apptest.InsurerB, "verzekeraar", "1")}, false},
		{"Y changes X's record", adminY, providerRecord, change{table: "providers", after: dbRow{"id": apptest.ProviderX}}, false},
		{"Y asks A for a part", adminY, providerRecord, change{table: "provider_parts", after: part(apptest.InsurerA, "aanbieder")}, true},
		{"Y withdraws its request", adminY, providerRecord, change{table: "provider_parts", before: part(apptest.InsurerA, "aanbieder")}, true},
		{"Y forges A's offer", adminY, providerRecord, change{table: "provider_parts", after: part(apptest.InsurerA, "verzekeraar")}, false},
		{"Y removes B's offer", adminY, providerRecord, change{table: "provider_parts", before: part(apptest.InsurerB, "verzekeraar")}, false},
		{"Y changes its contract with A", adminY, providerRecord, change{table: "provider_contracts",
			before: dbRow{"provider_id": apptest.ProviderY, "insurer": apptest.InsurerA, "last_year": "2022"},
			after:  dbRow{"provider_id": apptest.ProviderY, "insurer": apptest.InsurerA, "last_year": "2030"}}, false},
		{"Y adds a contract with B", adminY, providerRecord, change{table: "provider_contracts",
			after: dbRow{"provider_id": apptest.ProviderY, "insurer": apptest.InsurerB}}, false},
		{"A's buyer changes Y's record", buyerA, providerRecord, change{table: "providers", after: dbRow{"id": apptest.ProviderY}}, false},
	} {
		w := &written{actor: tc.actor, before: before, after: after}
		if got := tc.may(w, tc.c); got != tc.want {
			t.Errorf("%s: allowed = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDiffNamesTheRowsThatChanged(t *testing.T) {
	a := &snapshot{tables: map[string]map[string]dbRow{"t": {"1": {"id": "1", "v": "x"}, "2": {"id": "2", "v": "y"}}}}
	b := &snapshot{tables: map[string]map[string]dbRow{"t": {"1": {"id": "1", "v": "z"}, "3": {"id": "3", "v": "y"}}}}
	var got []string
	for _, c := range diff(a, b) {
		got = append(got, c.String())
	}
	want := []string{"t[1] changed: v: x → z", "t[2] removed: id=2, v=y", "t[3] added: id=3, v=y"}
	if !slices.Equal(got, want) {
		t.Errorf("diff = %q, want %q", got, want)
	}
}
