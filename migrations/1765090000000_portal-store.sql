-- Up Migration
-- The portal store (src/store/pg): one row per portal with its installation as columns, one table per
-- collection. Every table leads with member_id, and every query of the store names it. Rows hold the
-- item as stored (data jsonb, the facts); the columns queries filter on are generated from it.
-- pos keeps each list in the order the bot wrote it.

CREATE TABLE portals (
  member_id text PRIMARY KEY,
  -- Bumped by every write: an instance that cached the portal at another rev reads it again.
  rev bigint NOT NULL DEFAULT 1,
  version integer NOT NULL,
  domain text NOT NULL,
  client_endpoint text NOT NULL,
  server_endpoint text NOT NULL,
  application_token text NOT NULL,
  access_token text NOT NULL,
  refresh_token text NOT NULL,
  expires bigint NOT NULL,
  scope text NOT NULL,
  installer_id bigint NOT NULL,
  language text NOT NULL,
  auth text NOT NULL,
  bot_id bigint,
  bot_code text NOT NULL,
  command_ids jsonb NOT NULL,
  event_mode text NOT NULL,
  webhook_url text,
  utc_offset integer,
  manifest_revision text,
  status text NOT NULL,
  installed_at text NOT NULL,
  updated_at text NOT NULL,
  -- Installation fields this schema does not know yet, kept as they were.
  installation_extra jsonb NOT NULL DEFAULT '{}',
  moderators jsonb NOT NULL,
  counters jsonb NOT NULL,
  fetch_offset bigint,
  inbox_done bigint,
  intents jsonb,
  outbox jsonb,
  -- Top-level parts of PortalData this schema does not model (yet): they round-trip unchanged.
  extra jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX portals_status ON portals (status, event_mode);

CREATE TABLE groups (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  -- The group without its members (they are rows of group_members).
  data jsonb NOT NULL,
  id bigint GENERATED ALWAYS AS ((data->>'id')::bigint) STORED,
  name text GENERATED ALWAYS AS (data->>'name') STORED,
  workgroup_id bigint GENERATED ALWAYS AS ((data->>'workgroupId')::bigint) STORED,
  archived boolean GENERATED ALWAYS AS ((data->>'archived')::boolean) STORED,
  PRIMARY KEY (member_id, k)
);
CREATE INDEX groups_workgroup ON groups (member_id, workgroup_id);

CREATE TABLE group_members (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  group_k text NOT NULL,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  user_id bigint GENERATED ALWAYS AS ((data->>'userId')::bigint) STORED,
  status text GENERATED ALWAYS AS (data->>'status') STORED,
  PRIMARY KEY (member_id, group_k, k)
);
CREATE INDEX group_members_user ON group_members (member_id, user_id);

CREATE TABLE courses (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  id bigint GENERATED ALWAYS AS ((data->>'id')::bigint) STORED,
  title text GENERATED ALWAYS AS (data->>'title') STORED,
  PRIMARY KEY (member_id, k)
);

CREATE TABLE polls (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  id bigint GENERATED ALWAYS AS ((data->>'id')::bigint) STORED,
  dialog_id text GENERATED ALWAYS AS (data->>'dialogId') STORED,
  closed boolean GENERATED ALWAYS AS ((data->>'closed')::boolean) STORED,
  PRIMARY KEY (member_id, k)
);

CREATE TABLE pending_inputs (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  user_id bigint GENERATED ALWAYS AS ((data->>'userId')::bigint) STORED,
  dialog_id text GENERATED ALWAYS AS (data->>'dialogId') STORED,
  PRIMARY KEY (member_id, k)
);

-- `${groupId}:${courseId}:${userId}`
CREATE TABLE completions (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (member_id, k)
);

CREATE TABLE sent_keys (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (member_id, k)
);

CREATE TABLE processed_keys (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (member_id, k)
);

CREATE TABLE known_users (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  name text GENERATED ALWAYS AS (data->>'name') STORED,
  PRIMARY KEY (member_id, k)
);

-- bot message id → group chat dialog id
CREATE TABLE keyboard_dialogs (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  k text NOT NULL,
  pos bigint NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (member_id, k)
);

-- Down Migration
DROP TABLE keyboard_dialogs, known_users, processed_keys, sent_keys, completions, pending_inputs, polls, courses, group_members, groups, portals;
