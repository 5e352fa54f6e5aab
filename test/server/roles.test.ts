import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { createServer } from '../../src/server/app.js';
import { makeStaff, PASSWORD, type Staff } from './editorial-support.js';
import { buildStarterLibrary, openLibrary, removeLibrary, settingsFor } from './support.js';

/**
 * Every route × every kind of caller: anonymous, reader, editor, reviewer, admin. The expected
 * access is written out here by hand, independently of the policy table (domain/policy.ts), and the
 * list of routes is taken from the server itself, so a new route without a row here fails.
 */
type Caller = 'anonymous' | 'reader' | 'editor' | 'reviewer' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'reader', 'editor', 'reviewer', 'admin'];

/** Who gets in: 'ok' (the route runs: any status but 401 and 403), 401 or 403. */
type Access = Record<Caller, 'ok' | 401 | 403>;
const PUBLIC: Access = { anonymous: 'ok', reader: 'ok', editor: 'ok', reviewer: 'ok', admin: 'ok' };
const SIGNED_IN: Access = { anonymous: 401, reader: 'ok', editor: 'ok', reviewer: 'ok', admin: 'ok' };
const STAFF: Access = { anonymous: 401, reader: 403, editor: 'ok', reviewer: 'ok', admin: 'ok' };
const EDITORS: Access = { anonymous: 401, reader: 403, editor: 'ok', reviewer: 403, admin: 'ok' };
const REVIEWERS: Access = { anonymous: 401, reader: 403, editor: 403, reviewer: 'ok', admin: 'ok' };
const ADMINS: Access = { anonymous: 401, reader: 403, editor: 403, reviewer: 403, admin: 'ok' };
/** Open to anonymous visitors only while `server.anonymous.ask` (or `.readArticles`) is on. */
const OPEN_TO_ANONYMOUS = (open: boolean): Access => (open ? PUBLIC : SIGNED_IN);

interface World {
  articleId: string;
  slug: string;
  readerId: string;
}

interface Row {
  access: (settings: { ask: boolean; readArticles: boolean }) => Access;
  request: (world: World) => Omit<InjectOptions, 'method' | 'headers'>;
}

