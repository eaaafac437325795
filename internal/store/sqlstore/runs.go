package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
)

// InsertRun is the SQL (with ? placeholders) that inserts a run and returns its id; its
// arguments come from RunArgs.
const InsertRun = `INSERT INTO assessment_runs
	(policy_id, policy_version, started_at, finished_at, providers, eligible, not_eligible, incomplete)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

// RunArgs returns the arguments of InsertRun for run.
func (db *DB) RunArgs(run *assessment.Run) []any {
	return []any{run.PolicyID, run.PolicyVersion, db.Dialect.Time(run.StartedAt), db.Dialect.Time(run.FinishedAt),
		run.Providers, run.Eligible, run.NotEligible, run.Incomplete}
}

// SaveRunParts stores the parts of run runID with their counts, in tx: a few rows, one
// per part of the policy.
func (db *DB) SaveRunParts(ctx context.Context, tx *sql.Tx, runID int64, parts []assessment.PartCounts) error {
	for i, p := range parts {
		_, err := tx.ExecContext(ctx, db.Q(`INSERT INTO assessment_run_parts
			(run_id, pos, part_id, eligible, not_eligible, incomplete, out_of_scope, not_requested)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), runID, i, p.Part, p.Eligible, p.NotEligible, p.Incomplete, p.OutOfScope, p.NotRequested)
		if err != nil {
			return fmt.Errorf("save part %s of run: %w", p.Part, err)
		}
	}
	return nil
}

// SummaryColumns are the columns of assessment_summaries, in the order of SummaryRow.
var SummaryColumns = []string{"run_id", "pos", "provider_id", "provider_name", "outcome", "score", "max_score", "statuses", "part_outcomes"}

// SummaryRow returns the values of summary pos of run id.
func SummaryRow(runID int64, pos int, s *assessment.Summary) []any {
	return []any{runID, pos, s.ProviderID, s.ProviderName, string(s.Outcome), s.Score, s.MaxScore, encodeStatuses(s.Statuses),
		encodePartOutcomes(s.PartOutcomes)}
}

// partOutcomeCodes are the one-letter codes of the part outcomes as stored: one letter
// per part, so that a part's outcome is substr(part_outcomes, pos + 1, 1).
var partOutcomeCodes = map[assessment.Outcome]byte{
	assessment.Eligible: 'e', assessment.NotEligible: 'n', assessment.Incomplete: 'i',
	assessment.OutOfScope: 'o', assessment.NotRequested: '-',
}

var partOutcomeOfCode = func() map[byte]assessment.Outcome {
	m := map[byte]assessment.Outcome{}
	for o, c := range partOutcomeCodes {
		m[c] = o
	}
	return m
}()

func encodePartOutcomes(os []assessment.Outcome) string {
	b := make([]byte, len(os))
	for i, o := range os {
		c, ok := partOutcomeCodes[o]
		if !ok {
			c = '?' // read back as an unknown outcome, never as another one
		}
		b[i] = c
	}
	return string(b)
}

// decodePartOutcomesInto appends the part outcomes of s to dst.
func decodePartOutcomesInto(dst []assessment.Outcome, s string) []assessment.Outcome {
	for i := 0; i < len(s); i++ {
		dst = append(dst, partOutcomeOfCode[s[i]])
	}
	return dst
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

// decodeStatusesInto appends the statuses of s to dst.
func decodeStatusesInto(dst []assessment.Status, s string) []assessment.Status {
	if s == "" {
		return dst
	}
	for p := range strings.SplitSeq(s, ",") {
		dst = append(dst, assessment.Status(p))
	}
	return dst
}

// LatestRun returns the newest run of a policy, without summaries, or NotFound.
func (db *DB) LatestRun(ctx context.Context, policyID string) (*assessment.RunCounts, error) {
	run := &assessment.RunCounts{}
	var started, finished Timestamp
	tx, err := db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, db.Q(`SELECT id, policy_id, policy_version, started_at, finished_at, providers, eligible, not_eligible, incomplete
		FROM assessment_runs WHERE policy_id = ? ORDER BY id DESC LIMIT 1`), policyID).
		Scan(&run.ID, &run.PolicyID, &run.PolicyVersion, &started, &finished, &run.Providers, &run.Eligible, &run.NotEligible, &run.Incomplete)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("policy %q has not been assessed yet", policyID)
	}
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	run.StartedAt, run.FinishedAt = started.Time, finished.Time
	if run.Parts, err = runParts(ctx, tx, db.Q, run.ID); err != nil {
		return nil, err
	}
	return run, nil
}

