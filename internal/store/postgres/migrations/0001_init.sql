-- Providers and their parts. Ids use the "C" collation: byte order, the same as SQLite,
-- and fast. Child rows keep the input order in pos.
--
-- The part tables have no foreign key to providers, unlike in SQLite: with COPY of millions
-- of fact rows the per-row foreign-key triggers took more than half the time of an import.
-- Parts are only ever written by ReplaceProviders, which deletes a provider's parts and
-- writes the provider with all its parts in one transaction. Tables that refer to a
-- provider from elsewhere (dossiers, contracts) do use a foreign key.
CREATE TABLE providers (
    id   TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    kvk  TEXT NOT NULL
);
CREATE INDEX providers_name ON providers (name, id);
CREATE INDEX providers_kvk ON providers (kvk);

CREATE TABLE provider_agb_codes (
    provider_id TEXT COLLATE "C" NOT NULL,
    pos         INTEGER NOT NULL,
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
);
CREATE INDEX provider_agb_codes_code ON provider_agb_codes (code);

CREATE TABLE provider_care_types (
    provider_id TEXT COLLATE "C" NOT NULL,
    pos         INTEGER NOT NULL,
    care_type   TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
);
CREATE INDEX provider_care_types_care_type ON provider_care_types (care_type, provider_id);

CREATE TABLE provider_specialisms (
    provider_id TEXT COLLATE "C" NOT NULL,
    pos         INTEGER NOT NULL,
    specialism  TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
);

CREATE TABLE provider_locations (
    provider_id TEXT COLLATE "C" NOT NULL,
    pos         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    street      TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    city        TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos)
);

-- insurer is '' for facts not kept per insurer, so the unique key also holds for them.
CREATE TABLE provider_facts (
    provider_id TEXT COLLATE "C" NOT NULL,
    pos         INTEGER NOT NULL,
    key         VARCHAR(100) NOT NULL CHECK (key <> ''),
    insurer     TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL,
    source      TEXT NOT NULL,
    date        DATE,
    evidence    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (provider_id, pos),
    UNIQUE (provider_id, key, insurer)
);

CREATE TABLE policies (
    id        TEXT COLLATE "C" PRIMARY KEY,
    file      TEXT NOT NULL,
    raw       BYTEA NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE assessment_runs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    policy_id    TEXT COLLATE "C" NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    providers    INTEGER NOT NULL,
    eligible     INTEGER NOT NULL,
    not_eligible INTEGER NOT NULL,
    incomplete   INTEGER NOT NULL
);
CREATE INDEX assessment_runs_policy ON assessment_runs (policy_id, id);

-- No foreign key to providers: a run is history and outlives a replaced provider.
-- statuses is the list of statuses by requirement index, comma separated.
CREATE TABLE assessment_summaries (
    run_id        BIGINT NOT NULL REFERENCES assessment_runs (id) ON DELETE CASCADE,
    pos           INTEGER NOT NULL,
    provider_id   TEXT COLLATE "C" NOT NULL,
    provider_name TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    score         INTEGER NOT NULL,
    max_score     INTEGER NOT NULL,
    statuses      TEXT NOT NULL,
    PRIMARY KEY (run_id, pos)
);
