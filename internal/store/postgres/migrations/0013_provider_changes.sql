-- Every write of a provider's record, facts, part choices or contracts (an import, a
-- correction, a deletion) takes the next number of provider_change_seq and marks each
-- provider it wrote with it in provider_changes, in the same transaction. Taking the
-- number updates the counter's one row, which the writer then holds until it commits: so
-- numbers become visible in the order they were taken, and a reader that has seen number
-- n has seen every change up to n. An instance keeping providers' facts in memory
-- (assessment.FactCache) reads the changes above the last number it saw before each run
-- and reloads only those providers. One row per provider ever written: the table does not
-- grow with the number of writes.
CREATE TABLE provider_change_seq (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO provider_change_seq (id, seq) VALUES (1, 0);

CREATE TABLE provider_changes (
    provider_id TEXT COLLATE "C" PRIMARY KEY,
    seq         BIGINT NOT NULL
);
CREATE INDEX provider_changes_seq ON provider_changes (seq);
