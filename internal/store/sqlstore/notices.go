package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/notify"
)

// Notices (internal/notify): the notices with their idempotency keys, the inbox rows per
// organisation, and the e-mail outbox.

// PartyOrganisations returns the organisations acting for the insurer (insurers and
// purchasing parties), or managing the provider record, by id.
func (db *DB) PartyOrganisations(ctx context.Context, insurer, providerID string) ([]string, error) {
	query, arg := `SELECT org_id FROM organisation_providers WHERE provider_id = ? ORDER BY org_id`, providerID
	if insurer != "" {
		query, arg = `SELECT o.id FROM organisations o JOIN organisation_insurers i ON i.org_id = o.id
			WHERE i.insurer_id = ? AND o.kind IN ('insurer', 'purchaser') ORDER BY o.id`, insurer
	}
	rows, err := db.Read.QueryContext(ctx, db.Q(query), arg)
	if err != nil {
		return nil, fmt.Errorf("read party organisations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read party organisations: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AddNotice stores the notice with its inbox rows and mails, unless its key exists.
func (db *DB) AddNotice(ctx context.Context, n notify.Stored, orgs []string, mails []notify.Mail) (bool, error) {
	added := false
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		at := db.Dialect.Time(n.CreatedAt)
		res, err := tx.ExecContext(ctx, db.Q(`INSERT INTO notices (id, notice_key, kind, dossier_id, subject, body, link, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (notice_key) DO NOTHING`),
			n.ID, n.Key, string(n.Kind), n.DossierID, n.Subject, n.Body, n.Link, at)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil || k == 0 {
			return err
		}
		for _, org := range orgs {
			if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO notice_inbox (notice_id, org_id, created_at) VALUES (?, ?, ?)`),
				n.ID, org, at); err != nil {
				return err
			}
		}
		for _, m := range mails {
			if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO mail_outbox (id, notice_id, address, subject, body, created_at, next_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`), m.ID, n.ID, m.To, m.Subject, m.Body, at, at); err != nil {
				return err
			}
		}
		added = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("add notice %s: %w", n.Key, err)
	}
	return added, nil
}

// Inbox returns a page of the organisation's notices, newest first, the total and unread.
func (db *DB) Inbox(ctx context.Context, orgID string, offset, limit int) ([]notify.Item, int, int, error) {
	var total, read int
	if err := db.Read.QueryRowContext(ctx, db.Q(`SELECT COUNT(*), COUNT(read_at) FROM notice_inbox WHERE org_id = ?`), orgID).
		Scan(&total, &read); err != nil {
		return nil, 0, 0, fmt.Errorf("count notices: %w", err)
	}
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT n.id, n.kind, n.dossier_id, n.subject, n.body, n.link, i.created_at, i.read_at
		FROM notice_inbox i JOIN notices n ON n.id = i.notice_id WHERE i.org_id = ?
		ORDER BY i.created_at DESC, n.id DESC LIMIT ? OFFSET ?`), orgID, limit, offset)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read notices: %w", err)
	}
	defer rows.Close()
	var out []notify.Item
	for rows.Next() {
		var it notify.Item
		var kind string
		var created, readAt Timestamp
		if err := rows.Scan(&it.ID, &kind, &it.DossierID, &it.Subject, &it.Body, &it.Link, &created, &readAt); err != nil {
			return nil, 0, 0, fmt.Errorf("read notices: %w", err)
		}
		it.Kind, it.CreatedAt, it.ReadAt = notify.Kind(kind), created.Time, readAt.Time
		out = append(out, it)
	}
	return out, total, total - read, rows.Err()
}

// MarkNoticeRead marks the organisation's notice read, keeping an earlier time.
func (db *DB) MarkNoticeRead(ctx context.Context, orgID, noticeID string, at time.Time) error {
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE notice_inbox SET read_at = COALESCE(read_at, ?)
		WHERE org_id = ? AND notice_id = ?`), db.Dialect.Time(at), orgID, noticeID)
	if err != nil {
		return fmt.Errorf("mark notice read: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFoundf("notice %s does not exist", noticeID)
	}
	return nil
}

// DueMail returns unsent mails due at now and not claimed, oldest first.
func (db *DB) DueMail(ctx context.Context, now time.Time, limit int) ([]notify.Mail, error) {
	t := db.Dialect.Time(now)
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT id, notice_id, address, subject, body, attempts FROM mail_outbox
		WHERE sent_at IS NULL AND next_at IS NOT NULL AND next_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
		ORDER BY next_at, id LIMIT ?`), t, t, limit)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []notify.Mail
	for rows.Next() {
		var m notify.Mail
		if err := rows.Scan(&m.ID, &m.NoticeID, &m.To, &m.Subject, &m.Body, &m.Attempts); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ClaimMail claims an unsent mail until until, unless another sender holds it at now.
func (db *DB) ClaimMail(ctx context.Context, id string, now, until time.Time) (bool, error) {
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE mail_outbox SET claimed_until = ?
		WHERE id = ? AND sent_at IS NULL AND next_at IS NOT NULL AND (claimed_until IS NULL OR claimed_until <= ?)`),
		db.Dialect.Time(until), id, db.Dialect.Time(now))
	if err != nil {
		return false, fmt.Errorf("claim mail %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MailSent marks a mail sent.
func (db *DB) MailSent(ctx context.Context, id string, at time.Time) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE mail_outbox SET sent_at = ?, next_at = NULL, claimed_until = NULL,
		attempts = attempts + 1 WHERE id = ?`), db.Dialect.Time(at), id)
	if err != nil {
		return fmt.Errorf("mark mail %s sent: %w", id, err)
	}
	return nil
}

// MailFailed records a failed attempt and releases the claim; a zero next gives it up.
func (db *DB) MailFailed(ctx context.Context, id string, attempts int, next time.Time, msg string) error {
	var nextAt any
	if !next.IsZero() {
		nextAt = db.Dialect.Time(next)
	}
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE mail_outbox SET attempts = ?, next_at = ?, claimed_until = NULL,
		last_error = ? WHERE id = ?`), attempts, nextAt, msg, id)
	if err != nil {
		return fmt.Errorf("record failed mail %s: %w", id, err)
	}
	return nil
}
