import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import { CitemedError } from '../../domain/errors.js';
import { openPostgres, type PostgresDatabase } from './connection.js';
import { guard } from './errors.js';
import { createPostgresStore } from './store.js';

const now = '2026-01-01T00:00:00.000Z';

/** Whatever `work` rejects with; fails the test when it resolves. */
async function rejection(work: Promise<unknown>): Promise<CitemedError> {
  const outcome = await work.then(
    () => new Error('resolved, though it should have failed'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(CitemedError);
  return outcome as CitemedError;
}

/**
 * Every pooled connection carries store.lockTimeoutMs and store.statementTimeoutMs, so a statement
 * stuck behind another session's lock fails, saying which setting governs it, instead of hanging
 * the command (PostgreSQL's default is to wait forever).
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('PostgreSQL connection timeouts', () => {
  const schema = freshSchema();
  const opened: PostgresDatabase[] = [];
  let holder: pg.Client;
  const open = async (timeouts: { lockTimeoutMs?: number; statementTimeoutMs?: number }) => {
    const db = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 3, ...timeouts });
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    holder = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    for (const db of opened) await db.close();
    await dropSchema(schema);
  });

  it('sets both timeouts on every connection of the pool; opening the library waits whatever the statement timeout', async () => {
    await open({});
    // Opening reads the migrations table: held for 600 ms, it makes a statement of the opening
    // outlast the 250 ms statement timeout, which must not cancel it.
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${schema}.citemed_migrations IN ACCESS EXCLUSIVE MODE`);
    const released = new Promise((resolve) => setTimeout(resolve, 600)).then(() => holder.query('ROLLBACK'));
    // Longer lock timeout than the 600 ms, and than other test files' migrations, which take turns with this opening.
    const db = await open({ lockTimeoutMs: 5_000, statementTimeoutMs: 250 });
    await released;
    const clients = await Promise.all([0, 1, 2].map(() => db.pool.connect()));
    try {
      for (const client of clients) {
        expect((await client.query<{ lock_timeout: string }>('SHOW lock_timeout')).rows[0]?.lock_timeout).toBe('5s');
        expect((await client.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]?.statement_timeout).toBe('250ms');
      }
    } finally {
      for (const client of clients) client.release();
    }
  });

  it("fails a write and a read stuck behind another session's lock with a message naming store.lockTimeoutMs", async () => {
    // Opening takes turns with other test files' migrations (one advisory lock), so not too short.
    const store = createPostgresStore(await open({ lockTimeoutMs: 2_000 }));
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${schema}.sources IN ACCESS EXCLUSIVE MODE`);
    try {
      const [write, read] = await Promise.all([
        rejection(store.write({ ops: [{ kind: 'upsert', ...sourceWithPassages() }], now })),
        rejection(store.getSource('pmid:1000001')),
      ]);
      expect(write.code).toBe('database-locked');
      expect(write.exitCode).toBe(75);
      expect(write.message).toMatch(/waited longer than store\.lockTimeoutMs for a lock another session holds/);
      expect(write.message).toContain(`(${schema})`);
      expect(write.hint).toMatch(/pg_stat_activity.*raise store\.lockTimeoutMs/);
      expect(read.code).toBe('database-locked');
      expect(read.message).toMatch(/store\.lockTimeoutMs/);
    } finally {
      await holder.query('ROLLBACK');
    }
    // The lock gone, the same store works, and the failed write left nothing behind.
    expect(await store.getSource('pmid:1000001')).toBeUndefined();
    await store.write({ ops: [{ kind: 'upsert', ...sourceWithPassages() }], now });
    expect((await store.getSource('pmid:1000001'))?.id).toBe('pmid:1000001');
  });

  it('says a statement ran past store.statementTimeoutMs', async () => {
    const db = await open({ statementTimeoutMs: 100 });
    const error = await rejection(guard(db.description, () => db.pool.query('SELECT pg_sleep(1)')));
    expect(error.code).toBe('service-failed');
    expect(error.message).toMatch(/ran longer than its statement timeout \(store\.statementTimeoutMs/);
  });
});

if (POSTGRES_SKIP_REASON !== '') it.skip(POSTGRES_SKIP_REASON, () => undefined);
