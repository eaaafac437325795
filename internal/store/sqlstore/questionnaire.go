package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/questionnaire"
)

// reader is where a read runs: the context's write transaction, so that a service sees
// its own writes, else the read pool.
func (db *DB) reader(ctx context.Context) interface {
	querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
} {
	if tx, _ := db.Tx(ctx); tx != nil {
		return tx
	}
	return db.Read
}

// Answers returns the draft answers of a dossier, ordered by fact.
func (db *DB) Answers(ctx context.Context, dossierID string) ([]questionnaire.Answer, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, db.Q(`SELECT fact, value, unknown, saved_by, saved_at
		FROM questionnaire_answers WHERE dossier_id = ?`), dossierID)
	if err != nil {
		return nil, fmt.Errorf("read answers: %w", err)
	}
	defer rows.Close()
	out := []questionnaire.Answer{}
	for rows.Next() {
		a := questionnaire.Answer{DossierID: dossierID}
		var at Timestamp
		if err := rows.Scan(&a.Fact, &a.Value, &a.Unknown, &a.SavedBy, &at); err != nil {
			return nil, fmt.Errorf("read answers: %w", err)
		}
		a.SavedAt = at.Time
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b questionnaire.Answer) int { return cmp.Compare(a.Fact, b.Fact) })
	return out, rows.Err()
}

// SaveAnswers adds or replaces answers, in one transaction (the context's, if any).
func (db *DB) SaveAnswers(ctx context.Context, answers []questionnaire.Answer) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, a := range answers {
			_, err := tx.ExecContext(ctx, db.Q(`INSERT INTO questionnaire_answers (dossier_id, fact, value, unknown, saved_by, saved_at)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (dossier_id, fact) DO UPDATE SET value = excluded.value, unknown = excluded.unknown,
					saved_by = excluded.saved_by, saved_at = excluded.saved_at`),
				a.DossierID, a.Fact, a.Value, a.Unknown, a.SavedBy, db.Dialect.Time(a.SavedAt))
			if err != nil {
				return fmt.Errorf("save answer %s: %w", a.Fact, err)
			}
		}
		return nil
	})
}

// Evidence returns the evidence of a dossier, ordered by requirement, then by time of
// attaching.
func (db *DB) Evidence(ctx context.Context, dossierID string) ([]questionnaire.Evidence, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, db.Q(`SELECT requirement_id, document_id, name, sha256, attached_by, attached_at
		FROM questionnaire_evidence WHERE dossier_id = ? ORDER BY attached_at, document_id`), dossierID)
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	defer rows.Close()
	out := []questionnaire.Evidence{}
	for rows.Next() {
		e := questionnaire.Evidence{DossierID: dossierID}
		var at Timestamp
		if err := rows.Scan(&e.RequirementID, &e.DocumentID, &e.Name, &e.SHA256, &e.AttachedBy, &at); err != nil {
			return nil, fmt.Errorf("read evidence: %w", err)
		}
		e.AttachedAt = at.Time
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b questionnaire.Evidence) int { return cmp.Compare(a.RequirementID, b.RequirementID) })
	return out, rows.Err()
}

