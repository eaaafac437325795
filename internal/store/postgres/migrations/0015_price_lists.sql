-- Price lists per dossier and contract part, and their negotiation rounds (internal/pricelist).
-- version is the number of the latest proposal; each version is one row of
-- price_list_rounds with its lines as JSON (amounts in euro cents) and, once the other side
-- accepted it, its acceptance. The dossier is internal/round's: no foreign key, as the
-- areas are written apart. price_list_only is 0 or 1, as in SQLite, for the shared SQL.
CREATE TABLE price_lists (
    dossier_id      TEXT COLLATE "C" NOT NULL,
    part_id         TEXT COLLATE "C" NOT NULL,
    insurer         TEXT NOT NULL,
    provider_id     TEXT NOT NULL,
    price_list_only INTEGER NOT NULL DEFAULT 0 CHECK (price_list_only IN (0, 1)),
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'countered', 'agreed')),
    version         INTEGER NOT NULL CHECK (version >= 1),
    updated_at      TIMESTAMPTZ NOT NULL,
    agreed_at       TIMESTAMPTZ,
    PRIMARY KEY (dossier_id, part_id)
);

CREATE TABLE price_list_rounds (
    dossier_id    TEXT COLLATE "C" NOT NULL,
    part_id       TEXT COLLATE "C" NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    side          TEXT NOT NULL CHECK (side IN ('verzekeraar', 'aanbieder')),
    user_id       TEXT NOT NULL,
    user_name     TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL,
    note          TEXT NOT NULL,
    lines         TEXT NOT NULL,
    accepted_side TEXT CHECK (accepted_side IN ('verzekeraar', 'aanbieder')),
    accepted_user_id   TEXT,
    accepted_user_name TEXT,
    accepted_org_id    TEXT,
    accepted_at   TIMESTAMPTZ,
    PRIMARY KEY (dossier_id, part_id, version),
    FOREIGN KEY (dossier_id, part_id) REFERENCES price_lists (dossier_id, part_id) ON DELETE CASCADE
);
