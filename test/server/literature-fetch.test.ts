import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import type { SettingsPatch } from '../../src/config/settings.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import { createServer } from '../../src/server/app.js';
import { listen } from '../../src/server/listen.js';
import { startFakeEutils, type FakeEutils } from '../support/fake-eutils.js';
import { makeStaff, signInBrowser, type Staff } from './editorial-support.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from './support.js';

const URL = '/api/v1/literature/fetch';
/** Matches PMID 90000001 of the fake's synthetic records (and 90000002 on "children" and "diarrhoea"). */
const QUESTION = 'oral rehydration in children with diarrhoea';

/**
 * POST /api/v1/literature/fetch against a fake E-utilities server on 127.0.0.1: off unless
 * `literature.serverFetch`; editors and administrators only; the records found are saved, ingested
 * and then found by search, ask and the sources route; errors of the service mapped to the API's
 * statuses in safe words; every fetch audited; a fetch given up (deadline, client gone) stopped.
 */
describe('fetching literature through the API', () => {
  let db: string;
  let fake: FakeEutils;
  let container: Container;
  let app: FastifyInstance;
  let staff: Staff;
  const as = (who: keyof Staff['headers']) => staff.headers[who];
  const literature = (): SettingsPatch['literature'] => ({
    serverFetch: true,
    pubmed: { baseUrl: fake.baseUrl, email: 'tests@example.org', maxRetries: 1, timeoutMs: 5_000, requestsPerSecond: 50 },
  });
  const serverSettings = (patch: Partial<ReturnType<typeof settingsFor>['server']> = {}) => ({
    ...settingsFor(db, { server: { rateLimit: { enabled: false } } }).server,
    ...patch,
  });
  const fetchAs = (who: keyof Staff['headers'] | 'anonymous', payload: unknown, target: FastifyInstance = app) =>
    target.inject({ method: 'POST', url: URL, headers: who === 'anonymous' ? {} : as(who), payload: payload as Record<string, unknown> });
  const audited = async (): Promise<AuditEntry[]> =>
    (await app.inject({ url: '/api/v1/audit?subjectType=literature-fetch', headers: as('admin') })).json().entries;

  beforeAll(async () => {
    db = await buildStarterLibrary();
    fake = await startFakeEutils();
    container = openLibrary(db, { literature: literature() });
    app = createServer(container, serverSettings());
    staff = await makeStaff(container);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await container.close();
    await fake.close();
    removeLibrary(db);
  });

  describe('off by default', () => {
    let off: Container;
    let offApp: FastifyInstance;
    beforeAll(async () => {
      off = openLibrary(db, { literature: { pubmed: { baseUrl: fake.baseUrl } } });
      offApp = createServer(off, serverSettings());
      await offApp.ready();
    });
    afterAll(async () => {
      await offApp.close();
      await off.close();
    });

    it('answers 404 "not enabled" to an editor, before reading the body, and never calls out', async () => {
      expect(off.settings.literature.serverFetch).toBe(false);
      const before = fake.requests.length;
      for (const payload of [{ service: 'pubmed', query: QUESTION }, { service: 'scopus' }]) {
        const response = await fetchAs('editor', payload, offApp);
        expect(response.statusCode).toBe(404);
        expect(response.json().error).toMatchObject({ code: 'not-found', message: 'fetching from PubMed or Europe PMC is not enabled on this server' });
        expect(response.json().error.hint).toContain('literature.serverFetch');
      }
      expect(fake.requests.length).toBe(before);
    });

    it('still answers 401 and 403 first: who may not learns nothing', async () => {
      expect((await fetchAs('anonymous', {}, offApp)).statusCode).toBe(401);
      expect((await fetchAs('reader', {}, offApp)).statusCode).toBe(403);
    });

    it('tells the web app not to offer it', async () => {
      const editor = await signInBrowser(offApp, 'editor');
      const session = await offApp.inject({ url: '/api/v1/session', headers: { cookie: editor.cookie } });
      expect(session.json()).toMatchObject({ signedIn: true, literatureFetch: false });
    });

    it('draws on the asks bucket, even refused', async () => {
      const limited = createServer(off, {
        ...settingsFor(db).server,
        rateLimit: { ...settingsFor(db).server.rateLimit, keyAsksPerMinute: 1 },
      });
      try {
        expect((await fetchAs('editor', { service: 'pubmed', query: QUESTION }, limited)).statusCode).toBe(404);
        const second = await fetchAs('editor', { service: 'pubmed', query: QUESTION }, limited);
        expect(second.statusCode).toBe(429);
        expect(second.json().error.code).toBe('rate-limited');
      } finally {
        await limited.close();
      }
    });
  });

  it('tells the web app who may fetch: editors and administrators, while the setting is on', async () => {
    for (const [who, may] of [
      ['reader', false],
      ['reviewer', false],
      ['editor', true],
      ['admin', true],
    ] as const) {
      const session = await signInBrowser(app, who);
      const reply = await app.inject({ url: '/api/v1/session', headers: { cookie: session.cookie } });
      expect({ who, literatureFetch: reply.json().literatureFetch }).toEqual({ who, literatureFetch: may });
    }
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'editor', password: 'correct horse battery staple' } });
    expect(signIn.json().literatureFetch).toBe(true);
    expect((await app.inject({ url: '/api/v1/session' })).json()).toEqual({ signedIn: false, literatureFetch: false });
  });

  it('refuses anonymous visitors (401) and readers and reviewers (403)', async () => {
    const before = fake.requests.length;
    expect((await fetchAs('anonymous', { service: 'pubmed', query: QUESTION })).json().error.code).toBe('unauthenticated');
    for (const who of ['reader', 'reviewer'] as const) {
      const response = await fetchAs(who, { service: 'pubmed', query: QUESTION });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.message).toBe('this needs one of these roles: editor, admin');
    }
    expect(fake.requests.length).toBe(before);
  });

  it('refuses a bad body with 400, naming the field, before reaching the service', async () => {
    const before = fake.requests.length;
    const cases: [unknown, RegExp][] = [
      [{ service: 'pubmed' }, /body\.query/],
      [{ service: 'pubmed', query: '   ' }, /body\.query/],
      [{ service: 'pubmed', query: 'x'.repeat(1_001) }, /body\.query/],
      [{ service: 'scopus', query: QUESTION }, /body\.service/],
      [{ service: 'pubmed', query: QUESTION, max: 0 }, /body\.max/],
      [{ service: 'pubmed', query: QUESTION, max: 501 }, /body\.max/],
      [{ service: 'pubmed', query: QUESTION, fromYear: 20 }, /body\.fromYear/],
      [{ service: 'pubmed', query: QUESTION, folder: '/etc' }, /folder/],
      [{ service: 'pubmed', query: QUESTION, fromYear: 2020, toYear: 2010 }, /fromYear 2020 is after toYear 2010/],
    ];
    for (const [payload, message] of cases) {
      const response = await fetchAs('editor', payload);
      expect({ payload, status: response.statusCode }).toEqual({ payload, status: 400 });
      expect(response.json().error.message).toMatch(message);
    }
    expect(fake.requests.length).toBe(before);
  });

  it('fetches, ingests and says what changed; the records are then found, and the fetch audited', async () => {
    const asked = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION } });
    expect(asked.json().status).toBe('insufficient');
    expect((await app.inject({ url: '/api/v1/sources/pmid:90000001' })).statusCode).toBe(404);

    const response = await fetchAs('editor', { service: 'pubmed', query: QUESTION });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({
      service: 'pubmed',
      total: 1,
      found: 1,
      fetched: 1,
      added: 1,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failedParts: 0,
      resumed: false,
      translation: expect.stringContaining('"rehydration"[All Fields]'),
      warnings: expect.any(Array),
      searchedAt: expect.any(String),
    });
    // The folder by name only: where the server keeps its files is its own business.
    expect(result.fetchedAs).toMatch(/^pubmed-\d{4}-\d{2}-\d{2}-[0-9a-f]{10}$/);
    expect(response.body).not.toContain(path.dirname(db));
    expect(readdirSync(path.join(path.dirname(db), 'fetched'))).toContain(result.fetchedAs);
    // The fake saw the search as sent, with the default of 50 records.
    const search = fake.requests.find((r) => r.path.endsWith('esearch.fcgi') && r.params.term === QUESTION);
    expect(search?.params).toMatchObject({ retmax: '50', tool: 'citemed', email: 'tests@example.org' });

    const source = await app.inject({ url: '/api/v1/sources/pmid:90000001' });
    expect(source.statusCode).toBe(200);
    expect(source.json().source).toMatchObject({ id: 'pmid:90000001', evidenceLevel: 'randomized-trial', origin: { path: 'part-0001.xml' } });
    const hits = (await app.inject({ url: `/api/v1/search?q=${encodeURIComponent('oral rehydration children')}` })).json().hits;
    expect(hits[0].source.id).toBe('pmid:90000001');
    // The question that found too little is now answered, citing the fetched record.
    const again = (await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION } })).json();
    expect(again.status).toBe('answered');
    expect(again.references.map((r: { source: { id: string } }) => r.source.id)).toContain('pmid:90000001');

    const entries = await audited();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: staff.ids.editor,
      action: 'literature.fetch',
      subjectType: 'literature-fetch',
      subjectId: result.fetchedAs,
      after: { service: 'pubmed', query: { query: QUESTION, max: 50 }, status: 'done', total: 1, found: 1, fetched: 1, added: 1, updated: 0, unchanged: 0, skipped: 0 },
    });
  });

  it('asked again the same day, goes on with the same fetch: nothing fetched or added twice', async () => {
    const before = fake.requests.length;
    const response = await fetchAs('admin', { service: 'pubmed', query: `  ${QUESTION} ` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ found: 1, fetched: 0, added: 0, resumed: true });
    expect(fake.requests.length).toBe(before);
    expect((await audited()).at(-1)).toMatchObject({ actor: staff.ids.admin, after: { status: 'done', fetched: 0, added: 0 } });
  });

  it('says so when the service finds nothing, and adds nothing', async () => {
    const response = await fetchAs('editor', { service: 'pubmed', query: 'zzzznothing', max: 10 });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ total: 0, found: 0, fetched: 0, added: 0 });
  });

  it('maps a service that does not answer to 503 and one that refuses to 502, in words that name no address', async () => {
    // maxRetries 1: two tries each.
    fake.script({ status: 503 }, { status: 503 });
    const unavailable = await fetchAs('editor', { service: 'pubmed', query: 'hand washing', max: 5 });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('30');
    expect(unavailable.json().error.code).toBe('service-unavailable');
    expect(unavailable.json().error.message).toMatch(/PubMed or Europe PMC\) did not answer; try again later/);
    expect(unavailable.body).not.toContain('127.0.0.1');

    fake.script({ status: 400, body: { error: 'Invalid query' } });
    const refused = await fetchAs('editor', { service: 'pubmed', query: 'hand washing', max: 5 });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('service-failed');
    expect(refused.body).not.toContain('127.0.0.1');

    const failures = (await audited()).slice(-2);
    expect(failures.map((entry) => entry.after)).toEqual([
      { service: 'pubmed', query: { query: 'hand washing', max: 5 }, status: 'failed', error: 'service-unavailable' },
      { service: 'pubmed', query: { query: 'hand washing', max: 5 }, status: 'failed', error: 'service-failed' },
    ]);
  });

  it('stops a fetch past server.answerTimeoutMs (504), and audits it as cancelled', async () => {
    const quick = createServer(container, serverSettings({ answerTimeoutMs: 300 }));
    try {
      fake.script({ delayMs: 3_000 });
      const response = await fetchAs('editor', { service: 'pubmed', query: 'older adults', max: 5 }, quick);
      expect(response.statusCode).toBe(504);
      expect(response.json().error.code).toBe('timeout');
      const entry = await eventually(async () => (await audited()).find((e) => (e.after as { query: { query: string } }).query.query === 'older adults'));
      expect(entry.after).toMatchObject({ status: 'cancelled' });
    } finally {
      await quick.close();
    }
  });

  it('stops a fetch whose client went away, and keeps nothing half-written', async () => {
    const settings = { ...serverSettings(), port: 0, logLevel: 'silent' as const };
    const running = await listen(createServer(container, settings), settings);
    try {
      fake.script({ delayMs: 3_000 });
      const before = fake.requests.length;
      const controller = new AbortController();
      const sent = fetch(`${running.url}${URL}`, {
        method: 'POST',
        headers: { ...as('editor'), 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'pubmed', query: 'respiratory infections', max: 5 }),
        signal: controller.signal,
      }).catch((error: unknown) => error);
      await eventually(async () => (fake.requests.length > before ? true : undefined));
      controller.abort();
      expect(await sent).toBeInstanceOf(Error);
      const entry = await eventually(async () => (await audited()).find((e) => (e.after as { query: { query: string } }).query.query === 'respiratory infections'));
      expect(entry.after).toMatchObject({ status: 'cancelled' });
      // The search never finished, so no manifest was written: the next request searches afresh.
      const folder = path.join(path.dirname(db), 'fetched', entry.subjectId);
      expect(() => readdirSync(folder)).toThrow();
    } finally {
      await running.close();
    }
  });

  it('is in the OpenAPI document, for editors and administrators with credentials', async () => {
    const document = (await app.inject({ url: '/openapi.json' })).json();
    const operation = document.paths['/api/v1/literature/fetch'].post;
    expect(operation.security).toEqual([{ apiKey: [] }, { session: [], csrfToken: [] }]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '429', '502', '503', '504']));
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['LiteratureFetch', 'LiteratureFetchRequestInput']));
  });
});

/** Polls `probe` until it gives a value, for what a fetch does after its response was sent. */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('still nothing after 15 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
