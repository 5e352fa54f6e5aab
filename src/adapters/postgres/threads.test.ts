import { describe, expect, it } from 'vitest';
import { describeThreadStoreContract, turn } from '../../../test/contracts/threads.contract.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import { openPostgres } from './connection.js';
import { createPostgresThreads } from './threads.js';

const open = (schema: string) =>
  openPostgres({ url: POSTGRES_URL, schema, poolSize: 4 }).catch(async (error: unknown) => {
    await dropSchema(schema);
    throw error;
  });

describe.skipIf(POSTGRES_SKIP_REASON !== '')('PostgreSQL threads', () => {
  describeThreadStoreContract('PostgreSQL', async (options) => {
    const schema = freshSchema();
    const db = await open(schema);
    return {
      threads: createPostgresThreads(db, options),
      close: async () => {
        await db.close();
        await dropSchema(schema);
      },
    };
  });

  it('are shared by two stores on one schema (two pools), and no concurrent append loses a turn', async () => {
    const schema = freshSchema();
    const first = await open(schema);
    try {
      const second = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 4 });
      try {
        const a = createPostgresThreads(first, { maxThreads: 100, maxTurns: 100 });
        const b = createPostgresThreads(second, { maxThreads: 100, maxTurns: 100 });
        const thread = await a.create();
        expect(await b.get(thread.id)).toEqual(thread);
        const appended = await b.append(thread.id, turn(1));
        expect(await a.get(thread.id)).toEqual(appended);

        // 40 appends at once, alternating pools: each one must land.
        const numbers = Array.from({ length: 40 }, (_, i) => i + 2);
        await Promise.all(numbers.map((n) => (n % 2 ? a : b).append(thread.id, turn(n))));
        const turns = (await a.get(thread.id))?.turns ?? [];
        expect(turns).toHaveLength(41);
        expect(turns[0]).toEqual(turn(1));
        expect(turns.map((t) => t.question).sort()).toEqual([1, ...numbers].map((n) => `q${n}`).sort());

        // A thread made by the second store is bounded by it and read by the first.
        const other = await b.create();
        expect((await a.get(other.id))?.turns).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
      await dropSchema(schema);
    }
  });

  it('keep the bound on turns while appends race', async () => {
    const schema = freshSchema();
    const db = await open(schema);
    try {
      const threads = createPostgresThreads(db, { maxThreads: 10, maxTurns: 5 });
      const { id } = await threads.create();
      await Promise.all(Array.from({ length: 20 }, (_, i) => threads.append(id, turn(i + 1))));
      const turns = (await threads.get(id))?.turns ?? [];
      expect(turns).toHaveLength(5);
      expect(new Set(turns.map((t) => t.question)).size).toBe(5);
    } finally {
      await db.close();
      await dropSchema(schema);
    }
  });
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('PostgreSQL threads', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}
