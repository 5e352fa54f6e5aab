import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchedPiece, LiteratureService } from '../../ports/literature.js';
import { efetchXml, startFakeEutils, SYNTHETIC_RECORDS, type FakeEutils } from '../../../test/support/fake-eutils.js';
import { failure } from '../../../test/support/failure.js';
import { createPubmedService, PUBMED_BASE_URL, PUBMED_FETCH_PIECE_IDS, PUBMED_MAX_SEARCH_IDS, type PubmedServiceOptions } from './pubmed.js';

let server: FakeEutils;
/** A fake clock (ms): moved by the injected sleep, and by `requestMs` at every request start. */
let clock: number;
let requestMs: number;
let sleeps: number[];
/** The clock at every request start, as the service's fetch was called. */
let starts: number[];

beforeEach(async () => {
  server = await startFakeEutils();
  clock = 0;
  requestMs = 1_000; // each request "takes" a second, so tests other than the rate limit's never wait for it
  sleeps = [];
  starts = [];
});

afterEach(async () => {
  await server.close();
});

function pubmed(overrides: Partial<PubmedServiceOptions> = {}): LiteratureService {
  return createPubmedService({
    baseUrl: server.baseUrl,
    tool: 'citemed',
    email: 'maintainer@example.org',
    timeoutMs: 5_000,
    maxRetries: 2,
    requestsPerSecond: 3,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    fetch: (input, init) => {
      starts.push(clock);
      clock += requestMs;
      return fetch(input, init);
    },
    ...overrides,
  });
}

