-- Up Migration
-- Administrators' ingest jobs (ports/ingest-jobs.ts), kept in the library's database so that any
-- `citemed serve` lists, watches and cancels a job another server started, any worker runs it,
-- and a restart forgets none. The work queue (pg-boss, in its own schema) only says "run job
-- <id>"; this row is the job. This file depends on no other migration.
--
-- * Timestamps shown to clients are the ISO strings the use case hands over, kept as text
--   (as in 0002_editorial.sql): they come back exactly as written.
-- * heartbeat_at and updated_at are the database's clock: runners on several machines are judged
--   alive or stale by one clock, not by theirs.
-- * Paths, progress and counts are json, not jsonb, as in 0003_threads.sql: kept as written,
--   nothing queries inside them.
-- * `ordinal` orders jobs newest first: an identity, not created_at, because the clocks of
--   several server processes disagree.
-- * `resolved_paths` are the paths the server checked against ingest.serverRoots, absolute and
--   with links resolved, so a worker with another working directory reads the same files;
--   `paths` are as the administrator gave them, for showing.
-- * `runner` is the token of the run holding a running job; `carried` the counts of files that
--   earlier, interrupted runs of the job read to their end (a resumed run finds them done).
CREATE TABLE ingest_jobs (
  id text COLLATE "C" CONSTRAINT ingest_jobs_pkey PRIMARY KEY,
  ordinal bigint GENERATED ALWAYS AS IDENTITY,
  paths json NOT NULL,
  resolved_paths json NOT NULL,
  force boolean NOT NULL,
  status text COLLATE "C" NOT NULL CONSTRAINT ingest_jobs_status_check CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  created_at text COLLATE "C" NOT NULL,
  started_by text COLLATE "C" NOT NULL,
  started_at text COLLATE "C",
  finished_at text COLLATE "C",
  progress json NOT NULL,
  totals json,
  error text,
  recheck json,
  carried json,
  cancel_requested boolean NOT NULL DEFAULT false,
  runner text COLLATE "C",
  heartbeat_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ingest_jobs_newest ON ingest_jobs (ordinal);
CREATE INDEX ingest_jobs_unfinished ON ingest_jobs (status) WHERE status IN ('queued', 'running');

-- Down Migration
DROP TABLE ingest_jobs;
