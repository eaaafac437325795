-- Contracts (see internal/contract): one per dossier, its generated versions with their
-- documents, the parties' signatures (one per side: the primary key refuses a second) and
-- the publications (public data, without prices). Lists are JSON text.
CREATE TABLE contracts (
    id              TEXT PRIMARY KEY,
    dossier_id      TEXT NOT NULL UNIQUE,
    round_id        TEXT NOT NULL,
    policy_id       TEXT NOT NULL,
    year            INTEGER NOT NULL,
    insurer         TEXT NOT NULL,
    provider_id     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('awaiting_signatures', 'provider_signed', 'signed', 'published')),
    version         INTEGER NOT NULL CHECK (version >= 1),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX contracts_status ON contracts (status);

CREATE TABLE contract_versions (
    contract_id     TEXT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    content         TEXT NOT NULL,
    content_sha256  TEXT NOT NULL,
    pdf             BLOB NOT NULL,
    pdf_sha256      TEXT NOT NULL,
    xlsx            BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (contract_id, version)
);

CREATE TABLE contract_signatures (
    contract_id     TEXT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    side            TEXT NOT NULL CHECK (side IN ('provider', 'insurer')),
    version         INTEGER NOT NULL,
    user_id         TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    org_id          TEXT NOT NULL,
    kvk             TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    signed_at       TEXT NOT NULL,
    PRIMARY KEY (contract_id, side),
    FOREIGN KEY (contract_id, version) REFERENCES contract_versions (contract_id, version)
);

CREATE TABLE published_contracts (
    contract_id     TEXT PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    insurer         TEXT NOT NULL,
    labels          TEXT NOT NULL,
    policy_types    TEXT NOT NULL,
    policy_id       TEXT NOT NULL,
    parts           TEXT NOT NULL,
    provider_id     TEXT NOT NULL,
    provider_name   TEXT NOT NULL,
    locations       TEXT NOT NULL,
    years           TEXT NOT NULL,
    first_year      INTEGER NOT NULL,
    last_year       INTEGER NOT NULL,
    published_at    TEXT NOT NULL
);
CREATE INDEX published_contracts_insurer ON published_contracts (insurer, provider_id);