// runParts reads the parts of run runID with their counts, in the run's order.
func runParts(ctx context.Context, tx *sql.Tx, q func(string) string, runID int64) ([]assessment.PartCounts, error) {
	rows, err := tx.QueryContext(ctx, q(`SELECT part_id, eligible, not_eligible, incomplete, out_of_scope, not_requested
		FROM assessment_run_parts WHERE run_id = ? ORDER BY pos`), runID)
	if err != nil {
		return nil, fmt.Errorf("read parts of run %d: %w", runID, err)
	}
	defer rows.Close()
	var parts []assessment.PartCounts // nil for a policy without parts, as saved
	for rows.Next() {
		var p assessment.PartCounts
		if err := rows.Scan(&p.Part, &p.Eligible, &p.NotEligible, &p.Incomplete, &p.OutOfScope, &p.NotRequested); err != nil {
			return nil, fmt.Errorf("read parts of run %d: %w", runID, err)
		}
		parts = append(parts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read parts of run %d: %w", runID, err)
	}
	return parts, nil
}

// summaryWhere returns the condition on the summaries s of run runID that f selects, and
// its arguments. The care type is the provider's now (a run keeps no care types), as the
// providers list filters it.
func summaryWhere(runID int64, f assessment.SummaryFilter) (string, []any) {
	conds := []string{"s.run_id = ?"}
	args := []any{runID}
	if f.Outcome != "" {
		conds = append(conds, "s.outcome = ?")
		args = append(args, string(f.Outcome))
	}
	if f.CareType != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM provider_care_types c WHERE c.provider_id = s.provider_id AND c.care_type = ?)`)
		args = append(args, f.CareType)
	}
	if f.Part != "" {
		// The part's place in this run, which need not be its place in today's policy.
		conds = append(conds, `substr(s.part_outcomes, (SELECT p.pos + 1 FROM assessment_run_parts p
			WHERE p.run_id = ? AND p.part_id = ?), 1) = ?`)
		code, ok := partOutcomeCodes[f.PartOutcome]
		if !ok {
			code = '?' // matches nothing: the service refuses unknown outcomes before
		}
		args = append(args, runID, f.Part, string([]byte{code}))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		conds = append(conds, `(lower(s.provider_name) LIKE ? ESCAPE '\' OR lower(s.provider_id) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// summaryOrder is the ORDER BY of f's sort, ending in s.pos so that pages never overlap.
// The database sorts: a page is read as it is, however large the run.
func summaryOrder(f assessment.SummaryFilter) string {
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	const outcomeRank = `CASE s.outcome WHEN 'eligible' THEN 0 WHEN 'incomplete' THEN 1 WHEN 'not_eligible' THEN 2 ELSE 3 END`
	switch f.Sort {
	case assessment.SortName:
		return ` ORDER BY lower(s.provider_name)` + dir + `, s.pos`
	case assessment.SortOutcome:
		return ` ORDER BY ` + outcomeRank + dir + `, s.score DESC, lower(s.provider_name), s.pos`
	case assessment.SortScore:
		return ` ORDER BY CASE s.outcome WHEN 'not_eligible' THEN 1 ELSE 0 END, s.score` + dir + `, lower(s.provider_name), s.pos`
	}
	return ` ORDER BY s.pos`
}

const summarySelect = `SELECT s.provider_id, s.provider_name, s.outcome, s.score, s.max_score, s.statuses, s.part_outcomes
	FROM assessment_summaries s`

// Summaries returns one page of a run's summaries that match f, in saved order, and how
// many match in all. The count and the page are read in one snapshot.
func (db *DB) Summaries(ctx context.Context, runID int64, f assessment.SummaryFilter) ([]assessment.Summary, int, error) {
	tx, err := db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("read run %d: %w", runID, err)
	}
	defer tx.Rollback()
	where, args := summaryWhere(runID, f)
	var total int
	if err := tx.QueryRowContext(ctx, db.Q(`SELECT count(*) FROM assessment_summaries s`+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count run %d: %w", runID, err)
	}
	var out []assessment.Summary
	if total == 0 || f.Offset >= total {
		return out, total, nil
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := tx.QueryContext(ctx, db.Q(summarySelect+where+summaryOrder(f)+` LIMIT ? OFFSET ?`), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("read run %d: %w", runID, err)
	}
	err = scanSummaries(rows, func(s *assessment.Summary) error {
		c := *s
		c.Statuses, c.PartOutcomes = nil, nil
		if len(s.Statuses) > 0 {
			c.Statuses = slices.Clone(s.Statuses)
		}
		if len(s.PartOutcomes) > 0 {
			c.PartOutcomes = slices.Clone(s.PartOutcomes)
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("read run %d: %w", runID, err)
	}
	return out, total, nil
}

// EachSummary calls fn with each summary of a run that matches f, in saved order, as the
// rows come: memory stays flat however large the run.
func (db *DB) EachSummary(ctx context.Context, runID int64, f assessment.SummaryFilter, fn func(*assessment.Summary) error) error {
	where, args := summaryWhere(runID, f)
	rows, err := db.Read.QueryContext(ctx, db.Q(summarySelect+where+` ORDER BY s.pos`), args...)
	if err != nil {
		return fmt.Errorf("read run %d: %w", runID, err)
	}
	return scanSummaries(rows, fn)
}

// scanSummaries calls fn with each row of rows, reusing one summary, and closes rows.
// fn's error comes back as it is.
func scanSummaries(rows *sql.Rows, fn func(*assessment.Summary) error) error {
	defer rows.Close()
	var s assessment.Summary
	var statuses, parts string
	for rows.Next() {
		if err := rows.Scan(&s.ProviderID, &s.ProviderName, &s.Outcome, &s.Score, &s.MaxScore, &statuses, &parts); err != nil {
			return fmt.Errorf("read summary: %w", err)
		}
		s.Statuses = decodeStatusesInto(s.Statuses[:0], statuses)
		s.PartOutcomes = decodePartOutcomesInto(s.PartOutcomes[:0], parts)
		if err := fn(&s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read summaries: %w", err)
	}
	return nil
}

// DeleteOldRuns deletes a policy's runs but the newest keep; their summaries go by ON
// DELETE CASCADE. It joins the context's transaction, if any.
func (db *DB) DeleteOldRuns(ctx context.Context, policyID string, keep int) (int, error) {
	if keep < 1 {
		keep = 1 // the run just saved always stays
	}
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM assessment_runs WHERE policy_id = ? AND id NOT IN
		(SELECT id FROM assessment_runs WHERE policy_id = ? ORDER BY id DESC LIMIT ?)`), policyID, policyID, keep)
	if err != nil {
		return 0, fmt.Errorf("delete old runs of %s: %w", policyID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete old runs of %s: %w", policyID, err)
	}
	return int(n), nil
}

// RunEntry returns the number in the audit trail of the newest recorded run of a policy,
// or 0: a run and its entry commit together.
func (db *DB) RunEntry(ctx context.Context, policyID string) (int64, error) {
	var seq sql.NullInt64
	err := db.Read.QueryRowContext(ctx, db.Q(`SELECT max(seq) FROM audit_log WHERE subject = ? AND action = ? AND denied = ?`),
		"policy:"+policyID, assessment.ActionRun, false).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("read run entry of %s: %w", policyID, err)
	}
	return seq.Int64, nil
}
