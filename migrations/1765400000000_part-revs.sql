-- Up Migration
-- Each collection table's own rev (issue 13): an instance whose cached copy of a portal is behind reads
-- again only the collections written since, not the whole portal (a portal of 10,000 learners is most
-- of its size in training_learners and test_attempts, which a chat message does not touch).
-- {"<part>": <portal rev of its last write>, "*": <generation, new at every whole-portal put>}.
ALTER TABLE portals ADD COLUMN IF NOT EXISTS part_revs jsonb;

-- Down Migration
ALTER TABLE portals DROP COLUMN part_revs;
