-- The audit trail: append-only and hash-chained (see internal/audit). at is RFC 3339 text
-- in UTC; before and after are JSON text exactly as hashed; denied is 0 or 1.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    user_name TEXT NOT NULL,
    org_id    TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    scope     TEXT NOT NULL,
    dossier   TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    reason    TEXT NOT NULL,
    denied    INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
-- Each view reads one organisation's, object's or dossier's entries newest first.
CREATE INDEX audit_log_org_id ON audit_log (org_id, seq);
CREATE INDEX audit_log_scope ON audit_log (scope, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
CREATE INDEX audit_log_dossier ON audit_log (dossier, seq);

-- Append-only in the database too: the application never updates or deletes an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
