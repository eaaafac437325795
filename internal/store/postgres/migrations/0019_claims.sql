-- Claims (internal/claims, issue 11): execution contracts with their price lines, the
-- insured persons' coverage periods, the percentages for non-contracted care, the
-- authorisations with their documents (bytes in the row, as documents), the claim files
-- and their adjudicated lines. Dates of claims are YYYYMMDD integers (claims.Day), 0 for
-- none; amounts are cents. Lists are JSON text. Ids, references and codes use the "C"
-- collation: byte order, the same as SQLite, so pages and keyset paging agree.
CREATE TABLE claim_contracts (
    id          TEXT COLLATE "C" PRIMARY KEY,
    source      TEXT NOT NULL CHECK (source IN ('round', 'import')),
    reference   TEXT NOT NULL,
    insurer     TEXT COLLATE "C" NOT NULL,
    provider_id TEXT COLLATE "C" NOT NULL,
    policy_id   TEXT NOT NULL,
    day_from    INTEGER NOT NULL,
    day_to      INTEGER NOT NULL,
    parts       TEXT NOT NULL,
    signed      BOOLEAN NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX claim_contracts_provider ON claim_contracts (insurer, provider_id, id);

CREATE TABLE claim_contract_lines (
    contract_id       TEXT COLLATE "C" NOT NULL REFERENCES claim_contracts (id) ON DELETE CASCADE,
    pos               INTEGER NOT NULL,
    part              TEXT NOT NULL,
    code              TEXT COLLATE "C" NOT NULL,
    description       TEXT NOT NULL,
    tariff_cents      BIGINT NOT NULL,
    volume            INTEGER NOT NULL,
    category          INTEGER NOT NULL,
    product_group     TEXT NOT NULL,
    approval_required BOOLEAN NOT NULL,
    PRIMARY KEY (contract_id, pos)
);
CREATE INDEX claim_contract_lines_code ON claim_contract_lines (code, contract_id);

-- One coverage period of an insured person; day_to 0 is open-ended. supplementary is
-- the JSON list of product groups covered by supplementary insurance.
CREATE TABLE claim_insured (
    insurer       TEXT COLLATE "C" NOT NULL,
    policy_number TEXT COLLATE "C" NOT NULL,
    day_from      INTEGER NOT NULL,
    day_to        INTEGER NOT NULL,
    bsn           TEXT COLLATE "C" NOT NULL,
    label         TEXT NOT NULL,
    policy_type   TEXT NOT NULL,
    supplementary TEXT NOT NULL,
    PRIMARY KEY (insurer, policy_number, day_from)
);
CREATE INDEX claim_insured_bsn ON claim_insured (insurer, bsn);

CREATE TABLE claim_percentages (
    insurer     TEXT COLLATE "C" NOT NULL,
    policy_type TEXT COLLATE "C" NOT NULL,
    percent     INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    PRIMARY KEY (insurer, policy_type)
);

CREATE TABLE claim_authorisations (
    id           TEXT COLLATE "C" PRIMARY KEY,
    insurer      TEXT COLLATE "C" NOT NULL,
    provider_id  TEXT COLLATE "C" NOT NULL,
    bsn          TEXT COLLATE "C" NOT NULL,
    rule         TEXT NOT NULL,
    policy_id    TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('machtiging', 'toestemming')),
    code         TEXT NOT NULL,
    indication   TEXT NOT NULL,
    motivation   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('requested', 'granted', 'refused')),
    reason       TEXT NOT NULL,
    valid_from   INTEGER NOT NULL,
    valid_to     INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   TIMESTAMPTZ
);
CREATE INDEX claim_authorisations_bsn ON claim_authorisations (insurer, provider_id, bsn);
CREATE INDEX claim_authorisations_insurer ON claim_authorisations (insurer, requested_at);
CREATE INDEX claim_authorisations_provider ON claim_authorisations (provider_id, requested_at);

CREATE TABLE claim_auth_documents (
    auth_id      TEXT COLLATE "C" NOT NULL REFERENCES claim_authorisations (id) ON DELETE CASCADE,
    id           TEXT COLLATE "C" NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    content      BYTEA NOT NULL,
    PRIMARY KEY (auth_id, id)
);

-- A received file: its content hash and the sender's file reference are unique (a file
-- received twice is refused, and the constraints hold against a race). The counts and
-- amounts are set from the lines by RecountFiles.
CREATE TABLE claim_files (
    id            TEXT COLLATE "C" PRIMARY KEY,
    insurer       TEXT COLLATE "C" NOT NULL,
    provider_id   TEXT COLLATE "C" NOT NULL,
    sender        TEXT COLLATE "C" NOT NULL,
    invoice       TEXT COLLATE "C" NOT NULL,
    name          TEXT NOT NULL,
    sha256        TEXT COLLATE "C" NOT NULL,
    size          BIGINT NOT NULL,
    standard      TEXT NOT NULL,
    period_from   INTEGER NOT NULL,
    period_to     INTEGER NOT NULL,
    channel       TEXT NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    received_by   TEXT NOT NULL,
    lines         INTEGER NOT NULL DEFAULT 0,
    approved      INTEGER NOT NULL DEFAULT 0,
    reduced       INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    held          INTEGER NOT NULL DEFAULT 0,
    claimed_cents BIGINT NOT NULL DEFAULT 0,
    allowed_cents BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT claim_files_sha256 UNIQUE (sha256),
    CONSTRAINT claim_files_invoice UNIQUE (sender, invoice)
);
CREATE INDEX claim_files_insurer ON claim_files (insurer, received_at, id);
CREATE INDEX claim_files_provider ON claim_files (provider_id, received_at, id);

