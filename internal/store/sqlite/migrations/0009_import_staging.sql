-- Staging for provider imports. SQLite has one writer at a time, so a large import is
-- written here in short transactions of its own (other writers, logins among them, take
-- turns between them), and then moved into the provider tables in one short transaction
-- with its audit entry: readers see all of an import or none of it. The tables mirror the
-- provider tables, keyed by the import first. Rows of an import that did not finish
-- (killed, or failed) are removed by the next import once touched_at is old.
CREATE TABLE provider_imports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    touched_at TEXT NOT NULL -- RFC 3339 UTC: when the last chunk was staged
);

CREATE TABLE staged_providers (
    import_id INTEGER NOT NULL,
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    kvk       TEXT NOT NULL,
    PRIMARY KEY (import_id, id)
) WITHOUT ROWID;

CREATE TABLE staged_provider_agb_codes (
    import_id   INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    PRIMARY KEY (import_id, provider_id, pos)
) WITHOUT ROWID;

CREATE TABLE staged_provider_care_types (
    import_id   INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    care_type   TEXT NOT NULL,
    PRIMARY KEY (import_id, provider_id, pos)
) WITHOUT ROWID;

CREATE TABLE staged_provider_specialisms (
    import_id   INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    specialism  TEXT NOT NULL,
    PRIMARY KEY (import_id, provider_id, pos)
) WITHOUT ROWID;

CREATE TABLE staged_provider_locations (
    import_id   INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    street      TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    city        TEXT NOT NULL,
    PRIMARY KEY (import_id, provider_id, pos)
) WITHOUT ROWID;

-- The constraints of provider_facts, so that a bad fact fails while staging, naming its
-- provider, rather than in the final move.
CREATE TABLE staged_provider_facts (
    import_id   INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    pos         INTEGER NOT NULL,
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    insurer     TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL,
    source      TEXT NOT NULL,
    date        TEXT,
    evidence    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, provider_id, pos),
    UNIQUE (import_id, provider_id, key, insurer)
) WITHOUT ROWID;
