import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { turn } from '../../test/contracts/threads.contract.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../test/support/postgres.js';
import { openLibrary } from './backends.js';
import { SettingsSchema } from './settings.js';

const settings = (store: Record<string, unknown>) => SettingsSchema.parse({ store });

describe('openLibrary threads', () => {
  it('SQLite: two openings of one file share threads, bounded by server.threads', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-backends-')), 'lib.db');
    const { store: s } = settings({ path: file });
    const bounds = { maxThreads: 5, maxTurns: 2 };
    const a = openLibrary(s, true, bounds);
    const b = openLibrary(s, true, bounds);
    const thread = await a.threads.create();
    for (const n of [1, 2, 3]) await b.threads.append(thread.id, turn(n));
    expect((await a.threads.get(thread.id))?.turns).toEqual([turn(2), turn(3)]);
    await a.store.close();
    await b.store.close();
  });

  it.skipIf(POSTGRES_SKIP_REASON !== '')('PostgreSQL: threads are handed out before the library opens, and shared by two openings', async () => {
    const schema = freshSchema();
    const { store: s } = settings({ url: POSTGRES_URL, schema });
    const bounds = { maxThreads: 5, maxTurns: 2 };
    const a = openLibrary(s, true, bounds);
    const b = openLibrary(s, true, bounds);
    try {
      const thread = await a.threads.create();
      for (const n of [1, 2, 3]) await b.threads.append(thread.id, turn(n));
      expect((await a.threads.get(thread.id))?.turns).toEqual([turn(2), turn(3)]);
    } finally {
      await a.store.close();
      await b.store.close();
      await dropSchema(schema);
    }
  });
});

describe('openLibrary postings index', () => {
  it('SQLite has one; PostgreSQL, handed out before it opens, says at once that it has none', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-backends-')), 'lib.db');
    const sqlite = openLibrary(settings({ path: file }).store, true, { maxThreads: 5, maxTurns: 2 });
    expect(typeof sqlite.store.postings?.build).toBe('function');
    expect(typeof sqlite.store.warm).toBe('function');
    await sqlite.store.close();
    // Nothing listens on port 1: the opening fails, and only the calls that wait for it would say so.
    const postgres = openLibrary(settings({ url: 'postgres://postgres@127.0.0.1:1/none' }).store, true, { maxThreads: 5, maxTurns: 2 });
    expect(postgres.store.postings).toBeUndefined();
    // `citemed serve` calls `warm?.()` before it listens: a deferred method would fail it.
    expect(postgres.store.warm).toBeUndefined();
    expect(postgres.store.checkIntegrity).toBeUndefined();
    await postgres.store.close();
  });
});
