-- Evidence and documents of a dossier (internal/document), stored in the database: the
-- bytes in content, their SHA-256 in hex, the type sniffed from the bytes. side is the
-- party that uploaded it. Times are TIMESTAMPTZ.
CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
    dossier_id   TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL CHECK (size > 0),
    sha256       TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    side         TEXT NOT NULL CHECK (side IN ('insurer', 'provider')),
    uploaded_at TIMESTAMPTZ NOT NULL,
    content      BYTEA NOT NULL
);
CREATE INDEX documents_dossier ON documents (dossier_id, uploaded_at, id);

-- Notices (internal/notify): one row per notice, its key unique so that a notice is sent
-- once; an inbox row per addressee organisation; an outbox row per e-mail, written in the
-- transaction of the notice and sent after it commits.
CREATE TABLE notices (
    id         TEXT PRIMARY KEY,
    notice_key TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE notice_inbox (
    notice_id  TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ,
    PRIMARY KEY (notice_id, org_id)
);
CREATE INDEX notice_inbox_org ON notice_inbox (org_id, created_at, notice_id);

CREATE TABLE mail_outbox (
    id            TEXT PRIMARY KEY,
    notice_id     TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    address       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TIMESTAMPTZ,            -- NULL: sent or given up
    claimed_until TIMESTAMPTZ,            -- a sender works on it until then
    sent_at       TIMESTAMPTZ,
    last_error    TEXT NOT NULL DEFAULT '',
    UNIQUE (notice_id, address)
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_at);
