// Package store opens the database: embedded SQLite by default, PostgreSQL when a DSN is
// given. Both engines implement the same area Store interfaces; rules live above them.
package store

import (
	"context"
	"log/slog"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/document"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
	"zorginkoop/internal/store/postgres"
	"zorginkoop/internal/store/sqlite"
)

// DB is an open database with every area's store: one line per area, its Store interface
// declared in the area (the SQL in sqlstore and the engines, the tests in storetest).
type DB interface {
	provider.Store
	provider.ChangeLog // which providers were written since a change number
	identity.Store
	policy.Store
	assessment.Store
	questionnaire.Store
	audit.Store
	document.Store
	notify.Store
	round.Store
	pricelist.Store
	contract.Store
	claims.Store
	// InTx runs fn in one write transaction carried in its context, which every write
	// of the stores above joins: see sqlstore.DB.InTx. StageProviders belongs outside it
	// (it would hold SQLite's one writer throughout); its Commit inside.
	identity.TxRunner
	// Engine names the engine: "sqlite" or "postgres".
	Engine() string
	Close() error
}

// Open opens (and migrates) PostgreSQL when dsn is set, else SQLite in dataDir.
// dsn is a PostgreSQL URL (postgres:// or postgresql://) or key=value settings.
func Open(ctx context.Context, dataDir, dsn string, log *slog.Logger) (DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return sqlite.Open(ctx, dataDir, log)
	}
	if !IsPostgresDSN(dsn) {
		return nil, &apperr.Error{Code: apperr.Invalid, Field: "db",
			Message: "database DSN must be a PostgreSQL URL (postgres://user@host/db) or key=value settings (host=... dbname=...); leave it empty for the embedded SQLite database"}
	}
	return postgres.Open(ctx, dsn, log)
}

// IsPostgresDSN reports whether dsn looks like a PostgreSQL connection string.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		(strings.Contains(dsn, "=") && !strings.Contains(dsn, "://"))
}
