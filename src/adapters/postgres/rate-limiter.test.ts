import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import { openPostgres, type PostgresDatabase } from './connection.js';
import { createPostgresRateLimiter } from './rate-limiter.js';

/** Token buckets in the database, as two server processes (two pools) on one library see them. */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('rate limits in PostgreSQL', () => {
  const schema = freshSchema();
  let one: PostgresDatabase;
  let two: PostgresDatabase;
  beforeAll(async () => {
    one = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 2 });
    two = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 2 });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await dropSchema(schema);
  });

  it('two processes draw on one budget; past it, the wait is what the refill needs', async () => {
    const a = createPostgresRateLimiter(one);
    const b = createPostgresRateLimiter(two);
    expect(await a.take('asks:10.0.0.1', 3)).toBe(0);
    expect(await b.take('asks:10.0.0.1', 3)).toBe(0);
    expect(await a.take('asks:10.0.0.1', 3)).toBe(0);
    // Three a minute: the next token is about 20 s away, whichever process asks.
    const wait = await b.take('asks:10.0.0.1', 3);
    expect(wait).toBeGreaterThanOrEqual(19);
    expect(wait).toBeLessThanOrEqual(20);
    // Another client has its own bucket.
    expect(await b.take('asks:10.0.0.2', 3)).toBe(0);
  });

  it('a refused request takes nothing, and the bucket refills with time', async () => {
    const a = createPostgresRateLimiter(one);
    const results = await Promise.all(Array.from({ length: 70 }, () => a.take('requests:burst', 60)));
    // Sixty allowed at once, concurrent takes included; no more.
    expect(results.filter((w) => w === 0)).toHaveLength(60);
    expect(results.filter((w) => w > 0).every((w) => w === 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await a.take('requests:burst', 60)).toBe(0);
  });
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('rate limits in PostgreSQL', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}
