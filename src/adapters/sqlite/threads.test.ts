import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeThreadStoreContract, turn } from '../../../test/contracts/threads.contract.js';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import { dropPostingsSchema } from '../../../test/support/sqlite-schema.js';
import { SCHEMA_VERSION } from './schema.js';
import { openSqliteLibrary, type SqliteStoreOptions } from './sqlite-store.js';
import { createSqliteThreads } from './threads.js';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'citemed-threads-')), 'lib.db');
const open = (file: string, more: Partial<SqliteStoreOptions> = {}) => openSqliteLibrary({ path: file, busyTimeoutMs: 1000, cacheMiB: 8, ...more });

describeThreadStoreContract('SQLite (file)', async (options) => {
  const file = tempFile();
  const { store } = open(file);
  // The threads on a second connection to the library file, as another server process has them.
  const db = new Database(file);
  return {
    threads: createSqliteThreads(db, file, options, 1000),
    close: async () => {
      db.close();
      await store.close();
    },
  };
});
describeThreadStoreContract('SQLite (library, in memory)', async (options) => {
  const { store, threads } = open(':memory:', { threads: options });
  return { threads, close: () => store.close() };
});

describe('SQLite threads', () => {
  it('are shared by two connections to one file, and kept across a reopen', async () => {
    const file = tempFile();
    const a = open(file);
    const b = open(file);
    const thread = await a.threads.create();
    await b.threads.append(thread.id, turn(1));
    await a.threads.append(thread.id, turn(2));
    expect((await b.threads.get(thread.id))?.turns).toEqual([turn(1), turn(2)]);
    await a.store.close();
    await b.store.close();

    const again = open(file, { create: false });
    expect((await again.threads.get(thread.id))?.turns).toEqual([turn(1), turn(2)]);
    await again.store.close();
  });

  it('take their bounds from the library options', async () => {
    const { store, threads } = open(':memory:', { threads: { maxThreads: 1, maxTurns: 1 } });
    const first = await threads.create();
    await threads.append(first.id, turn(1));
    expect((await threads.append(first.id, turn(2)))?.turns).toEqual([turn(2)]);
    await threads.create();
    expect(await threads.get(first.id)).toBeUndefined();
    await store.close();
  });
});

describe('schema upgrade to 4', () => {
  it('a schema-3 library gains the threads table on open, keeping its content', async () => {
    const file = tempFile();
    const first = open(file);
    await first.store.write({ ops: [{ kind: 'upsert', ...sourceWithPassages() }], now: '2026-01-01T00:00:00.000Z' });
    await first.editorial.audit.append({ at: '2026-01-01T00:00:00.000Z', actor: 'system', action: 'test.note', subjectType: 'article', subjectId: 'a1' });
    await first.store.close();
    // Make it what schema 3 wrote: no threads table, user_version 3.
    const raw = new Database(file);
    raw.exec('DROP TABLE threads');
    dropPostingsSchema(raw);
    raw.pragma('user_version = 3');
    raw.close();

    const upgraded = open(file, { create: false });
    expect((await upgraded.store.stats()).passages).toBe(2);
    expect(await upgraded.editorial.audit.list({ limit: 10 })).toHaveLength(1);
    const thread = await upgraded.threads.create();
    expect((await upgraded.threads.append(thread.id, turn(1)))?.turns).toEqual([turn(1)]);
    await upgraded.store.close();

    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(4);
    expect(check.prepare('SELECT count(*) AS n FROM threads').get()).toEqual({ n: 1 });
    check.close();
  });
});
