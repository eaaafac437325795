package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
)

// InsertRun is the SQL (with ? placeholders) that inserts a run and returns its id; its
// arguments come from RunArgs.
const InsertRun = `INSERT INTO assessment_runs
	(policy_id, started_at, finished_at, providers, eligible, not_eligible, incomplete)
	VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`

// RunArgs returns the arguments of InsertRun for run.
func (db *DB) RunArgs(run *assessment.Run) []any {
	return []any{run.PolicyID, db.Dialect.Time(run.StartedAt), db.Dialect.Time(run.FinishedAt),
		run.Providers, run.Eligible, run.NotEligible, run.Incomplete}
}

// SummaryColumns are the columns of assessment_summaries, in the order of SummaryRow.
var SummaryColumns = []string{"run_id", "pos", "provider_id", "provider_name", "outcome", "score", "max_score", "statuses"}

// SummaryRow returns the values of summary pos of run id.
func SummaryRow(runID int64, pos int, s *assessment.Summary) []any {
	return []any{runID, pos, s.ProviderID, s.ProviderName, string(s.Outcome), s.Score, s.MaxScore, encodeStatuses(s.Statuses)}
}

func encodeStatuses(ss []assessment.Status) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(s))
	}
	return b.String()
}

func decodeStatuses(s string) []assessment.Status {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]assessment.Status, len(parts))
	for i, p := range parts {
		out[i] = assessment.Status(p)
	}
	return out
}

// LatestRun returns the newest run of a policy with its summaries, or NotFound.
func (db *DB) LatestRun(ctx context.Context, policyID string) (*assessment.Run, error) {
	// One read transaction, so the run and its summaries are one snapshot.
	tx, err := db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	defer tx.Rollback()
	run := &assessment.Run{}
	var started, finished Timestamp
	err = tx.QueryRowContext(ctx, db.Q(`SELECT id, policy_id, started_at, finished_at, providers, eligible, not_eligible, incomplete
		FROM assessment_runs WHERE policy_id = ? ORDER BY id DESC LIMIT 1`), policyID).
		Scan(&run.ID, &run.PolicyID, &started, &finished, &run.Providers, &run.Eligible, &run.NotEligible, &run.Incomplete)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("policy %q has not been assessed yet", policyID)
	}
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	run.StartedAt, run.FinishedAt = started.Time, finished.Time
	rows, err := tx.QueryContext(ctx, db.Q(`SELECT provider_id, provider_name, outcome, score, max_score, statuses
		FROM assessment_summaries WHERE run_id = ? ORDER BY pos`), run.ID)
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", run.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s assessment.Summary
		var statuses string
		if err := rows.Scan(&s.ProviderID, &s.ProviderName, &s.Outcome, &s.Score, &s.MaxScore, &statuses); err != nil {
			return nil, fmt.Errorf("read run %d: %w", run.ID, err)
		}
		s.Statuses = decodeStatuses(statuses)
		run.Summaries = append(run.Summaries, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read run %d: %w", run.ID, err)
	}
	return run, nil
}
