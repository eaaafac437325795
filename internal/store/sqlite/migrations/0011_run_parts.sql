-- Outcomes per contract part (issue 8). A run records the policy version it judged
-- against and the policy's parts at that time, in the order of each summary's
-- part_outcomes, with how many providers came out as what per part (counted while saving,
-- so the overview never reads a whole run). part_outcomes has one letter per part:
-- e eligible, n not eligible, i incomplete, o out of scope, - not requested or offered.
ALTER TABLE assessment_runs ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assessment_summaries ADD COLUMN part_outcomes TEXT NOT NULL DEFAULT '';

CREATE TABLE assessment_run_parts (
    run_id        INTEGER NOT NULL REFERENCES assessment_runs (id) ON DELETE CASCADE,
    pos           INTEGER NOT NULL,
    part_id       TEXT NOT NULL,
    eligible      INTEGER NOT NULL,
    not_eligible  INTEGER NOT NULL,
    incomplete    INTEGER NOT NULL,
    out_of_scope  INTEGER NOT NULL,
    not_requested INTEGER NOT NULL,
    PRIMARY KEY (run_id, pos),
    UNIQUE (run_id, part_id)
) WITHOUT ROWID;
