import { randomUUID } from 'node:crypto';
import type { Thread, ThreadStore } from '../../ports/threads.js';
import { rowToThread, storedTurn, type ThreadRow, type ThreadTableOptions } from '../threads/rows.js';
import type { PostgresDatabase } from './connection.js';
import { guard } from './errors.js';

/**
 * Follow-up threads in the library's PostgreSQL schema (migrations/0003_threads.sql): every
 * `citemed serve` on this library sees the same threads, so a load balancer may send a thread's
 * follow-up to any of them, and a restart forgets none. Bounded like the in-memory store: a
 * thread keeps its latest `maxTurns` turns, and creating a thread deletes the least recently
 * updated ones beyond `maxThreads` (reading does not count: a read stays a read).
 *
 * Each change is ONE statement, so nothing is lost between processes without a transaction:
 * - append reads the turns it extends inside its UPDATE. Two appends to one thread at once take
 *   the row lock in turn, and under READ COMMITTED the second re-evaluates its SET against the
 *   row the first committed, so both turns are kept.
 * - create inserts and prunes together; the prune does not see the new row (one snapshot), so it
 *   keeps the newest maxThreads - 1 of the others. Creates racing in two processes may each miss
 *   the other's new thread, leaving the table a thread or two above the bound until the next create.
 */
export function createPostgresThreads(db: PostgresDatabase, options: ThreadTableOptions): ThreadStore {
  const now = options.now ?? (() => new Date());
  const run = <T>(work: () => Promise<T>): Promise<T> => guard(db.description, work);
  const columns = 'id, created_at, updated_at, turns::text AS turns';

  return {
    create: () =>
      run(async (): Promise<Thread> => {
        const at = now().toISOString();
        const id = randomUUID();
        await db.pool.query(
          `WITH pruned AS (
             DELETE FROM threads WHERE touched <= (SELECT touched FROM threads ORDER BY touched DESC OFFSET $4 LIMIT 1)
           )
           INSERT INTO threads (id, created_at, updated_at) VALUES ($1, $2, $3)`,
          [id, at, at, options.maxThreads - 1],
        );
        return { id, createdAt: at, updatedAt: at, turns: [] };
      }),
    get: (id) =>
      run(async () => {
        const { rows } = await db.pool.query<ThreadRow>(`SELECT ${columns} FROM threads WHERE id = $1`, [id]);
        return rows[0] ? rowToThread(rows[0]) : undefined;
      }),
    append: (id, turn) =>
      run(async () => {
        // The latest maxTurns of (the stored turns, then the new one), in their order.
        const { rows } = await db.pool.query<ThreadRow>(
          `UPDATE threads SET updated_at = $2, touched = nextval('threads_touched'), turns = (
             SELECT json_agg(kept.turn ORDER BY kept.n) FROM (
               SELECT every_turn.turn, every_turn.n FROM (
                 SELECT stored.turn, stored.n FROM json_array_elements(threads.turns) WITH ORDINALITY AS stored(turn, n)
                 UNION ALL SELECT $3::json, 9223372036854775807
               ) every_turn ORDER BY every_turn.n DESC LIMIT $4
             ) kept
           )
           WHERE id = $1
           RETURNING ${columns}`,
          [id, now().toISOString(), JSON.stringify(storedTurn(turn)), options.maxTurns],
        );
        return rows[0] ? rowToThread(rows[0]) : undefined;
      }),
  };
}
