import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RecordedTurn, Thread, ThreadStore } from '../../ports/threads.js';
import { latest, rowToThread, storedTurn, type ThreadRow, type ThreadTableOptions } from '../threads/rows.js';
import { guard, whileBusy } from './errors.js';

/**
 * Follow-up threads in the library file (schema 4), on the library's connection: every
 * `citemed serve` on this file sees the same threads, and a restart forgets none. Bounded like
 * the in-memory store: beyond `maxThreads` the least recently updated threads (created or
 * continued longest ago; reading does not count, so that a read stays a read) are deleted when a
 * thread is created, and a thread keeps its latest `maxTurns` turns.
 *
 * Changes run in IMMEDIATE transactions: the write lock is taken before the thread is read, so an
 * append from another process on the same file waits instead of overwriting this one's turn, for
 * up to `busyTimeoutMs` between tries (errors.ts, whileBusy).
 */
export function createSqliteThreads(db: Database.Database, file: string, options: ThreadTableOptions, busyTimeoutMs: number): ThreadStore {
  const now = options.now ?? (() => new Date());
  const statements = {
    get: db.prepare('SELECT id, created_at, updated_at, turns FROM threads WHERE id = ?'),
    nextTouched: db.prepare('SELECT coalesce(max(touched), 0) + 1 AS n FROM threads'),
    insert: db.prepare("INSERT INTO threads (id, created_at, updated_at, touched, turns) VALUES (?, ?, ?, ?, '[]')"),
    // The newest maxThreads - 1 stay, with the new thread that makes maxThreads.
    prune: db.prepare('DELETE FROM threads WHERE touched <= (SELECT touched FROM threads ORDER BY touched DESC LIMIT 1 OFFSET ?)'),
    update: db.prepare('UPDATE threads SET updated_at = ?, touched = ?, turns = ? WHERE id = ?'),
  };
  const nextTouched = (): number => (statements.nextTouched.get() as { n: number }).n;

  const create = db.transaction((): Thread => {
    const at = now().toISOString();
    const id = randomUUID();
    statements.prune.run(options.maxThreads - 1);
    statements.insert.run(id, at, at, nextTouched());
    return { id, createdAt: at, updatedAt: at, turns: [] };
  });
  const append = db.transaction((id: string, turn: RecordedTurn): Thread | undefined => {
    const row = statements.get.get(id) as ThreadRow | undefined;
    if (!row) return undefined;
    const text = JSON.stringify(latest([...rowToThread(row).turns, storedTurn(turn)], options.maxTurns));
    const at = now().toISOString();
    statements.update.run(at, nextTouched(), text, id);
    return rowToThread({ ...row, updated_at: at, turns: text });
  });

  return {
    async create() {
      return whileBusy(busyTimeoutMs, () => guard(file, () => create.immediate()));
    },
    async get(id) {
      const row = guard(file, () => statements.get.get(id)) as ThreadRow | undefined;
      return row ? rowToThread(row) : undefined;
    },
    async append(id, turn) {
      return whileBusy(busyTimeoutMs, () => guard(file, () => append.immediate(id, turn)));
    },
  };
}
