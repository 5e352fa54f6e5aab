import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEditorialContract } from '../../../test/contracts/editorial.contract.js';
import { failure } from '../../../test/support/failure.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import { st, testAnswer, testEvidence, testSource } from '../../articles/test-helpers.js';
import type { AuditInput } from '../../domain/audit.js';
import { CitemedError, isCitemedError } from '../../domain/errors.js';
import type { EditorialStore } from '../../ports/editorial.js';
import { openPostgres, type PostgresDatabase } from './connection.js';
import { createPostgresEditorial } from './editorial.js';
import { CONSTRAINTS, explain, translateEditorialError } from './editorial-errors.js';

const open = (schema: string, poolSize = 4) => openPostgres({ url: POSTGRES_URL, schema, poolSize });

/** A store in a schema of its own, dropped on close (also when opening it failed half-way). */
async function freshStore(poolSize = 4): Promise<{ db: PostgresDatabase; editorial: EditorialStore; schema: string; close(): Promise<void> }> {
  const schema = freshSchema();
  const db = await open(schema, poolSize).catch(async (error: unknown) => {
    await dropSchema(schema);
    throw error;
  });
  return {
    db,
    editorial: createPostgresEditorial(db),
    schema,
    close: async () => {
      await db.close();
      await dropSchema(schema);
    },
  };
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const entry = (n: number, subjectId = `a${n}`): AuditInput => ({ at: at(n), actor: 'system', action: 'test.note', subjectType: 'article', subjectId });
const account = (id: string, username: string) => ({ id, username, displayName: username, roles: ['reader' as const], createdAt: at(0), passwordHash: 'h' });

const ARTICLE = {
  id: 'art-1', slug: 'a', title: 'A', question: 'Q?', audience: 'clinician', status: 'submitted', currentVersion: 1,
  createdBy: 'acc-1', createdAt: at(0), updatedAt: at(0),
} as const;

/** Publishes art-1, citing one source: one audit entry. */
async function publish(editorial: EditorialStore): Promise<void> {
  const source = testSource('pmid:1');
  const answer = testAnswer({ bottomLine: [st('Drain it.', 'E1')], evidence: [testEvidence('E1', source, 'Drainage worked.')] });
  await editorial.articles.create(ARTICLE, { articleId: 'art-1', number: 1, title: 'A', answer, origin: 'published', createdBy: 'acc-1', createdAt: at(0) }, entry(0, 'art-1'));
}

/** Resolves once `count` transactions wait for the audit log's lock of `schema`. */
async function waitersOnAuditLock(db: PostgresDatabase, count: number): Promise<void> {
  for (;;) {
    // The lock is (class "cite", the table's oid); see migrations/0002_editorial.sql.
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
         AND classid = 1667855461 AND objid = 'audit_log'::regclass::oid AND objsubid = 2`,
    );
    if (Number(rows[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(POSTGRES_SKIP_REASON !== '')('PostgreSQL editorial store', () => {
  describeEditorialContract('PostgreSQL', async () => {
    const { editorial, close } = await freshStore();
    return { editorial, close };
  });

  describe('in one schema of its own', () => {
    let store: Awaited<ReturnType<typeof freshStore>>;
    beforeEach(async () => {
      store = await freshStore(10);
    });
    afterEach(async () => {
      await store.close();
    });

    it('refuses to change, delete or truncate audit entries, whoever asks, changing nothing', async () => {
      const { db, editorial } = store;
      await editorial.audit.append({ ...entry(1), after: { status: 'submitted' } });
      await editorial.audit.append(entry(2));
      const before = await editorial.audit.list({ limit: 10 });
      const raw = (text: string) => db.pool.query(text);

      await expect(raw("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")).rejects.toThrow(/append-only: UPDATE is refused/);
      // Statement triggers: refused even when no row matches.
      await expect(raw("UPDATE audit_log SET actor = 'mallory' WHERE false")).rejects.toThrow(/append-only/);
      await expect(raw('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only: DELETE is refused/);
      await expect(raw('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      await expect(raw('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE is refused/);
      const insert = (seq: number, tail = '') =>
        raw(`INSERT INTO audit_log (seq, at, actor, action, subject_type, subject_id) VALUES (${seq}, 't', 'mallory', 'x', 'article', 'a') ${tail}`);
      await expect(insert(1, "ON CONFLICT (seq) DO UPDATE SET actor = 'mallory'")).rejects.toThrow(/append-only/);
      await expect(insert(1)).rejects.toThrow(/append-only: entry 1 is not the next one/);
      await expect(insert(9)).rejects.toThrow(/append-only: entry 9 is not the next one/);
      // Replica mode (what logical replication's apply and some bulk loaders use) skips ordinary triggers, not these.
      await expect(
        db.transaction(async (client) => {
          await client.query('SET LOCAL session_replication_role = replica');
          await client.query('DELETE FROM audit_log');
        }),
      ).rejects.toThrow(/append-only/);

      expect(await editorial.audit.list({ limit: 10 })).toEqual(before);
      expect(before.map((e) => e.seq)).toEqual([1, 2]);
    });

    it('numbers entries written by other SQL too, and gives back the number of a rolled-back one', async () => {
      const { db, editorial } = store;
      await editorial.audit.append(entry(1));
      const { rows } = await db.pool.query<{ seq: string }>(
        "INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES ('t', 'ops', 'x', 'article', 'a') RETURNING seq",
      );
      expect(rows.map((r) => Number(r.seq))).toEqual([2]);
      // A transaction that wrote an entry (number 3) and then failed.
      await expect(
        db.transaction(async (client) => {
          await client.query("INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES ('t', 'ops', 'x', 'article', 'a')");
          throw new Error('the change failed after its entry');
        }),
      ).rejects.toThrow(/failed after its entry/);
      expect((await editorial.audit.append(entry(3))).seq).toBe(3);

      // Two plain INSERTs at once, neither taking the lock first: the trigger takes it, and the
      // second, once let through, reads the first's entry and follows it.
      const ahead = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${store.schema}` });
      await ahead.connect();
      try {
        await ahead.query('BEGIN');
        await ahead.query("INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES ('t', 'ops', 'x', 'article', 'b')");
        const behind = db.pool.query<{ seq: string }>(
          "INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES ('t', 'ops', 'x', 'article', 'c') RETURNING seq",
        );
        await waitersOnAuditLock(db, 1);
        await ahead.query('COMMIT');
        expect((await behind).rows.map((r) => Number(r.seq))).toEqual([5]);
      } finally {
        await ahead.end();
      }
      expect((await editorial.audit.list({ limit: 10 })).map((e) => [e.seq, e.subjectId])).toEqual([[1, 'a1'], [2, 'a'], [3, 'a3'], [4, 'b'], [5, 'c']]);
    });

    it('numbers 20 concurrent changes from different connections 1..N without gaps, one entry per change that committed', async () => {
      const { db, editorial } = store;
      await publish(editorial);
      const changes: Promise<unknown>[] = [];
      // 8 new accounts, then 4 taking usernames of those (each fails, whichever commits second).
      for (let i = 0; i < 8; i++) changes.push(editorial.accounts.create(account(`acc-${i}`, `user${i}`), { ...entry(i, `acc-${i}`), subjectType: 'account' }));
      for (let i = 0; i < 4; i++) changes.push(editorial.accounts.create(account(`dup-${i}`, `user${i}`), { ...entry(i, `dup-${i}`), subjectType: 'account' }));
      // 4 batches that write a flag and its entry, then fail on the second flag: rolled back after taking a number.
      for (let i = 0; i < 4; i++) {
        const flag = (id: string, articleId: string) => ({ id, articleId, kind: 'newer-evidence' as const, sourceId: `pmid:${i}`, detail: 'd', version: 1, raisedAt: at(i) });
        changes.push(editorial.articles.raiseFlags([flag(`f${i}`, 'art-1'), flag(`g${i}`, 'nope')], (f) => ({ ...entry(i, f.id), subjectType: 'flag' })));
      }
      // 4 plain entries.
      for (let i = 0; i < 4; i++) changes.push(editorial.audit.append(entry(20 + i, `note-${i}`)));
      const outcomes = await Promise.allSettled(changes);

      const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [isCitemedError(o.reason) ? o.reason.code : String(o.reason)] : []));
      expect(failures.sort()).toEqual([...Array(4).fill('conflict'), ...Array(4).fill('not-found')]);
      expect(db.pool.totalCount).toBeGreaterThan(1);

      const entries = await editorial.audit.list({ limit: 100 });
      // Publication, 8 accounts, 4 notes.
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      const accounts = await editorial.accounts.list();
      expect(accounts).toHaveLength(8);
      expect(entries.filter((e) => e.subjectType === 'account').map((e) => e.subjectId).sort()).toEqual(accounts.map((a) => a.id).sort());
      expect(entries.filter((e) => e.subjectType === 'flag')).toEqual([]);
      expect(await editorial.articles.listFlags('art-1')).toEqual([]);
    });

    it('hands out numbers in commit order: a writer waits for the one ahead, readers do not', async () => {
      const { db, editorial } = store;
      await editorial.audit.append(entry(1));
      const ahead = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${store.schema}` });
      await ahead.connect();
      try {
        await ahead.query('BEGIN');
        await ahead.query("INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES ('t', 'ops', 'x', 'article', 'a')");
        const behind = editorial.audit.append(entry(2));
        await waitersOnAuditLock(db, 1);
        // Readers see what is committed, without waiting.
        expect((await editorial.audit.list({ limit: 10 })).map((e) => e.seq)).toEqual([1]);
        await ahead.query('COMMIT');
        expect((await behind).seq).toBe(3);

        // The same, rolled back: the one behind takes the number the one ahead gave back.
        await ahead.query('BEGIN');
        await ahead.query("INSERT INTO audit_log (at, actor, action, subject_type, subject_id) VALUES ('t', 'ops', 'x', 'article', 'b')");
        const next = editorial.audit.append(entry(4));
        await waitersOnAuditLock(db, 1);
        await ahead.query('ROLLBACK');
        expect((await next).seq).toBe(4);
      } finally {
        await ahead.end();
      }
      expect((await editorial.audit.list({ limit: 10 })).map((e) => [e.seq, e.actor])).toEqual([[1, 'system'], [2, 'ops'], [3, 'system'], [4, 'system']]);
    });

    it('keeps a version’s answer exactly as written: key order, NUL and lone surrogates included', async () => {
      const { editorial } = store;
      const trial = testSource('pmid:1');
      const cohort = testSource('pmid:2', { evidenceLevel: 'observational', title: 'Odd \u0000 title \ud800 here' });
      const answer = testAnswer({
        bottomLine: [st('Drain it.', 'E1', 'E2')],
        evidence: [testEvidence('E1', trial, 'Drainage worked.'), testEvidence('E2', cohort, 'Surgery too.')],
      });
      // The summary lists levels in the order of these keys; jsonb would sort them ("observational" first).
      expect(Object.keys(answer.summary.byLevel)).toEqual(['randomized-trial', 'observational']);
      const version = { articleId: 'art-1', number: 1, title: 'A', answer, origin: 'published', createdBy: 'acc-1', createdAt: at(0) } as const;
      await editorial.articles.create(ARTICLE, version, entry(0, 'art-1'));
      const read = await editorial.articles.getVersion('art-1', 1);
      expect(JSON.stringify(read?.answer)).toBe(JSON.stringify(answer));
      expect(Object.keys(read?.answer.summary.byLevel ?? {})).toEqual(['randomized-trial', 'observational']);
    });

    it('refuses text PostgreSQL cannot hold with a usage error, writing nothing', async () => {
      const { editorial } = store;
      const refused = await failure(editorial.accounts.create({ ...account('acc-1', 'ana'), displayName: 'Ana\u0000' }, entry(1)), 'usage');
      expect(refused.hint).toMatch(/NUL/);
      expect(await editorial.accounts.count()).toBe(0);
      expect(await editorial.audit.list({ limit: 10 })).toEqual([]);
    });

    it('names in the schema every constraint the adapter explains', async () => {
      const { rows } = await store.db.pool.query<{ conname: string }>(
        'SELECT conname FROM pg_constraint WHERE connamespace = $1::regnamespace',
        [store.schema],
      );
      const names = new Set(rows.map((r) => r.conname));
      expect(Object.values(CONSTRAINTS).filter((name) => !names.has(name))).toEqual([]);
    });
  });

  describe('shared and reopened', () => {
    const schemas: string[] = [];
    afterEach(async () => {
      for (const schema of schemas.splice(0)) await dropSchema(schema);
    });

    it('two stores on one schema (two pools) see each other’s writes and share one numbering', async () => {
      const schema = freshSchema();
      schemas.push(schema);
      const [one, two] = await Promise.all([open(schema), open(schema)]);
      try {
        const first = createPostgresEditorial(one);
        const second = createPostgresEditorial(two);
        await first.accounts.create(account('acc-1', 'ana'), entry(1));
        expect((await second.accounts.findByUsername('ana'))?.account.id).toBe('acc-1');
        const taken = await failure(second.accounts.create(account('acc-2', 'ana'), entry(2)), 'conflict');
        expect(taken.message).toMatch(/"ana" is taken/);
        await Promise.all([1, 2, 3, 4, 5].flatMap((n) => [first.audit.append(entry(10 + n)), second.audit.append(entry(20 + n))]));
        expect((await first.audit.list({ limit: 20 })).map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
        expect(await second.audit.list({ limit: 20 })).toEqual(await first.audit.list({ limit: 20 }));
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });

    it('reopening runs no migration twice and keeps the records', async () => {
      const schema = freshSchema();
      schemas.push(schema);
      const first = await open(schema);
      await createPostgresEditorial(first).accounts.create(account('acc-1', 'ana'), entry(1));
      await first.close();

      const again = await open(schema);
      try {
        const editorial = createPostgresEditorial(again);
        expect((await editorial.accounts.get('acc-1'))?.username).toBe('ana');
        expect((await editorial.audit.append(entry(2))).seq).toBe(2);
        const { rows } = await again.pool.query<{ name: string }>('SELECT name FROM citemed_migrations ORDER BY id');
        const files = readdirSync(new URL('./migrations', import.meta.url)).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
        expect(rows.map((r) => r.name)).toEqual(files);
        expect(files).toContain('0002_editorial');
      } finally {
        await again.close();
      }
    });
  });
});

describe('PostgreSQL errors in the port\'s terms', () => {
  const where = 'PostgreSQL 127.0.0.1:5432/test (citemed)';
  const pgError = (code: string) => Object.assign(new Error(`error ${code}`), { code });
  const codeOf = (error: unknown) => {
    const translated = translateEditorialError(error, where);
    return isCitemedError(translated) ? translated.code : translated;
  };

  it('maps duplicates, missing references and unstorable text, and leaves the rest to the library\'s translation', () => {
    expect(codeOf(pgError('23505'))).toBe('conflict');
    expect(codeOf(pgError('23503'))).toBe('not-found');
    expect(codeOf(pgError('22021'))).toBe('usage');
    expect(codeOf(pgError('ECONNREFUSED'))).toBe('service-unavailable');
    const explained = new CitemedError('conflict', 'the username "ana" is taken', { hint: 'choose another username' });
    expect(translateEditorialError(explained, where)).toBe(explained);
    const unknown = new Error('not a database error');
    expect(translateEditorialError(unknown, where)).toBe(unknown);
  });

  it('explains a named constraint in the change\'s words, and rethrows anything else as it was', () => {
    const explainer = explain({ accounts_username_key: { code: 'conflict', message: 'the username "ana" is taken', hint: 'choose another username' } });
    const duplicate = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'accounts_username_key' });
    const explained = (() => {
      try {
        return explainer(duplicate);
      } catch (error) {
        return error;
      }
    })();
    expect(explained).toMatchObject({ code: 'conflict', message: 'the username "ana" is taken', hint: 'choose another username', cause: duplicate });
    const otherConstraint = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'accounts_pkey' });
    expect(() => explainer(otherConstraint)).toThrow(otherConstraint);
  });
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('PostgreSQL editorial store', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}
