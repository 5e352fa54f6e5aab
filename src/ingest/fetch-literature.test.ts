import { describe, expect, it } from 'vitest';
import { CitemedError } from '../domain/errors.js';
import type { SavedFiles } from '../ports/files.js';
import type { FetchedPiece, LiteratureQuery, LiteratureService } from '../ports/literature.js';
import { checkQuery, fetchFolderName, fetchLiterature, isFetchBookkeeping, MANIFEST_NAME, type FetchEvent } from './fetch-literature.js';

/** Files kept in a map; `failOn` makes writes of matching paths fail, like a full disk. */
function memoryFiles(failOn?: RegExp): SavedFiles & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    async write(path, bytes) {
      if (failOn?.test(path)) throw new CitemedError('cannot-write', `cannot write ${path}: no space left on device`);
      files.set(path, typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
    },
    async readText(path) {
      return files.get(path);
    },
    async exists(path) {
      return files.has(path);
    },
  };
}

/** A service holding `count` records with ids "1", "2", …; it counts its calls. */
function fakeService(count: number) {
  const calls = { search: 0, fetch: [] as string[][] };
  const service: LiteratureService = {
    name: 'pubmed',
    description: 'PubMed (fake)',
    async search(query) {
      calls.search++;
      const ids = Array.from({ length: Math.min(count, query.max) }, (_, i) => String(i + 1));
      return { total: count, ids, translation: `${query.query}[All Fields]`, warnings: [] };
    },
    async *fetch(ids): AsyncIterable<FetchedPiece> {
      calls.fetch.push([...ids]);
      yield { ids: [...ids], bytes: new TextEncoder().encode(`<PubmedArticleSet>${ids.join(',')}</PubmedArticleSet>`), extension: '.xml', records: ids.length };
    },
  };
  return { service, calls };
}

/**
 * A service that answers each chunk in pieces, as Europe PMC with full text does: a JSON piece,
 * then one `.nxml` per id in `fullText`. `failAfter` pieces in all, it throws, like a dropped
 * connection between two pieces of a chunk.
 */
function piecewiseService(count: number, fullText: ReadonlySet<string>, failAfter = Infinity) {
  const calls = { fetch: [] as string[][] };
  let yielded = 0;
  const piece = (ids: string[], bytes: string, extension: string, records: number): FetchedPiece => {
    if (yielded++ >= failAfter) throw new CitemedError('service-unavailable', 'the connection dropped');
    return { ids, bytes: new TextEncoder().encode(bytes), extension, records };
  };
  const service: LiteratureService = {
    name: 'europepmc',
    description: 'Europe PMC (fake, with open-access full text)',
    variant: 'full-text',
    async search(query) {
      const ids = Array.from({ length: Math.min(count, query.max) }, (_, i) => `MED:${i + 1}`);
      return { total: count, ids, warnings: [] };
    },
    async *fetch(ids): AsyncIterable<FetchedPiece> {
      calls.fetch.push([...ids]);
      yield piece([...ids], `{"resultList":"${ids.join(',')}"}`, '.europepmc.json', ids.length);
      for (const id of ids.filter((id) => fullText.has(id))) yield piece([id], `<article>${id}</article>`, '.nxml', 1);
    },
  };
  return { service, calls };
}

const DAY = new Date('2026-12-05T10:00:00Z');
const query: LiteratureQuery = { query: 'iliopsoas abscess', max: 250 };

