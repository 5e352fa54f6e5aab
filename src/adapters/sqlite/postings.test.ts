import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceWithPassages } from '../../../test/factories/sources.js';
import type { FieldWeights, PassageHit, Store, WriteOp } from '../../ports/store.js';
import Database from 'better-sqlite3';
import { dropPostingsSchema } from '../../../test/support/sqlite-schema.js';
import { SCHEMA_VERSION } from './schema.js';
import { createPostingsRanker, createTokenizer } from './postings.js';
import { FTS_TOKENIZE } from './schema.js';
import { openSqliteStore } from './sqlite-store.js';

/**
 * The postings index must rank exactly as FTS5's bm25() does: same passages, same scores, for
 * any query, before and after the library changes. Each test opens the same file twice: one
 * store ranks from the postings index, the other (usePostings: false) from FTS5 alone.
 */

const WORDS = [
  'abscess', 'iliopsoas', 'drainage', 'percutaneous', 'surgery', 'antibiotic', 'antibiotics', 'fever', 'pain',
  'hip', 'psoas', 'hematoma', 'anticoagulation', 'warfarin', 'bleeding', 'trial', 'randomized', 'cohort',
  'outcome', 'outcomes', 'mortality', 'children', 'adults', 'covid-19', 'β-blocker', 'staphylococcus', 'aureus',
  'ct', 'mri', 'imaging', 'the', 'of', 'and', 'in', 'naïve', 'running', 'runs',
];
const WEIGHTS: FieldWeights = { title: 4, section: 0.5, body: 1, terms: 2 };
const NOW = '2026-01-01T00:00:00.000Z';

/** A deterministic library: `count` sources of 1–3 passages drawn from WORDS (a linear congruential generator). */
function library(count: number, seed: number, from = 0): WriteOp[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const words = (n: number) => Array.from({ length: n }, () => WORDS[next(WORDS.length)]!).join(' ');
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const paragraphs: [string[], string][] = Array.from({ length: 1 + next(3) }, (_, p) => [[p === 0 ? 'Background' : `Part ${p}`], `${words(5 + next(40))}.`]);
    const { source, passages } = sourceWithPassages({
      id: `pmid:${2_000_000 + i}`,
      ids: { pmid: String(2_000_000 + i) },
      title: words(2 + next(8)),
      keywords: next(2) === 0 ? [words(1)] : [],
      mesh: [{ descriptor: words(1 + next(2)), majorTopic: false, qualifiers: [] }],
      paragraphsText: paragraphs,
    });
    return { kind: 'upsert', source, passages } as WriteOp;
  });
}

const QUERIES: string[][][] = [
  [['abscess']],
  [['iliopsoas'], ['abscess'], ['drainage']],
  [['iliopsoas', 'abscess'], ['abscess']],
  [['percutaneous', 'drainage'], ['surgery'], ['the']],
  [['covid-19'], ['β-blocker']],
  [['naive'], ['running'], ['runs'], ['run']],
  [['"quoted"'], ['NEAR'], ['*'], ['abscess']],
  [['unindexedword'], ['hip']],
  [['—'], ['fever'], ['']],
  [['of', 'the'], ['and']],
];

let stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});

function open(file: string, usePostings: boolean): Store {
  const store = openSqliteStore({ path: file, busyTimeoutMs: 1_000, cacheMiB: 4, usePostings });
  stores.push(store);
  return store;
}

async function twoStores(count: number, seed: number): Promise<{ fast: Store; fts: Store; file: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'citemed-postings-')), 'library.db');
  const fast = open(file, true);
  await fast.write({ ops: library(count, seed), now: NOW });
  return { fast, fts: open(file, false), file };
}

/** Same scores in the same order; passages must agree except where scores tie at the cut. */
function expectSameRanking(actual: PassageHit[], expected: PassageHit[]): void {
  expect(actual.map((h) => h.score)).toHaveLength(expected.length);
  actual.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 9));
  const cut = expected.at(-1)?.score ?? 0;
  const above = (hits: PassageHit[]) => hits.filter((h) => h.score > cut + 1e-9).map((h) => h.passage.id).sort();
  expect(above(actual)).toEqual(above(expected));
}

