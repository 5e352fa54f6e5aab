import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import type { Answer } from '../../src/domain/answer.js';
import { CitemedError } from '../../src/domain/errors.js';
import type { Thread } from '../../src/ports/threads.js';
import { createServer } from '../../src/server/app.js';
import type { ServerContainer } from '../../src/server/context.js';
import { startFakeChatServer, type FakeChatServer } from '../support/fake-chat-server.js';
import { buildStarterLibrary, EXPECTED_SECURITY_HEADERS, llmPatch, openLibrary, parseEvents, removeLibrary, settingsFor } from './support.js';

const QUESTION = 'What is the management of an iliopsoas abscess?';

/** The HTTP API through app.inject(): the real routes, schemas, error handling and engine, no socket. */
describe('HTTP API', () => {
  let db: string;
  let container: Container;
  let app: FastifyInstance;
  const logs: string[] = [];

  beforeAll(async () => {
    db = await buildStarterLibrary();
    container = openLibrary(db);
    app = createServer(container, settingsFor(db, { server: { bodyLimitBytes: 4096 } }).server, { log: { write: (line) => void logs.push(line) } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await container.close();
    removeLibrary(db);
  });

  const errorOf = (body: string) => (JSON.parse(body) as { error: { code: string; message: string; hint?: string } }).error;

  describe('operations', () => {
    it('answers liveness and readiness', async () => {
      const health = await app.inject({ url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const ready = await app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', sources: expect.any(Number), passages: expect.any(Number) });
      expect(ready.json().passages).toBeGreaterThan(100);
    });

    it('answers health, readiness and metrics whatever credentials come with the request', async () => {
      const stale = [
        { authorization: `Bearer cmk_abcdefghjk_${'A'.repeat(43)}` },
        { authorization: 'Basic dXNlcjpwYXNz' },
        { cookie: 'citemed_session=expired-session-token' },
      ];
      for (const headers of stale) {
        for (const url of ['/health', '/ready', '/metrics']) {
          const response = await app.inject({ url, headers });
          expect(response.statusCode, `${url} with ${Object.keys(headers)[0]}`).toBe(200);
          expect(response.headers['set-cookie']).toBeUndefined();
        }
      }
      // Routes that read credentials still refuse a bad key.
      expect((await app.inject({ url: '/api/v1/search?q=abscess', headers: stale[0] })).statusCode).toBe(401);
    });

    it('is not ready when the library does not answer', async () => {
      const broken: ServerContainer = { ...container, store: { ...container.store, corpusStats: () => Promise.reject(new Error('disk gone')) } };
      const other = createServer(broken, settingsFor(db).server);
      const ready = await other.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(errorOf(ready.body)).toEqual({ code: 'not-ready', message: expect.stringMatching(/library does not answer/) });
      expect(ready.body).not.toMatch(/disk gone/);
      await other.close();
    });

    it('serves an OpenAPI document generated from the route schemas', async () => {
      const response = await app.inject({ url: '/openapi.json' });
      expect(response.statusCode).toBe(200);
      const doc = response.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          '/api/v1/accounts',
          '/api/v1/accounts/{id}',
          '/api/v1/articles',
          '/api/v1/articles/recheck',
          '/api/v1/articles/{id}',
          '/api/v1/articles/{id}/comments',
          '/api/v1/articles/{id}/comments/{commentId}/resolve',
          '/api/v1/articles/{id}/diff',
          '/api/v1/articles/{id}/flags',
          '/api/v1/articles/{id}/flags/dismiss',
          '/api/v1/articles/{id}/references',
          '/api/v1/articles/{id}/review',
          '/api/v1/articles/{id}/reviews',
          '/api/v1/articles/{id}/versions',
          '/api/v1/articles/{id}/versions/{number}',
          '/api/v1/articles/{id}/workspace',
          '/api/v1/ask',
          '/api/v1/audit',
          '/api/v1/ingest-jobs',
          '/api/v1/ingest-jobs/{id}',
          '/api/v1/ingest-jobs/{id}/events',
          '/api/v1/keys',
          '/api/v1/keys/{id}',
          '/api/v1/library',
          '/api/v1/library/postings-index',
          '/api/v1/library/postings-index/jobs',
          '/api/v1/library/postings-index/jobs/{id}',
          '/api/v1/library/postings-index/jobs/{id}/events',
          '/api/v1/literature/fetch',
          '/api/v1/me',
          '/api/v1/me/password',
          '/api/v1/people',
          '/api/v1/search',
          '/api/v1/session',
          '/api/v1/sources/{id}',
          '/api/v1/threads',
          '/api/v1/threads/{id}',
          '/health',
          '/metrics',
          '/ready',
        ].sort(),
      );
      const search = doc.paths['/api/v1/search'].get;
      expect(search.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'limit', 'level', 'type', 'collection', 'from', 'to', 'explain']));
      const ask = doc.paths['/api/v1/ask'].post;
      expect(ask.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AskRequestInput' });
      expect(ask.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Answer' });
      expect(Object.keys(ask.responses['200'].content)).toContain('text/event-stream');
      expect(doc.components.schemas.AskRequestInput.properties.audience.enum).toContain('patient');
      expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    });

    it('says in the OpenAPI document which credentials each operation takes, and the errors before any route', async () => {
      const doc = (await app.inject({ url: '/openapi.json' })).json();
      expect(doc.components.securitySchemes).toEqual({
        apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'cmk_…' }),
        session: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'citemed_session' }),
        csrfToken: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' }),
      });
      expect(doc.security).toEqual([{ apiKey: [] }, { session: [] }]);
      const security = (path: string, method: string) => doc.paths[path][method].security;
      // Probes take none; anonymous visitors may ask here (the default settings), so {} comes first.
      for (const path of ['/health', '/ready', '/metrics']) expect(security(path, 'get')).toEqual([]);
      expect(security('/api/v1/search', 'get')).toEqual([{}, { apiKey: [] }, { session: [] }]);
      expect(security('/api/v1/ask', 'post')).toEqual([{}, { apiKey: [] }, { session: [], csrfToken: [] }]);
      // An account is needed; a session needs the CSRF token for changes only.
      expect(security('/api/v1/audit', 'get')).toEqual([{ apiKey: [] }, { session: [] }]);
      expect(security('/api/v1/accounts', 'post')).toEqual([{ apiKey: [] }, { session: [], csrfToken: [] }]);
      // Routes that read a body document 413 and 415; every limited route documents 429.
      expect(Object.keys(doc.paths['/api/v1/ask'].post.responses)).toEqual(expect.arrayContaining(['413', '415', '429']));
      expect(Object.keys(doc.paths['/api/v1/search'].get.responses)).not.toContain('413');
      expect(Object.keys(doc.paths['/health'].get.responses)).not.toContain('429');

      const closed = createServer(container, settingsFor(db, { server: { anonymous: { ask: false, readArticles: false } } }).server);
      const closedDoc = (await closed.inject({ url: '/openapi.json' })).json();
      expect(closedDoc.paths['/api/v1/search'].get.security).toEqual([{ apiKey: [] }, { session: [] }]);
      await closed.close();
    });
  });

  describe('GET /api/v1/search', () => {
    it('returns ranked passages with the fields of `citemed search --json`', async () => {
      const response = await app.inject({ url: '/api/v1/search?q=iliopsoas%20abscess%20drainage&limit=3' });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['candidates', 'hits', 'notes', 'plan', 'query']);
      expect(body.query).toBe('iliopsoas abscess drainage');
      expect(body.hits).toHaveLength(3);
      expect(body.hits[0].source.id).toBe('doc:overview-iliopsoas-abscess');
      expect(body.hits[0].passage.text).toMatch(/drainage/i);
      expect(body.hits[0].score).toBeGreaterThanOrEqual(body.hits[1].score);
      expect(body.hits[0].explanation).toBeUndefined();
      const direct = await container.search('iliopsoas abscess drainage', { limit: 3, filters: {} });
      expect(body.hits.map((h: { passage: { id: string } }) => h.passage.id)).toEqual(direct.hits.map((h) => h.passage.id));
    });

    it('explains rankings and applies filters when asked', async () => {
      const explained = await app.inject({ url: '/api/v1/search?q=iliopsoas+abscess&limit=2&explain=true' });
      expect(explained.json().hits[0].explanation).toBeDefined();
      const filtered = await app.inject({ url: '/api/v1/search?q=abscess&collection=markdown&level=in-house&from=2000&to=2100' });
      expect(filtered.statusCode).toBe(200);
      const hits = filtered.json().hits as { source: { format: string; evidenceLevel: string } }[];
      expect(hits.length).toBeGreaterThan(0);
      for (const hit of hits) expect(hit.source).toMatchObject({ format: 'markdown', evidenceLevel: 'in-house' });
      const none = await app.inject({ url: '/api/v1/search?q=abscess&collection=medline' });
      expect(none.json().hits).toEqual([]);
    });

    it('refuses bad parameters with a 400 in the error shape, in the CLI\'s words', async () => {
      const bad = await app.inject({ url: '/api/v1/search?q=abscess&limit=0&level=anecdote' });
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad.body)).toEqual({
        code: 'bad-request',
        message: 'query.limit must be a whole number from 1 to 1000, not "0"; query.level: unknown evidence level: anecdote',
        hint: expect.stringMatching(/^use guideline, systematic-review/),
      });
      const cases: [string, RegExp][] = [
        ['/api/v1/search', /query\.q: /],
        ['/api/v1/search?q=', /query\.q: /],
        ['/api/v1/search?q=abscess&from=99', /query\.from must be a four-digit year, not "99"/],
        ['/api/v1/search?q=abscess&collection=scrolls', /unknown collection: scrolls/],
        ['/api/v1/search?q=abscess&explain=maybe', /query\.explain: /],
        ['/api/v1/search?q=abscess&lvl=guideline', /Unrecognized key: "lvl"/],
        ['/api/v1/search?q=abscess&limit=2&limit=3', /query\.limit: .*expected string/],
        ['/api/v1/search?q=abscess&limit=1e2', /query\.limit must be a whole number/],
        ['/api/v1/search?q=abscess&limit=0x10', /query\.limit must be a whole number/],
      ];
      for (const [url, message] of cases) {
        const response = await app.inject({ url });
        expect(response.statusCode, url).toBe(400);
        expect(errorOf(response.body).code, url).toBe('bad-request');
        expect(errorOf(response.body).message, url).toMatch(message);
      }
      // A backwards year range finds nothing, so it is said to be a mistake, as the CLI says it.
      const backwards = await app.inject({ url: '/api/v1/search?q=abscess&from=2030&to=2000' });
      expect(backwards.statusCode).toBe(400);
      expect(errorOf(backwards.body)).toMatchObject({ code: 'usage', message: 'from 2030 is after to 2000', hint: 'swap the two years' });
      const askBackwards = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION, filters: { from: 2030, to: 2000 } } });
      expect(askBackwards.statusCode).toBe(400);
      expect(errorOf(askBackwards.body).message).toBe('filters.from 2030 is after filters.to 2000');
      const common = await app.inject({ url: '/api/v1/search?q=what%20is%20the' });
      expect(common.statusCode).toBe(400);
      expect(errorOf(common.body)).toEqual({
        code: 'usage',
        message: 'nothing to search for in "what is the" (only common words)',
        hint: 'add the condition, drug or test you are asking about',
      });
    });
  });

  describe('POST /api/v1/ask', () => {
    it('returns the Answer JSON, whole: the same answer the engine gives', async () => {
      const response = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const answer = response.json() as Answer;
      expect(answer).toMatchObject({ question: QUESTION, audience: 'clinician', status: 'answered', reviewStatus: 'not-reviewed' });
      expect(answer.references.map((r) => r.source.id)).toEqual(['doc:overview-iliopsoas-abscess']);
      for (const s of [...answer.bottomLine, ...answer.sections.flatMap((section) => section.statements)]) {
        expect(s.verdict?.support).not.toBe('unsupported');
        expect(s.quote).toBeDefined(); // a field the response schema does not name still arrives
      }
      const direct = await container.ask({ question: QUESTION, audience: 'clinician', thread: [] });
      const stable = (a: Answer) => ({ ...a, provenance: { ...a.provenance, generatedAt: '' } });
      expect(stable(answer)).toEqual(stable(JSON.parse(JSON.stringify(direct)) as Answer));
    });

    it('takes the audience, evidence count and filters', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/ask',
        payload: { question: 'How is cellulitis treated?', audience: 'patient', evidence: 5, filters: { collection: ['markdown'], level: ['in-house'], from: 2000 } },
      });
      expect(response.statusCode).toBe(200);
      const answer = response.json() as Answer;
      expect(answer.audience).toBe('patient');
      expect(answer.evidence.length).toBeLessThanOrEqual(5);
      expect(answer.notices[0]).toMatch(/^Get medical help now/);
      expect(answer.provenance.retrieval).toMatchObject({ passages: 5, filters: { formats: ['markdown'], evidenceLevels: ['in-house'], yearFrom: 2000 } });
    });

    it('refuses invalid requests with 400 and says which field is wrong', async () => {
      const cases: [unknown, RegExp][] = [
        [{}, /body\.question: /],
        [{ question: '   ' }, /body\.question: /],
        [{ question: QUESTION, audience: 'robot' }, /body\.audience: Invalid option/],
        [{ question: QUESTION, evidence: 0 }, /body\.evidence: /],
        [{ question: QUESTION, evidence: 2.5 }, /body\.evidence: /],
        [{ question: QUESTION, filters: { level: ['anecdote'] } }, /body\.filters\.level\.0: /],
        [{ question: QUESTION, filters: { from: 99 } }, /body\.filters\.from: /],
        [{ question: QUESTION, filter: { from: 2000 } }, /Unrecognized key: "filter"/],
        [{ question: 42 }, /body\.question: .*expected string/],
        [[QUESTION], /body: /],
      ];
      for (const [payload, message] of cases) {
        const response = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: payload as object });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(errorOf(response.body).code).toBe('bad-request');
        expect(errorOf(response.body).message, JSON.stringify(payload)).toMatch(message);
      }
      const common = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: 'what is the' } });
      expect(common.statusCode).toBe(400);
      expect(errorOf(common.body)).toMatchObject({ code: 'usage', message: 'nothing to answer in "what is the" (only common words)' });
      const notJson = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: '{"question":', headers: { 'content-type': 'application/json' } });
      expect(notJson.statusCode).toBe(400);
      expect(errorOf(notJson.body).code).toBe('bad-request');
      const wrongType = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: 'question', headers: { 'content-type': 'text/plain' } });
      expect(wrongType.statusCode).toBe(415);
      expect(errorOf(wrongType.body).code).toBe('unsupported-media-type');
    });

    it('refuses a body over server.bodyLimitBytes with 413', async () => {
      const response = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: `${QUESTION} ${'x'.repeat(5000)}` } });
      expect(response.statusCode).toBe(413);
      expect(errorOf(response.body)).toEqual({ code: 'payload-too-large', message: expect.any(String) });
      expect(response.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
    });

    it('answers JSON to a client that says an event stream is not acceptable (q=0)', async () => {
      const response = await app.inject({ method: 'POST', url: '/api/v1/ask', headers: { accept: 'text/event-stream;q=0, application/json' }, payload: { question: QUESTION } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json().status).toBe('answered');
    });

    it('streams the extractive answer as one `answer` event when asked for an event stream', async () => {
      const response = await app.inject({ method: 'POST', url: '/api/v1/ask', headers: { accept: 'text/event-stream' }, payload: { question: QUESTION } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(response.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
      const events = parseEvents(response.body);
      expect(events.map((e) => e.event)).toEqual(['answer']); // the extractive composer writes no draft
      expect(events[0]!.data).toMatchObject({ question: QUESTION, status: 'answered' });
    });
  });

  describe('follow-up threads', () => {
    it('starts a thread with no body or an empty one, and refuses unknown keys like every body', async () => {
      expect((await app.inject({ method: 'POST', url: '/api/v1/threads' })).statusCode).toBe(201);
      expect((await app.inject({ method: 'POST', url: '/api/v1/threads', payload: {} })).statusCode).toBe(201);
      const unknown = await app.inject({ method: 'POST', url: '/api/v1/threads', payload: { x: 1 } });
      expect(unknown.statusCode).toBe(400);
      expect(errorOf(unknown.body)).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/Unrecognized key: "x"/) });
    });

    it('creates a thread, continues it, and lists its turns', async () => {
      const created = await app.inject({ method: 'POST', url: '/api/v1/threads' });
      expect(created.statusCode).toBe(201);
      const thread = created.json() as Thread;
      expect(thread.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(thread.turns).toEqual([]);

      const first = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION, threadId: thread.id } });
      expect(first.statusCode).toBe(200);
      expect((first.json() as Answer).searchedFor).toBe(QUESTION);
      const follow = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: 'and in tuberculosis?', threadId: thread.id } });
      expect(follow.statusCode).toBe(200);
      // Read against the first question, as `citemed ask --thread` reads it.
      expect((follow.json() as Answer).searchedFor).toBe('management iliopsoas abscess tuberculosis');

      const read = await app.inject({ url: `/api/v1/threads/${thread.id}` });
      expect(read.statusCode).toBe(200);
      const turns = (read.json() as Thread).turns;
      expect(turns.map((t) => [t.question, t.searchedFor])).toEqual([
        [QUESTION, QUESTION],
        ['and in tuberculosis?', 'management iliopsoas abscess tuberculosis'],
      ]);
      expect(turns[0]!.answer).toMatch(/iliopsoas abscess/i);
      expect(Date.parse(turns[1]!.askedAt)).not.toBeNaN();
    });

    it('answers 404 in the error shape for an unknown thread', async () => {
      const read = await app.inject({ url: '/api/v1/threads/no-such-thread' });
      expect(read.statusCode).toBe(404);
      expect(errorOf(read.body)).toEqual({ code: 'not-found', message: 'no thread "no-such-thread"', hint: expect.stringMatching(/POST \/api\/v1\/threads/) });
      const ask = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION, threadId: 'no-such-thread' } });
      expect(ask.statusCode).toBe(404);
      expect(errorOf(ask.body).code).toBe('not-found');
    });
  });

  describe('GET /api/v1/sources/:id', () => {
    it('returns the source and its passages, without the server\'s file paths', async () => {
      const response = await app.inject({ url: '/api/v1/sources/doc:overview-iliopsoas-abscess' });
      expect(response.statusCode).toBe(200);
      const { source, passages } = response.json();
      expect(source).toMatchObject({ id: 'doc:overview-iliopsoas-abscess', title: 'Management of iliopsoas abscess', evidenceLevel: 'in-house' });
      expect(source.origin.path).toBe('iliopsoas-abscess.md');
      expect(passages.length).toBeGreaterThan(3);
      for (const p of passages) expect(source.text.slice(p.start, p.end)).toBe(p.text);
    });

    it('answers 404 in the error shape for a missing source, DOIs included', async () => {
      for (const id of ['pmid:1', '10.1056%2FNEJMoa000000']) {
        const response = await app.inject({ url: `/api/v1/sources/${id}` });
        expect(response.statusCode).toBe(404);
        expect(errorOf(response.body)).toMatchObject({ code: 'not-found', message: `no source "${decodeURIComponent(id)}" in the library` });
      }
    });
  });

  describe('errors and headers', () => {
    it('answers unknown routes with 404 in the error shape', async () => {
      const response = await app.inject({ url: '/api/v2/everything?q=secret' });
      expect(response.statusCode).toBe(404);
      expect(errorOf(response.body)).toEqual({ code: 'not-found', message: 'no route for GET /api/v2/everything', hint: 'see /openapi.json for the routes' });
      const wrongMethod = await app.inject({ method: 'DELETE', url: '/api/v1/search' });
      expect(wrongMethod.statusCode).toBe(404);
      expect(errorOf(wrongMethod.body).code).toBe('not-found');
    });

    it('puts the security headers on every response', async () => {
      const responses = await Promise.all([
        app.inject({ url: '/health' }),
        app.inject({ url: '/metrics' }),
        app.inject({ url: '/openapi.json' }),
        app.inject({ url: '/api/v1/search?q=abscess' }),
        app.inject({ url: '/api/v1/search?q=' }),
        app.inject({ url: '/nowhere' }),
      ]);
      for (const response of responses) {
        expect(response.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
        expect(response.headers['cache-control']).toBe('no-store');
      }
    });

    it('maps engine errors to statuses, with safe messages for the server\'s own troubles', async () => {
      const failing = (error: unknown): ServerContainer => ({ ...container, search: () => Promise.reject(error), ask: () => Promise.reject(error) });
      const cases: [unknown, number, string, RegExp][] = [
        [new CitemedError('database-locked', 'database /srv/lib.db is locked'), 503, 'database-locked', /busy/],
        [new CitemedError('service-unavailable', 'could not reach the chat server at http://10.0.0.5:11434/v1'), 503, 'service-unavailable', /did not answer/],
        [new CitemedError('service-failed', 'the chat server at http://10.0.0.5 rejected the request'), 502, 'service-failed', /answered with an error/],
        [new CitemedError('bad-config', 'the openai composer needs answer.llm.model', { hint: 'set CITEMED__ANSWER__LLM__MODEL' }), 500, 'bad-config', /not configured correctly/],
        [new CitemedError('database-corrupt', '/srv/lib.db is damaged'), 500, 'database-corrupt', /cannot be read/],
        [new CitemedError('not-found', 'no library at /srv/lib.db'), 404, 'not-found', /no library/],
        [new Error('boom in /srv/citemed/src/secret.ts'), 500, 'internal', /went wrong on the server/],
      ];
      for (const [error, status, code, message] of cases) {
        const other = createServer(failing(error), settingsFor(db).server);
        for (const response of [await other.inject({ url: '/api/v1/search?q=abscess' }), await other.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION } })]) {
          expect(response.statusCode, code).toBe(status);
          expect(errorOf(response.body).code).toBe(code);
          expect(errorOf(response.body).message).toMatch(message);
          if (status >= 500) expect(response.body).not.toMatch(/\/srv|10\.0\.0\.5|CITEMED__|secret\.ts|at .*\(/);
        }
        if (status === 503) expect((await other.inject({ url: '/api/v1/search?q=abscess' })).headers['retry-after']).toMatch(/^\d+$/);
        await other.close();
      }
    });

    it('cancels an answer that runs past server.answerTimeoutMs and answers 504', async () => {
      let signal: AbortSignal | undefined;
      const slow: ServerContainer = {
        ...container,
        ask: (request) => {
          signal = request.signal;
          return new Promise(() => undefined); // never finishes on its own
        },
      };
      const other = createServer(slow, { ...settingsFor(db).server, answerTimeoutMs: 50 });
      const response = await other.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION } });
      expect(response.statusCode).toBe(504);
      expect(errorOf(response.body)).toMatchObject({ code: 'timeout', message: 'no answer within 50 ms' });
      expect(signal?.aborted).toBe(true);
      await other.close();
    });

    it('answers 504 for an answer that finished past server.answerTimeoutMs in work that held the event loop', async () => {
      // Retrieval and the extractive composer are synchronous: the deadline's timer cannot fire during them.
      const blocking: ServerContainer = {
        ...container,
        ask: async (request) => {
          const answer = await container.ask(request);
          const until = performance.now() + 150;
          while (performance.now() < until); // synchronous work past the deadline
          return answer;
        },
      };
      const other = createServer(blocking, { ...settingsFor(db).server, answerTimeoutMs: 50 });
      const thread = JSON.parse((await other.inject({ method: 'POST', url: '/api/v1/threads' })).body) as { id: string };
      for (const headers of [{}, { accept: 'text/event-stream' }]) {
        const response = await other.inject({ method: 'POST', url: '/api/v1/ask', headers, payload: { question: QUESTION, threadId: thread.id } });
        const error = headers.accept ? (parseEvents(response.body).find((e) => e.event === 'error')?.data as { error: { code: string } }).error : errorOf(response.body);
        if (!headers.accept) expect(response.statusCode).toBe(504);
        expect(error).toMatchObject({ code: 'timeout', message: 'no answer within 50 ms' });
      }
      // A late answer is not added to the thread either.
      expect(JSON.parse((await other.inject({ url: `/api/v1/threads/${thread.id}` })).body).turns).toEqual([]);
      await other.close();
    });
  });

  describe('metrics', () => {
    const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/;
    const COMMENT = /^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))$/;
    const valueOf = (text: string, series: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.slice(series.length + 1));
    };

    it('speaks the Prometheus text format, and its counters count', async () => {
      const before = await app.inject({ url: '/metrics' });
      expect(before.statusCode).toBe(200);
      expect(before.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const lines = before.body.trimEnd().split('\n');
      for (const line of lines) expect(line.startsWith('#') ? COMMENT.test(line) : SAMPLE.test(line), line).toBe(true);
      // Every family is declared once, before its samples.
      const types = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!);
      expect(new Set(types).size).toBe(types.length);
      expect(types).toEqual(expect.arrayContaining(['citemed_http_requests_total', 'citemed_http_request_duration_seconds', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']));
      expect(valueOf(before.body, 'process_resident_memory_bytes')).toBeGreaterThan(1_000_000);

      const health = 'citemed_http_requests_total{method="GET",route="/health",status="200"}';
      const askCount = 'citemed_http_request_duration_seconds_count{method="POST",route="/api/v1/ask"}';
      const unmatched = 'citemed_http_requests_total{method="GET",route="unmatched",status="404"}';
      await app.inject({ url: '/health' });
      await app.inject({ url: '/health' });
      await app.inject({ url: '/secret-path-123' });
      await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION } });
      const after = (await app.inject({ url: '/metrics' })).body;
      expect(valueOf(after, health) - valueOf(before.body, health)).toBe(2);
      expect(valueOf(after, unmatched) - valueOf(before.body, unmatched)).toBe(1);
      expect(valueOf(after, askCount) - valueOf(before.body, askCount)).toBe(1);
      expect(after).not.toMatch(/secret-path-123/); // paths never become labels
      // Histogram buckets are cumulative and end with +Inf = _count.
      const buckets = after.split('\n').filter((l) => l.startsWith('citemed_http_request_duration_seconds_bucket{method="POST",route="/api/v1/ask",'));
      const counts = buckets.map((l) => Number(l.split(' ')[1]));
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(buckets.at(-1)).toMatch(/le="\+Inf"\} \d+$/);
      expect(counts.at(-1)).toBe(valueOf(after, askCount));
      expect(valueOf(after, 'citemed_answers_total{status="answered"}')).toBeGreaterThan(0);
    });
  });

  describe('logs', () => {
    it('log each request without the question, the search text or the path\'s ids', async () => {
      logs.length = 0;
      await app.inject({ url: '/api/v1/search?q=zanzibarmarker%20abscess' });
      await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: 'Does quokkamarker affect iliopsoas abscess?' } });
      await app.inject({ url: '/api/v1/sources/pmid:987654321' });
      await app.inject({ url: '/api/v1/search?q=what+is+the+quokkamarker' });
      const text = logs.join('');
      expect(logs.length).toBeGreaterThanOrEqual(4);
      expect(text).not.toMatch(/zanzibarmarker|quokkamarker|987654321/);
      const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', method: 'GET', route: '/api/v1/sources/:id', status: 404 }));
    });

    it('log questions only when server.logQuestions is on', async () => {
      const lines: string[] = [];
      const other = createServer(container, settingsFor(db, { server: { logQuestions: true } }).server, { log: { write: (line) => void lines.push(line) } });
      await other.inject({ url: '/api/v1/search?q=zanzibarmarker%20abscess' });
      expect(lines.join('')).toMatch(/zanzibarmarker/);
      await other.close();
    });
  });
});

