import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../../test/contracts/store.contract.js';
import { sourceInput, sourceWithPassages } from '../../../test/factories/sources.js';
import { dropSchema, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../../test/support/postgres.js';
import { CitemedError } from '../../domain/errors.js';
import { buildPassages } from '../../domain/passage.js';
import { buildSource } from '../../domain/source.js';
import type { Store, WriteOp } from '../../ports/store.js';
import { openPostgresStore } from './store.js';

const now = '2026-01-01T00:00:00.000Z';
const weights = { title: 4, section: 1, body: 1, terms: 2 };
const upsert = (overrides: Parameters<typeof sourceWithPassages>[0] = {}): WriteOp => ({ kind: 'upsert', ...sourceWithPassages(overrides) });
const open = (schema: string, create?: boolean): Promise<Store> =>
  openPostgresStore({ url: POSTGRES_URL, schema, poolSize: 4, ...(create === undefined ? {} : { create }) });

/** A store in a schema of its own that is dropped when the store closes. */
async function throwaway(): Promise<Store> {
  const schema = freshSchema();
  const store = await open(schema);
  return {
    ...store,
    async close() {
      await store.close();
      await dropSchema(schema);
    },
  };
}

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

if (POSTGRES_SKIP_REASON !== '') it.skip(POSTGRES_SKIP_REASON, () => {});

describe.skipIf(POSTGRES_SKIP_REASON !== '')('PostgreSQL store', () => {
  describeStoreContract('PostgreSQL', throwaway);

  describe('PostgreSQL specifics', () => {
    const schemas: string[] = [];
    const shared = (): string => {
      const schema = freshSchema();
      schemas.push(schema);
      return schema;
    };
    afterAll(async () => {
      for (const schema of schemas) await dropSchema(schema);
    });

    it('searches query syntax as words: operators, quotes and backslashes reach no parser', async () => {
      const store = await throwaway();
      try {
        await store.write({ ops: [upsert({ paragraphsText: [[['Results'], 'We saw foo bar baz in it\'s own right.']] })], now });
        const hostile = ["'foo & !bar' :* (baz)"];
        const hits = await store.search({ phrases: [hostile], limit: 5, weights });
        expect(hits.map((h) => h.passage.text)).toEqual(["We saw foo bar baz in it's own right."]);
        for (const term of ["it's", "'", '\\', "\\'", "''", '!', '&', '|', '<->', ':*', 'a:A', ')(', '<2>']) {
          await expect(store.search({ phrases: [[term], ['bar', term]], limit: 5, weights }), term).resolves.toBeInstanceOf(Array);
        }
        expect(await store.frequencies([{ tokens: hostile, stems: [] }])).toEqual([1]);
      } finally {
        await store.close();
      }
    });

    it('never matches a phrase across two fields', async () => {
      const store = await throwaway();
      try {
        // The title ends with "series"; the first section is "Background", the body starts "Iliopsoas".
        await store.write({ ops: [upsert()], now });
        expect(await store.search({ phrases: [['series', 'background']], limit: 5, weights })).toEqual([]);
        expect(await store.search({ phrases: [['background', 'iliopsoas']], limit: 5, weights })).toEqual([]);
        expect(await store.search({ phrases: [['case', 'series']], limit: 5, weights })).toHaveLength(2);
      } finally {
        await store.close();
      }
    });

    it('creates the schema and its tables on first open, and runs no migration twice on reopening', async () => {
      const schema = shared();
      const first = await open(schema);
      await first.write({ ops: [upsert()], now });
      await first.close();
      const tables = await sql<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
      expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['sources', 'passages', 'tombstones', 'ingest_files', 'passage_vectors', 'library_state']));
      const before = await sql<{ name: string; run_on: Date }>(`SELECT name, run_on FROM ${schema}.citemed_migrations ORDER BY name`);
      expect(before.map((m) => m.name)).toContain('0001_library');

      const again = await open(schema, false);
      expect((await again.stats()).passages).toBe(2);
      await again.close();
      const after = await sql<{ name: string; run_on: Date }>(`SELECT name, run_on FROM ${schema}.citemed_migrations ORDER BY name`);
      expect(after).toEqual(before);
    });

    it('refuses to create a library when asked only to read one', async () => {
      const schema = freshSchema();
      const error = await open(schema, false).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CitemedError);
      expect((error as CitemedError).code).toBe('not-found');
      expect(await sql('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).toEqual([]);
    });

    it('says the server is unreachable, without the password, when nothing listens', async () => {
      const error = await openPostgresStore({ url: 'postgres://citemed:s3cret@127.0.0.1:1/test', schema: 'citemed', poolSize: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CitemedError);
      expect((error as CitemedError).code).toBe('service-unavailable');
      expect((error as CitemedError).hint).toMatch(/PostgreSQL/);
      expect((error as CitemedError).message).not.toContain('s3cret');
    });

    it('two stores on one schema see each other\'s writes, through their caches', async () => {
      const schema = shared();
      const a = await open(schema);
      const b = await open(schema);
      try {
        const abscess = [{ tokens: ['abscess'], stems: ['abscess'] }];
        expect(await b.frequencies(abscess)).toEqual([0]);
        await a.write({ ops: [upsert()], now });
        expect(await b.frequencies(abscess)).toEqual([2]);
        expect((await b.corpusStats()).passages).toBe(2);
        expect((await b.getSource('pmid:1000001'))?.title).toBe('Management of iliopsoas abscess: a case series');

        const [p, q] = await b.listPassages('pmid:1000001');
        await a.putVectors('m', [{ passageId: p!.id, vector: Float32Array.from([1, 0]) }]);
        expect((await b.nearest({ model: 'm', vector: Float32Array.from([1, 0]), limit: 5 })).map((h) => h.passage.id)).toEqual([p!.id]);
        await a.putVectors('m', [{ passageId: q!.id, vector: Float32Array.from([0.9, 0.1]) }]);
        expect((await b.nearest({ model: 'm', vector: Float32Array.from([1, 0]), limit: 5 })).map((h) => h.passage.id)).toEqual([p!.id, q!.id]);
        expect((await b.vectorStats('m')).embedded).toBe(2);

        await a.write({ ops: [{ kind: 'delete', sourceId: 'pmid:1000001', origin: '/u.xml' }], now });
        expect(await b.frequencies(abscess)).toEqual([0]);
        expect((await b.corpusStats()).passages).toBe(0);
        expect((await b.vectorStats('m')).embedded).toBe(0);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('two writers adding one record at once store it once: one adds, the other finds it unchanged', async () => {
      const schema = shared();
      const a = await open(schema);
      const b = await open(schema);
      try {
        const batch = { ops: [upsert(), upsert({ id: 'pmid:2', ids: { pmid: '2' } })], now };
        const [ra, rb] = await Promise.all([a.write(batch), b.write(batch)]);
        const outcomes = [...ra!, ...rb!].map((r) => `${r.sourceId} ${r.outcome}`).sort();
        expect(outcomes).toEqual(['pmid:1000001 added', 'pmid:1000001 unchanged', 'pmid:2 added', 'pmid:2 unchanged']);
        expect((await a.stats()).sources).toBe(2);
        expect((await a.corpusStats()).passages).toBe(4);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('keeps its running totals equal to the rows they count, through adds, updates and deletes', async () => {
      const schema = shared();
      const store = await open(schema);
      try {
        await store.write({ ops: [upsert(), upsert({ id: 'pmid:2', ids: { pmid: '2' }, title: 'Another title of six words' })], now });
        await store.write({
          ops: [
            upsert({ version: { number: 2 }, paragraphsText: [[['Abstract'], 'One shorter passage now.']] }),
            { kind: 'delete', sourceId: 'pmid:2', origin: '/u.xml' },
            upsert({ id: 'pmid:3', ids: { pmid: '3' } }),
            { kind: 'delete', sourceId: 'pmid:3', origin: '/u.xml' },
          ],
          now,
        });
        const [actual] = await sql<{ sources: number; passages: number; title: number; body: number; section: number; terms: number }>(
          `SELECT (SELECT count(*) FROM ${schema}.sources)::int AS sources, count(*)::int AS passages,
             (avg(title_tokens))::float8 AS title, (avg(body_tokens))::float8 AS body,
             (avg(section_tokens))::float8 AS section, (avg(terms_tokens))::float8 AS terms FROM ${schema}.passages`,
        );
        const stats = await store.corpusStats();
        expect(stats).toEqual({
          sources: 1,
          passages: 1,
          meanTokens: { title: actual!.title, section: actual!.section, body: actual!.body, terms: actual!.terms },
        });
        expect(actual).toMatchObject({ sources: 1, passages: 1 });
        // "Management of iliopsoas abscess: a case series"; "One shorter passage now."
        expect(stats.meanTokens).toEqual({ title: 7, section: 1, body: 4, terms: 3 });
      } finally {
        await store.close();
      }
    });

    it('counts a phrase up to 5,000 matches, then takes its rarest word\'s frequency, as SQLite does', async () => {
      const store = await throwaway();
      try {
        // "alpha beta" is in 5,050 passages; each of its words in 5,250.
        const body = (text: string, n: number) => Array.from({ length: n }, (_, i): [string[], string] => [['Body'], `${text} ${i}.`]);
        await store.write({ ops: [upsert({ paragraphsText: [...body('alpha beta', 5_050), ...body('alpha gamma', 200), ...body('beta gamma', 200)] })], now });
        const phrase = (tokens: string[]) => ({ tokens, stems: tokens });
        const [saturated, under, word] = await store.frequencies([phrase(['alpha', 'beta']), phrase(['alpha', 'gamma']), phrase(['alpha'])]);
        expect(saturated).toBe(5_250);
        expect(under).toBe(200);
        expect(word).toBe(5_250);
      } finally {
        await store.close();
      }
    });

    it('indexes every word of a passage longer than a tsvector has positions for', async () => {
      const store = await throwaway();
      try {
        // One passage of 20,000 words, past the 16,383 positions of a tsvector.
        const words = Array.from({ length: 20_000 }, (_, i) => `w${i}`);
        const input = sourceInput({ paragraphsText: [[['Body'], words.join(' ')]] });
        const source = buildSource(input);
        const passages = buildPassages(source, input.paragraphs, { maxChars: 1_000_000, minChars: 0 });
        expect(passages).toHaveLength(1);
        await store.write({ ops: [{ kind: 'upsert', source, passages }], now });
        expect(await store.search({ phrases: [['w19999']], limit: 5, weights })).toHaveLength(1);
        expect(await store.search({ phrases: [['w100', 'w101']], limit: 5, weights })).toHaveLength(1);
        expect((await store.corpusStats()).meanTokens.body).toBe(20_000);
      } finally {
        await store.close();
      }
    });

    it('a save of word associations while another process saves fails at once, and what was saved stays', async () => {
      const schema = shared();
      const store = await open(schema);
      const learned = { passages: 100, sample: 50_000, meanDistinctTerms: 40 };
      const holder = new pg.Client({ connectionString: POSTGRES_URL });
      await holder.connect();
      try {
        await store.associations!.save(learned, [['nac', [{ term: 'acetylcystein', share: 0.9 }]]]);
        // The other process: inside its saving transaction, holding the same advisory lock.
        await holder.query('BEGIN');
        await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`citemed.associations.${schema}`]);
        const started = Date.now();
        await expect(store.associations!.save({ ...learned, passages: 200 }, [['liver', [{ term: 'hepat', share: 0.5 }]]])).rejects.toMatchObject({
          code: 'database-locked',
        });
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(await store.associations!.learned()).toEqual(learned);
        expect((await store.associations!.of(['nac', 'liver'])).size).toBe(1);
        await holder.query('ROLLBACK');
        await store.associations!.save({ ...learned, passages: 200 }, [['liver', [{ term: 'hepat', share: 0.5 }]]]);
        expect((await store.associations!.learned())?.passages).toBe(200);
      } finally {
        await holder.end();
        await store.close();
      }
    });
  });
});
