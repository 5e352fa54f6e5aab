-- Up Migration
-- Token buckets shared by every server process (ports/rate-limiter.ts). Unlogged: they are
-- worth nothing after a crash (a full bucket is the safe default), and unlogged writes are cheap.
CREATE UNLOGGED TABLE rate_buckets (
  bucket text COLLATE "C" PRIMARY KEY,
  tokens double precision NOT NULL,
  at timestamptz NOT NULL,
  allowed boolean NOT NULL
);
CREATE INDEX rate_buckets_at ON rate_buckets (at);

-- Down Migration
DROP TABLE rate_buckets;
