import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { emptyCounts, type FileProgress } from '../../src/domain/ingest-progress.js';
import type { Store, WriteOp } from '../../src/ports/store.js';
import { sourceWithPassages } from '../factories/sources.js';

/**
 * The behaviour every Store implementation must have. Run it from each adapter's test file
 * with a factory that returns a fresh, empty store.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const now = '2026-01-01T00:00:00.000Z';
    const weights = { title: 4, section: 1, body: 1, terms: 2 };
    const upsert = (overrides: Parameters<typeof sourceWithPassages>[0] = {}): WriteOp => ({
      kind: 'upsert',
      ...sourceWithPassages(overrides),
    });

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('adds a source with its passages and reads them back unchanged', async () => {
      const op = upsert();
      const results = await store.write({ ops: [op], now });
      expect(results).toEqual([{ sourceId: 'pmid:1000001', outcome: 'added', line: 1 }]);
      const source = await store.getSource('pmid:1000001');
      expect(source).toEqual(op.kind === 'upsert' ? op.source : undefined);
      const passages = await store.listPassages('pmid:1000001');
      expect(passages).toEqual(op.kind === 'upsert' ? op.passages : []);
      for (const p of passages) expect(source?.text.slice(p.start, p.end)).toBe(p.text);
    });

    it('writing the same source again changes nothing and reports it unchanged', async () => {
      await store.write({ ops: [upsert()], now });
      const results = await store.write({ ops: [upsert()], now });
      expect(results[0]?.outcome).toBe('unchanged');
      const stats = await store.stats();
      expect(stats.sources).toBe(1);
      expect(stats.passages).toBe(2);
    });

    it('a newer version replaces the older, and its old passages leave the index', async () => {
      await store.write({ ops: [upsert()], now });
      const newer = upsert({
        version: { number: 1, revised: '2022-06-01' },
        keywords: [],
        paragraphsText: [[['Abstract'], 'Revised abstract about retroperitoneal haematoma only.']],
      });
      expect((await store.write({ ops: [newer], now }))[0]?.outcome).toBe('updated');
      expect(await store.listPassages('pmid:1000001')).toHaveLength(1);
      expect(await store.search({ phrases: [['drainage']], limit: 10, weights })).toHaveLength(0);
      expect(await store.search({ phrases: [['haematoma']], limit: 10, weights })).toHaveLength(1);
    });

    it('an older version never replaces a newer one', async () => {
      await store.write({ ops: [upsert({ version: { number: 1, revised: '2023-01-01' } })], now });
      const older = upsert({ version: { number: 1, revised: '2019-01-01' }, title: 'Old title' });
      const [result] = await store.write({ ops: [older], now });
      expect(result?.outcome).toBe('kept-newer');
      expect((await store.getSource('pmid:1000001'))?.title).toBe('Management of iliopsoas abscess: a case series');
    });

    it('a delete removes the source and keeps it from coming back', async () => {
      await store.write({ ops: [upsert()], now });
      const [deleted] = await store.write({ ops: [{ kind: 'delete', sourceId: 'pmid:1000001', origin: '/u.xml' }], now });
      expect(deleted?.outcome).toBe('deleted');
      expect(await store.getSource('pmid:1000001')).toBeUndefined();
      expect(await store.search({ phrases: [['iliopsoas']], limit: 10, weights })).toHaveLength(0);
      const [again] = await store.write({ ops: [upsert()], now });
      expect(again).toEqual({ sourceId: 'pmid:1000001', outcome: 'deleted-earlier', detail: '/u.xml', line: 1 });
      const [missing] = await store.write({ ops: [{ kind: 'delete', sourceId: 'pmid:9', origin: '/u.xml' }], now });
      expect(missing?.outcome).toBe('delete-missing');
      expect((await store.stats()).deletedIds).toBe(2);
    });

    it('two documents claiming one id from different files is a collision, not an overwrite', async () => {
      const doc = (path: string, title: string) =>
        upsert({ id: 'doc:overview-x', ids: {}, title, origin: { format: 'markdown', path, line: 1 } });
      await store.write({ ops: [doc('/a/x.md', 'First')], now });
      const [result] = await store.write({ ops: [doc('/b/x.md', 'Second')], now });
      expect(result).toEqual({ sourceId: 'doc:overview-x', outcome: 'id-collision', detail: '/a/x.md', line: 1 });
      expect((await store.getSource('doc:overview-x'))?.title).toBe('First');
    });

    it('saves the file checkpoint with the batch, counting the batch outcomes', async () => {
      const progress: FileProgress = {
        key: 'k1', path: '/data/test.xml', sizeBytes: 10, itemsDone: 2, status: 'running',
        counts: emptyCounts(), skippedSample: [], startedAt: now, updatedAt: now,
      };
      await store.write({ ops: [upsert(), upsert()], progress, now });
      const saved = await store.getProgress('k1');
      expect(saved?.itemsDone).toBe(2);
      expect(saved?.counts.added).toBe(1);
      expect(saved?.counts.skipped.unchanged).toBe(1);
      expect(await store.getProgress('other')).toBeUndefined();
    });

    it('finds sources by id, PMID, PMCID and DOI', async () => {
      await store.write({ ops: [upsert({ ids: { pmid: '1000001', pmcid: 'PMC42', doi: '10.1000/XYZ' } })], now });
      for (const ref of ['pmid:1000001', 'PMID:1000001', ' PMID: 1000001 ', '1000001', 'PMC42', 'pmc42', '10.1000/xyz']) {
        expect(await store.findSourceIds(ref), ref).toEqual(['pmid:1000001']);
      }
      expect(await store.findSourceIds('nothing')).toEqual([]);
    });

    it('names the work of a source that is a version of another (the PMC full text of a PubMed article)', async () => {
      await store.write({
        ops: [
          upsert(),
          upsert({ id: 'pmc:PMC77', ids: { pmcid: 'PMC77', pmid: '1000001' }, paragraphsText: [[['Results'], 'The abscess resolved after drainage in most patients.']] }),
          upsert({ id: 'pmc:PMC78', ids: { pmcid: 'PMC78', doi: '10.1000/AbC' }, paragraphsText: [[['Results'], 'A second abscess series.']] }),
        ],
        now,
      });
      const hits = await store.search({ phrases: [['abscess']], limit: 10, weights });
      const works = Object.fromEntries(hits.map((h) => [h.source.id, h.source.work ?? null]));
      expect(works).toEqual({ 'pmid:1000001': null, 'pmc:PMC77': 'pmid:1000001', 'pmc:PMC78': 'doi:10.1000/abc' });
    });

    it('finds the versions of works by PMID and by DOI (any case), with their integrity, in one call', async () => {
      await store.write({
        ops: [
          upsert({ publicationTypes: ['Retracted Publication'], ids: { pmid: '1000001', doi: '10.1000/XyZ' } }),
          upsert({ id: 'pmc:PMC77', ids: { pmcid: 'PMC77', pmid: '1000001' } }),
          upsert({ id: 'pmc:PMC78', ids: { pmcid: 'PMC78', doi: '10.1000/xyz' } }),
          upsert({ id: 'pmid:5', ids: { pmid: '5' } }),
        ],
        now,
      });
      expect(await store.versionsOf({ pmids: ['1000001'], dois: ['10.1000/XYZ'] })).toEqual([
        { id: 'pmc:PMC77', pmid: '1000001', integrity: 'ok' },
        { id: 'pmc:PMC78', doi: '10.1000/xyz', integrity: 'ok' },
        { id: 'pmid:1000001', pmid: '1000001', doi: '10.1000/XyZ', integrity: 'retracted' },
      ]);
      expect(await store.versionsOf({ pmids: ['5', '404'], dois: [] })).toEqual([{ id: 'pmid:5', pmid: '5', integrity: 'ok' }]);
      expect(await store.versionsOf({ pmids: [], dois: [] })).toEqual([]);
    });

    it('ranks a title match first and filters by evidence level and year', async () => {
      await store.write({
        ops: [
          upsert(),
          upsert({
            id: 'pmid:2', ids: { pmid: '2' }, title: 'Statins for primary prevention', year: 2015,
            publicationTypes: ['Systematic Review'], mesh: [], keywords: [],
            paragraphsText: [[['Abstract'], 'Statins reduce events; one patient had an abscess.']],
          }),
        ],
        now,
      });
      const hits = await store.search({ phrases: [['abscess']], limit: 10, weights });
      expect(hits.map((h) => h.source.id)[0]).toBe('pmid:1000001');
      expect(hits[0]!.score).toBeGreaterThan(hits[hits.length - 1]!.score);
      const reviews = await store.search({ phrases: [['abscess']], limit: 10, weights, filters: { evidenceLevels: ['systematic-review'] } });
      expect(reviews.map((h) => h.source.id)).toEqual(['pmid:2']);
      const recent = await store.search({ phrases: [['abscess']], limit: 10, weights, filters: { yearFrom: 2018 } });
      expect(new Set(recent.map((h) => h.source.id))).toEqual(new Set(['pmid:1000001']));
      const typed = await store.search({ phrases: [['abscess']], limit: 10, weights, filters: { publicationTypes: ['systematic review'] } });
      expect(typed.map((h) => h.source.id)).toEqual(['pmid:2']);
      const collection = await store.search({ phrases: [['abscess']], limit: 10, weights, filters: { formats: ['markdown'] } });
      expect(collection).toEqual([]);
    });

    it('matches phrases as adjacent words and counts how many passages hold each', async () => {
      await store.write({ ops: [upsert()], now });
      const [hit] = await store.search({ phrases: [['iliopsoas', 'abscess']], limit: 10, weights });
      expect(hit?.fields.title).toBe('Management of iliopsoas abscess: a case series');
      expect(await store.search({ phrases: [['abscess', 'iliopsoas']], limit: 10, weights })).toEqual([]);
      const stats = await store.corpusStats();
      expect(stats.passages).toBe(2);
      expect(stats.sources).toBe(1);
      expect(stats.meanTokens.title).toBeGreaterThan(4);
      expect(stats.meanTokens.body).toBeGreaterThan(1);
      const phrase = (tokens: string[], stems = tokens) => ({ tokens, stems });
      const [both, none, reversed, stemmed] = await store.frequencies([
        phrase(['abscess']),
        phrase(['zebra']),
        phrase(['abscess', 'iliopsoas']),
        // "succeeded" is indexed under the stem "succeed": found through the vocabulary.
        phrase(['succeeded'], ['succeed']),
      ]);
      expect(both).toBe(2);
      expect(none).toBe(0);
      expect(reversed).toBe(0);
      expect(stemmed).toBe(1);
      // A wrong stem falls back to counting matches, which is exact.
      expect(await store.frequencies([phrase(['succeeded'], ['not-a-stem'])])).toEqual([1]);
      await store.write({ ops: [{ kind: 'delete', sourceId: 'pmid:1000001', origin: '/u.xml' }], now });
      expect(await store.frequencies([phrase(['abscess'])])).toEqual([0]);
      expect((await store.corpusStats()).passages).toBe(0);
    });

    it('user text with query syntax is searched as words, never as operators', async () => {
      await store.write({ ops: [upsert()], now });
      for (const term of ['"', 'NEAR(', '*', 'AND', 'OR', '(', ')', 'abscess"', '^x', ':', '-']) {
        await expect(store.search({ phrases: [[term], ['abscess', term]], limit: 5, weights })).resolves.toBeInstanceOf(Array);
      }
    });

    it('keeps odd Unicode and very large text intact', async () => {
      // ~1 MB of distinct sentences (identical passages within a source are stored once).
      const big = Array.from({ length: 30_000 }, (_, i) => `Ωmega‐3 ${i} 𝛼-tocopherol ثلاثة 中文 e\u0301.`).join(' ');
      const op = upsert({ id: 'pmid:77', ids: { pmid: '77' }, title: '𝛼 study — 🧪', paragraphsText: [[['Abstract'], big]] });
      await store.write({ ops: [op], now });
      const source = await store.getSource('pmid:77');
      expect(source?.title).toBe('𝛼 study — 🧪');
      expect(source?.text).toBe(big.trim());
      const passages = await store.listPassages('pmid:77');
      expect(passages.map((p) => p.text).join(' ')).toBe(big);
    });

    describe('vectors for hybrid search', () => {
      const model = 'toy-embed';
      const vec = (...xs: number[]) => Float32Array.from(xs);
      const twoSources = () =>
        store.write({
          ops: [
            upsert(),
            upsert({
              id: 'pmid:2', ids: { pmid: '2' }, title: 'Statins for primary prevention', year: 2015,
              publicationTypes: ['Systematic Review'], mesh: [], keywords: [],
              paragraphsText: [[['Abstract'], 'Statins reduce cardiovascular events in adults at risk.']],
            }),
          ],
          now,
        });

      it('hands out every passage without a vector once, in pages, and stores vectors per model', async () => {
        await twoSources();
        const seen: string[] = [];
        let cursor: string | undefined;
        for (;;) {
          const page = await store.passagesToEmbed(model, 2, cursor);
          if (page.passages.length === 0) break;
          expect(page.passages.length).toBeLessThanOrEqual(2);
          seen.push(...page.passages.map((p) => p.id));
          cursor = page.cursor;
        }
        const all = [...(await store.listPassages('pmid:1000001')), ...(await store.listPassages('pmid:2'))];
        expect(new Set(seen)).toEqual(new Set(all.map((p) => p.id)));
        expect(seen).toHaveLength(all.length);

        const first = (await store.passagesToEmbed(model, 10)).passages;
        expect(first.find((p) => p.id === all[2]!.id)).toMatchObject({ title: 'Statins for primary prevention', section: 'Abstract' });
        expect(await store.putVectors(model, [{ passageId: all[0]!.id, vector: vec(3, 4, 0) }])).toBe(1);
        const left = (await store.passagesToEmbed(model, 10)).passages.map((p) => p.id);
        expect(left).not.toContain(all[0]!.id);
        expect(left).toHaveLength(all.length - 1);
        // Another model has its own vectors.
        expect((await store.passagesToEmbed('other-model', 10)).passages).toHaveLength(all.length);
        expect(await store.vectorStats(model)).toEqual({ passages: all.length, embedded: 1, dimensions: 3 });
        expect(await store.vectorStats('other-model')).toEqual({ passages: all.length, embedded: 0 });
      });

      it('finds the nearest passages by cosine, best first, and applies filters', async () => {
        await twoSources();
        const [a, b] = await store.listPassages('pmid:1000001');
        const [c] = await store.listPassages('pmid:2');
        await store.putVectors(model, [
          { passageId: a!.id, vector: vec(10, 0, 0) }, // length does not matter: cosine
          { passageId: b!.id, vector: vec(1, 1, 0) },
          { passageId: c!.id, vector: vec(0, 0, 2) },
        ]);
        const hits = await store.nearest({ model, vector: vec(1, 0.1, 0), limit: 3 });
        expect(hits.map((h) => h.passage.id)).toEqual([a!.id, b!.id, c!.id]);
        expect(hits[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
        expect(hits[2]!.score).toBeCloseTo(0, 5);
        expect(hits[0]!.source.title).toBe('Management of iliopsoas abscess: a case series');
        expect(hits[0]!.fields.section).toBe(a!.section);
        expect((await store.nearest({ model, vector: vec(1, 0.1, 0), limit: 1 })).map((h) => h.passage.id)).toEqual([a!.id]);
        const reviews = await store.nearest({ model, vector: vec(1, 0, 0), limit: 2, filters: { evidenceLevels: ['systematic-review'] } });
        expect(reviews.map((h) => h.passage.id)).toEqual([c!.id]);
        expect(await store.nearest({ model: 'other-model', vector: vec(1, 0, 0), limit: 3 })).toEqual([]);
      });

      it('refuses vectors of another length than the model already has, storing none of the batch', async () => {
        await twoSources();
        const [a, b] = await store.listPassages('pmid:1000001');
        await store.putVectors(model, [{ passageId: a!.id, vector: vec(1, 0) }]);
        await expect(store.putVectors(model, [{ passageId: b!.id, vector: vec(1, 0) }, { passageId: a!.id, vector: vec(1, 0, 0) }])).rejects.toThrow(/3 numbers/);
        expect((await store.vectorStats(model)).embedded).toBe(1);
        await expect(store.nearest({ model, vector: vec(1, 0, 0), limit: 1 })).rejects.toThrow(/vectors for "toy-embed" have 2/);
        expect(await store.dropVectors(model)).toBe(1);
        expect(await store.putVectors(model, [{ passageId: a!.id, vector: vec(1, 0, 0) }])).toBe(1);
      });

      it('skips vectors of unknown passages, keeps vectors of unchanged text and prunes orphans', async () => {
        await store.write({ ops: [upsert()], now });
        const [a, b] = await store.listPassages('pmid:1000001');
        expect(await store.putVectors(model, [{ passageId: 'no-such-passage', vector: vec(1, 0) }])).toBe(0);
        await store.putVectors(model, [{ passageId: a!.id, vector: vec(1, 0) }, { passageId: b!.id, vector: vec(0, 1) }]);
        // A newer version keeps the first paragraph as it was and rewrites the second.
        const newer = upsert({
          version: { number: 1, revised: '2022-06-01' },
          paragraphsText: [[['Background'], a!.text], [['Results'], 'A rewritten second paragraph.']],
        });
        await store.write({ ops: [newer], now });
        const after = await store.listPassages('pmid:1000001');
        expect(after.map((p) => p.id)).toContain(a!.id);
        expect((await store.vectorStats(model)).embedded).toBe(1);
        expect((await store.nearest({ model, vector: vec(1, 0), limit: 5 })).map((h) => h.passage.id)).toEqual([a!.id]);
        expect(await store.pruneVectors()).toBe(1);
        expect((await store.stats()).vectors).toEqual([{ model, count: 1, dimensions: 2 }]);
      });
    });

    describe('samplePassages', () => {
      /** Five sources of two passages each, written one by one: ten passages (`prefix` starts each text). */
      const writeFive = async (prefix = '') => {
        for (let i = 1; i <= 5; i++) {
          const op = upsert({
            id: `pmid:${i}`,
            ids: { pmid: String(i) },
            title: `Source ${i} title`,
            paragraphsText: [
              [['Background'], `${prefix}First paragraph of source ${i}.`],
              [['Results'], `${prefix}Second paragraph of source ${i}.`],
            ],
          });
          await store.write({ ops: [op], now });
        }
      };
      const fiveSources = async () => {
        await writeFive();
        const all = [];
        for (let i = 1; i <= 5; i++) {
          for (const p of await store.listPassages(`pmid:${i}`)) all.push({ title: `Source ${i} title`, section: p.section, text: p.text });
        }
        return all;
      };
      const key = (p: { title: string; section: string; text: string }) => `${p.title}|${p.section}|${p.text}`;

      it('returns every passage, with its source title and section, when the limit exceeds the library', async () => {
        const all = await fiveSources();
        expect(all).toHaveLength(10);
        for (const limit of [10, 11, 1000]) {
          const sample = await store.samplePassages(limit);
          expect(sample).toHaveLength(10);
          expect(new Set(sample.map(key))).toEqual(new Set(all.map(key)));
        }
        expect((await store.samplePassages(10)).find((p) => p.text === 'Second paragraph of source 3.')).toEqual({
          title: 'Source 3 title',
          section: all.find((p) => p.text === 'Second paragraph of source 3.')!.section,
          text: 'Second paragraph of source 3.',
        });
      });

      it('returns at most limit passages, spread over the library rather than its first ones', async () => {
        const all = await fiveSources();
        const known = new Set(all.map(key));
        for (const limit of [1, 3, 5, 9]) {
          const sample = await store.samplePassages(limit);
          expect(sample.length).toBeGreaterThan(0);
          expect(sample.length).toBeLessThanOrEqual(limit);
          expect(new Set(sample.map(key)).size).toBe(sample.length);
          for (const p of sample) expect(known.has(key(p))).toBe(true);
        }
        const three = await store.samplePassages(3);
        expect(three.some((p) => p.title !== 'Source 1 title')).toBe(true);
        expect(new Set(three.map((p) => p.title)).size).toBeGreaterThan(1);
        // Half the library: from at least three of the five sources.
        expect(new Set((await store.samplePassages(5)).map((p) => p.title)).size).toBeGreaterThanOrEqual(3);
      });

      it('counts by position, so passages of replaced sources (gaps in row ids) do not shrink the sample', async () => {
        await writeFive();
        await writeFive('Revised. ');
        expect((await store.listPassages('pmid:1')).map((p) => p.text)).toContain('Revised. First paragraph of source 1.');
        expect(await store.samplePassages(10)).toHaveLength(10);
        expect(await store.samplePassages(5)).toHaveLength(5);
        expect((await store.samplePassages(10)).every((p) => p.text.startsWith('Revised'))).toBe(true);
      });

      it('samples a library larger than one read of rows the same way (SQLite reads a thousand rows at a time)', async () => {
        const ops = Array.from({ length: 1_300 }, (_, i) =>
          upsert({ id: `pmid:${i + 1}`, ids: { pmid: String(i + 1) }, title: `Source ${i + 1} title`, paragraphsText: [[['Results'], `Only paragraph of source ${i + 1}.`]] }),
        );
        await store.write({ ops, now });
        const all = await store.samplePassages(1_300);
        expect(all).toHaveLength(1_300);
        expect(new Set(all.map(key)).size).toBe(1_300);
        // Every other passage: 650 of them, from the first thousand and past it alike.
        const half = await store.samplePassages(650);
        expect(half).toHaveLength(650);
        expect(new Set(half.map(key)).size).toBe(650);
        expect(half.filter((p) => Number(/source (\d+)/.exec(p.text)?.[1]) > 1_000).length).toBeGreaterThan(100);
      });

      it('returns nothing from an empty library', async () => {
        expect(await store.samplePassages(10)).toEqual([]);
        expect(await store.samplePassages(1)).toEqual([]);
      });
    });

    describe('saved word associations', () => {
      const learned = { passages: 1200, sample: 50_000, meanDistinctTerms: 61.5 };

      it('saves, reads back what was learned, and gives the rows of the words asked for only; a save replaces the last', async () => {
        const saved = store.associations;
        expect(saved, "citemed's stores keep word associations").toBeDefined();
        expect(await saved!.learned()).toBeUndefined();
        expect(await saved!.of(['nac'])).toEqual(new Map());
        await saved!.save(learned, [
          ['nac', [{ term: 'acetylcystein', share: 0.92 }, { term: 'overdos', share: 0.4 }]],
          ['liver', [{ term: 'hepat', share: 0.6 }]],
        ]);
        expect(await saved!.learned()).toEqual(learned);
        expect(await saved!.of(['nac', 'absent'])).toEqual(new Map([['nac', [{ term: 'acetylcystein', share: 0.92 }, { term: 'overdos', share: 0.4 }]]]));
        expect(await saved!.of([])).toEqual(new Map());
        await saved!.save({ ...learned, passages: 2000 }, [['liver', [{ term: 'hepat', share: 0.7 }]]]);
        expect(await saved!.learned()).toEqual({ ...learned, passages: 2000 });
        expect(await saved!.of(['nac', 'liver'])).toEqual(new Map([['liver', [{ term: 'hepat', share: 0.7 }]]]));
      });

      it('keeps thousands of words, with terms in any script and shares as written', async () => {
        const entries: [string, { term: string; share: number }[]][] = Array.from({ length: 2_500 }, (_, i) => [
          `w${i}`,
          [{ term: `a${i}`, share: 1 / (i + 3) }, { term: 'β-lactam', share: 0.05 }],
        ]);
        entries.push(["o'brien", [{ term: 'naïve', share: 0.123456789 }]]);
        await store.associations!.save(learned, entries);
        const found = await store.associations!.of(['w0', 'w1234', 'w2499', "o'brien", 'w2500']);
        expect(found).toEqual(new Map([
          ['w0', [{ term: 'a0', share: 1 / 3 }, { term: 'β-lactam', share: 0.05 }]],
          ['w1234', [{ term: 'a1234', share: 1 / 1237 }, { term: 'β-lactam', share: 0.05 }]],
          ['w2499', [{ term: 'a2499', share: 1 / 2502 }, { term: 'β-lactam', share: 0.05 }]],
          ["o'brien", [{ term: 'naïve', share: 0.123456789 }]],
        ]));
      });
    });

    it('reports what it holds', async () => {
      await store.write({ ops: [upsert(), upsert({ id: 'pmid:3', ids: { pmid: '3' }, publicationTypes: ['Retracted Publication'] })], now });
      const stats = await store.stats();
      expect(stats.sources).toBe(2);
      expect(stats.byFormat).toEqual({ medline: 2 });
      expect(stats.byIntegrity).toEqual({ ok: 1, retracted: 1 });
    });
  });
}
