-- Organisations, users, sessions and tokens (identity area).
CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,          -- insurer, purchaser, provider, operator
    name       TEXT NOT NULL,
    kvk        TEXT NOT NULL DEFAULT '',
    insurer_id TEXT NOT NULL DEFAULT '', -- kind insurer: the registry insurer
    oidc       TEXT NOT NULL DEFAULT ''  -- OpenID Connect settings as JSON; empty when off
) WITHOUT ROWID;

-- The insurers a purchasing party buys for (and an insurer for itself).
CREATE TABLE organisation_insurers (
    org_id     TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    insurer_id TEXT NOT NULL,
    PRIMARY KEY (org_id, insurer_id)
) WITHOUT ROWID;

-- The provider records a provider organisation manages; a record has one organisation.
CREATE TABLE organisation_providers (
    provider_id TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX organisation_providers_org ON organisation_providers (org_id);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organisations (id),
    email            TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    roles            TEXT NOT NULL,    -- comma-separated
    password_hash    TEXT NOT NULL DEFAULT '',
    disabled         INTEGER NOT NULL DEFAULT 0,
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    cert_fingerprint TEXT UNIQUE,      -- SHA-256 of a client certificate (mutual TLS)
    oidc_subject     TEXT UNIQUE,      -- issuer + " " + subject of an OpenID Connect login
    created_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX users_org ON users (org_id, email);

-- Sessions and tokens are stored by the SHA-256 of their secret, never the secret.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,          -- api, reset
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) WITHOUT ROWID;
CREATE INDEX tokens_user ON tokens (user_id, kind);
