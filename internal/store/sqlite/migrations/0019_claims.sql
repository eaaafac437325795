-- Claims (internal/claims, issue 11): execution contracts with their price lines, the
-- insured persons' coverage periods, the percentages for non-contracted care, the
-- authorisations with their documents (bytes in the row, as documents), the claim files
-- and their adjudicated lines. Dates of claims are YYYYMMDD integers (claims.Day), 0 for
-- none; amounts are cents. Lists are JSON text. Times are RFC 3339 text in UTC;
-- booleans 0 or 1.
CREATE TABLE claim_contracts (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL CHECK (source IN ('round', 'import')),
    reference   TEXT NOT NULL,
    insurer     TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    policy_id   TEXT NOT NULL,
    day_from    INTEGER NOT NULL,
    day_to      INTEGER NOT NULL,
    parts       TEXT NOT NULL,
    signed      INTEGER NOT NULL CHECK (signed IN (0, 1)),
    updated_at  TEXT NOT NULL
);
CREATE INDEX claim_contracts_provider ON claim_contracts (insurer, provider_id, id);

CREATE TABLE claim_contract_lines (
    contract_id       TEXT NOT NULL REFERENCES claim_contracts (id) ON DELETE CASCADE,
    pos               INTEGER NOT NULL,
    part              TEXT NOT NULL,
    code              TEXT NOT NULL,
    description       TEXT NOT NULL,
    tariff_cents      INTEGER NOT NULL,
    volume            INTEGER NOT NULL,
    category          INTEGER NOT NULL,
    product_group     TEXT NOT NULL,
    approval_required INTEGER NOT NULL CHECK (approval_required IN (0, 1)),
    PRIMARY KEY (contract_id, pos)
);
CREATE INDEX claim_contract_lines_code ON claim_contract_lines (code, contract_id);

-- One coverage period of an insured person; day_to 0 is open-ended. supplementary is
-- the JSON list of product groups covered by supplementary insurance.
CREATE TABLE claim_insured (
    insurer       TEXT NOT NULL,
    policy_number TEXT NOT NULL,
    day_from      INTEGER NOT NULL,
    day_to        INTEGER NOT NULL,
    bsn           TEXT NOT NULL,
    label         TEXT NOT NULL,
    policy_type   TEXT NOT NULL,
    supplementary TEXT NOT NULL,
    PRIMARY KEY (insurer, policy_number, day_from)
);
CREATE INDEX claim_insured_bsn ON claim_insured (insurer, bsn);

CREATE TABLE claim_percentages (
    insurer     TEXT NOT NULL,
    policy_type TEXT NOT NULL,
    percent     INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    PRIMARY KEY (insurer, policy_type)
);

CREATE TABLE claim_authorisations (
    id           TEXT PRIMARY KEY,
    insurer      TEXT NOT NULL,
    provider_id  TEXT NOT NULL,
    bsn          TEXT NOT NULL,
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
    requested_at TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   TEXT
);
CREATE INDEX claim_authorisations_bsn ON claim_authorisations (insurer, provider_id, bsn);
CREATE INDEX claim_authorisations_insurer ON claim_authorisations (insurer, requested_at);
CREATE INDEX claim_authorisations_provider ON claim_authorisations (provider_id, requested_at);

CREATE TABLE claim_auth_documents (
    auth_id      TEXT NOT NULL REFERENCES claim_authorisations (id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    at           TEXT NOT NULL,
    content      BLOB NOT NULL,
    PRIMARY KEY (auth_id, id)
);

-- A received file: its content hash and the sender's file reference are unique (a file
-- received twice is refused, and the constraints hold against a race). The counts and
-- amounts are set from the lines by RecountFiles.
CREATE TABLE claim_files (
    id            TEXT PRIMARY KEY,
    insurer       TEXT NOT NULL,
    provider_id   TEXT NOT NULL,
    sender        TEXT NOT NULL,
    invoice       TEXT NOT NULL,
    name          TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    standard      TEXT NOT NULL,
    period_from   INTEGER NOT NULL,
    period_to     INTEGER NOT NULL,
    channel       TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    received_by   TEXT NOT NULL,
    lines         INTEGER NOT NULL DEFAULT 0,
    approved      INTEGER NOT NULL DEFAULT 0,
    reduced       INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    held          INTEGER NOT NULL DEFAULT 0,
    claimed_cents INTEGER NOT NULL DEFAULT 0,
    allowed_cents INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT claim_files_sha256 UNIQUE (sha256),
    CONSTRAINT claim_files_invoice UNIQUE (sender, invoice)
);
CREATE INDEX claim_files_insurer ON claim_files (insurer, received_at, id);
CREATE INDEX claim_files_provider ON claim_files (provider_id, received_at, id);

-- The claim lines. PostgreSQL partitions them by year; here year is a plain column
-- (the overview groups by it). No foreign key to claim_files: lines are only written by
-- the intake, in the transaction that creates their file.
CREATE TABLE claim_lines (
    file_id          TEXT NOT NULL,
    no               INTEGER NOT NULL,
    year             INTEGER NOT NULL,
    record           INTEGER NOT NULL,
    insurer          TEXT NOT NULL,
    provider_id      TEXT NOT NULL,
    reference        TEXT NOT NULL,
    prev_reference   TEXT NOT NULL,
    bsn              TEXT NOT NULL,
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
    credit           INTEGER NOT NULL CHECK (credit IN (0, 1)),
    claimed_cents    INTEGER NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('approved', 'reduced', 'rejected', 'held')),
    reason           TEXT NOT NULL,
    allowed_cents    INTEGER NOT NULL,
    contracted_cents INTEGER NOT NULL,
    contract_id      TEXT NOT NULL,
    part             TEXT NOT NULL,
    rule             TEXT NOT NULL,
    explanation      TEXT NOT NULL,
    supplementary    INTEGER NOT NULL CHECK (supplementary IN (0, 1)),
    PRIMARY KEY (file_id, no)
) WITHOUT ROWID;

-- Earlier lines by reference (duplicates, credit lines' originals).
CREATE INDEX claim_lines_reference ON claim_lines (provider_id, reference);
-- A person's claims with the insurer.
CREATE INDEX claim_lines_bsn ON claim_lines (insurer, bsn, file_id, no);
-- Held lines, released page by page: few, so a partial index.
CREATE INDEX claim_lines_held ON claim_lines (insurer, reason, file_id, no) WHERE outcome = 'held';
-- The overview per provider, contract and part.
CREATE INDEX claim_lines_overview ON claim_lines (insurer, provider_id, year);
