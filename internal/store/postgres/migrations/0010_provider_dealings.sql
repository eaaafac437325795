-- A provider's part choices (parts of a policy's contract it asks for, or the insurer
-- offers it) and its contracts with insurers, written with the provider record. insurer
-- of a part choice is its policy's insurer, kept so that reads can show each insurer only
-- its own without the policy library. A contract's parts are a JSON list of part ids.
-- No foreign key to providers, as the other part tables (see migration 0001).
CREATE TABLE provider_parts (
    provider_id TEXT COLLATE "C" NOT NULL,
    pos         INTEGER NOT NULL,
    policy_id   TEXT NOT NULL,
    part_id     TEXT NOT NULL,
    by_source   TEXT NOT NULL CHECK (by_source IN ('aanbieder', 'verzekeraar')),
    insurer     TEXT NOT NULL,
    PRIMARY KEY (provider_id, pos),
    UNIQUE (provider_id, policy_id, part_id, by_source)
);

CREATE TABLE provider_contracts (
    provider_id TEXT COLLATE "C" NOT NULL,
    pos         INTEGER NOT NULL,
    insurer     TEXT NOT NULL,
    policy_id   TEXT NOT NULL,
    parts       TEXT NOT NULL DEFAULT '[]',
    first_year  INTEGER NOT NULL CHECK (first_year BETWEEN 2000 AND 2100),
    last_year   INTEGER NOT NULL CHECK (last_year BETWEEN first_year AND 2100),
    PRIMARY KEY (provider_id, pos),
    UNIQUE (provider_id, insurer, policy_id, first_year)
);
