-- The time of the last change to the provider register (provider.Register) is the newest
-- entry of an action: one lookup in this index, however long the trail.
CREATE INDEX audit_log_action ON audit_log (action, denied, seq);
