-- An entry may only be appended after the last one: its seq is the last seq + 1 (1 for
-- the first) and its prev_hash the last entry's hash ('' for the first). INSERT ... ON
-- CONFLICT DO UPDATE and MERGE are refused already (their UPDATE and DELETE fire the
-- triggers of 0003, and the primary key refuses a plain duplicate); this also refuses an
-- entry slipped in with a gap or out of order, and keeps both engines alike. Appenders hold
-- LOCK TABLE audit_log IN EXCLUSIVE MODE (sqlstore.AppendAudit), so the head read here is
-- the head the entry was built on.
CREATE FUNCTION audit_log_append_at_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq  BIGINT;
    head_hash TEXT;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    IF NEW.seq IS DISTINCT FROM COALESCE(head_seq, 0) + 1
        OR NEW.prev_hash IS DISTINCT FROM COALESCE(head_hash, '') THEN
        RAISE EXCEPTION 'audit_log is append-only: entry % does not follow the last entry (%)',
            NEW.seq, COALESCE(head_seq, 0) USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_at_head();