const ROUTES: Record<string, Row> = {
  'GET /health': { access: () => PUBLIC, request: () => ({ url: '/health' }) },
  'GET /ready': { access: () => PUBLIC, request: () => ({ url: '/ready' }) },
  'GET /metrics': { access: () => PUBLIC, request: () => ({ url: '/metrics' }) },
  'GET /openapi.json': { access: () => PUBLIC, request: () => ({ url: '/openapi.json' }) },
  'GET /editorial-policy': { access: () => PUBLIC, request: () => ({ url: '/editorial-policy' }) },
  // The web app's pages and assets are public: what a page may show is decided by the API it calls.
  'GET /': { access: () => PUBLIC, request: () => ({ url: '/' }) },
  'GET /ask': { access: () => PUBLIC, request: () => ({ url: '/ask' }) },
  'GET /articles': { access: () => PUBLIC, request: () => ({ url: '/articles' }) },
  'GET /review': { access: () => PUBLIC, request: () => ({ url: '/review' }) },
  'GET /review/*': { access: () => PUBLIC, request: () => ({ url: '/review/abc' }) },
  'GET /admin': { access: () => PUBLIC, request: () => ({ url: '/admin' }) },
  'GET /signin': { access: () => PUBLIC, request: () => ({ url: '/signin' }) },
  'GET /assets/*': { access: () => PUBLIC, request: () => ({ url: '/assets/none.js' }) },
  'GET /favicon.svg': { access: () => PUBLIC, request: () => ({ url: '/favicon.svg' }) },
  'GET /favicon.ico': { access: () => PUBLIC, request: () => ({ url: '/favicon.ico' }) },
  'GET /articles/:id/:slug': { access: (s) => OPEN_TO_ANONYMOUS(s.readArticles), request: (w) => ({ url: `/articles/${w.articleId}/${w.slug}` }) },
  'GET /articles/:id': { access: (s) => OPEN_TO_ANONYMOUS(s.readArticles), request: (w) => ({ url: `/articles/${w.articleId}` }) },
  'GET /api/v1/search': { access: (s) => OPEN_TO_ANONYMOUS(s.ask), request: () => ({ url: '/api/v1/search?q=abscess' }) },
  'POST /api/v1/ask': { access: (s) => OPEN_TO_ANONYMOUS(s.ask), request: () => ({ url: '/api/v1/ask', payload: { question: 'iliopsoas abscess drainage' } }) },
  'POST /api/v1/threads': { access: (s) => OPEN_TO_ANONYMOUS(s.ask), request: () => ({ url: '/api/v1/threads' }) },
  'GET /api/v1/threads/:id': { access: (s) => OPEN_TO_ANONYMOUS(s.ask), request: () => ({ url: '/api/v1/threads/none' }) },
  'GET /api/v1/sources/:id': { access: (s) => OPEN_TO_ANONYMOUS(s.ask), request: () => ({ url: '/api/v1/sources/pmid:1' }) },
  'POST /api/v1/session': { access: () => PUBLIC, request: () => ({ url: '/api/v1/session', payload: { username: 'reader', password: PASSWORD } }) },
  'GET /api/v1/session': { access: () => PUBLIC, request: () => ({ url: '/api/v1/session' }) },
  'DELETE /api/v1/session': { access: () => PUBLIC, request: () => ({ url: '/api/v1/session' }) },
  'GET /api/v1/me': { access: () => SIGNED_IN, request: () => ({ url: '/api/v1/me' }) },
  'POST /api/v1/me/password': { access: () => SIGNED_IN, request: () => ({ url: '/api/v1/me/password', payload: { current: PASSWORD, password: PASSWORD } }) },
  'GET /api/v1/people': { access: () => STAFF, request: () => ({ url: '/api/v1/people' }) },
  'GET /api/v1/accounts': { access: () => ADMINS, request: () => ({ url: '/api/v1/accounts' }) },
  'POST /api/v1/accounts': { access: () => ADMINS, request: () => ({ url: '/api/v1/accounts', payload: { username: 'x', displayName: 'X', roles: ['reader'], password: 'short' } }) },
  'PATCH /api/v1/accounts/:id': { access: () => ADMINS, request: (w) => ({ url: `/api/v1/accounts/${w.readerId}`, payload: { displayName: 'Rae R. Reader' } }) },
  'GET /api/v1/keys': { access: () => SIGNED_IN, request: () => ({ url: '/api/v1/keys' }) },
  'POST /api/v1/keys': { access: () => SIGNED_IN, request: () => ({ url: '/api/v1/keys', payload: { name: 'walk' } }) },
  'DELETE /api/v1/keys/:id': { access: () => SIGNED_IN, request: () => ({ url: '/api/v1/keys/zzzzzzzzzz' }) },
  'GET /api/v1/articles': { access: (s) => OPEN_TO_ANONYMOUS(s.readArticles), request: () => ({ url: '/api/v1/articles' }) },
  'POST /api/v1/articles': { access: () => EDITORS, request: () => ({ url: '/api/v1/articles', payload: { question: 'management of iliopsoas hematoma' } }) },
  'POST /api/v1/articles/recheck': { access: () => EDITORS, request: () => ({ url: '/api/v1/articles/recheck' }) },
  'GET /api/v1/articles/:id': { access: (s) => OPEN_TO_ANONYMOUS(s.readArticles), request: (w) => ({ url: `/api/v1/articles/${w.articleId}` }) },
  'GET /api/v1/articles/:id/workspace': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/workspace` }) },
  'GET /api/v1/articles/:id/versions': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/versions` }) },
  'GET /api/v1/articles/:id/versions/:number': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/versions/1` }) },
  'GET /api/v1/articles/:id/diff': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/diff?from=1&to=1` }) },
  'POST /api/v1/articles/:id/versions': { access: () => EDITORS, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/versions`, payload: { regenerate: true } }) },
  'POST /api/v1/articles/:id/review': { access: () => REVIEWERS, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/review`, payload: { action: 'start-review' } }) },
  'GET /api/v1/articles/:id/reviews': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/reviews` }) },
  'GET /api/v1/articles/:id/comments': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/comments` }) },
  'POST /api/v1/articles/:id/comments': {
    access: () => STAFF,
    request: (w) => ({ url: `/api/v1/articles/${w.articleId}/comments`, payload: { version: 1, statement: 'bottom-line.1', text: 'Source?' } }),
  },
  'POST /api/v1/articles/:id/comments/:commentId/resolve': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/comments/none/resolve` }) },
  'GET /api/v1/articles/:id/flags': { access: () => STAFF, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/flags` }) },
  'POST /api/v1/articles/:id/flags/dismiss': { access: () => REVIEWERS, request: (w) => ({ url: `/api/v1/articles/${w.articleId}/flags/dismiss`, payload: { reason: 'checked' } }) },
  'GET /api/v1/audit': { access: () => ADMINS, request: () => ({ url: '/api/v1/audit' }) },
  'GET /api/v1/library': { access: (s) => OPEN_TO_ANONYMOUS(s.ask), request: () => ({ url: '/api/v1/library' }) },
  'GET /api/v1/articles/:id/references': {
    access: (s) => OPEN_TO_ANONYMOUS(s.readArticles),
    request: (w) => ({ url: `/api/v1/articles/${w.articleId}/references?format=ris` }),
  },
  // The starter library is in the test library already: the admin's job finds every file done.
  'POST /api/v1/ingest-jobs': { access: () => ADMINS, request: () => ({ url: '/api/v1/ingest-jobs', payload: { paths: ['library/starter'] } }) },
  'GET /api/v1/ingest-jobs': { access: () => ADMINS, request: () => ({ url: '/api/v1/ingest-jobs' }) },
  'GET /api/v1/ingest-jobs/:id': { access: () => ADMINS, request: () => ({ url: '/api/v1/ingest-jobs/none' }) },
  'GET /api/v1/ingest-jobs/:id/events': { access: () => ADMINS, request: () => ({ url: '/api/v1/ingest-jobs/none/events' }) },
  'DELETE /api/v1/ingest-jobs/:id': { access: () => ADMINS, request: () => ({ url: '/api/v1/ingest-jobs/none' }) },
  'GET /api/v1/library/postings-index': { access: () => ADMINS, request: () => ({ url: '/api/v1/library/postings-index' }) },
  // Refused by validation once the policy let it through: nothing is built.
  'POST /api/v1/library/postings-index/jobs': { access: () => ADMINS, request: () => ({ url: '/api/v1/library/postings-index/jobs', payload: { action: 'none' } }) },
  'GET /api/v1/library/postings-index/jobs/:id/events': { access: () => ADMINS, request: () => ({ url: '/api/v1/library/postings-index/jobs/none/events' }) },
  'DELETE /api/v1/library/postings-index/jobs/:id': { access: () => ADMINS, request: () => ({ url: '/api/v1/library/postings-index/jobs/none' }) },
  // literature.serverFetch is off here: who may gets 404 (not enabled), nothing reaches the network.
  'POST /api/v1/literature/fetch': { access: () => EDITORS, request: () => ({ url: '/api/v1/literature/fetch', payload: { service: 'pubmed', query: 'iliopsoas abscess' } }) },
};