describe('fetchLiterature', () => {
  it('saves the search as a manifest, then the records in parts of 100', async () => {
    const saved = memoryFiles();
    const { service, calls } = fakeService(1_000);
    const events: FetchEvent[] = [];
    const outcome = await fetchLiterature(service, query, { saved, root: '/lib/fetched', now: () => DAY }, { onEvent: (e) => events.push(e) });

    const folder = `/lib/fetched/${fetchFolderName('pubmed', query, DAY)}`;
    expect(outcome.folder).toBe(folder);
    expect(folder).toMatch(/^\/lib\/fetched\/pubmed-2026-12-05-[0-9a-f]{10}$/);
    expect(outcome.parts.map((p) => p.path)).toEqual([`${folder}/part-0001.xml`, `${folder}/part-0002.xml`, `${folder}/part-0003.xml`]);
    expect(calls.fetch.map((ids) => ids.length)).toEqual([100, 100, 50]);
    expect(outcome.fetched).toBe(250);
    const manifest = JSON.parse(saved.files.get(`${folder}/${MANIFEST_NAME}`) ?? '{}');
    expect(manifest).toMatchObject({ service: 'pubmed', total: 1_000, translation: 'iliopsoas abscess[All Fields]', query });
    expect(manifest.ids).toHaveLength(250);
    expect(saved.files.get(`${folder}/part-0003.xml`)).toContain('201,202');
    expect(events.map((e) => e.kind)).toEqual(['searched', 'part', 'part', 'part']);
  });

  it('goes on after an interruption with the same records, fetching only the missing parts', async () => {
    const saved = memoryFiles();
    const first = fakeService(1_000);
    const controller = new AbortController();
    const stopped = await fetchLiterature(first.service, query, { saved, root: '/f', now: () => DAY }, {
      signal: controller.signal,
      onEvent: (e) => e.kind === 'part' && controller.abort(),
    });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.parts).toHaveLength(1);

    // The service's result list changed meanwhile; the fetch keeps the ids it searched first.
    const second = fakeService(5);
    const resumed = await fetchLiterature(second.service, query, { saved, root: '/f', now: () => DAY });
    expect(second.calls.search).toBe(0);
    expect(second.calls.fetch.map((ids) => ids[0])).toEqual(['101', '201']);
    expect(resumed.parts.map((p) => p.reused)).toEqual([true, false, false]);
    expect(resumed.fetched).toBe(150);
    expect(resumed.interrupted).toBe(false);
  });

  it('keeps the parts saved before a write failed, and fetches the rest next time', async () => {
    const failing = memoryFiles(/part-0002/);
    const { service } = fakeService(300);
    await expect(fetchLiterature(service, { ...query, max: 300 }, { saved: failing, root: '/f', now: () => DAY })).rejects.toThrow(/no space left/);
    const kept = [...failing.files.keys()].map((p) => p.split('/').pop());
    expect(kept.sort()).toEqual([MANIFEST_NAME, 'part-0001.done', 'part-0001.xml']);

    const working: SavedFiles = { ...failing, write: async (path, bytes) => void failing.files.set(path, String(bytes)) };
    const again = fakeService(300);
    const outcome = await fetchLiterature(again.service, { ...query, max: 300 }, { saved: working, root: '/f', now: () => DAY });
    expect(again.calls.fetch.map((ids) => ids[0])).toEqual(['101', '201']);
    expect(outcome.parts).toHaveLength(3);
  });

  it('marks each chunk done after its last piece, and lists only the pieces as parts', async () => {
    const saved = memoryFiles();
    const { service } = piecewiseService(150, new Set(['MED:1', 'MED:2', 'MED:120']));
    const outcome = await fetchLiterature(service, { query: 'x', max: 150 }, { saved, root: '/f', now: () => DAY });

    const names = outcome.parts.map((p) => p.path.split('/').pop());
    expect(names).toEqual(['part-0001.europepmc.json', 'part-0001-2.nxml', 'part-0001-3.nxml', 'part-0002.europepmc.json', 'part-0002-2.nxml']);
    expect(outcome.fetched).toBe(153);
    const files = [...saved.files.keys()].map((p) => p.split('/').pop() ?? '');
    expect(files.filter(isFetchBookkeeping).sort()).toEqual([MANIFEST_NAME, 'part-0001.done', 'part-0002.done']);
    expect(JSON.parse(saved.files.get(`${outcome.folder}/part-0002.done`) ?? '')).toEqual({ pieces: ['part-0002.europepmc.json', 'part-0002-2.nxml'] });
    // Full text makes another fetch: a folder of its own beside the plain one of the same query.
    expect(outcome.folder).toBe(`/f/${fetchFolderName('europepmc', { query: 'x', max: 150 }, DAY, 'full-text')}`);
    expect(outcome.folder).not.toBe(`/f/${fetchFolderName('europepmc', { query: 'x', max: 150 }, DAY)}`);
  });

  it('fetches again a chunk interrupted between its pieces, and reuses every piece of a finished one', async () => {
    const saved = memoryFiles();
    const deps = { saved, root: '/f', now: () => DAY };
    const fullText = new Set(['MED:1', 'MED:101', 'MED:102']);
    // Chunk 1: JSON and one full text; chunk 2: its JSON and first full text, then the connection drops.
    const first = piecewiseService(150, fullText, 4);
    await expect(fetchLiterature(first.service, { query: 'x', max: 150 }, deps)).rejects.toThrow(/connection dropped/);
    const folder = `/f/${fetchFolderName('europepmc', { query: 'x', max: 150 }, DAY, 'full-text')}`;
    expect(saved.files.has(`${folder}/part-0002.europepmc.json`)).toBe(true);
    expect(saved.files.has(`${folder}/part-0002-2.nxml`)).toBe(true);
    expect(saved.files.has(`${folder}/part-0002.done`)).toBe(false);

    const second = piecewiseService(150, fullText);
    const events: FetchEvent[] = [];
    const resumed = await fetchLiterature(second.service, { query: 'x', max: 150 }, deps, { onEvent: (e) => events.push(e) });
    // The first piece of chunk 2 was there, but without its marker the chunk is fetched whole again.
    expect(second.calls.fetch.map((ids) => ids[0])).toEqual(['MED:101']);
    expect(resumed.parts.map((p) => [p.path.split('/').pop(), p.reused])).toEqual([
      ['part-0001.europepmc.json', true],
      ['part-0001-2.nxml', true],
      ['part-0002.europepmc.json', false],
      ['part-0002-2.nxml', false],
      ['part-0002-3.nxml', false],
    ]);
    expect(resumed.fetched).toBe(52);
    expect(events.filter((e) => e.kind === 'part')).toHaveLength(5);
  });

  it('fetches again the chunks of a folder saved before markers, and a chunk whose marker names a missing piece', async () => {
    const saved = memoryFiles();
    const deps = { saved, root: '/f', now: () => DAY };
    await fetchLiterature(fakeService(200).service, { ...query, max: 200 }, deps);
    const folder = `/f/${fetchFolderName('pubmed', { ...query, max: 200 }, DAY)}`;
    saved.files.delete(`${folder}/part-0001.done`); // as an older citemed left it
    saved.files.set(`${folder}/part-0002.done`, '{"pieces":["part-0002.xml","part-0002-2.xml"]}');

    const again = fakeService(200);
    const outcome = await fetchLiterature(again.service, { ...query, max: 200 }, deps);
    expect(again.calls.fetch.map((ids) => ids[0])).toEqual(['1', '101']);
    expect(outcome.parts.map((p) => p.reused)).toEqual([false, false]);
    expect(saved.files.get(`${folder}/part-0002.done`)).toBe('{"pieces":["part-0002.xml"]}\n');
  });

  it('starts a new fetch on a new day or for other options', async () => {
    const other = new Date('2026-12-06T00:00:01Z');
    expect(fetchFolderName('pubmed', query, other)).not.toBe(fetchFolderName('pubmed', query, DAY));
    expect(fetchFolderName('pubmed', { ...query, max: 10 }, DAY)).not.toBe(fetchFolderName('pubmed', query, DAY));
    expect(fetchFolderName('pubmed', { ...query, fromYear: 2020 }, DAY)).not.toBe(fetchFolderName('pubmed', query, DAY));
    expect(fetchFolderName('europepmc', query, DAY)).not.toBe(fetchFolderName('pubmed', query, DAY));
    expect(fetchFolderName('pubmed', { ...query, query: '  iliopsoas abscess ' }, DAY)).toBe(fetchFolderName('pubmed', query, DAY));
  });

  it('saves nothing but the manifest when nothing matches', async () => {
    const saved = memoryFiles();
    const outcome = await fetchLiterature(fakeService(0).service, query, { saved, root: '/f', now: () => DAY });
    expect(outcome.parts).toEqual([]);
    expect(outcome.manifest.total).toBe(0);
    expect([...saved.files.keys()].every((p) => p.endsWith(MANIFEST_NAME))).toBe(true);
  });

  it('refuses a manifest it did not write rather than fetching something else', async () => {
    const saved = memoryFiles();
    const folder = `/f/${fetchFolderName('pubmed', query, DAY)}`;
    saved.files.set(`${folder}/${MANIFEST_NAME}`, '{"ids": "not a list"}');
    const error = await fetchLiterature(fakeService(10).service, query, { saved, root: '/f', now: () => DAY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CitemedError);
    expect((error as CitemedError).message).toContain('is not a fetch manifest');
    expect((error as CitemedError).hint).toContain('delete that folder');
  });
});

describe('checkQuery', () => {
  it('refuses what cannot be sent, saying why', () => {
    expect(() => checkQuery({ query: '  ', max: 10 })).toThrow(/query is empty/);
    expect(() => checkQuery({ query: 'x', max: 0 })).toThrow(/--max must be a whole number from 1 to 10,000/);
    expect(() => checkQuery({ query: 'x', max: 10_001 })).toThrow(/not 10001/);
    expect(() => checkQuery({ query: 'x', max: 10, fromYear: 2021, toYear: 2020 })).toThrow(/wrong way round/);
    expect(() => checkQuery({ query: 'x', max: 10_000, fromYear: 2020, toYear: 2020 })).not.toThrow();
  });
});
