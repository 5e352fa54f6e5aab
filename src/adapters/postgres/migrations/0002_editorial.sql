-- Up Migration
-- The editorial records beside the library: accounts, sessions, API keys, articles with their
-- versions, review decisions, statement comments, re-review flags and the audit log. The design
-- is SQLite schema 3's (src/adapters/sqlite/schema.ts); this file depends on no other migration
-- and names no library table, so it runs before, after or without 0001_library.sql.
--
-- Column choices, the same for every table:
-- * Timestamps are the ISO strings the domain hands over ("2026-01-01T00:00:00.000Z"), kept as
--   text, so they come back exactly as written; in that one fixed format, byte order is time
--   order, which is all the queries need (expiry, newest first). A timestamptz would round them
--   to microseconds and give them back in another spelling unless every read re-formatted them.
-- * Ids, usernames and timestamps compare byte-wise (COLLATE "C"), as in SQLite: the same order
--   under any database locale, and the cheapest comparison for keys.
-- * Objects handed over whole and read back whole (a version's answer, an approval, an audit
--   entry's before and after) are `json`, not `jsonb`: json is checked to be JSON but kept as
--   written, so object keys keep their order (the evidence summary lists levels in the order of
--   `summary.byLevel`'s keys) and every string JSON.stringify can write is stored, where jsonb
--   refuses "\u0000" and lone surrogates. Nothing queries inside them; `answer::jsonb` would.
-- * rid columns (identity) keep insertion order where SQLite used its rowid, for ties.
-- * Constraints are named, because the adapter turns a violation into a sentence by its name.

CREATE TABLE accounts (
  id text COLLATE "C" CONSTRAINT accounts_pkey PRIMARY KEY,
  username text COLLATE "C" NOT NULL CONSTRAINT accounts_username_key UNIQUE,
  display_name text NOT NULL,
  roles text[] NOT NULL,
  credentials text,
  password_hash text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  disabled boolean NOT NULL DEFAULT false
);

-- Found by the hash of the cookie's token; the token itself is never stored.
CREATE TABLE sessions (
  token_hash text COLLATE "C" CONSTRAINT sessions_pkey PRIMARY KEY,
  account_id text COLLATE "C" NOT NULL CONSTRAINT sessions_account_fkey REFERENCES accounts (id),
  csrf_token text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  expires_at text COLLATE "C" NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_keys (
  id text COLLATE "C" CONSTRAINT api_keys_pkey PRIMARY KEY,
  rid bigint GENERATED ALWAYS AS IDENTITY,
  account_id text COLLATE "C" NOT NULL CONSTRAINT api_keys_account_fkey REFERENCES accounts (id),
  name text NOT NULL,
  secret_hash text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  last_used_at text COLLATE "C",
  revoked_at text COLLATE "C"
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at DESC, rid DESC);

CREATE TABLE articles (
  id text COLLATE "C" CONSTRAINT articles_pkey PRIMARY KEY,
  rid bigint GENERATED ALWAYS AS IDENTITY,
  slug text NOT NULL,
  title text NOT NULL,
  question text NOT NULL,
  audience text NOT NULL,
  status text NOT NULL,
  current_version integer NOT NULL,
  approved_version integer,
  approval json,
  created_by text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL
);
CREATE INDEX articles_updated ON articles (updated_at DESC, rid DESC);
CREATE INDEX articles_status ON articles (status, updated_at DESC, rid DESC);

CREATE TABLE article_versions (
  article_id text COLLATE "C" NOT NULL CONSTRAINT article_versions_article_fkey REFERENCES articles (id),
  number integer NOT NULL,
  title text NOT NULL,
  origin text NOT NULL,
  note text,
  created_by text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  answer json NOT NULL,
  CONSTRAINT article_versions_pkey PRIMARY KEY (article_id, number)
);

-- The sources each version cites, so re-review checks find the articles a retraction touches
-- without reading every answer.
CREATE TABLE article_citations (
  article_id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  source_id text COLLATE "C" NOT NULL,
  CONSTRAINT article_citations_pkey PRIMARY KEY (article_id, version, source_id),
  CONSTRAINT article_citations_version_fkey FOREIGN KEY (article_id, version) REFERENCES article_versions (article_id, number)
);
CREATE INDEX article_citations_source ON article_citations (source_id);

CREATE TABLE review_decisions (
  rid bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT review_decisions_pkey PRIMARY KEY,
  article_id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  action text NOT NULL,
  reviewer_id text COLLATE "C" NOT NULL,
  comment text,
  at text COLLATE "C" NOT NULL,
  CONSTRAINT review_decisions_version_fkey FOREIGN KEY (article_id, version) REFERENCES article_versions (article_id, number)
);
CREATE INDEX review_decisions_article ON review_decisions (article_id, rid);

CREATE TABLE statement_comments (
  rid bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT statement_comments_pkey PRIMARY KEY,
  id text COLLATE "C" NOT NULL,
  article_id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  statement text NOT NULL,
  author_id text COLLATE "C" NOT NULL,
  text text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  resolved_at text COLLATE "C",
  resolved_by text COLLATE "C",
  CONSTRAINT statement_comments_id_key UNIQUE (article_id, id),
  CONSTRAINT statement_comments_version_fkey FOREIGN KEY (article_id, version) REFERENCES article_versions (article_id, number)
);

CREATE TABLE article_flags (
  rid bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT article_flags_pkey PRIMARY KEY,
  id text COLLATE "C" NOT NULL CONSTRAINT article_flags_id_key UNIQUE,
  article_id text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  source_id text COLLATE "C" NOT NULL,
  detail text NOT NULL,
  version integer NOT NULL,
  raised_at text COLLATE "C" NOT NULL,
  resolved_at text COLLATE "C",
  resolved_by text COLLATE "C",
  CONSTRAINT article_flags_version_fkey FOREIGN KEY (article_id, version) REFERENCES article_versions (article_id, number)
);
CREATE INDEX article_flags_article ON article_flags (article_id, rid);
-- At most one open flag per (article, kind, source): raising the same one again is skipped
-- (INSERT … ON CONFLICT DO NOTHING names this index), a resolved one does not block it.
CREATE UNIQUE INDEX article_flags_open ON article_flags (article_id, kind, source_id) WHERE resolved_at IS NULL;

-- The audit log: append-only, numbered 1, 2, 3, … without gaps, in commit order.
CREATE TABLE audit_log (
  seq bigint CONSTRAINT audit_log_pkey PRIMARY KEY CHECK (seq > 0),
  at text COLLATE "C" NOT NULL,
  actor text COLLATE "C" NOT NULL,
  action text NOT NULL,
  subject_type text NOT NULL,
  subject_id text COLLATE "C" NOT NULL,
  state_before json,
  state_after json
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

-- Numbering. A sequence (bigserial) hands out numbers outside transactions: a change that rolls
-- back after drawing one leaves a gap for good, and a writer that drew 7 may commit after the one
-- that drew 8, so a reader paging with "after 6" could see 8, move on, and never see 7. Instead
-- each entry takes max(seq) + 1 while holding this transaction-scoped lock, kept until commit or
-- rollback: a rolled-back entry gives its number back, and numbers are handed out in the order
-- the transactions commit. The editorial adapter takes the lock first thing in every change that
-- writes an entry (so its own checks run under it too, and no transaction waits for this lock
-- while holding row locks another holder needs); the trigger below takes it again (a no-op then)
-- so that any other writer is numbered the same way.
--
-- An advisory lock rather than LOCK TABLE … IN EXCLUSIVE MODE: that needs UPDATE, DELETE or
-- TRUNCATE privilege on the table, which a hardened deployment gives the service no longer (only
-- INSERT and SELECT on audit_log), and it would also hold off autovacuum. The lock is (class,
-- table oid): the class is "cite" in ASCII, citemed's own; the oid makes each schema's log its
-- own lock. node-pg-migrate's lock is a single 64-bit key, a key space apart.
-- `SET search_path FROM CURRENT` pins "audit_log" to this schema, whatever the caller's path.
CREATE FUNCTION audit_log_lock() RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1667855461, 'audit_log'::regclass::oid::integer);
END $$;

-- Gives each new entry the next number; refuses a chosen number that is not the next one (it
-- would leave a gap, or collide). In READ COMMITTED each query in this function reads a fresh
-- snapshot, so max(seq) sees the entry of whoever held the lock before.
CREATE FUNCTION audit_log_number() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  next_seq bigint;
BEGIN
  PERFORM audit_log_lock();
  SELECT coalesce(max(seq), 0) + 1 INTO next_seq FROM audit_log;
  IF NEW.seq IS NOT NULL AND NEW.seq <> next_seq THEN
    RAISE EXCEPTION 'the audit log is append-only: entry % is not the next one (%)', NEW.seq, next_seq
      USING HINT = 'leave seq out: the log numbers its entries';
  END IF;
  NEW.seq := next_seq;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_number BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_number();

-- Append-only in the database itself: UPDATE, DELETE and TRUNCATE are refused whoever asks.
-- Statement triggers fire even when no row matches, so an attempt fails whatever its WHERE.
-- ENABLE ALWAYS: they fire with session_replication_role = replica too. What triggers cannot stop
-- is the table's owner dropping or disabling them; against that, run the service as a role that
-- does not own the schema and has only INSERT and SELECT on audit_log.
CREATE FUNCTION audit_log_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP
    USING HINT = 'entries are never changed or removed; record a new entry instead';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_delete;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate;

-- Down Migration
DROP TABLE audit_log;
DROP FUNCTION audit_log_refuse();
DROP FUNCTION audit_log_number();
DROP FUNCTION audit_log_lock();
DROP TABLE article_flags;
DROP TABLE statement_comments;
DROP TABLE review_decisions;
DROP TABLE article_citations;
DROP TABLE article_versions;
DROP TABLE articles;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE accounts;
