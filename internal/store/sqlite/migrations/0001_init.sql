-- Providers and their parts. Child rows keep the input order in pos; (provider_id, pos)
-- is the key so that reading a provider's parts in order is an index scan.
CREATE TABLE providers (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kvk  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX providers_name ON providers (name, id);
CREATE INDEX providers_kvk ON providers (kvk);

CREATE TABLE provider_agb_codes (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
) WITHOUT ROWID;
CREATE INDEX provider_agb_codes_code ON provider_agb_codes (code);

CREATE TABLE provider_care_types (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    care_type   TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
) WITHOUT ROWID;
CREATE INDEX provider_care_types_care_type ON provider_care_types (care_type, provider_id);

CREATE TABLE provider_specialisms (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    specialism  TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
) WITHOUT ROWID;

CREATE TABLE provider_locations (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    street      TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    city        TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
) WITHOUT ROWID;

-- insurer is '' for facts not kept per insurer, so the unique key also holds for them.
-- date is a civil date as TEXT 'YYYY-MM-DD' (NULL when unknown).
CREATE TABLE provider_facts (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    insurer     TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL,
    source      TEXT NOT NULL,
    date        TEXT,
    evidence    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (provider_id, pos),
    UNIQUE (provider_id, key, insurer)
) WITHOUT ROWID;

-- Timestamps are TEXT in RFC 3339 UTC.
CREATE TABLE policies (
    id        TEXT PRIMARY KEY,
    file      TEXT NOT NULL,
    raw       BLOB NOT NULL,
    loaded_at TEXT NOT NULL
);

CREATE TABLE assessment_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    policy_id    TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    providers    INTEGER NOT NULL,
    eligible     INTEGER NOT NULL,
    not_eligible INTEGER NOT NULL,
    incomplete   INTEGER NOT NULL
);
CREATE INDEX assessment_runs_policy ON assessment_runs (policy_id, id);

-- No foreign key to providers: a run is history and outlives a replaced provider.
-- statuses is the list of statuses by requirement index, comma separated.
CREATE TABLE assessment_summaries (
    run_id        INTEGER NOT NULL REFERENCES assessment_runs (id) ON DELETE CASCADE,
    pos           INTEGER NOT NULL,
    provider_id   TEXT NOT NULL,
    provider_name TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    score         INTEGER NOT NULL,
    max_score     INTEGER NOT NULL,
    statuses      TEXT NOT NULL,
    PRIMARY KEY (run_id, pos)
) WITHOUT ROWID;
