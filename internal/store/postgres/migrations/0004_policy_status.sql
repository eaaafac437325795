-- Policies in draft: a draft is visible only to its insurer's side (see internal/policy).
-- Policies stored before this migration were installed by the operator and are in force,
-- so they are published. insurer is the registry insurer that owns the policy (the file's
-- insurer field); rows stored before this migration have '' until they are saved again,
-- and the library reads the insurer from the file either way. version counts the saves
-- of an id, so that two saves of one draft cannot overwrite each other unseen.
ALTER TABLE policies
    ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    ADD COLUMN insurer TEXT COLLATE "C" NOT NULL DEFAULT '',
    ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX policies_insurer ON policies (insurer, status);