async function expectSameSearches(fast: Store, fts: Store, queries: string[][][] = QUERIES): Promise<void> {
  for (const phrases of queries) {
    for (const limit of [1, 10, 100]) {
      const query = { phrases, limit, weights: WEIGHTS };
      expectSameRanking(await fast.search(query), await fts.search(query));
    }
  }
}

describe('the query tokenizer', () => {
  it('cuts a plain lower-case word as FTS5 does without asking it, and anything else through FTS5 (property)', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE fts USING fts5(t, tokenize='${FTS_TOKENIZE}')`);
    db.exec(`CREATE VIRTUAL TABLE terms USING fts5vocab('fts', 'instance')`);
    const put = db.prepare('INSERT INTO fts (rowid, t) VALUES (1, ?)');
    const read = db.prepare('SELECT term FROM terms ORDER BY "offset"').pluck();
    const clear = db.prepare('DELETE FROM fts');
    const byFts5 = (token: string) => {
      put.run(token);
      const terms = read.all();
      clear.run();
      return terms;
    };
    const tokenize = createTokenizer(db);
    const words = ['treatment', 'randomized', 'randomised', 'tumours', 'analyses', 'signalling', 'colchicine', 'is', 'ox', 'sky', 'generalizations', `${'b'.repeat(58)}ations`, `${'b'.repeat(59)}ations`, `${'b'.repeat(60)}ations`];
    for (const word of words) expect(tokenize(word), word).toEqual(byFts5(word));
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[a-z]{1,70}$/), fc.stringMatching(/^[a-zA-Z0-9éα-]{1,12}$/)), (token) => {
        expect(tokenize(token)).toEqual(byFts5(token));
      }),
      { numRuns: 5_000 },
    );
    db.close();
  });
});

describe('postings index', () => {
  it('ranks the same passages with the same scores as FTS5', async () => {
    const { fast, fts } = await twoStores(300, 7);
    expect(await fast.postings!.state()).toBeUndefined();
    const built = await fast.postings!.build();
    expect(built).toMatchObject({ newer: 0, removed: 0 });
    expect(built.passages).toBeGreaterThan(300);
    expect(built.terms).toBeGreaterThan(20);
    await expectSameSearches(fast, fts);
    const hits = await fast.search({ phrases: [['abscess']], limit: 5, weights: WEIGHTS });
    expect(hits.length).toBe(5);
    expect(hits[0]!.passage.text.toLowerCase()).toContain('abscess');
  });

  it('matches FTS5 for any phrases drawn from the vocabulary and any field weights (property)', async () => {
    const { fast, fts } = await twoStores(150, 11);
    await fast.postings!.build();
    const token = fc.constantFrom(...WORDS, 'absent', 'Abscess', 'x"y');
    const weight = fc.double({ min: 0, max: 8, noNaN: true });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(token, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.record({ title: weight, section: weight, body: weight, terms: weight }),
        fc.integer({ min: 1, max: 60 }),
        async (phrases, weights, limit) => {
          const query = { phrases, limit, weights };
          expectSameRanking(await fast.search(query), await fts.search(query));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stays exact as passages are added and replaced after the build, and a rebuild covers them', async () => {
    const { fast, fts } = await twoStores(200, 3);
    await fast.postings!.build();
    // New sources (rowids above the watermark) and changed ones (their old rows deleted).
    await fast.write({ ops: [...library(40, 99, 200), ...library(30, 5, 0)], now: NOW });
    const state = (await fast.postings!.state())!;
    expect(state.newer).toBeGreaterThan(40);
    expect(state.removed).toBeGreaterThan(0);
    await expectSameSearches(fast, fts);
    // Written by another connection: the first store must notice.
    await fts.write({ ops: library(10, 42, 500), now: NOW });
    await expectSameSearches(fast, fts);
    const rebuilt = await fast.postings!.build();
    expect(rebuilt).toMatchObject({ newer: 0, removed: 0 });
    await expectSameSearches(fast, fts);
  });

  it('stays exact as passages added after the build are replaced and removed once searches have read them', async () => {
    const { fast, fts } = await twoStores(100, 19);
    await fast.postings!.build();
    await fast.write({ ops: library(60, 23, 300), now: NOW });
    await expectSameSearches(fast, fts);
    // The same sources with other text (their newer passages deleted, new ones added), and some deleted outright.
    const replaced = library(20, 29, 300);
    const deleted = library(60, 23, 300).slice(40, 50) as Extract<WriteOp, { kind: 'upsert' }>[];
    await fast.write({
      ops: [...replaced, ...deleted.map((op) => ({ kind: 'delete', sourceId: op.source.id, origin: 'test' }) as WriteOp)],
      now: NOW,
    });
    expect((await fast.postings!.state())!.removed).toBe(0);
    await expectSameSearches(fast, fts);
    const phrases = WORDS.map((w) => ({ tokens: [w], stems: [w] }));
    expect(await fast.frequencies(phrases)).toEqual(await fts.frequencies(phrases));
    const token = fc.constantFrom(...WORDS, 'absent');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(token, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), async (query) => {
        expectSameRanking(await fast.search({ phrases: query, limit: 50, weights: WEIGHTS }), await fts.search({ phrases: query, limit: 50, weights: WEIGHTS }));
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same document frequencies as the vocabulary', async () => {
    const { fast, fts } = await twoStores(120, 5);
    await fast.postings!.build();
    const phrases = WORDS.map((w) => ({ tokens: [w], stems: [w] }));
    expect(await fast.frequencies(phrases)).toEqual(await fts.frequencies(phrases));
    await fast.write({ ops: library(20, 8, 0), now: NOW });
    expect(await fast.frequencies(phrases)).toEqual(await fts.frequencies(phrases));
  });

  it('stays exact when covered row ids are given to new passages, which FTS5 then ranks', async () => {
    const { fast, fts } = await twoStores(50, 13);
    await fast.postings!.build();
    // The sources holding the largest rowids are deleted; SQLite gives those rowids to the next passages.
    const lastTwo = library(50, 13).slice(-2) as Extract<WriteOp, { kind: 'upsert' }>[];
    const removed = lastTwo.reduce((n, op) => n + op.passages.length, 0);
    await fast.write({ ops: lastTwo.map((op) => ({ kind: 'delete', sourceId: op.source.id, origin: 'test' }) as WriteOp), now: NOW });
    await expectSameSearches(fast, fts);
    await fast.write({ ops: library(3, 77, 900), now: NOW });
    const state = (await fast.postings!.state())!;
    expect(state.removed).toBe(removed);
    expect(state.newer).toBeGreaterThanOrEqual(3);
    await expectSameSearches(fast, fts);
    await fast.postings!.build();
    expect(await fast.postings!.state()).toMatchObject({ newer: 0, removed: 0 });
    await expectSameSearches(fast, fts);
  });

  it('reports build progress, and drop removes the index', async () => {
    const { fast, fts } = await twoStores(60, 17);
    const seen: number[] = [];
    const built = await fast.postings!.build((p) => seen.push(p.done));
    expect(seen.length).toBeGreaterThan(0);
    expect(built.bytes).toBeGreaterThan(0);
    await fast.postings!.drop();
    expect(await fast.postings!.state()).toBeUndefined();
    expect((await fast.stats()).postings).toBeUndefined();
    await expectSameSearches(fast, fts);
  });

  it('refuses an in-memory library with a clear error', async () => {
    const store = openSqliteStore({ path: ':memory:', busyTimeoutMs: 1_000, cacheMiB: 4 });
    stores.push(store);
    await expect(store.postings!.build()).rejects.toThrow(/in-memory library/);
  });

  it('a schema-4 library gains the postings tables on open and can build the index', async () => {
    const { fast, file } = await twoStores(40, 23);
    await fast.close();
    const raw = new Database(file);
    dropPostingsSchema(raw);
    raw.pragma('user_version = 4');
    raw.close();

    const upgraded = open(file, true);
    expect((await upgraded.stats()).postings).toBeUndefined();
    const built = await upgraded.postings!.build();
    expect(built.passages).toBe((await upgraded.stats()).passages);
    await upgraded.close();
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(5);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'postings_gone_on_delete'").get()).toEqual({ n: 1 });
    check.close();
  });

  it('keeps the library writable while it builds: what changes meanwhile is covered or skipped', async () => {
    const { fast, fts } = await twoStores(120, 29);
    await fast.postings!.build();
    const changed = library(20, 31, 0); // new versions of the first 20 sources: their old passages go
    let wrote = false;
    // Progress is reported between the build's write transactions; another connection writes there.
    await fast.postings!.build(() => {
      if (wrote) return;
      wrote = true;
      void fts.write({ ops: [...changed, ...library(10, 37, 700)], now: NOW });
    });
    expect(wrote).toBe(true);
    const state = (await fast.postings!.state())!;
    expect(state.removed).toBeGreaterThan(0);
    await expectSameSearches(fast, fts);
  });

  it('a build taken over by a newer one, or stopped by drop, stops and leaves a working index', async () => {
    const { fast, fts, file } = await twoStores(80, 41);
    await fast.postings!.build();
    const other = open(file, true);
    let nested = false;
    await expect(
      fast.postings!.build(() => {
        if (nested) return;
        nested = true;
        void other.postings!.build();
      }),
    ).rejects.toThrow(/taken over by another `citemed index`/);
    await expectSameSearches(fast, fts);
    await expectSameSearches(other, fts);

    let dropped = false;
    await expect(
      fast.postings!.build(() => {
        if (dropped) return;
        dropped = true;
        void other.postings!.drop();
      }),
    ).rejects.toThrow(/stopped by `citemed index --drop`/);
    expect(await fast.postings!.state()).toBeUndefined();
    await expectSameSearches(fast, fts);
  });

  it('holds at most its limit of newer passages; past it, FTS5 ranks until a rebuild', async () => {
    const { fast, fts, file } = await twoStores(40, 43);
    await fast.postings!.build();
    await fast.write({ ops: library(4, 47, 800), now: NOW });
    const raw = new Database(file, { readonly: true });
    const vocabulary = () => undefined;
    const roomy = createPostingsRanker(raw, vocabulary, { newerLimit: 100 });
    const tight = createPostingsRanker(raw, vocabulary, { newerLimit: 3 });
    const phrases = [['abscess'], ['drainage'], ['iliopsoas', 'abscess']];
    const expected = await fts.search({ phrases, limit: 20, weights: WEIGHTS });
    const ranked = roomy.rank(phrases, WEIGHTS, 20)!;
    expect(ranked.map((r) => r.score)).toEqual(expected.map((h) => expect.closeTo(h.score, 9)));
    expect(roomy.tokenFrequency('abscess')).toBeGreaterThan(0);
    expect(tight.rank(phrases, WEIGHTS, 20)).toBeUndefined();
    expect(tight.tokenFrequency('abscess')).toBeUndefined();
    raw.close();
  });

  it('scores phrases of common words through FTS5, with the same result', async () => {
    const { fast, fts, file } = await twoStores(60, 53);
    await fast.postings!.build();
    await fast.write({ ops: library(5, 59, 900), now: NOW });
    const raw = new Database(file, { readonly: true });
    const vocabulary = () => undefined;
    const fromPositions = createPostingsRanker(raw, vocabulary);
    const throughFts5 = createPostingsRanker(raw, vocabulary, { phrasePostingsLimit: 0 });
    for (const phrases of QUERIES) {
      const expected = (await fts.search({ phrases, limit: 30, weights: WEIGHTS })).map((h) => expect.closeTo(h.score, 9));
      expect(fromPositions.rank(phrases, WEIGHTS, 30)!.map((r) => r.score)).toEqual(expected);
      expect(throughFts5.rank(phrases, WEIGHTS, 30)!.map((r) => r.score)).toEqual(expected);
    }
    raw.close();
  });
});
