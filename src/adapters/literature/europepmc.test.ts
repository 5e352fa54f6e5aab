import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../../../test/support/failure.js';
import {
  FIXTURE_FULL_TEXTS,
  FIXTURE_RECORDS,
  startFakeEuropePmc,
  syntheticRecords,
  type FakeEuropePmc,
  type FakeEuropePmcOptions,
} from '../../../test/support/fake-europepmc.js';
import type { FetchedPiece, LiteratureService } from '../../ports/literature.js';
import { createEuropePmcService, EUROPEPMC_FETCH_PIECE_IDS, idQuery, searchText, type EuropePmcServiceOptions } from './europepmc.js';
import { notJats, openAccessRecords } from './europepmc-fulltext.js';

let server: FakeEuropePmc | undefined;
let sleeps: number[];

beforeEach(() => {
  sleeps = [];
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeEuropePmcOptions = {}): Promise<FakeEuropePmc> {
  server = await startFakeEuropePmc(options);
  return server;
}

/** Defaults suit the fake; `sleep` records instead of waiting so backoff costs nothing. */
function service(fake: FakeEuropePmc, overrides: Partial<EuropePmcServiceOptions> = {}): LiteratureService {
  return createEuropePmcService({
    baseUrl: fake.baseUrl,
    timeoutMs: 5_000,
    maxRetries: 2,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
}

async function collect(pieces: AsyncIterable<FetchedPiece>): Promise<FetchedPiece[]> {
  const out: FetchedPiece[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as { resultList: { result: { id: string; source: string }[] } };

describe('createEuropePmcService: search', () => {
  it('sends searchPOST as a form with resultType=idlist and returns SOURCE:id keys in the service order', async () => {
    const fake = await start();
    const found = await service(fake, { email: 'tests@example.org' }).search({ query: 'fixturol', max: 100 });

    expect(found).toEqual({
      total: 6,
      ids: ['MED:90000101', 'MED:90000102', 'MED:90000103', 'MED:90000104', 'PPR:PPR900001', 'PMC:PMC9000106'],
      warnings: [],
    });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/europepmc/webservices/rest/searchPOST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.params).toEqual({
      query: 'fixturol',
      format: 'json',
      resultType: 'idlist',
      pageSize: '100',
      cursorMark: '*',
      email: 'tests@example.org',
    });
  });

  it('follows nextCursorMark page by page until it has max ids', async () => {
    const fake = await start({ records: syntheticRecords(2_500) });
    const found = await service(fake).search({ query: 'fixturol', max: 2_100 });

    expect(found.total).toBe(2_500);
    expect(found.ids).toHaveLength(2_100);
    expect(found.ids[0]).toBe('MED:91000000');
    expect(found.ids[2_099]).toBe('MED:91002099');
    expect(new Set(found.ids).size).toBe(2_100);
    expect(fake.requests.map((request) => request.params.pageSize)).toEqual(['1000', '1000', '100']);
    const cursors = fake.requests.map((request) => request.params.cursorMark);
    expect(cursors[0]).toBe('*');
    expect(new Set(cursors).size).toBe(3);
  });

  it('stops when the service has no more, without asking past the end', async () => {
    const fake = await start({ records: syntheticRecords(1_500) });
    const found = await service(fake).search({ query: 'fixturol', max: 5_000 });

    expect(found.total).toBe(1_500);
    expect(found.ids).toHaveLength(1_500);
    expect(fake.requests).toHaveLength(2);
    expect(found.warnings).toEqual([]);
  });

  it('stops at a repeated cursor and says when the pages ended before the count', async () => {
    const fake = await start({ records: syntheticRecords(30) });
    // Europe PMC has been seen to count more matches than its pages hold.
    fake.script({ rewrite: (reply) => ({ ...reply, hitCount: 32 }) }, { rewrite: (reply) => ({ ...reply, hitCount: 32 }) });
    const found = await service(fake).search({ query: 'fixturol', max: 20 });
    expect(found.ids).toHaveLength(20);

    fake.requests.length = 0;
    fake.script({ rewrite: (reply) => ({ ...reply, hitCount: 32 }) }, { rewrite: (reply) => ({ ...reply, hitCount: 32 }) });
    const all = await service(fake).search({ query: 'fixturol', max: 100 });
    expect(all.ids).toHaveLength(30);
    expect(all.total).toBe(32);
    expect(all.warnings).toEqual(['Europe PMC counted 32 matches but its pages ended after 30 records']);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]?.params.cursorMark).not.toBe('*');
  });

  it('puts a year range into the query as PUB_YEAR, open ends filled', async () => {
    const fake = await start();
    const found = await service(fake).search({ query: 'fixturol', max: 10, fromYear: 2017, toYear: 2020 });

    expect(fake.requests[0]?.params.query).toBe('(fixturol) AND (PUB_YEAR:[2017 TO 2020])');
    expect(found.ids).toEqual(['MED:90000101', 'MED:90000102', 'PMC:PMC9000106']);
    expect(searchText({ query: ' a OR b ', max: 1, fromYear: 2021 })).toBe('(a OR b) AND (PUB_YEAR:[2021 TO 9999])');
    expect(searchText({ query: 'a', max: 1, toYear: 1999 })).toBe('(a) AND (PUB_YEAR:[1000 TO 1999])');
    expect(searchText({ query: 'a', max: 1 })).toBe('a');
  });

  it('learns the total without ids when max is 0', async () => {
    const fake = await start();
    expect(await service(fake).search({ query: 'imaginary fever', max: 0 })).toEqual({ total: 5, ids: [], warnings: [] });
    expect(fake.requests[0]?.params.pageSize).toBe('1');
  });

  it('refuses queries it cannot send, before any request', async () => {
    const fake = await start();
    const europepmc = service(fake);
    await failure(europepmc.search({ query: '  ', max: 10 }), 'usage');
    await failure(europepmc.search({ query: 'a', max: 1.5 }), 'usage');
    await failure(europepmc.search({ query: 'a', max: 10, fromYear: 2020, toYear: 2010 }), 'usage');
    await failure(europepmc.search({ query: 'a', max: 10, fromYear: 20 }), 'usage');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('createEuropePmcService: fetch', () => {
  it('asks for core records by EXT_ID and SRC and hands the reply on byte for byte', async () => {
    const fake = await start();
    const ids = ['MED:90000101', 'PPR:PPR900001', 'PMC:PMC9000106', 'MED:99999999'];
    const [piece, ...rest] = await collect(service(fake).fetch(ids));

    expect(rest).toEqual([]);
    expect(piece?.ids).toEqual(ids);
    expect(piece?.extension).toBe('.europepmc.json');
    expect(piece?.records).toBe(3); // the unknown id is left out, not an error
    expect(fake.requests[0]?.params).toMatchObject({
      query: '(EXT_ID:90000101 AND SRC:MED) OR (EXT_ID:PPR900001 AND SRC:PPR) OR (EXT_ID:PMC9000106 AND SRC:PMC) OR (EXT_ID:99999999 AND SRC:MED)',
      format: 'json',
      resultType: 'core',
      pageSize: String(EUROPEPMC_FETCH_PIECE_IDS),
    });
    const reply = decode(piece?.bytes ?? new Uint8Array());
    expect(reply.resultList.result.map((result) => `${result.source}:${result.id}`)).toEqual(['MED:90000101', 'PPR:PPR900001', 'PMC:PMC9000106']);
    expect(reply.resultList.result[0]).toEqual(FIXTURE_RECORDS[0]);
  });

  it('keeps the bytes exactly as sent', async () => {
    const fake = await start();
    const text = '{"version":"6.9","hitCount":0,"nextCursorMark":"*",\n  "resultList":{"result":[]}}';
    fake.script({ text, contentType: 'application/json' });
    const [piece] = await collect(service(fake).fetch(['MED:1']));
    expect(new TextDecoder().decode(piece?.bytes)).toBe(text);
    expect(piece?.records).toBe(0);
  });

  it('fetches in pieces of at most 100 ids', async () => {
    const records = syntheticRecords(250);
    const fake = await start({ records });
    const ids = records.map((record) => `${record.source}:${record.id}`);
    const pieces = await collect(service(fake).fetch(ids));

    expect(pieces.map((piece) => piece.ids.length)).toEqual([100, 100, 50]);
    expect(pieces.map((piece) => piece.records)).toEqual([100, 100, 50]);
    expect(pieces.flatMap((piece) => piece.ids)).toEqual(ids);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((request) => request.params.query?.split(' OR ').length)).toEqual([100, 100, 50]);
  });

  it('asks once for an id given twice, and quotes ids that are not plain', async () => {
    const fake = await start();
    const [piece] = await collect(service(fake).fetch(['MED:90000101', 'med:90000101', 'MED:90000102']));
    expect(piece?.ids).toEqual(['MED:90000101', 'MED:90000102']);
    expect(idQuery([{ source: 'ETH', id: 'oai:x:1"2' }])).toBe('(EXT_ID:"oai:x:1\\"2" AND SRC:ETH)');
  });

  it('refuses ids that are not SOURCE:id, naming them', async () => {
    const fake = await start();
    const error = await failure(collect(service(fake).fetch(['MED:1', '12345', 'PMC 7'])), 'usage');
    expect(error.message).toContain('"12345", "PMC 7"');
    expect(fake.requests).toHaveLength(0);
  });

  it('sends nothing for no ids', async () => {
    const fake = await start();
    expect(await collect(service(fake).fetch([]))).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('createEuropePmcService: open-access full text', () => {
  const text = (piece: FetchedPiece | undefined) => new TextDecoder().decode(piece?.bytes);

  it('is off by default: no GET, one piece per chunk', async () => {
    const fake = await start();
    const pieces = await collect(service(fake).fetch(['MED:90000101', 'PMC:PMC9000106']));
    expect(pieces.map((piece) => piece.extension)).toEqual(['.europepmc.json']);
    expect(fake.requests.map((request) => request.method)).toEqual(['POST']);
  });

  it('follows the core piece with the JATS of each open-access record, byte for byte, and skips a 404', async () => {
    const fake = await start();
    const europepmc = service(fake, { fullText: true });
    expect(europepmc.variant).toBe('full-text');
    expect(europepmc.description).toBe(`Europe PMC (REST API, ${fake.baseUrl}, with open-access full text)`);
    const pieces = await collect(europepmc.fetch(['MED:90000101', 'MED:90000102', 'PMC:PMC9000106']));

    expect(pieces.map((piece) => [piece.extension, piece.ids, piece.records])).toEqual([
      ['.europepmc.json', ['MED:90000101', 'MED:90000102', 'PMC:PMC9000106'], 3],
      ['.nxml', ['MED:90000101'], 1],
    ]);
    expect(text(pieces[1])).toBe(FIXTURE_FULL_TEXTS.PMC9000101);
    // MED:90000102 is not open access: never asked for. PMC9000106 is, but has no XML (404).
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /europepmc/webservices/rest/searchPOST',
      'GET /europepmc/webservices/rest/PMC9000101/fullTextXML',
      'GET /europepmc/webservices/rest/PMC9000106/fullTextXML',
    ]);
    expect(sleeps).toEqual([]); // a 404 is an answer, not retried
  });

  it('asks only for records open access and in Europe PMC, each PMCID once', () => {
    const results = [
      { id: '1', source: 'MED', pmcid: 'PMC1', isOpenAccess: 'Y', inEPMC: 'Y' },
      { id: '2', source: 'MED', pmcid: 'PMC2', isOpenAccess: 'Y', inEPMC: 'N' },
      { id: '3', source: 'MED', pmcid: 'PMC3', isOpenAccess: 'N' },
      { id: '4', source: 'MED', isOpenAccess: 'Y' },
      { id: 'PMC5', source: 'PMC', pmcid: 'pmc5', isOpenAccess: 'Y' },
      { id: '6', source: 'MED', pmcid: 'PMC1', isOpenAccess: 'Y' },
    ];
    expect(openAccessRecords(results)).toEqual([
      { key: 'MED:1', pmcid: 'PMC1' },
      { key: 'PMC:PMC5', pmcid: 'PMC5' },
    ]);
  });

  it('retries a full text that fails with 500, and fails as usual when the retries are spent', async () => {
    const fake = await start();
    fake.script({}, { status: 500 });
    const pieces = await collect(service(fake, { fullText: true }).fetch(['MED:90000101']));
    expect(pieces.map((piece) => piece.extension)).toEqual(['.europepmc.json', '.nxml']);
    expect(sleeps).toEqual([500]);

    fake.script({}, { status: 502 }, { status: 502 }, { status: 502 });
    const error = await failure(collect(service(fake, { fullText: true }).fetch(['MED:90000101'])), 'service-unavailable');
    expect(error.message).toMatch(/^Europe PMC at http:\/\/127\.0\.0\.1:\d+\/europepmc\/webservices\/rest\/PMC9000101\/fullTextXML answered HTTP 502 after 3 attempts/);
  });

  it('refuses a reply that is not a JATS article, naming what came', async () => {
    const fake = await start();
    const cases: [string, string][] = [
      ['<?xml version="1.0"?>\n<responseWrapper><error>none</error></responseWrapper>', 'XML with root element <responseWrapper>, not a JATS <article>'],
      ['<!DOCTYPE html><html><head><title>Maintenance</title></head></html>', 'an HTML page ("Maintenance") instead of a JATS article'],
      ['{"error": "no"}', 'no XML root element at its start'],
    ];
    for (const [reply, message] of cases) {
      fake.script({}, { text: reply, contentType: 'application/xml' });
      const error = await failure(collect(service(fake, { fullText: true }).fetch(['MED:90000101'])), 'service-failed');
      expect(error.message).toMatch(/^Europe PMC at http:\/\/127\.0\.0\.1:\d+\/europepmc\/webservices\/rest\/PMC9000101\/fullTextXML sent an unusable reply: /);
      expect(error.message).toContain(message);
    }
    expect(notJats(new TextEncoder().encode('\uFEFF<?xml version="1.0"?><!-- c --><!DOCTYPE article SYSTEM "x.dtd"><article/>'))).toBeUndefined();
    expect(notJats(new TextEncoder().encode('<pmc:article xmlns:pmc="x"/>'))).toBeUndefined();
  });
});

describe('createEuropePmcService: failures', () => {
  it('waits as Retry-After asks after a 429, then succeeds', async () => {
    const fake = await start();
    fake.script({ status: 429, headers: { 'retry-after': '2' }, text: 'slow down' });
    const found = await service(fake).search({ query: 'fixturol', max: 2 });

    expect(found.ids).toEqual(['MED:90000101', 'MED:90000102']);
    expect(sleeps).toEqual([2_000]);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a 500 with backoff, and fails naming the service when retries are spent', async () => {
    const fake = await start();
    fake.script({ status: 500 });
    const [piece] = await collect(service(fake).fetch(['MED:90000101']));
    expect(piece?.records).toBe(1);
    expect(sleeps).toEqual([500]);

    fake.script({ status: 503 }, { status: 503 }, { status: 503 });
    const error = await failure(service(fake).search({ query: 'fixturol', max: 2 }), 'service-unavailable');
    expect(error.message).toMatch(/^Europe PMC at http:\/\/127\.0\.0\.1:\d+\/europepmc\/webservices\/rest\/searchPOST answered HTTP 503 after 3 attempts: /);
    expect(error.message).toContain('scripted HTTP 503');
  });

  it('does not retry a 400 and quotes what the service said', async () => {
    const fake = await start();
    fake.script({ status: 400, body: { version: '6.9', errCode: 400, errMsg: 'bad query' } });
    const error = await failure(service(fake).search({ query: 'fixturol', max: 2 }), 'service-failed');
    expect(error.message).toContain('rejected the request (HTTP 400)');
    expect(error.message).toContain('bad query');
    expect(fake.requests).toHaveLength(1);
  });

  it('names an HTML page that came instead of JSON', async () => {
    const fake = await start();
    const page = '<!DOCTYPE html>\n<html><head><title>Service temporarily unavailable</title></head><body>Maintenance</body></html>';
    fake.script({ text: page, contentType: 'text/html' }, { text: page, contentType: 'text/html' });
    const searchError = await failure(service(fake).search({ query: 'fixturol', max: 2 }), 'service-failed');
    expect(searchError.message).toContain('Europe PMC at');
    expect(searchError.message).toContain('an HTML page ("Service temporarily unavailable") instead of JSON');
    const fetchError = await failure(collect(service(fake).fetch(['MED:90000101'])), 'service-failed');
    expect(fetchError.message).toContain('an HTML page ("Service temporarily unavailable")');
  });

  it('refuses malformed JSON rather than reading it as no records', async () => {
    const fake = await start();
    fake.script({ text: '{"hitCount": 3, "resultList": {"result": [', contentType: 'application/json' });
    const error = await failure(service(fake).search({ query: 'fixturol', max: 2 }), 'service-failed');
    expect(error.message).toContain('Europe PMC at');
    expect(error.message).toContain('sent an unusable reply: the body is not JSON');

    fake.script({ text: '{"resultList": {"result": [{"id": "1", "source": "MED"}', contentType: 'application/json' });
    await failure(collect(service(fake).fetch(['MED:1'])), 'service-failed');
  });

  it('retries the incomplete reply Europe PMC sends at times, and fails naming it when retries are spent', async () => {
    const fake = await start();
    fake.script({ body: { version: '6.9' } });
    expect((await service(fake).search({ query: 'fixturol', max: 1 })).ids).toEqual(['MED:90000101']);
    fake.script({ body: { version: '6.9', hitCount: 3 } });
    const [piece] = await collect(service(fake).fetch(['MED:90000101']));
    expect(piece?.records).toBe(1);
    expect(sleeps).toEqual([500, 500]);

    fake.script({ body: { version: '6.9' } }, { body: { version: '6.9' } }, { body: { version: '6.9' } });
    const error = await failure(collect(service(fake).fetch(['MED:90000101'])), 'service-unavailable');
    expect(error.message).toMatch(/^could not get a complete reply from Europe PMC at http:\/\/127\.0\.0\.1:\d+\/europepmc\/webservices\/rest\/searchPOST after 3 attempts: the reply has no "resultList"/);
    expect(error.hint).toContain('literature.europepmc.baseUrl');
  });

  it('refuses a reply with the wrong types, or the error it reports, at once', async () => {
    const fake = await start();
    const cases: [unknown, string][] = [
      [{ version: '6.9', errMsg: 'Index is being rebuilt' }, 'reported an error: Index is being rebuilt'],
      [{ hitCount: 1, resultList: [] }, '"resultList" is not an object'],
      [{ hitCount: 1, resultList: {} }, '"resultList" has no "result" array'],
      [{ hitCount: '1', resultList: { result: [] } }, '"hitCount" is "1", not a count'],
      [{ hitCount: 1, resultList: { result: [{ id: 123, source: 'MED' }] } }, 'result[0] has id 123'],
      [{ hitCount: 1, resultList: { result: [{ id: '1' }] } }, 'result[0] has source undefined'],
      [{ hitCount: 1, nextCursorMark: 7, resultList: { result: [] } }, '"nextCursorMark" is 7'],
      [[], 'the body is not a JSON object'],
    ];
    for (const [body, message] of cases) {
      fake.script({ body });
      const error = await failure(service(fake).search({ query: 'fixturol', max: 2 }), 'service-failed');
      expect(error.message).toContain(message);
    }
    expect(fake.requests).toHaveLength(cases.length);
    fake.script({ body: { hitCount: 1, resultList: { result: [{ id: '90000101' }] } } });
    const error = await failure(collect(service(fake).fetch(['MED:90000101'])), 'service-failed');
    expect(error.message).toContain('result[0] has source undefined');
  });

  it('times out a reply that does not come, and retries it', async () => {
    const fake = await start();
    fake.script({ delayMs: 2_000 });
    const found = await service(fake, { timeoutMs: 200 }).search({ query: 'fixturol', max: 1 });
    expect(found.ids).toEqual(['MED:90000101']);
    expect(fake.requests).toHaveLength(2);
  });

  it('tells where the base URL is wrong', async () => {
    const fake = await start();
    const error = await failure(service(fake, { baseUrl: `${fake.baseUrl}/nowhere` }).search({ query: 'fixturol', max: 1 }), 'bad-config');
    expect(error.message).toMatch(/^Europe PMC at http:\/\/127\.0\.0\.1:\d+\/europepmc\/webservices\/rest\/nowhere\/searchPOST answered 404: /);
    expect(error.hint).toContain('literature.europepmc.baseUrl');
  });

  it('refuses bad settings when built', async () => {
    const fake = await start();
    expect(() => service(fake, { baseUrl: 'ftp://x' })).toThrow(/bad Europe PMC settings: baseUrl "ftp:\/\/x" is not an http\(s\) URL/);
    expect(() => service(fake, { email: 'not an address' })).toThrow(/email "not an address" is not an email address/);
    expect(() => service(fake, { maxRetries: -1 })).toThrow(/maxRetries/);
  });

  it('accepts the base URL with a trailing slash or already naming searchPOST', async () => {
    const fake = await start();
    for (const baseUrl of [`${fake.baseUrl}/`, `${fake.baseUrl}/searchPOST`]) {
      const europepmc = service(fake, { baseUrl });
      expect(europepmc.description).toBe(`Europe PMC (REST API, ${fake.baseUrl})`);
      expect((await europepmc.search({ query: 'fixturol', max: 1 })).ids).toEqual(['MED:90000101']);
    }
    expect(fake.requests.map((request) => request.path)).toEqual(['/europepmc/webservices/rest/searchPOST', '/europepmc/webservices/rest/searchPOST']);
  });

  it('is cancelled by its signal', async () => {
    const fake = await start();
    fake.script({ delayMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await failure(service(fake).search({ query: 'fixturol', max: 1 }, controller.signal), 'interrupted');
  });
});