// AttachEvidence adds the evidence, or replaces the same document of the same requirement.
func (db *DB) AttachEvidence(ctx context.Context, e questionnaire.Evidence) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO questionnaire_evidence
		(dossier_id, requirement_id, document_id, name, sha256, attached_by, attached_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dossier_id, requirement_id, document_id) DO UPDATE SET name = excluded.name, sha256 = excluded.sha256,
			attached_by = excluded.attached_by, attached_at = excluded.attached_at`),
		e.DossierID, e.RequirementID, e.DocumentID, e.Name, e.SHA256, e.AttachedBy, db.Dialect.Time(e.AttachedAt))
	if err != nil {
		return fmt.Errorf("attach evidence: %w", err)
	}
	return nil
}

// Submission returns the submission of a dossier, or NotFound.
func (db *DB) Submission(ctx context.Context, dossierID string) (*questionnaire.Submission, error) {
	s := questionnaire.Submission{DossierID: dossierID}
	var at Timestamp
	var facts, outcome string
	err := db.reader(ctx).QueryRowContext(ctx, db.Q(`SELECT policy_id, provider_id, insurer, submitted_by, submitted_at, fact_date,
		facts, outcome, warning FROM questionnaire_submissions WHERE dossier_id = ?`), dossierID).
		Scan(&s.PolicyID, &s.ProviderID, &s.Insurer, &s.SubmittedBy, &at, &s.FactDate, &facts, &outcome, &s.Warning)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("dossier %q has no submitted questionnaire", dossierID)
	}
	if err != nil {
		return nil, fmt.Errorf("read submission: %w", err)
	}
	s.SubmittedAt = at.Time
	if err := json.Unmarshal([]byte(facts), &s.Facts); err != nil {
		return nil, fmt.Errorf("read submission %s: facts: %w", dossierID, err)
	}
	if err := json.Unmarshal([]byte(outcome), &s.Outcome); err != nil {
		return nil, fmt.Errorf("read submission %s: outcome: %w", dossierID, err)
	}
	return &s, nil
}

// SaveSubmission stores a submission; a second one of the same dossier is a Conflict.
func (db *DB) SaveSubmission(ctx context.Context, s questionnaire.Submission) error {
	if s.Facts == nil {
		s.Facts = []string{}
	}
	facts, err := json.Marshal(s.Facts)
	if err != nil {
		return err
	}
	outcome, err := json.Marshal(s.Outcome)
	if err != nil {
		return err
	}
	_, err = db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO questionnaire_submissions (dossier_id, policy_id, provider_id,
		insurer, submitted_by, submitted_at, fact_date, facts, outcome, warning) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		s.DossierID, s.PolicyID, s.ProviderID, s.Insurer, s.SubmittedBy, db.Dialect.Time(s.SubmittedAt), s.FactDate,
		string(facts), string(outcome), s.Warning)
	if err != nil && isUniqueViolation(err) {
		return &apperr.Error{Code: apperr.Conflict, Field: "dossier", Message: fmt.Sprintf("dossier %s has been submitted already", s.DossierID)}
	}
	if err != nil {
		return fmt.Errorf("save submission: %w", err)
	}
	return nil
}

// Reviews returns the review decisions of a dossier, ordered by requirement.
func (db *DB) Reviews(ctx context.Context, dossierID string) ([]questionnaire.Review, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, db.Q(`SELECT requirement_id, verdict, reason, decided_by, decided_by_name, decided_at
		FROM questionnaire_reviews WHERE dossier_id = ?`), dossierID)
	if err != nil {
		return nil, fmt.Errorf("read reviews: %w", err)
	}
	defer rows.Close()
	out := []questionnaire.Review{}
	for rows.Next() {
		r := questionnaire.Review{DossierID: dossierID}
		var at Timestamp
		if err := rows.Scan(&r.RequirementID, &r.Verdict, &r.Reason, &r.DecidedBy, &r.DecidedByName, &at); err != nil {
			return nil, fmt.Errorf("read reviews: %w", err)
		}
		r.DecidedAt = at.Time
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b questionnaire.Review) int { return cmp.Compare(a.RequirementID, b.RequirementID) })
	return out, rows.Err()
}

// SaveReview adds or replaces the decision on one review item.
func (db *DB) SaveReview(ctx context.Context, r questionnaire.Review) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO questionnaire_reviews
		(dossier_id, requirement_id, verdict, reason, decided_by, decided_by_name, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dossier_id, requirement_id) DO UPDATE SET verdict = excluded.verdict, reason = excluded.reason,
			decided_by = excluded.decided_by, decided_by_name = excluded.decided_by_name, decided_at = excluded.decided_at`),
		r.DossierID, r.RequirementID, string(r.Verdict), r.Reason, r.DecidedBy, r.DecidedByName, db.Dialect.Time(r.DecidedAt))
	if err != nil {
		return fmt.Errorf("save review: %w", err)
	}
	return nil
}
