import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../../test/contracts/store.contract.js';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import type { WriteOp } from '../../ports/store.js';
import { openSqliteStore } from './sqlite-store.js';

describeStoreContract('SQLite (file)', async () =>
  openSqliteStore({ path: path.join(mkdtempSync(path.join(tmpdir(), 'citemed-store-')), 'lib.db'), busyTimeoutMs: 1000, cacheMiB: 8 }),
);

describeStoreContract('SQLite (in memory)', async () => openSqliteStore({ path: ':memory:', busyTimeoutMs: 1000, cacheMiB: 8 }));

describe('a library opened read-only (a shared mount, another user\'s file)', () => {
  it('reads, searches and counts, with the postings index and passages added after it; a write says the library cannot be written', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-readonly-')), 'lib.db');
    const now = '2026-01-01T00:00:00.000Z';
    const writer = openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8 });
    const upsert = (i: number): WriteOp => ({ kind: 'upsert', ...sourceWithPassages({ id: `pmid:${i}`, ids: { pmid: String(i) } }) });
    await writer.write({ ops: [upsert(1), upsert(2)], now });
    await writer.postings!.build();
    await writer.write({ ops: [upsert(3)], now });
    await writer.close();

    const store = openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8, create: false, readOnly: true });
    try {
      await store.warm?.();
      expect((await store.stats()).sources).toBe(3);
      expect((await store.getSource('pmid:3'))?.id).toBe('pmid:3');
      const hits = await store.search({ phrases: [['iliopsoas']], limit: 10, weights: { title: 4, section: 1, body: 1, terms: 2 } });
      expect(new Set(hits.map((h) => h.source.id))).toEqual(new Set(['pmid:1', 'pmid:2', 'pmid:3']));
      await expect(store.write({ ops: [upsert(4)], now })).rejects.toMatchObject({ code: 'database-readonly' });
    } finally {
      await store.close();
    }
  });
});
