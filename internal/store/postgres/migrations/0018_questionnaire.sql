-- The questionnaire (uitvraag) of a dossier of the purchasing round: draft answers per
-- fact, evidence documents per requirement, the submission with its assessment outcome
-- per part (JSON), and the medisch adviseur's decisions on review items. The dossier
-- itself is the round's (no foreign key: the areas are independent). Ids sort bytewise, as on SQLite.
CREATE TABLE questionnaire_answers (
    dossier_id TEXT COLLATE "C" NOT NULL,
    fact       TEXT NOT NULL,
    value      TEXT NOT NULL,
    unknown    BOOLEAN NOT NULL DEFAULT FALSE,
    saved_by   TEXT NOT NULL,
    saved_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dossier_id, fact)
);

CREATE TABLE questionnaire_evidence (
    dossier_id     TEXT COLLATE "C" NOT NULL,
    requirement_id TEXT NOT NULL,
    document_id    TEXT NOT NULL,
    name           TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    attached_by    TEXT NOT NULL,
    attached_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dossier_id, requirement_id, document_id)
);

CREATE TABLE questionnaire_submissions (
    dossier_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    policy_id    TEXT NOT NULL,
    provider_id  TEXT NOT NULL,
    insurer      TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    fact_date    TEXT NOT NULL,
    facts        TEXT NOT NULL DEFAULT '[]',
    outcome      TEXT NOT NULL,
    warning      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE questionnaire_reviews (
    dossier_id      TEXT COLLATE "C" NOT NULL,
    requirement_id  TEXT NOT NULL,
    verdict         TEXT NOT NULL CHECK (verdict IN ('met', 'not_met')),
    reason          TEXT NOT NULL,
    decided_by      TEXT NOT NULL,
    decided_by_name TEXT NOT NULL,
    decided_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dossier_id, requirement_id)
);
