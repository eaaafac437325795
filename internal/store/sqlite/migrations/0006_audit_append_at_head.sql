-- An entry may only be appended after the last one: its seq is the last seq + 1 (1 for
-- the first) and its prev_hash the last entry's hash ('' for the first). That refuses
-- what the UPDATE and DELETE triggers of 0003 do not see: INSERT OR REPLACE (REPLACE INTO)
-- deletes the row it conflicts with without firing DELETE triggers (unless
-- recursive_triggers is on), so it could rewrite an entry. INSERT ... ON CONFLICT DO
-- UPDATE is refused here too, before its UPDATE trigger, and so is an entry slipped in
-- with a gap or without a seq.
CREATE TRIGGER audit_log_append_at_head BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT (SELECT IFNULL(MAX(seq), 0) + 1 FROM audit_log)
  OR NEW.prev_hash IS NOT IFNULL((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '')
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: a new entry must follow the last one');
END;
