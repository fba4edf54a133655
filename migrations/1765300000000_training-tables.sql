-- Up Migration
-- Training facts (issue 10) and test attempts (issue 12) as tables of their own (issue 13 item 1), read
-- and written like the other collections: data jsonb holds the item (the facts), the columns queries
-- filter on are generated from it, every key leads with member_id. The rest of a portal's training
-- (rules, remindedOn, progress, defaultsSeeded) stays in portals.extra->'training', where `learners`
-- and `attempts` become null: "the rows of the table" (absent stays absent).

-- k: the learner's user id (the key of training.learners).
CREATE TABLE training_learners (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  user_id bigint GENERATED ALWAYS AS ((data->>'userId')::bigint) STORED,
  group_id bigint GENERATED ALWAYS AS ((data->>'groupId')::bigint) STORED,
  since text GENERATED ALWAYS AS (data->>'since') STORED,
  stopped text GENERATED ALWAYS AS (data->>'stopped') STORED,
  PRIMARY KEY (member_id, k)
);
CREATE INDEX training_learners_group ON training_learners (member_id, group_id);

-- k: the attempt's id; pos keeps them oldest first.
CREATE TABLE test_attempts (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  user_id bigint GENERATED ALWAYS AS ((data->>'userId')::bigint) STORED,
  course_id bigint GENERATED ALWAYS AS ((data->'test'->>'courseId')::bigint) STORED,
  lesson_id text GENERATED ALWAYS AS (data->'test'->>'lessonId') STORED,
  group_id bigint GENERATED ALWAYS AS ((data->>'groupId')::bigint) STORED,
  started_at text GENERATED ALWAYS AS (data->>'startedAt') STORED,
  finished_at text GENERATED ALWAYS AS (data->>'finishedAt') STORED,
  percent double precision GENERATED ALWAYS AS ((data->>'percent')::double precision) STORED,
  passed boolean GENERATED ALWAYS AS ((data->>'passed')::boolean) STORED,
  PRIMARY KEY (member_id, k)
);
CREATE INDEX test_attempts_user ON test_attempts (member_id, user_id);

-- Portals stored before: their learners and attempts move into the tables.
INSERT INTO training_learners (member_id, k, pos, data)
SELECT p.member_id, l.key, l.n, l.value
FROM portals p, jsonb_each(p.extra->'training'->'learners') WITH ORDINALITY AS l(key, value, n)
WHERE jsonb_typeof(p.extra->'training'->'learners') = 'object';

-- A repeated id gets a `#n` suffix, as the store's keys do (src/store/pg/schema.ts keyed).
INSERT INTO test_attempts (member_id, k, pos, data)
SELECT member_id, CASE WHEN r = 1 THEN id ELSE id || '#' || r END, n, value
FROM (
  SELECT p.member_id, a.value, a.n, a.value->>'id' AS id,
         row_number() OVER (PARTITION BY p.member_id, a.value->>'id' ORDER BY a.n) AS r
  FROM portals p, jsonb_array_elements(p.extra->'training'->'attempts') WITH ORDINALITY AS a(value, n)
  WHERE jsonb_typeof(p.extra->'training'->'attempts') = 'array'
) x;

UPDATE portals SET extra = jsonb_set(extra, '{training,learners}', 'null')
WHERE jsonb_typeof(extra->'training'->'learners') = 'object';
UPDATE portals SET extra = jsonb_set(extra, '{training,attempts}', 'null')
WHERE jsonb_typeof(extra->'training'->'attempts') = 'array';

-- Down Migration
UPDATE portals p SET extra = jsonb_set(p.extra, '{training,learners}',
  (SELECT coalesce(jsonb_object_agg(t.k, t.data ORDER BY t.pos), '{}') FROM training_learners t WHERE t.member_id = p.member_id))
WHERE p.extra->'training'->'learners' = 'null';
UPDATE portals p SET extra = jsonb_set(p.extra, '{training,attempts}',
  (SELECT coalesce(jsonb_agg(t.data ORDER BY t.pos), '[]') FROM test_attempts t WHERE t.member_id = p.member_id))
WHERE p.extra->'training'->'attempts' = 'null';
DROP TABLE test_attempts, training_learners;
