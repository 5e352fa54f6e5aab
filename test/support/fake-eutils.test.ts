import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceInput } from '../../src/domain/source.js';
import type { ReaderItem } from '../../src/ingest/reader.js';
import { readMedline } from '../../src/ingest/readers/medline/medline.js';
import { startFakeEutils, SYNTHETIC_RECORDS, type FakeEutils } from './fake-eutils.js';

let server: FakeEutils;

beforeEach(async () => {
  server = await startFakeEutils();
});

afterEach(async () => {
  await server.close();
});

async function readAll(bytes: Uint8Array): Promise<ReaderItem[]> {
  const items: ReaderItem[] = [];
  async function* once() {
    yield bytes;
  }
  for await (const item of readMedline({ bytes: once(), path: '/fetched/pubmed-1.xml' })) items.push(item);
  return items;
}

const allIds = SYNTHETIC_RECORDS.map((record) => record.pmid);

describe('fake E-utilities: efetch output', () => {
  it("is MEDLINE XML that citemed's MEDLINE reader reads in full", async () => {
    const reply = await fetch(`${server.baseUrl}/efetch.fcgi?db=pubmed&retmode=xml&rettype=abstract&id=${allIds.join(',')}`);
    const bytes = new Uint8Array(await reply.arrayBuffer());
    const head = new TextDecoder().decode(bytes.subarray(0, 300));

    expect(reply.headers.get('content-type')).toBe('text/xml; charset=UTF-8');
    expect(head).toMatch(/^<\?xml version="1.0" \?>\n<!DOCTYPE PubmedArticleSet PUBLIC /);
    const items = await readAll(bytes);
    expect(items.map((item) => item.kind)).toEqual(['source', 'source', 'source', 'source']);
    const sources = items.map((item) => (item as { source: SourceInput }).source);
    expect(sources.map((source) => source.id)).toEqual(allIds.map((pmid) => `pmid:${pmid}`));
    expect(sources.map((source) => source.year)).toEqual([2019, 2021, 2012, 1998]);
    expect(sources.every((source) => source.journal === 'Citemed Test Fixtures' && source.language === 'eng')).toBe(true);
    expect(sources.every((source) => source.title.includes('(test fixture, not a real citation)'))).toBe(true);
    expect(sources.map((source) => source.ids.doi)).toEqual(allIds.map((pmid) => `10.5555/citemed-fixture.${pmid}`));
  });

  it('holds a randomised trial with a structured abstract, a systematic review and plain articles, some with MeSH', async () => {
    const reply = await fetch(`${server.baseUrl}/efetch.fcgi`, { method: 'POST', body: `db=pubmed&retmode=xml&id=${allIds.join(',')}` });
    const sources = (await readAll(new Uint8Array(await reply.arrayBuffer()))).map((item) => (item as { source: SourceInput }).source);
    const [trial, review, plain, older] = sources;

    expect(trial?.publicationTypes).toEqual(['Journal Article', 'Randomized Controlled Trial']);
    expect(trial?.sections.length).toBeGreaterThanOrEqual(4);
    expect(trial?.text).toContain('Invented methods');
    expect(trial?.mesh.map((heading) => heading.descriptor)).toContain('Rehydration Solutions');
    expect(review?.publicationTypes).toEqual(['Journal Article', 'Meta-Analysis', 'Systematic Review']);
    expect(plain?.publicationTypes).toEqual(['Journal Article']);
    expect(plain?.mesh).toEqual([]);
    expect(older?.mesh.length).toBeGreaterThan(0);
  });

  it('leaves out ids it does not hold, keeps the order asked for, and says so for an empty list', async () => {
    const reply = await fetch(`${server.baseUrl}/efetch.fcgi`, { method: 'POST', body: 'db=pubmed&retmode=xml&id=90000003,123,90000001' });
    const items = await readAll(new Uint8Array(await reply.arrayBuffer()));
    const empty = await (await fetch(`${server.baseUrl}/efetch.fcgi?db=pubmed&id=`)).text();

    expect(items.map((item) => (item.kind === 'source' ? item.source.id : item.kind))).toEqual(['pmid:90000003', 'pmid:90000001']);
    expect(empty).toContain('<eFetchResult>');
    expect(empty).toContain('<ERROR>Empty id list - nothing todo</ERROR>');
  });
});

describe('fake E-utilities: esearch and the request log', () => {
  it('reads GET query strings and POST forms alike, and logs both', async () => {
    const viaGet = await (await fetch(`${server.baseUrl}/esearch.fcgi?db=pubmed&retmode=json&term=zinc`)).json();
    const viaPost = await (
      await fetch(`${server.baseUrl}/esearch.fcgi`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'db=pubmed&retmode=json&term=zinc',
      })
    ).json();

    expect(viaGet).toEqual(viaPost);
    expect(viaGet).toMatchObject({ esearchresult: { count: '1', idlist: ['90000002'] } });
    expect(server.requests.map(({ method, path, params }) => ({ method, path, term: params.term }))).toEqual([
      { method: 'GET', path: '/entrez/eutils/esearch.fcgi', term: 'zinc' },
      { method: 'POST', path: '/entrez/eutils/esearch.fcgi', term: 'zinc' },
    ]);
  });

  it('honours retmax and retstart, and says what it does for an empty term', async () => {
    const page = await (await fetch(`${server.baseUrl}/esearch.fcgi?db=pubmed&retmode=json&term=adults&retmax=1&retstart=1`)).json();
    const empty = await (await fetch(`${server.baseUrl}/esearch.fcgi?db=pubmed&retmode=json&term=`)).json();

    expect(page).toMatchObject({ esearchresult: { count: '2', retmax: '1', retstart: '1', idlist: ['90000003'] } });
    expect(empty).toEqual({ header: { type: 'esearch', version: '0.3' }, esearchresult: { ERROR: 'Empty term and query_key - nothing todo' } });
  });

  it('plays scripted replies in order, then answers normally', async () => {
    server.script({ status: 429 }, { text: '<html>down</html>', status: 200 });

    const limited = await fetch(`${server.baseUrl}/esearch.fcgi?db=pubmed&retmode=json&term=zinc`);
    const html = await fetch(`${server.baseUrl}/esearch.fcgi?db=pubmed&retmode=json&term=zinc`);
    const normal = await fetch(`${server.baseUrl}/esearch.fcgi?db=pubmed&retmode=json&term=zinc`);

    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'API rate limit exceeded' });
    expect(await html.text()).toBe('<html>down</html>');
    expect(await normal.json()).toMatchObject({ esearchresult: { idlist: ['90000002'] } });
  });
});