-- The claim lines, partitioned by year (the year of the line's begin date, 0 when it
-- has none). The yearly partitions 2020..2030 exist up front, and a DEFAULT partition
-- takes any other year, so an intake never runs DDL: creating a partition on demand
-- would take an ACCESS EXCLUSIVE lock on claim_lines inside the intake's transaction,
-- blocking every reader of every year until that file commits. A later year is added
-- by a migration (CREATE TABLE claim_lines_2031 PARTITION OF ...) before its claims
-- arrive; an old year is detached and archived whole. The primary key holds the
-- partition key, as PostgreSQL requires. No foreign key to claim_files: per-row
-- foreign-key triggers would slow the COPY of every line (the import's lesson, 0001);
-- lines are only written by the intake, in the transaction that creates their file.
CREATE TABLE claim_lines (
    file_id          TEXT COLLATE "C" NOT NULL,
    no               INTEGER NOT NULL,
    year             INTEGER NOT NULL,
    record           INTEGER NOT NULL,
    insurer          TEXT COLLATE "C" NOT NULL,
    provider_id      TEXT COLLATE "C" NOT NULL,
    reference        TEXT COLLATE "C" NOT NULL,
    prev_reference   TEXT COLLATE "C" NOT NULL,
    bsn              TEXT COLLATE "C" NOT NULL,
    uzovi            TEXT NOT NULL,
    policy_number    TEXT NOT NULL,
    code_list        TEXT NOT NULL,
    code             TEXT NOT NULL,
    product_code     TEXT NOT NULL,
    zorgtype         TEXT NOT NULL,
    specialism       TEXT NOT NULL,
    auth_number      TEXT NOT NULL,
    begin_day        INTEGER NOT NULL,
    end_day          INTEGER NOT NULL,
    quantity         INTEGER NOT NULL,
    credit           BOOLEAN NOT NULL,
    claimed_cents    BIGINT NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('approved', 'reduced', 'rejected', 'held')),
    reason           TEXT NOT NULL,
    allowed_cents    BIGINT NOT NULL,
    contracted_cents BIGINT NOT NULL,
    contract_id      TEXT COLLATE "C" NOT NULL,
    part             TEXT COLLATE "C" NOT NULL,
    rule             TEXT NOT NULL,
    explanation      TEXT NOT NULL,
    supplementary    BOOLEAN NOT NULL,
    PRIMARY KEY (file_id, no, year)
) PARTITION BY RANGE (year);

CREATE TABLE claim_lines_2020 PARTITION OF claim_lines FOR VALUES FROM (2020) TO (2021);
CREATE TABLE claim_lines_2021 PARTITION OF claim_lines FOR VALUES FROM (2021) TO (2022);
CREATE TABLE claim_lines_2022 PARTITION OF claim_lines FOR VALUES FROM (2022) TO (2023);
CREATE TABLE claim_lines_2023 PARTITION OF claim_lines FOR VALUES FROM (2023) TO (2024);
CREATE TABLE claim_lines_2024 PARTITION OF claim_lines FOR VALUES FROM (2024) TO (2025);
CREATE TABLE claim_lines_2025 PARTITION OF claim_lines FOR VALUES FROM (2025) TO (2026);
CREATE TABLE claim_lines_2026 PARTITION OF claim_lines FOR VALUES FROM (2026) TO (2027);
CREATE TABLE claim_lines_2027 PARTITION OF claim_lines FOR VALUES FROM (2027) TO (2028);
CREATE TABLE claim_lines_2028 PARTITION OF claim_lines FOR VALUES FROM (2028) TO (2029);
CREATE TABLE claim_lines_2029 PARTITION OF claim_lines FOR VALUES FROM (2029) TO (2030);
CREATE TABLE claim_lines_2030 PARTITION OF claim_lines FOR VALUES FROM (2030) TO (2031);
CREATE TABLE claim_lines_other PARTITION OF claim_lines DEFAULT;

-- Earlier lines by reference (duplicates, credit lines' originals).
CREATE INDEX claim_lines_reference ON claim_lines (provider_id, reference);
-- A person's claims with the insurer.
CREATE INDEX claim_lines_bsn ON claim_lines (insurer, bsn, file_id, no);
-- Held lines, released page by page: few, so a partial index.
CREATE INDEX claim_lines_held ON claim_lines (insurer, reason, file_id, no) WHERE outcome = 'held';
-- The overview per provider, contract and part (each partition is one year).
CREATE INDEX claim_lines_overview ON claim_lines (insurer, provider_id, year);
