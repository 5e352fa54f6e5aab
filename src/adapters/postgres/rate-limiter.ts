import type { RateLimiter } from '../../ports/rate-limiter.js';
import type { PostgresDatabase } from './connection.js';
import { guard } from './errors.js';

/**
 * Token buckets in PostgreSQL, shared by every server process on the library: one statement per
 * request refills the bucket for the time since it was last used, takes a token if there is a
 * whole one, and says whether it did, atomically under the row's lock. The database's clock is
 * the one clock, so processes on different machines agree. Buckets unused for ten minutes are
 * full again anyway and are deleted now and then.
 */

/** Refill (tokens per second = perMinute / 60, capped at perMinute), then take one if a whole one is there. */
const UPSERT = `
INSERT INTO rate_buckets AS b (bucket, tokens, at, allowed) VALUES ($1, $2::float8 - 1, clock_timestamp(), true)
ON CONFLICT (bucket) DO UPDATE SET
  tokens = CASE
    WHEN least($2::float8, b.tokens + extract(epoch FROM clock_timestamp() - b.at) * $2::float8 / 60) >= 1
    THEN least($2::float8, b.tokens + extract(epoch FROM clock_timestamp() - b.at) * $2::float8 / 60) - 1
    ELSE least($2::float8, b.tokens + extract(epoch FROM clock_timestamp() - b.at) * $2::float8 / 60)
  END,
  allowed = least($2::float8, b.tokens + extract(epoch FROM clock_timestamp() - b.at) * $2::float8 / 60) >= 1,
  at = clock_timestamp()
RETURNING b.tokens, b.allowed`;

export function createPostgresRateLimiter(db: PostgresDatabase, random: () => number = Math.random): RateLimiter {
  return {
    async take(bucket, perMinute) {
      return guard(db.description, async () => {
        const { rows } = await db.pool.query<{ tokens: number; allowed: boolean }>(UPSERT, [bucket, perMinute]);
        if (random() < 0.001) await db.pool.query("DELETE FROM rate_buckets WHERE at < clock_timestamp() - interval '10 minutes'");
        const row = rows[0];
        if (!row || row.allowed) return 0;
        return Math.max(1, Math.ceil(((1 - row.tokens) * 60) / perMinute));
      });
    },
  };
}
