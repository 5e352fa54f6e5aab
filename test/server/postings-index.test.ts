import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../../src/config/container.js';
import { postingsJobsFor, type PostingsJob, type PostingsJobs } from '../../src/config/postings-jobs.js';
import { SettingsSchema } from '../../src/config/settings.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { PostingsIndex, Store, WriteOp } from '../../src/ports/store.js';
import { createServer } from '../../src/server/app.js';
import { sourceWithPassages } from '../factories/sources.js';
import { makeStaff, signInBrowser, type Staff } from './editorial-support.js';
import { buildStarterLibrary, parseEvents, removeLibrary, settingsFor } from './support.js';

/**
 * The postings index from the web admin: its state and advice, a build and a drop started through
 * the API that really produce (and remove) the index, run in a worker thread while the server goes
 * on answering, one job at a time, cancellable, audited, for administrators only; and nothing to
 * build in a library without one (PostgreSQL's, here a store without `postings`).
 */
describe('the postings index through the API', () => {
  let db: string;
  let container: Container;
  let app: FastifyInstance;
  let staff: Staff;
  const settings = () => settingsFor(db, { server: { rateLimit: { enabled: false } } }).server;
  const as = (who: keyof Staff['headers']) => staff.headers[who];
  const URL = '/api/v1/library/postings-index';

  const status = async (target: FastifyInstance = app) => (await target.inject({ url: URL, headers: as('admin') })).json();
  const start = (target: FastifyInstance, action: string, headers: Record<string, string> = as('admin')) =>
    target.inject({ method: 'POST', url: `${URL}/jobs`, headers, payload: { action } });
  const audited = async (id: string): Promise<AuditEntry[]> =>
    (await app.inject({ url: `/api/v1/audit?subjectType=postings-job&subjectId=${id}`, headers: as('admin') })).json().entries;

  /** Polls the jobs until `id` has finished. */
  async function finished(jobs: Pick<PostingsJobs, 'get'>, id: string): Promise<PostingsJob> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = jobs.get(id);
      if (job && job.status !== 'running') return job;
      if (Date.now() > deadline) throw new Error(`postings job ${id} still ${job?.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The container with its store's postings index replaced (`wrap` gets the real one). */
  function withPostings(wrap: (real: PostingsIndex) => PostingsIndex): Container {
    const store: Store = { ...container.store, postings: wrap(container.store.postings!) };
    return { ...container, store };
  }

  beforeAll(async () => {
    db = await buildStarterLibrary();
    // A long busy timeout: one test holds the library's write lock while a build waits for it.
    container = createContainer(SettingsSchema.parse({ server: { rateLimit: { enabled: false } }, store: { path: db, busyTimeoutMs: 60_000 } }), { create: false });
    app = createServer(container, settings());
    staff = await makeStaff(container);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await container.close();
    removeLibrary(db);
  });

  it('builds the index: state, in use, the job with what it built, the library statistics, the audit log', async () => {
    const before = await status();
    expect(before).toEqual({ available: true, enabled: true, inUse: false });
    expect((await app.inject({ url: '/api/v1/library' })).json().postings).toBeUndefined();

    const started = await start(app, 'build');
    expect(started.statusCode).toBe(202);
    const job = started.json() as PostingsJob;
    expect(job).toMatchObject({ action: 'build', status: 'running', startedBy: staff.ids.admin, progress: { done: 0, total: 0, terms: 0 } });

    // Streamed until it ends: the job at once, then done (inject reads the whole stream).
    const events = parseEvents((await app.inject({ url: `${URL}/jobs/${job.id}/events`, headers: as('admin') })).body);
    expect(events.at(-1)?.event).toBe('done');
    const done = events.at(-1)?.data as PostingsJob;
    expect(done).toMatchObject({ id: job.id, status: 'done' });
    expect(done.error).toBeUndefined();

    const library = (await app.inject({ url: '/api/v1/library' })).json();
    expect(library.postings).toMatchObject({ passages: library.passages, newer: 0, removed: 0, newerLimit: 50_000 });
    expect(done.built).toEqual({ passages: library.passages, terms: expect.any(Number), bytes: expect.any(Number), elapsedMs: expect.any(Number) });
    expect(done.built!.terms).toBeGreaterThan(1_000);
    expect(done.progress.done).toBe(done.progress.total);
    expect(done.progress.total).toBeGreaterThan(0);

    const after = await status();
    expect(after).toEqual({ available: true, state: library.postings, enabled: true, inUse: true, job: done });
    // Searches rank from it: the same results as before it was built.
    expect((await app.inject({ url: '/api/v1/search?q=iliopsoas+abscess' })).statusCode).toBe(200);

    // A finished job's stream says done at once.
    const late = parseEvents((await app.inject({ url: `${URL}/jobs/${job.id}/events`, headers: as('admin') })).body);
    expect(late.map((e) => e.event)).toEqual(['done']);

    expect((await audited(job.id)).map((e) => [e.action, e.actor, e.after])).toEqual([
      ['postings-job.start', staff.ids.admin, { action: 'build', status: 'running' }],
      ['postings-job.end', 'system', { status: 'done', action: 'build', startedBy: staff.ids.admin, passages: library.passages, terms: done.built!.terms }],
    ]);
  }, 120_000);

  it('advises a rebuild once the library changed by more than a tenth since the build', async () => {
    const { passages } = (await status()).state;
    const ops: WriteOp[] = Array.from({ length: Math.ceil(passages / 10 / 2) + 1 }, (_, i) => {
      const { source, passages: parts } = sourceWithPassages({ id: `pmid:${7_000_000 + i}`, ids: { pmid: String(7_000_000 + i) } });
      return { kind: 'upsert', source, passages: parts };
    });
    await container.store.write({ ops, now: new Date().toISOString() });
    const added = ops.reduce((n, op) => n + (op.kind === 'upsert' ? op.passages.length : 0), 0);
    const advised = await status();
    expect(advised.state).toMatchObject({ passages, newer: added, removed: 0 });
    expect(advised.inUse).toBe(true);
    expect(advised.advice).toEqual({ kind: 'rebuild', newer: added, removed: 0, fallenBack: false });
  });

  it('runs in a worker thread: the server answers other requests while a build waits, and refuses a second one with 409', async () => {
    // The build is made to wait for the library's write lock, held here on a connection of the
    // test's own. Had it run on the server's event loop, nothing could answer until it gave up.
    const raw = new Database(db);
    let locked = false;
    const jobs = postingsJobsFor(
      withPostings((real) => ({
        ...real,
        build: (onProgress, options) => {
          raw.exec('BEGIN IMMEDIATE');
          locked = true;
          return real.build(onProgress, options);
        },
      })),
    )!;
    const server = createServer({ ...container, postingsJobs: jobs }, settings());
    try {
      // Signed in as the web app is, with a session.
      const browser = await signInBrowser(server, 'admin');
      const session = { cookie: browser.cookie, 'x-csrf-token': browser.csrf };
      const job = (await start(server, 'build', session)).json() as PostingsJob;
      expect(locked).toBe(true);
      expect(job.status).toBe('running');

      const health = await server.inject({ url: '/health' });
      expect(health.statusCode).toBe(200);
      const search = await server.inject({ url: '/api/v1/search?q=iliopsoas+abscess+drainage' });
      expect(search.statusCode).toBe(200);
      expect(search.json().hits.length).toBeGreaterThan(0);
      const shown = await server.inject({ url: URL, headers: session });
      expect(shown.statusCode).toBe(200);
      expect(shown.json().job).toMatchObject({ id: job.id, status: 'running' });
      const second = await start(server, 'build', session);
      expect(second.statusCode).toBe(409);
      expect(second.json().error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/^a postings index build is under way already/), hint: 'wait for it to finish, or cancel it' });
      expect((await start(server, 'drop', session)).statusCode).toBe(409);
      // All that while, the build was still waiting.
      expect(jobs.get(job.id)?.status).toBe('running');

      raw.exec('COMMIT');
      const done = await finished(jobs, job.id);
      expect(done.status).toBe('done');
      const library = (await server.inject({ url: '/api/v1/library' })).json();
      expect(library.postings).toMatchObject({ passages: library.passages, newer: 0, builtAt: (await status(server)).state.builtAt });
      expect(done.built?.passages).toBe(library.passages);
      // Only the first start is in the log.
      expect((await audited(job.id)).map((e) => e.action)).toEqual(['postings-job.start', 'postings-job.end']);
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      raw.close();
      await server.close();
    }
  }, 120_000);

  it('cancels a running build: it ends cancelled, the index in service unchanged, both audited', async () => {
    const { builtAt } = (await status()).state;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Held before the real build starts, so the cancel finds it running.
    const jobs = postingsJobsFor(withPostings((real) => ({ ...real, build: async (onProgress, options) => (await gate, real.build(onProgress, options)) })))!;
    const server = createServer({ ...container, postingsJobs: jobs }, settings());
    try {
      const job = (await start(server, 'build')).json() as PostingsJob;
      const cancelled = await server.inject({ method: 'DELETE', url: `${URL}/jobs/${job.id}`, headers: as('admin') });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json()).toMatchObject({ id: job.id, status: 'running' }); // until the build has stopped
      release();
      const ended = await finished(jobs, job.id);
      expect(ended.status).toBe('cancelled');
      expect(ended.built).toBeUndefined();
      expect((await status(server)).state.builtAt).toBe(builtAt);
      const twice = await server.inject({ method: 'DELETE', url: `${URL}/jobs/${job.id}`, headers: as('admin') });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.message).toMatch(/has already finished \(cancelled\)/);
      expect((await audited(job.id)).map((e) => [e.action, e.actor, e.after])).toEqual([
        ['postings-job.start', staff.ids.admin, { action: 'build', status: 'running' }],
        ['postings-job.cancel', staff.ids.admin, { status: 'running' }],
        ['postings-job.end', 'system', { status: 'cancelled', action: 'build', startedBy: staff.ids.admin }],
      ]);
    } finally {
      release();
      await server.close();
    }
  }, 120_000);

  it('shows a failed build\'s error in one line, and drops the index', async () => {
    const failing = postingsJobsFor(withPostings((real) => ({ ...real, build: () => Promise.reject(new Error('disk on fire at /srv/secret/lib.db')) })), {
      onServerError: () => undefined,
    })!;
    const server = createServer({ ...container, postingsJobs: failing }, settings());
    try {
      const job = (await start(server, 'build')).json() as PostingsJob;
      const failed = await finished(failing, job.id);
      expect(failed).toMatchObject({ status: 'failed', error: 'the postings index build failed on the server; its operator can see why in its log' });
      expect(JSON.stringify(failed)).not.toContain('/srv/secret');
    } finally {
      await server.close();
    }

    const dropping = await start(app, 'drop');
    expect(dropping.statusCode).toBe(202);
    const events = parseEvents((await app.inject({ url: `${URL}/jobs/${dropping.json().id}/events`, headers: as('admin') })).body);
    expect(events.at(-1)?.data).toMatchObject({ action: 'drop', status: 'done' });
    expect((await app.inject({ url: '/api/v1/library' })).json().postings).toBeUndefined();
    const after = await status();
    expect(after.state).toBeUndefined();
    expect(after.inUse).toBe(false);
    // A drop cannot be cancelled once finished, nor an unknown job at all.
    expect((await app.inject({ method: 'DELETE', url: `${URL}/jobs/${dropping.json().id}`, headers: as('admin') })).statusCode).toBe(409);
    expect((await app.inject({ method: 'DELETE', url: `${URL}/jobs/none`, headers: as('admin') })).statusCode).toBe(404);
    expect((await app.inject({ url: `${URL}/jobs/none/events`, headers: as('admin') })).statusCode).toBe(404);
  }, 120_000);

  it('is for administrators only: others are refused before anything runs', async () => {
    const jobBefore = (await status()).job;
    for (const who of ['reader', 'editor', 'reviewer'] as const) {
      const refused = await start(app, 'build', as(who));
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
      expect((await app.inject({ url: URL, headers: as(who) })).statusCode).toBe(403);
      expect((await app.inject({ method: 'DELETE', url: `${URL}/jobs/${jobBefore.id}`, headers: as(who) })).statusCode).toBe(403);
      expect((await app.inject({ url: `${URL}/jobs/${jobBefore.id}/events`, headers: as(who) })).statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'POST', url: `${URL}/jobs`, payload: { action: 'build' } })).statusCode).toBe(401);
    expect((await app.inject({ url: URL })).statusCode).toBe(401);
    expect((await status()).job).toEqual(jobBefore);
    for (const payload of [{}, { action: 'rebuild' }, { action: 'build', extra: 1 }]) {
      const bad = await app.inject({ method: 'POST', url: `${URL}/jobs`, headers: as('admin'), payload });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('bad-request');
    }
    expect((await status()).job).toEqual(jobBefore);
  });

  it('is described in the OpenAPI document: the state, the job, the statistics\' new field', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(doc.paths['/api/v1/library/postings-index'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PostingsIndex' });
    expect(doc.paths['/api/v1/library/postings-index/jobs'].post.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PostingsJob' });
    expect(doc.components.schemas.PostingsJob.properties.action.enum).toEqual(['build', 'drop']);
    expect(doc.components.schemas.PostingsJob.properties.status.enum).toEqual(['running', 'done', 'failed', 'cancelled']);
    expect(doc.components.schemas.LibraryStats.properties.postings).toMatchObject({ $ref: '#/components/schemas/PostingsState' });
  });

  it('says a library without a postings index (PostgreSQL) has none, and answers 404 to a job, saying why', async () => {
    const { postings: _none, ...withoutPostings } = container.store;
    const server = createServer({ ...container, store: withoutPostings }, settings());
    try {
      const shown = await server.inject({ url: URL, headers: as('admin') });
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toEqual({ available: false, enabled: true, inUse: false });
      for (const response of [await start(server, 'build'), await server.inject({ method: 'DELETE', url: `${URL}/jobs/any`, headers: as('admin') })]) {
        expect(response.statusCode).toBe(404);
        expect(response.json().error).toEqual({
          code: 'not-found',
          message: 'this library has no postings index: it is for the embedded (SQLite) library',
          hint: 'a PostgreSQL library ranks in the database; there is nothing to build',
        });
      }
    } finally {
      await server.close();
    }
  });
});
