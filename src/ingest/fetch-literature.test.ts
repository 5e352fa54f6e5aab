import { describe, expect, it } from 'vitest';
import { CitemedError } from '../domain/errors.js';
import type { SavedFiles } from '../ports/files.js';
import type { FetchedPiece, LiteratureQuery, LiteratureService } from '../ports/literature.js';
import { checkQuery, fetchFolderName, fetchLiterature, MANIFEST_NAME, type FetchEvent } from './fetch-literature.js';

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
    expect(kept.sort()).toEqual([MANIFEST_NAME, 'part-0001.xml']);

    const working: SavedFiles = { ...failing, write: async (path, bytes) => void failing.files.set(path, String(bytes)) };
    const again = fakeService(300);
    const outcome = await fetchLiterature(again.service, { ...query, max: 300 }, { saved: working, root: '/f', now: () => DAY });
    expect(again.calls.fetch.map((ids) => ids[0])).toEqual(['101', '201']);
    expect(outcome.parts).toHaveLength(3);
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
