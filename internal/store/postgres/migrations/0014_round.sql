-- The purchasing round (issue 10): one round per policy and contract year, one dossier per
-- round and provider, and the deadline extensions the insurer grants. A dossier's parts
-- (requested/offered, decision, offer sent) and quote are small and read whole: JSON text.
CREATE TABLE rounds (
    id         TEXT PRIMARY KEY,
    policy_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    insurer    TEXT NOT NULL,
    dates      TEXT NOT NULL,
    opened_at  TIMESTAMPTZ NOT NULL,
    opened_by  TEXT NOT NULL,
    UNIQUE (policy_id, year)
);

CREATE TABLE dossiers (
    id          TEXT COLLATE "C" PRIMARY KEY,
    round_id    TEXT NOT NULL REFERENCES rounds (id),
    policy_id   TEXT NOT NULL,
    year        INTEGER NOT NULL,
    insurer     TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    stage       TEXT NOT NULL,
    parts       TEXT NOT NULL,
    quote       TEXT NOT NULL DEFAULT '',
    starts      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    next_year   INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL,
    UNIQUE (round_id, provider_id)
);
CREATE INDEX dossiers_round_stage ON dossiers (round_id, stage);
CREATE INDEX dossiers_provider ON dossiers (provider_id, created_at);
CREATE INDEX dossiers_open ON dossiers (id) WHERE stage NOT IN ('published', 'refused');

CREATE TABLE round_extensions (
    round_id   TEXT NOT NULL REFERENCES rounds (id),
    dossier_id TEXT NOT NULL, -- '' for every dossier of the round
    step       TEXT NOT NULL,
    date       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    by_user    TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (round_id, dossier_id, step)
);
