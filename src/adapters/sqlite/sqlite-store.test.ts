import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../../test/contracts/store.contract.js';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import type { WriteOp } from '../../ports/store.js';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from './schema.js';
import { FETCH_SQL } from './search.js';
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

describe('saved word associations (schema 6; the rest is in the store contract)', () => {
  const learned = { passages: 1200, sample: 50_000, meanDistinctTerms: 61.5 };

  it('a library opened read-only reads them, and refuses to save', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-associations-')), 'lib.db');
    const writer = openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8 });
    await writer.associations!.save(learned, [['nac', [{ term: 'acetylcystein', share: 0.92 }]]]);
    await writer.close();
    const store = openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8, create: false, readOnly: true });
    try {
      expect(await store.associations!.learned()).toEqual(learned);
      expect((await store.associations!.of(['nac'])).get('nac')).toEqual([{ term: 'acetylcystein', share: 0.92 }]);
      await expect(store.associations!.save(learned, [])).rejects.toMatchObject({ code: 'database-readonly' });
    } finally {
      await store.close();
    }
  });

  it('a schema-5 library gains the tables on open', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-associations-')), 'lib.db');
    await openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8 }).close();
    const raw = new Database(file);
    raw.exec('DROP TABLE word_associations; DROP TABLE word_associations_meta;');
    raw.pragma('user_version = 5');
    raw.close();
    const store = openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8 });
    try {
      await store.associations!.save(learned, [['nac', [{ term: 'acetylcystein', share: 0.92 }]]]);
      expect(await store.associations!.learned()).toEqual(learned);
    } finally {
      await store.close();
    }
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(6);
    check.close();
  });
});

describe('schema 7: the terms and status note a search reads, in columns of their own', () => {
  const open = (file: string) => openSqliteStore({ path: file, busyTimeoutMs: 1000, cacheMiB: 8 });
  const weights = { title: 4, section: 1, body: 1, terms: 2 };
  const ops: WriteOp[] = [
    {
      kind: 'upsert',
      ...sourceWithPassages({
        id: 'pmid:1',
        ids: { pmid: '1' },
        mesh: [{ descriptor: 'Psoas Abscess', ui: 'D017255', majorTopic: true, qualifiers: [] }, { descriptor: 'Drainage', ui: 'D004322', majorTopic: false, qualifiers: [] }],
        keywords: ['iliopsoas', 'CT-guided'],
        statusNote: 'Corrected: see the erratum',
      }),
    },
    { kind: 'upsert', ...sourceWithPassages({ id: 'pmid:2', ids: { pmid: '2' }, mesh: [], keywords: [] }) },
  ];

  it('are written with each source, and a search gives them back', async () => {
    const store = open(':memory:');
    await store.write({ ops, now: '2026-01-01T00:00:00.000Z' });
    const hits = await store.search({ phrases: [['iliopsoas']], limit: 10, weights });
    const byId = new Map(hits.map((h) => [h.source.id, h]));
    expect(byId.get('pmid:1')?.fields.terms).toBe('Psoas Abscess; Drainage; iliopsoas; CT-guided');
    expect(byId.get('pmid:1')?.source.statusNote).toBe('Corrected: see the erratum');
    expect(byId.get('pmid:2')?.fields.terms).toBe('');
    expect(byId.get('pmid:2')?.source.statusNote).toBeUndefined();
    await store.close();
  });

  /**
   * A library written with `ops`, then turned back into an older schema by `age` (which may read it
   * first), then opened and searched for "iliopsoas"; the hits, and the raw file to check.
   */
  const reopenedFromOlder = async <T>(version: number, age: (raw: Database.Database) => T) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), `citemed-v${version}-`)), 'lib.db');
    const store = open(file);
    await store.write({ ops, now: '2026-01-01T00:00:00.000Z' });
    await store.close();
    const raw = new Database(file);
    const before = age(raw);
    raw.pragma(`user_version = ${version}`);
    raw.close();
    const upgraded = open(file);
    const hits = await upgraded.search({ phrases: [['iliopsoas']], limit: 10, weights });
    await upgraded.close();
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    return { before, hits, check };
  };

  it('a schema-6 library gains them on open, filled from its sources as a write fills them', async () => {
    const { before, hits, check } = await reopenedFromOlder(6, (raw) => {
      const written = raw.prepare('SELECT id, terms, status_note FROM sources ORDER BY id').all();
      raw.exec('DROP INDEX sources_summary; ALTER TABLE sources DROP COLUMN terms; ALTER TABLE sources DROP COLUMN status_note');
      return written;
    });
    expect(hits.find((h) => h.source.id === 'pmid:1')?.fields.terms).toBe('Psoas Abscess; Drainage; iliopsoas; CT-guided');
    expect(check.prepare('SELECT id, terms, status_note FROM sources ORDER BY id').all()).toEqual(before);
    check.close();
  });

  it('are read from their own index, never from the source row that holds the whole text (schema 8)', async () => {
    // A schema-7 library has no such index; opening it adds one.
    const { hits, check } = await reopenedFromOlder(7, (raw) => raw.exec('DROP INDEX sources_summary'));
    expect(hits.find((h) => h.source.id === 'pmid:1')?.source.statusNote).toBe('Corrected: see the erratum');
    // The candidates' fetch reads every source column it wants from the index.
    const plan = check.prepare(`EXPLAIN QUERY PLAN ${FETCH_SQL}`).all('[1]') as { detail: string }[];
    expect(plan.map((row) => row.detail).join('; ')).toContain('USING COVERING INDEX sources_summary');
    check.close();
  });
});