async function allPieces(pieces: AsyncIterable<FetchedPiece>): Promise<FetchedPiece[]> {
  const collected: FetchedPiece[] = [];
  for await (const piece of pieces) collected.push(piece);
  return collected;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const fixtureXml = (...pmids: string[]) => efetchXml(SYNTHETIC_RECORDS.filter((record) => pmids.includes(record.pmid)));

describe('createPubmedService: search', () => {
  it('POSTs the E-utilities form and reads the count, ids and translation', async () => {
    const found = await pubmed().search({ query: 'oral rehydration', max: 20 });

    expect(found).toEqual({
      total: 1,
      ids: ['90000001'],
      translation: '"oral"[All Fields] AND "rehydration"[All Fields]',
      warnings: [],
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/entrez/eutils/esearch.fcgi', url: '/entrez/eutils/esearch.fcgi' });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.params).toEqual({
      db: 'pubmed',
      term: 'oral rehydration',
      retmode: 'json',
      sort: 'relevance',
      retmax: '20',
      retstart: '0',
      tool: 'citemed',
      email: 'maintainer@example.org',
    });
  });

  it('gives the total matched even when it asked for fewer ids, best first', async () => {
    const found = await pubmed().search({ query: 'children', max: 1 });

    expect(found.total).toBe(2);
    expect(found.ids).toEqual(['90000001']);
    expect(server.requests[0]?.params.retmax).toBe('1');
  });

  it('passes on what PubMed left out of the query as warnings', async () => {
    const found = await pubmed().search({ query: 'oral rehydration in children xyzzyplugh "intravenous saline"', max: 5 });

    expect(found.ids).toEqual(['90000001']);
    expect(found.warnings).toEqual([
      'not found in PubMed, so left out of the search: xyzzyplugh',
      'ignored by PubMed (too common): in',
      'quoted phrase not found in PubMed: intravenous saline',
    ]);
  });

  it('reports no match as zero records with NCBI\'s message, not as an error', async () => {
    const found = await pubmed().search({ query: 'xyzzyplugh', max: 5 });

    expect(found).toMatchObject({ total: 0, ids: [] });
    expect(found.translation).toBeUndefined();
    expect(found.warnings).toEqual(['not found in PubMed, so left out of the search: xyzzyplugh', 'No items found.']);
  });

  it('limits by publication year, filling an open end with 1800 or 3000', async () => {
    const service = pubmed();
    const both = await service.search({ query: 'oral', max: 10, fromYear: 2000, toYear: 2020 });
    const from = await service.search({ query: 'oral', max: 10, fromYear: 2000 });
    const to = await service.search({ query: 'oral', max: 10, toYear: 2000 });
    const open = await service.search({ query: 'oral', max: 10 });

    expect([both.ids, from.ids, to.ids, open.ids]).toEqual([['90000001'], ['90000001'], ['90000004'], ['90000001', '90000004']]);
    const dates = server.requests.map(({ params }) => [params.datetype, params.mindate, params.maxdate]);
    expect(dates).toEqual([
      ['pdat', '2000', '2020'],
      ['pdat', '2000', '3000'],
      ['pdat', '1800', '2000'],
      [undefined, undefined, undefined],
    ]);
  });

  it(`accepts max up to ${PUBMED_MAX_SEARCH_IDS}, and 0 for the count alone`, async () => {
    const service = pubmed();
    await service.search({ query: 'children', max: PUBMED_MAX_SEARCH_IDS });
    const countOnly = await service.search({ query: 'children', max: 0 });

    expect(server.requests.map(({ params }) => params.retmax)).toEqual(['10000', '0']);
    expect(countOnly).toMatchObject({ total: 2, ids: [] });
  });

  it.each([10_001, 50_000, -1, 2.5, Number.NaN])('refuses max %s before asking PubMed', async (max) => {
    const error = await failure(pubmed().search({ query: 'children', max }), 'usage');

    expect(error.message).toContain(`at most ${PUBMED_MAX_SEARCH_IDS} ids per search`);
    expect(error.hint).toMatch(/narrow the query/);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['an empty query', { query: '  ', max: 5 }, /query is empty/],
    ['years that run backwards', { query: 'x', max: 5, fromYear: 2020, toYear: 2010 }, /from 2020 to 2010/],
    ['a year of two digits', { query: 'x', max: 5, fromYear: 99 }, /fromYear must be a year of four digits, not 99/],
    ['a fractional year', { query: 'x', max: 5, toYear: 2020.5 }, /toYear must be a year/],
  ])('refuses %s before asking PubMed', async (_name, query, message) => {
    const error = await failure(pubmed().search(query), 'usage');

    expect(error.message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it('names itself and its base URL, without a trailing slash', () => {
    const service = pubmed({ baseUrl: `${server.baseUrl}/` });

    expect(service.name).toBe('pubmed');
    expect(service.description).toBe(`PubMed (NCBI E-utilities, ${server.baseUrl})`);
  });
});

describe('createPubmedService: fetch', () => {
  it('POSTs efetch for MEDLINE XML and returns the bytes as received', async () => {
    const pieces = await allPieces(pubmed().fetch(['90000002', '90000001']));

    expect(pieces).toHaveLength(1);
    expect(pieces[0]).toMatchObject({ ids: ['90000002', '90000001'], extension: '.xml', records: 2 });
    expect(text(pieces[0]?.bytes ?? new Uint8Array())).toBe(efetchXml([SYNTHETIC_RECORDS[1], SYNTHETIC_RECORDS[0]].flatMap((r) => r ?? [])));
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/entrez/eutils/efetch.fcgi' });
    expect(server.requests[0]?.params).toEqual({
      db: 'pubmed',
      id: '90000002,90000001',
      retmode: 'xml',
      rettype: 'abstract',
      tool: 'citemed',
      email: 'maintainer@example.org',
    });
  });

  it(`asks for at most ${PUBMED_FETCH_PIECE_IDS} ids at a time, and counts the records each piece holds`, async () => {
    // 450 ids, of which the fake holds four: two in the first piece, one in each of the others.
    const ids = Array.from({ length: 450 }, (_, i) => String(80_000_000 + i));
    ids[0] = '90000001';
    ids[199] = '90000002';
    ids[200] = '90000003';
    ids[449] = '90000004';

    const pieces = await allPieces(pubmed().fetch(ids));

    expect(pieces.map((piece) => piece.ids.length)).toEqual([200, 200, 50]);
    expect(pieces.flatMap((piece) => piece.ids)).toEqual(ids);
    expect(pieces.map((piece) => piece.records)).toEqual([2, 1, 1]);
    expect(server.requests.map(({ params }) => params.id?.split(',').length)).toEqual([200, 200, 50]);
    expect(text(pieces[2]?.bytes ?? new Uint8Array())).toBe(fixtureXml('90000004'));
  });

  it('leaves out ids PubMed does not have, without an error', async () => {
    const [piece] = await allPieces(pubmed().fetch(['80000001', '80000002']));

    expect(piece).toMatchObject({ ids: ['80000001', '80000002'], records: 0 });
    expect(text(piece?.bytes ?? new Uint8Array())).toBe(efetchXml([]));
  });

  it('asks nothing for no ids', async () => {
    expect(await allPieces(pubmed().fetch([]))).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses ids that are not PMIDs before asking PubMed', async () => {
    const error = await failure(allPieces(pubmed().fetch(['90000001', 'MED:123', ' 42', '1e3', '5', 'x'])), 'usage');

    expect(error.message).toBe('PubMed ids are PMIDs, digits only; not "MED:123", " 42", "1e3" and 1 more');
    expect(server.requests).toHaveLength(0);
  });

  it('counts book records as well as articles', async () => {
    const xml = `<?xml version="1.0" ?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation/></PubmedArticle>\n<PubmedBookArticle><BookDocument/></PubmedBookArticle>\n</PubmedArticleSet>\n`;
    server.script({ text: xml });

    const [piece] = await allPieces(pubmed().fetch(['1', '2', '3']));
    expect(piece?.records).toBe(2);
  });
});

describe('createPubmedService: retries and errors', () => {
  it('waits as long as a 429 asks, then succeeds', async () => {
    server.script({ status: 429, headers: { 'retry-after': '2' } });

    const found = await pubmed().search({ query: 'zinc', max: 5 });
    expect(found.ids).toEqual(['90000002']);
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it('retries a 500 with backoff', async () => {
    server.script({ status: 500 }, { status: 502 });

    const [piece] = await allPieces(pubmed().fetch(['90000003']));
    expect(piece?.records).toBe(1);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('gives up on a rate limit that lasts, quoting NCBI and saying what to change', async () => {
    server.script({ status: 429 }, { status: 429 });

    const error = await failure(pubmed({ maxRetries: 1 }).search({ query: 'zinc', max: 5 }), 'service-unavailable');
    expect(error.message).toBe(`PubMed (NCBI E-utilities) at ${server.baseUrl}/esearch.fcgi answered HTTP 429 after 2 attempts: API rate limit exceeded`);
    expect(error.hint).toMatch(/3 requests a second without an API key and 10 with one/);
  });

  it('reports a 404 as a wrong base URL, without speaking of models', async () => {
    server.script({ status: 404, text: 'Not Found' });

    const error = await failure(pubmed().search({ query: 'zinc', max: 5 }), 'bad-config');
    expect(error.message).toBe(`PubMed (NCBI E-utilities) at ${server.baseUrl}/esearch.fcgi answered 404: Not Found`);
  });

  it('turns an HTML page sent with HTTP 200 into an error, not records', async () => {
    server.script({ text: '<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head><body>Try later</body></html>' });

    const error = await failure(allPieces(pubmed().fetch(['90000001'])), 'service-failed');
    expect(error.message).toBe(
      `PubMed (NCBI E-utilities) at ${server.baseUrl}/efetch.fcgi sent an unusable reply: an HTML page ("Service unavailable") instead of MEDLINE XML`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('turns an HTML page from esearch into an error', async () => {
    server.script({ text: '<html><body>Backend down</body></html>' });

    const error = await failure(pubmed().search({ query: 'zinc', max: 5 }), 'service-failed');
    expect(error.message).toMatch(/esearch\.fcgi sent an unusable reply: the body is not JSON \(starts "<html>/);
  });

  it('reports the ERROR of an eFetchResult', async () => {
    server.script({ text: '<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>\n\t<ERROR>Cannot retrieve &lt;records&gt; now</ERROR>\n</eFetchResult>\n' });

    const error = await failure(allPieces(pubmed().fetch(['90000001'])), 'service-failed');
    expect(error.message).toBe(`PubMed (NCBI E-utilities) at ${server.baseUrl}/efetch.fcgi reported an error: Cannot retrieve <records> now`);
  });

  it.each([
    ['a reply cut short', `${fixtureXml('90000001').slice(0, 400)}`, /cut short/],
    ['XML of another kind', '<?xml version="1.0"?>\n<eSearchResult><Count>0</Count></eSearchResult>', /XML with root <eSearchResult> instead of <PubmedArticleSet>/],
    ['plain text', 'Internal error, please retry', /not MEDLINE XML \(starts "Internal error/],
    ['JSON without an error', '{"result": []}', /JSON instead of MEDLINE XML/],
  ])('refuses %s from efetch', async (_name, reply, message) => {
    server.script({ text: reply });

    const error = await failure(allPieces(pubmed().fetch(['90000001'])), 'service-failed');
    expect(error.message).toMatch(message);
  });

  it('reports the ERROR of an esearch result', async () => {
    server.script({ body: { header: { type: 'esearch', version: '0.3' }, esearchresult: { ERROR: 'Invalid query' } } });

    const error = await failure(pubmed().search({ query: 'zinc[xx', max: 5 }), 'service-failed');
    expect(error.message).toBe(`PubMed (NCBI E-utilities) at ${server.baseUrl}/esearch.fcgi reported an error: Invalid query`);
    expect(error.hint).toMatch(/query's syntax/);
  });

  const reply = (result: Record<string, unknown>) => ({ header: { type: 'esearch' }, esearchresult: { count: '1', idlist: ['90000001'], ...result } });

  it.each([
    ['malformed JSON', { text: '{"esearchresult": {"count": "1", ' }, /the body is not JSON/],
    ['a JSON array', { body: [] }, /not a JSON object/],
    ['no esearchresult', { body: { header: {} } }, /no "esearchresult" object/],
    ['a count that is a number', { body: reply({ count: 1 }) }, /"count" is 1, not a string of digits/],
    ['no count', { body: reply({ count: undefined }) }, /"count" is undefined/],
    ['a non-digit id', { body: reply({ idlist: ['9000000x'] }) }, /idlist\[0\] is "9000000x", not a PMID/],
    ['an id that is a number', { body: reply({ idlist: [90000001] }) }, /idlist\[0\] is 90000001, not a PMID/],
    ['no idlist', { body: reply({ idlist: undefined }) }, /"idlist" is not an array/],
    ['an id twice', { body: reply({ count: '2', idlist: ['1', '1'] }) }, /PMID 1 appears twice/],
    ['more ids than asked for', { body: reply({ count: '9', idlist: ['1', '2', '3'] }) }, /asked for at most 2 ids, got 3/],
    ['a count below the ids', { body: reply({ count: '0' }) }, /count is 0 but idlist holds 1 ids/],
    ['a translation that is not text', { body: reply({ querytranslation: 7 }) }, /"querytranslation" is not a string/],
    ['a warning list that is not an object', { body: reply({ warninglist: 'none' }) }, /"warninglist" is not an object/],
    ['warnings that are not text', { body: reply({ errorlist: { phrasesnotfound: [1] } }) }, /"errorlist.phrasesnotfound" is not a list of strings/],
  ])('refuses %s from esearch as service-failed, naming the service', async (_name, scripted, message) => {
    server.script(scripted);

    const error = await failure(pubmed().search({ query: 'zinc', max: 2 }), 'service-failed');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`PubMed (NCBI E-utilities) at ${server.baseUrl}/esearch.fcgi sent an unusable reply`);
  });

  it('reports a top-level "error" sent with HTTP 200 about the key as bad-config', async () => {
    server.script({ body: { error: 'Invalid API key' } });

    const error = await failure(pubmed().search({ query: 'zinc', max: 5 }), 'bad-config');
    expect(error.message).toBe(`PubMed (NCBI E-utilities) at ${server.baseUrl}/esearch.fcgi reported an error: Invalid API key`);
    expect(error.hint).toMatch(/NCBI API key/);
  });

  it('reports a server that refuses connections as service-unavailable, naming the URL', async () => {
    const gone = await startFakeEutils();
    await gone.close();

    const error = await failure(pubmed({ baseUrl: gone.baseUrl, maxRetries: 1 }).search({ query: 'zinc', max: 5 }), 'service-unavailable');
    expect(error.message).toMatch(new RegExp(`^could not reach PubMed \\(NCBI E-utilities\\) at ${gone.baseUrl}/esearch.fcgi after 2 attempts`));
    expect(error.hint).toMatch(/baseUrl/);
  });

  it('gives up on a reply slower than timeoutMs', async () => {
    server.script({ delayMs: 2_000 });

    const error = await failure(allPieces(pubmed({ timeoutMs: 100, maxRetries: 0 }).fetch(['90000001'])), 'service-unavailable');
    expect(error.message).toContain('no answer within 100 ms');
  });
});

describe('createPubmedService: the API key', () => {
  const apiKey = 'ncbi0123456789abcdef0123456789abcdef';

  it('is sent only as the api_key form field, never in the URL or a header', async () => {
    const keyed = await startFakeEutils({ apiKey });
    try {
      const service = pubmed({ baseUrl: keyed.baseUrl, apiKey, requestsPerSecond: 10 });
      expect((await service.search({ query: 'zinc', max: 5 })).ids).toEqual(['90000002']);
      expect((await allPieces(service.fetch(['90000002'])))[0]?.records).toBe(1);

      expect(keyed.requests.map(({ params }) => params.api_key)).toEqual([apiKey, apiKey]);
      for (const request of keyed.requests) {
        expect(request.url).not.toContain(apiKey);
        expect(JSON.stringify(request.headers)).not.toContain(apiKey);
      }
      expect(service.description).not.toContain(apiKey);
    } finally {
      await keyed.close();
    }
  });

  it('stays out of messages even where NCBI echoes it', async () => {
    const keyed = await startFakeEutils({ apiKey: 'the-right-key' });
    try {
      const service = pubmed({ baseUrl: keyed.baseUrl, apiKey, maxRetries: 0 });
      const refused = await failure(service.search({ query: 'zinc', max: 5 }), 'service-failed');
      expect(refused.message).toContain('(HTTP 400): API key invalid');
      expect(keyed.requests[0]?.params.api_key).toBe(apiKey);

      keyed.script(
        { status: 429, body: { error: `API rate limit exceeded for ${apiKey}`, 'api-key': apiKey, count: '11', limit: '10' } },
        { body: { error: `API key invalid: ${apiKey}`, 'api-key': apiKey } },
        { text: `<eFetchResult><ERROR>key ${apiKey} is blocked</ERROR></eFetchResult>` },
        { text: `<html><head><title>Blocked ${apiKey}</title></head></html>` },
      );
      const errors = [
        await failure(service.search({ query: 'zinc', max: 5 }), 'service-unavailable'),
        await failure(service.search({ query: 'zinc', max: 5 }), 'bad-config'),
        await failure(allPieces(service.fetch(['1'])), 'service-failed'),
        await failure(allPieces(service.fetch(['1'])), 'service-failed'),
      ];
      for (const error of [refused, ...errors]) {
        expect(`${error.message} ${error.hint}`).not.toContain(apiKey);
      }
      expect(errors.map((error) => error.message)).toEqual([
        expect.stringContaining('API rate limit exceeded for ***'),
        expect.stringContaining('API key invalid: ***'),
        expect.stringContaining('key *** is blocked'),
        expect.stringContaining('("Blocked ***")'),
      ]);
    } finally {
      await keyed.close();
    }
  });
});

describe('createPubmedService: the rate limit', () => {
  it('spaces request starts so no second holds more than requestsPerSecond', async () => {
    requestMs = 0; // the clock stands still unless the service sleeps
    const service = pubmed({ requestsPerSecond: 3 });

    for (let i = 0; i < 4; i++) await service.search({ query: 'zinc', max: 5 });
    await allPieces(service.fetch(['90000002']));

    expect(sleeps).toEqual([334, 334, 334, 334]);
    expect(starts).toEqual([0, 334, 668, 1002, 1336]);
    const busiest = Math.max(...starts.map((start) => starts.filter((other) => other >= start && other < start + 1000).length));
    expect(busiest).toBe(3);
  });

  it('does not wait when the requests are already far enough apart', async () => {
    requestMs = 500;
    const service = pubmed({ requestsPerSecond: 2 });

    for (let i = 0; i < 3; i++) await service.search({ query: 'zinc', max: 5 });
    expect(sleeps).toEqual([]);
    expect(starts).toEqual([0, 500, 1000]);
  });

  it('queues concurrent requests one interval apart', async () => {
    requestMs = 0;
    const service = pubmed({ requestsPerSecond: 3, sleep: async (ms) => void sleeps.push(ms) }); // a clock that never moves

    const found = await Promise.all([1, 2, 3].map(() => service.search({ query: 'zinc', max: 5 })));
    expect(found.map((search) => search.ids)).toEqual([['90000002'], ['90000002'], ['90000002']]);
    expect(sleeps.sort((a, b) => a - b)).toEqual([334, 668]);
  });

  it('keeps retries to the rate as well', async () => {
    requestMs = 0;
    server.script({ status: 500 });

    await pubmed({ requestsPerSecond: 1 }).search({ query: 'zinc', max: 5 });
    // 500 ms of backoff, then 500 ms more until a second has passed since the first start.
    expect(sleeps).toEqual([500, 500]);
    expect(starts).toEqual([0, 1000]);
  });

  it('stops waiting when the caller cancels', async () => {
    requestMs = 0;
    const controller = new AbortController();
    const service = pubmed({ sleep: async () => controller.abort() });

    await service.search({ query: 'zinc', max: 5 }, controller.signal);
    await failure(service.search({ query: 'zinc', max: 5 }, controller.signal), 'interrupted');
    expect(server.requests).toHaveLength(1);
  });
});

describe('createPubmedService: settings', () => {
  it('refuses impossible settings as bad-config, listing every problem', () => {
    let thrown: unknown;
    try {
      pubmed({ baseUrl: 'eutils.ncbi.nlm.nih.gov', tool: 'cite med', email: 'nobody', timeoutMs: 0, maxRetries: -1, requestsPerSecond: 0 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'bad-config', hint: 'fix the PubMed settings (docs/configuration.md)' });
    const message = (thrown as Error).message;
    const problems = [
      'not an http(s) URL',
      'timeoutMs must be positive',
      'maxRetries must be a whole number',
      'tool must be one word',
      'email "nobody" is not an email address',
      'requestsPerSecond must be a positive number',
    ];
    for (const problem of problems) expect(message).toContain(problem);
  });

  it("holds NCBI's own host to NCBI's rate: 3 a second without a key, 10 with one", () => {
    const ncbi = (requestsPerSecond: number, apiKey?: string) => () => pubmed({ baseUrl: PUBMED_BASE_URL, requestsPerSecond, apiKey });

    expect(ncbi(3)).not.toThrow();
    expect(ncbi(10, 'key0123')).not.toThrow();
    expect(ncbi(4)).toThrow(/requestsPerSecond 4 is above NCBI's limit of 3 without an API key/);
    expect(ncbi(11, 'key0123')).toThrow(/requestsPerSecond 11 is above NCBI's limit of 10 with an API key/);
    expect(() => pubmed({ requestsPerSecond: 50 })).not.toThrow(); // a mirror or test server sets its own rules
  });

  it('refuses an API key with white space without showing it', () => {
    expect(() => pubmed({ apiKey: 'abc def-secret' })).toThrow(/apiKey contains white space/);
    expect(() => pubmed({ apiKey: 'abc def-secret' })).not.toThrow(/secret/);
  });
});
