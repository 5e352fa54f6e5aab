import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import type { WriteOp } from '../../ports/store.js';
import { openPostgres, type PostgresDatabase } from './connection.js';
import { createSearch } from './search.js';
import { createPostgresStore } from './store.js';

/**
 * Document frequencies of common words from the planner's statistics instead of counting them
 * (search.ts, commonLexemes). The thresholds are lowered so that a small library shows the
 * behaviour of a large one: a word in every passage is estimated from ANALYZE's sample while the
 * statistics are fresh, and counted again once too much has changed or the library is small.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('PostgreSQL document frequencies', () => {
  const schema = freshSchema();
  let db: PostgresDatabase;
  const now = '2026-01-01T00:00:00.000Z';
  const passage = (n: number, text: string): WriteOp => ({
    kind: 'upsert',
    ...sourceWithPassages({ id: `pmid:${9_000_000 + n}`, ids: { pmid: String(9_000_000 + n) }, title: `Record ${n}`, paragraphsText: [[['Results'], text]] }),
  });
  const frequencies = (search: ReturnType<typeof createSearch>, words: string[]) =>
    search.frequencies(words.map((w) => ({ tokens: [w], stems: [w] })));
  /** Waits until the statistics count at least `inserted` rows inserted (the writer reports them a moment after it commits) and `changed` changes since ANALYZE. */
  const settle = async (inserted: number, changed = 0): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.pool.query<{ n: string; ins: string }>(
        "SELECT n_mod_since_analyze AS n, n_tup_ins AS ins FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'passages'",
      );
      if (Number(rows[0]?.n ?? 0) >= changed && Number(rows[0]?.ins ?? 0) >= inserted) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the statistics never counted ${changed} changes`);
  };

  beforeAll(async () => {
    db = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 2 });
    const store = createPostgresStore(db);
    const ops = Array.from({ length: 200 }, (_, n) => passage(n, `Every passage mentions tachycardia${n < 3 ? ' and a rare finding, xanthelasma' : ''} (record ${n}).`));
    await store.write({ ops, now });
    // ANALYZE only once the inserts are counted, or their late report would look like changes since.
    await settle(200);
    await db.pool.query('ANALYZE passages');
  });
  afterAll(async () => {
    await db?.close();
    await dropSchema(schema);
  });

  it('a common word is estimated from the statistics while they are fresh; a rare one is counted', async () => {
    const store = createPostgresStore(db);
    // Ten more passages without the common word: 5% of the rows changed, under the 20% allowed.
    await store.write({ ops: Array.from({ length: 10 }, (_, n) => passage(200 + n, `A later record about bradycardia (record ${200 + n}).`)), now });
    await settle(210, 10);
    const search = createSearch(db, { minPassages: 100, minShare: 0.1, maxStale: 0.2, refreshMs: 0 });
    // The sample saw tachycardia in every passage: estimated for all 210, though 200 hold it.
    // xanthelasma (3 of 210) is under the 10% share and is counted.
    expect(await frequencies(search, ['tachycardia', 'xanthelasma'])).toEqual([210, 3]);
    // Below the size where estimates pay, the same word is counted.
    const small = createSearch(db, { minPassages: 1_000, minShare: 0.1, maxStale: 0.2, refreshMs: 0 });
    expect(await frequencies(small, ['tachycardia'])).toEqual([200]);
  });

  it('statistics older than the allowed share of changes are not used', async () => {
    const store = createPostgresStore(db);
    // Another 60: 70 changes since ANALYZE, a third of the 270 rows.
    await store.write({ ops: Array.from({ length: 60 }, (_, n) => passage(300 + n, `Another record about bradycardia (record ${300 + n}).`)), now });
    await settle(270, 70);
    const search = createSearch(db, { minPassages: 100, minShare: 0.1, maxStale: 0.2, refreshMs: 0 });
    expect(await frequencies(search, ['tachycardia'])).toEqual([200]);
    await db.pool.query('ANALYZE passages');
    // Fresh again: estimated from the new sample (200 of 270 rows), which now agrees with the count.
    const fresh = createSearch(db, { minPassages: 100, minShare: 0.1, maxStale: 0.2, refreshMs: 0 });
    expect(await frequencies(fresh, ['tachycardia'])).toEqual([200]);
  });
});
