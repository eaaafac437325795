-- Failed logins per (e-mail address, source address), so that guessing is slowed per
-- source and nobody can lock another person out (see identity.Service.LoginFrom). key is
-- the SHA-256 of the address and the source, so addresses of strangers are not stored.
-- failures counts the failed attempts since the last success; retry_at is when the next
-- attempt from that source for that address is heard; last_at ages old rows out.
CREATE TABLE login_throttle (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    retry_at TEXT NOT NULL,
    last_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX login_throttle_last ON login_throttle (last_at);

-- When an API token was last used, written at most once per identity.TokenUseInterval.
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;

-- Failed passwords no longer lock an account (anyone who knew the address could lock its
-- user out): the count and the lock go.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
