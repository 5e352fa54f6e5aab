-- Up Migration
-- The follow-up threads of the HTTP API (ports/threads.ts), shared by every `citemed serve` on
-- this library. The design is SQLite schema 4's (src/adapters/sqlite/schema.ts): one row per
-- thread, its turns one JSON array, since a thread is always read and written whole and keeps
-- only server.threads.maxTurns turns. This file depends on no other migration.
--
-- * Timestamps are the ISO strings the port hands over, kept as text (as in 0002_editorial.sql):
--   they come back exactly as written.
-- * `turns` is json, not jsonb: kept as written, and every string JSON.stringify can write is
--   stored, where jsonb refuses "\u0000" and lone surrogates.
-- * `touched` orders threads by their last change for "delete the least recently updated": a
--   sequence, not updated_at, because the clocks of several server processes disagree and two
--   changes can share a millisecond.
CREATE SEQUENCE threads_touched;
CREATE TABLE threads (
  id text COLLATE "C" CONSTRAINT threads_pkey PRIMARY KEY,
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  touched bigint NOT NULL DEFAULT nextval('threads_touched'),
  turns json NOT NULL DEFAULT '[]'
);
ALTER SEQUENCE threads_touched OWNED BY threads.touched;
CREATE INDEX threads_touched_order ON threads (touched);

-- Down Migration
DROP TABLE threads;