describe('every route × every role', () => {
  for (const anonymous of [
    { ask: true, readArticles: true },
    { ask: false, readArticles: false },
  ]) {
    describe(`anonymous ask ${anonymous.ask ? 'on' : 'off'}, anonymous reading ${anonymous.readArticles ? 'on' : 'off'}`, () => {
      let db: string;
      let container: Container;
      let app: FastifyInstance;
      let staff: Staff;
      const routes: string[] = [];
      const world = {} as World;

      beforeAll(async () => {
        db = await buildStarterLibrary();
        container = openLibrary(db, { server: { anonymous, rateLimit: { enabled: false }, logLevel: 'silent' } });
        app = createServer(container, settingsFor(db, { server: { anonymous, rateLimit: { enabled: false } } }).server);
        app.addHook('onRoute', (route) => {
          for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
        });
        await app.ready();
        staff = await makeStaff(container);
        const published = await app.inject({ method: 'POST', url: '/api/v1/articles', headers: staff.headers.editor, payload: { question: 'How is an iliopsoas abscess managed?' } });
        expect(published.statusCode).toBe(201);
        world.articleId = published.json().id;
        world.slug = published.json().slug;
        world.readerId = staff.ids.reader;
      }, 120_000);
      afterAll(async () => {
        await app.close();
        await container.close();
        removeLibrary(db);
      });

      it('has a row for every route the server serves, and no row for a route it lacks', () => {
        expect(routes.length).toBeGreaterThan(30);
        expect([...new Set(routes)].sort()).toEqual(Object.keys(ROUTES).sort());
      });

      for (const [route, row] of Object.entries(ROUTES)) {
        it(`${route}: ${CALLERS.map((c) => `${c} ${row.access(anonymous)[c]}`).join(', ')}`, async () => {
          const [method] = route.split(' ') as [InjectOptions['method']];
          const expected = row.access(anonymous);
          for (const caller of CALLERS) {
            const response = await app.inject({ method, ...row.request(world), headers: caller === 'anonymous' ? {} : staff.headers[caller] });
            const got = response.statusCode === 401 || response.statusCode === 403 ? response.statusCode : 'ok';
            expect({ caller, got, body: got === expected[caller] ? '' : response.body.slice(0, 300) }).toEqual({ caller, got: expected[caller], body: '' });
            if (got !== 'ok') expect(response.json().error.code).toBe(got === 401 ? 'unauthenticated' : 'forbidden');
          }
        }, 60_000);
      }
    });
  }
});
