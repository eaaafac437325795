-- The audit trail: append-only and hash-chained (see internal/audit). before and after
-- are TEXT, not JSONB: JSONB reorders keys and drops white space, which would change what
-- was hashed.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    user_id   TEXT NOT NULL,
    user_name TEXT NOT NULL,
    org_id    TEXT COLLATE "C" NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT COLLATE "C" NOT NULL,
    scope     TEXT COLLATE "C" NOT NULL,
    dossier   TEXT COLLATE "C" NOT NULL,
    before    TEXT,
    after     TEXT,
    reason    TEXT NOT NULL,
    denied    BOOLEAN NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
-- Each view reads one organisation's, object's or dossier's entries newest first.
CREATE INDEX audit_log_org_id ON audit_log (org_id, seq);
CREATE INDEX audit_log_scope ON audit_log (scope, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
CREATE INDEX audit_log_dossier ON audit_log (dossier, seq);

-- Append-only in the database too: the application never updates, deletes or truncates.
-- The table's owner can still disable the triggers; run the application as a role that
-- does not own the table for protection against it (see docs/audit.md).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
