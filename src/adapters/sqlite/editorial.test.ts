import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeEditorialContract } from '../../../test/contracts/editorial.contract.js';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import { dropPostingsSchema, POSTINGS_TABLES } from '../../../test/support/sqlite-schema.js';
import { SCHEMA_VERSION } from './schema.js';
import { openSqliteLibrary } from './sqlite-store.js';

const WORD_ASSOCIATION_TABLES = ['word_associations', 'word_associations_meta'];

const tempFile = (prefix: string) => path.join(mkdtempSync(path.join(tmpdir(), prefix)), 'lib.db');
const open = (file: string, create = true) => openSqliteLibrary({ path: file, busyTimeoutMs: 1000, cacheMiB: 8, create });
const asContract = async (file: string) => {
  const { store, editorial } = open(file);
  return { editorial, close: () => store.close() };
};

describeEditorialContract('SQLite (file)', () => asContract(tempFile('citemed-editorial-')));
describeEditorialContract('SQLite (in memory)', () => asContract(':memory:'));

const entry = (n: number) => ({ at: `2026-01-01T00:00:0${n}.000Z`, actor: 'system', action: 'test.note', subjectType: 'article', subjectId: `a${n}` }) as const;

describe('SQLite editorial tables', () => {
  it("skip a key's last use while another connection holds the write lock, then wait for locks as before", async () => {
    const file = tempFile('citemed-touch-');
    const { store, editorial } = open(file);
    await editorial.accounts.create({ id: 'acc', username: 'u', displayName: 'U', roles: ['reader'], passwordHash: 'h', createdAt: entry(1).at }, entry(1));
    await editorial.accounts.createKey({ id: 'k', accountId: 'acc', name: 'n', createdAt: entry(1).at }, 'hash', entry(2));
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    expect(await editorial.accounts.touchKey('k', entry(3).at)).toBe(false);
    // Other writes still wait the configured busy timeout (1 s here) before they fail.
    const waited = Date.now();
    await expect(editorial.accounts.revokeKey('k', entry(4).at, entry(4))).rejects.toMatchObject({ code: 'database-locked' });
    expect(Date.now() - waited).toBeGreaterThanOrEqual(900);
    other.exec('ROLLBACK');
    other.close();
    expect(await editorial.accounts.touchKey('k', entry(5).at)).toBe(true);
    expect((await editorial.accounts.findKey('k'))?.key.lastUsedAt).toBe(entry(5).at);
    await store.close();
  });

  it('refuse to change or delete audit entries, whoever asks', async () => {
    const file = tempFile('citemed-audit-');
    const { store, editorial } = open(file);
    await editorial.audit.append({ ...entry(1), after: { status: 'submitted' } });
    await editorial.audit.append(entry(2));
    const before = await editorial.audit.list({ limit: 10 });
    await store.close();

    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => raw.prepare('UPDATE audit_log SET state_after = NULL').run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    // REPLACE deletes the old row without firing DELETE triggers; an upsert updates it; a chosen seq could leave a gap.
    const insert = (verb: string, seq: number, tail = '') =>
      raw.prepare(`${verb} INTO audit_log (seq, at, actor, action, subject_type, subject_id) VALUES (?, 't', 'mallory', 'x', 'article', 'a') ${tail}`).run(seq);
    expect(() => insert('INSERT OR REPLACE', 1)).toThrow(/append-only/);
    expect(() => insert('REPLACE', 2)).toThrow(/append-only/);
    expect(() => insert('INSERT', 1, "ON CONFLICT (seq) DO UPDATE SET actor = 'mallory'")).toThrow(/append-only/);
    expect(() => insert('INSERT', 9)).toThrow(/append-only/);
    expect(() => insert('INSERT', 0)).toThrow(/CHECK/);
    raw.close();

    const again = open(file, false);
    expect(await again.editorial.audit.list({ limit: 10 })).toEqual(before);
    expect(before.map((e) => e.actor)).toEqual(['system', 'system']);
    await again.store.close();
  });

  it('share one connection with the library store: both see one file, and closing the store closes both', async () => {
    const { store, editorial } = open(':memory:');
    await store.write({ ops: [{ kind: 'upsert', ...sourceWithPassages() }], now: '2026-01-01T00:00:00.000Z' });
    await editorial.audit.append(entry(1));
    expect((await store.stats()).sources).toBe(1);
    expect(await editorial.audit.list({ limit: 5 })).toHaveLength(1);
    await store.close();
    await expect(editorial.audit.list({ limit: 5 })).rejects.toThrow();
  });
});

describe('schema upgrade to 3', () => {
  it('a schema-2 library gains the editorial tables on open, keeping its content', async () => {
    const file = tempFile('citemed-upgrade3-');
    const first = open(file);
    await first.store.write({ ops: [{ kind: 'upsert', ...sourceWithPassages() }], now: '2026-01-01T00:00:00.000Z' });
    const [passage] = await first.store.listPassages('pmid:1000001');
    await first.store.putVectors('m', [{ passageId: passage?.id ?? '', vector: Float32Array.from([1, 0]) }]);
    await first.store.close();
    // Make it what schema 2 wrote: no editorial tables, user_version 2.
    const raw = new Database(file);
    const schema2 = new Set(['sources', 'passages', 'tombstones', 'ingest_files', 'passage_vectors']);
    const tables = (raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'passages_fts%' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]).map((r) => r.name);
    // threads came with schema 4 (threads.test.ts tests that upgrade), the postings index with 5
    // (postings.test.ts), saved word associations with 6 (sqlite-store.test.ts); a schema-2 file has none.
    const later = new Set(['threads', ...POSTINGS_TABLES, ...WORD_ASSOCIATION_TABLES]);
    const editorialTables = tables.filter((t) => !schema2.has(t) && !later.has(t)).sort();
    expect(editorialTables).toEqual(
      ['accounts', 'api_keys', 'article_citations', 'article_flags', 'article_versions', 'articles', 'audit_log', 'review_decisions', 'sessions', 'statement_comments'],
    );
    for (const table of [...editorialTables, 'threads']) raw.exec(`DROP TABLE ${table}`);
    dropPostingsSchema(raw);
    for (const table of WORD_ASSOCIATION_TABLES) raw.exec(`DROP TABLE ${table}`);
    raw.pragma('user_version = 2');
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'audit_log_no_delete'").get()).toEqual({ n: 0 });
    raw.close();

    const upgraded = open(file, false);
    expect((await upgraded.store.stats()).passages).toBe(2);
    expect((await upgraded.store.vectorStats('m')).embedded).toBe(1);
    expect(await upgraded.editorial.accounts.count()).toBe(0);
    expect((await upgraded.editorial.audit.append(entry(1))).seq).toBe(1);
    await upgraded.store.close();

    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    expect(() => check.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    check.close();
  });
});
