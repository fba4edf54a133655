-- Up Migration
-- Several bot instances on one database (issue 13): the webhook inbox as a table, leases that say which
-- instance does a portal's work (its inbox queue, its fetch poller, the scheduler tick), and each portal's
-- rate-limit bucket, shared by every instance.

-- A verified webhook event, kept before its 200. seq counts per portal and is handed out under the row
-- lock of inbox_heads, so a portal's events commit in seq order (a reader never sees 6 before 5).
-- Handled: seq <= portals.inbox_done (written with the handler's change); handled rows are deleted.
CREATE TABLE inbox_heads (
  member_id text PRIMARY KEY REFERENCES portals ON DELETE CASCADE,
  last_seq bigint NOT NULL
);

CREATE TABLE inbox_events (
  member_id text NOT NULL REFERENCES portals ON DELETE CASCADE,
  seq bigint NOT NULL,
  type text NOT NULL CHECK (type IN ('form', 'json')),
  body text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, seq)
);

-- name: 'inbox:<member_id>', 'poll:<member_id>', 'scheduler'. Held by one instance until expires_at;
-- renewed by its holder, taken over by another once expired.
CREATE TABLE leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- The portal's leaky bucket: its level at `at`; the drain since then is computed in the UPDATE that takes a request.
CREATE TABLE rate_buckets (
  member_id text PRIMARY KEY,
  level double precision NOT NULL,
  at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE rate_buckets, leases, inbox_events, inbox_heads;
