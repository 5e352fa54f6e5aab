import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJats } from '../../src/ingest/readers/jats/jats.js';
import type { ReaderItem } from '../../src/ingest/reader.js';
import { workKey } from '../../src/domain/source.js';
import { FIXTURE_RECORDS, parseQuery, startFakeEuropePmc, syntheticRecords, type FakeEuropePmc } from './fake-europepmc.js';

let server: FakeEuropePmc;

beforeEach(async () => {
  server = await startFakeEuropePmc();
});

afterEach(async () => {
  await server.close();
});

const ids = (query: string) => FIXTURE_RECORDS.filter(parseQuery(query)).map((record) => `${record.source}:${record.id}`);

describe('the fake Europe PMC', () => {
  it('answers GET /search with query parameters', async () => {
    const response = await fetch(`${server.baseUrl}/search?query=${encodeURIComponent('TITLE:"systematic review"')}&format=json&resultType=lite`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { hitCount: number; resultList: { result: Record<string, unknown>[] } };
    expect(body.hitCount).toBe(1);
    expect(body.resultList.result[0]).toMatchObject({ id: '90000102', source: 'MED', pubYear: '2020' });
    expect(body.resultList.result[0]).not.toHaveProperty('abstractText');
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/europepmc/webservices/rest/search', params: { resultType: 'lite' } });
  });

  it('pages by cursor and repeats the cursor past the end, as Solr does', async () => {
    await server.close();
    server = await startFakeEuropePmc({ records: syntheticRecords(3) });
    const page = async (cursorMark: string) => {
      const body = new URLSearchParams({ query: 'fixturol', format: 'json', resultType: 'idlist', pageSize: '2', cursorMark });
      const response = await fetch(`${server.baseUrl}/searchPOST`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return (await response.json()) as { hitCount: number; nextCursorMark: string; resultList: { result: { id: string }[] } };
    };
    const first = await page('*');
    const second = await page(first.nextCursorMark);
    const third = await page(second.nextCursorMark);
    expect([first, second, third].map((reply) => reply.resultList.result.map((result) => result.id))).toEqual([['91000000', '91000001'], ['91000002'], []]);
    expect(third.nextCursorMark).toBe(second.nextCursorMark);
    expect(first.hitCount).toBe(3);
  });

  it('reads Europe PMC query syntax', () => {
    expect(ids('(EXT_ID:90000101 AND SRC:MED) OR (EXT_ID:PPR900001 AND SRC:PPR) OR (EXT_ID:90000101 AND SRC:PMC)')).toEqual(['MED:90000101', 'PPR:PPR900001']);
    expect(ids('(fixturol) AND (PUB_YEAR:[2019 TO 2023])')).toEqual(['MED:90000102', 'MED:90000104', 'PPR:PPR900001', 'PMC:PMC9000106']);
    expect(ids('imaginary fever NOT PUB_TYPE:"Preprint" AND PUB_YEAR:2015')).toEqual(['MED:90000107']);
    expect(ids('"invented cohort" OR DOI:10.5555/citemed.fixture.90000102')).toEqual(['MED:90000102', 'MED:90000103']);
    expect(() => parseQuery('(fixturol')).toThrow(/bracket/);
  });

  it('refuses what the real service refuses', async () => {
    const post = (body: string, type = 'application/x-www-form-urlencoded') =>
      fetch(`${server.baseUrl}/searchPOST`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('query=x&format=json&pageSize=1001')).status).toBe(400);
    expect((await post('query=x&format=json&cursorMark=nonsense')).status).toBe(400);
    expect((await post('format=json')).status).toBe(400);
    expect((await post('{"query":"x"}', 'application/json')).status).toBe(415);
    const missing = await fetch(`${server.baseUrl}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html');
  });

  it('serves the JATS full text of an open-access record, which the JATS reader reads as the same work', async () => {
    const response = await fetch(`${server.baseUrl}/PMC9000101/fullTextXML`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const items: ReaderItem[] = [];
    async function* chunks() {
      yield bytes;
    }
    for await (const item of readJats({ bytes: chunks(), path: '/fetched/part-0001-2.nxml' })) items.push(item);
    expect(items).toHaveLength(1);
    const source = items[0]?.kind === 'source' ? items[0].source : undefined;
    expect(source).toMatchObject({
      id: 'pmc:PMC9000101',
      ids: { pmid: '90000101', pmcid: 'PMC9000101', doi: '10.5555/citemed.fixture.90000101' },
      title: expect.stringContaining('(test fixture, not a real citation)'),
    });
    expect(source?.sections.map((section) => section.path.at(-1))).toEqual(expect.arrayContaining(['Methods', 'Discussion']));
    expect(source && workKey(source.id, source.ids)).toBe('pmid:90000101');

    expect((await fetch(`${server.baseUrl}/PMC9000106/fullTextXML`)).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/PMC9000101/fullTextXML`, { method: 'POST' })).status).toBe(405);
  });
});
