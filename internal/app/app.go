// Package app is the one place where the services are wired: every command of
// cmd/zorginkoop and every test helper (internal/apptest) gets its services from New, so
// that each service records in the database's audit trail, in the database's
// transactions, with the same clock.
package app

import (
	"log/slog"
	"time"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/clock"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/document"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
	"zorginkoop/internal/store"
)

// Services are the area services over one database, all recording in its audit trail.
// The web pages and the JSON API serve the same Services (web.New, api.New).
type Services struct {
	Library     *policy.Library     // the registry, the fact catalogue and the policies in force
	Audit       *audit.Log          // the trail every service below records in
	Identity    *identity.Service   // logins, sessions, users, organisations, tokens
	Policies    *policy.Service     // policies: published, drafts, publishing
	Providers   *provider.Service   // reading, importing and validating providers
	Assessments *assessment.Service // running and reading assessments
	Documents   *document.Service   // evidence and documents of dossiers
	Notices     *notify.Service     // inbox notices, their e-mail (outbox) and reminders
	Rounds      *round.Service      // purchasing rounds, dossiers, deadlines; its Hooks are wired by the caller
	// PriceLists: price lists per dossier and part, their negotiation, xlsx in and out.
	// Its hooks (the dossier lookup and the stage changes of internal/round) are wired
	// by the lead; unwired, its calls fail with an Internal error.
	PriceLists *pricelist.Service
	// Questionnaires: the uitvraag of the round's dossiers. Its links to the round and the
	// documents (questionnaire.Links) are set with SetLinks once those areas exist.
	Questionnaires *questionnaire.Service
	// Contracts generates, signs and publishes contracts; its lookups of the round and
	// the price lists are wired with Contracts.SetLookups (nil until then: Internal errors).
	Contracts *contract.Service
	// Claims: execution contracts, insured persons, authorisations, the intake and
	// adjudication of claim files and their returns.
	Claims *claims.Service
	// Clock is the settable platform clock of `serve --test-clock` (Config.TestClock);
	// nil on a real clock. The pages show a banner while it is set.
	Clock *clock.Test
}

// Config are the settings of the services beyond the database and the library.
type Config struct {
	Now      func() time.Time // the clock; time.Now when nil
	Mail     identity.Mailer  // sends password-reset links; nil: no e-mail
	BaseURL  string           // where the web pages are served, for links in e-mail
	KeepRuns int              // stored runs kept per policy; assessment.DefaultKeepRuns when 0
	Workers  int              // assessment workers; 0: all cores
	// MaxUpload is the largest document upload in bytes; document.DefaultMaxSize when 0.
	MaxUpload int64
	// SyncPolicies brings the library up to date with the database before each
	// assessment, for servers where other instances save and publish policies.
	SyncPolicies bool
	// TestClock, when set, is the clock of every service but identity's (it overrides
	// Now; logins and sessions keep the real time): the operator sets the platform date
	// for trying out deadlines. Never on by default.
	TestClock *clock.Test
	// FactCacheBytes bounds the memory of the providers kept for assessing
	// (assessment.FactCache): 0 is assessment.DefaultFactCacheBytes, below 0 keeps none
	// and reads them from the database on every run.
	FactCacheBytes int64
	Log            *slog.Logger // where the services log; nil: nowhere
}

// New wires every service over db and lib. db is the store of every area, their
// transactions and the audit trail.
func New(db store.DB, lib *policy.Library, cfg Config) *Services {
	identity.Require("app.New", "db", db)
	identity.Require("app.New", "lib", lib)
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	// Logins, sessions and reset links keep the real time: setting the platform date
	// ahead must not end everyone's session.
	realNow := now
	if cfg.TestClock != nil {
		now = cfg.TestClock.Now
	}
	trail := audit.NewLog(db, now)
	policies := policy.NewService(lib, db, trail, db, now)
	opt := assessment.Options{Workers: cfg.Workers, KeepRuns: cfg.KeepRuns}
	if cfg.FactCacheBytes >= 0 {
		// The cache asks the database which providers changed before every run, so that
		// a write through any service or any other instance is seen: no service needs to
		// tell it.
		opt.Facts = assessment.NewFactCache(db, db, cfg.FactCacheBytes, cfg.Log)
	}
	if cfg.SyncPolicies {
		opt.Policies = policies
	}
	providers := provider.NewService(db, ProviderReference(lib), trail, db)
	assessments := assessment.NewService(lib, db, db, trail, db, now, opt)
	rounds := round.NewService(lib, db, db, trail, db, now)
	notices := notify.NewService(db, trail, db, cfg.Mail, now, notify.Options{BaseURL: cfg.BaseURL})
	links := roundLinks{rounds: rounds, notices: notices, lib: lib}
	rounds.Hooks = links.roundHooks()
	documents := document.NewService(db, links.documentDossier, trail, db, now, document.Options{MaxSize: cfg.MaxUpload})
	priceLists := pricelist.NewService(db, trail, db, now, links.priceListHooks())
	claimsService := claims.NewService(db, lib, trail, db, now, links.claimsLookups(db), claims.Options{})
	return &Services{
		Library:        lib,
		Audit:          trail,
		Identity:       identity.NewService(db, trail, db, realNow, identity.Options{Mail: cfg.Mail, BaseURL: cfg.BaseURL}),
		Policies:       policies,
		Providers:      providers,
		Assessments:    assessments,
		Rounds:         rounds,
		Notices:        notices,
		Documents:      documents,
		PriceLists:     priceLists,
		Questionnaires: questionnaire.NewService(db, lib, providers, assessments, trail, db, now, links.questionnaireLinks(documents)),
		Contracts:      contract.NewService(db, lib, db, trail, db, now, links.contractLookups(priceLists, db, claimsService)),
		Claims:         claimsService,
		Clock:          cfg.TestClock,
	}
}

// ProviderReference is what provider records are checked against, from lib: its fact
// catalogue, its registry's care types and insurers, and its policies' parts. Commands
// check a provider file with it before they open the database.
func ProviderReference(lib *policy.Library) provider.Reference {
	return provider.Reference{Catalogue: lib.Facts, CareTypes: lib.Registry.CareTypeSet(), Insurers: lib.Registry.InsurerSet(),
		Parts: policyParts(lib)}
}

// policyParts looks a policy up in lib when asked, since policies are published while a
// server runs: its insurer and the ids of its parts. Only published policies are known: a
// provider asks for parts of a published policy, and whether a draft exists is not for
// everyone to learn from an error.
func policyParts(lib *policy.Library) provider.PolicyParts {
	return func(id string) (string, []string, bool) {
		c, err := lib.Policy(id)
		if err != nil || c.Status != policy.Published {
			return "", nil, false
		}
		return c.Insurer, partIDs(c.Policy), true
	}
}

// partIDs are the ids of the parts of pol's contract besides the base contract.
func partIDs(pol *policy.Policy) []string {
	ids := make([]string, len(pol.Parts))
	for i, pt := range pol.Parts {
		ids[i] = pt.ID
	}
	return ids
}