/** An LLM composer behind the fake chat server: its draft arrives as `draft` events before the answer. */
describe('HTTP API with a language-model composer', () => {
  let db: string;
  let chat: FakeChatServer;
  let container: Container;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await buildStarterLibrary();
    chat = await startFakeChatServer();
    container = openLibrary(db, llmPatch(chat.baseUrl));
    app = createServer(container, settingsFor(db).server);
  });
  afterAll(async () => {
    await app.close();
    await container.close();
    await chat.close();
    removeLibrary(db);
  });

  it('streams the draft as `draft` events, then the verified answer', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/ask', headers: { accept: 'text/event-stream' }, payload: { question: QUESTION } });
    expect(response.statusCode).toBe(200);
    const events = parseEvents(response.body);
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'draft').length).toBeGreaterThan(1);
    expect(names.at(-1)).toBe('answer');
    expect(names.indexOf('answer')).toBe(names.length - 1); // every draft comes before the answer
    const draft = events.filter((e) => e.event === 'draft').map((e) => (e.data as { text: string }).text).join('');
    expect(draft).toMatch(/^\{"bottomLine"/);
    const answer = events.at(-1)!.data as Answer;
    expect(answer.status).toBe('answered');
    expect(answer.provenance.composer).toMatch(/^openai-chat/);
    expect((chat.requests.at(-1)!.body as { stream?: boolean }).stream).toBe(true);
  });

  it('reports a failing model as an `error` event in the error shape, without its address', async () => {
    chat.script({ status: 500 });
    const response = await app.inject({ method: 'POST', url: '/api/v1/ask', headers: { accept: 'text/event-stream' }, payload: { question: QUESTION } });
    expect(response.statusCode).toBe(200); // the stream had begun; the event says what happened
    const events = parseEvents(response.body);
    expect(events.at(-1)).toEqual({ event: 'error', data: { error: { code: 'service-unavailable', message: expect.stringMatching(/did not answer/) } } });
    expect(response.body).not.toContain(chat.baseUrl);
    chat.script({ status: 500 });
    const json = await app.inject({ method: 'POST', url: '/api/v1/ask', payload: { question: QUESTION } });
    expect(json.statusCode).toBe(503);
  });
});
