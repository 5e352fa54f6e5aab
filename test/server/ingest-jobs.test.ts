import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/config/container.js';
import { ingestJobsFor, type IngestJob, type IngestJobs } from '../../src/config/ingest-jobs.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { PreparedItem } from '../../src/ingest/prepare-items.js';
import { createServer } from '../../src/server/app.js';
import { listen } from '../../src/server/listen.js';
import { makeStaff, type Staff } from './editorial-support.js';
import { buildStarterLibrary, openLibrary, parseEvents, removeLibrary, settingsFor, type ServerSentEvent } from './support.js';

/**
 * Ingest jobs through the API: an administrator ingests folders on the server and watches; paths
 * outside `ingest.serverRoots` (directly, by `..`, or through a symbolic link) are refused before
 * anything runs; queued and running jobs can be cancelled; progress streams as server-sent
 * events; shutdown stops a running job after its batch. The documents are written by the test.
 */
describe('ingest jobs', () => {
  let db: string;
  let root: string;
  let outside: string;
  let container: Container;
  let app: FastifyInstance;
  let staff: Staff;
  const settings = () => settingsFor(db, { server: { rateLimit: { enabled: false } } }).server;

  /** A folder under the root holding `count` small Markdown documents of its own. */
  const folder = (name: string, count = 2): string => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    for (let i = 1; i <= count; i++) {
      writeFileSync(
        path.join(dir, `${name}-note-${i}.md`),
        `# Test note ${name} ${i}\n\n## Background\n\nThis note about ${name} number ${i} was written for the ingest job tests; it holds a paragraph of plain text.\n`,
      );
    }
    return dir;
  };

  const as = (who: keyof Staff['headers']) => staff.headers[who];
  const post = (target: FastifyInstance, payload: object, who: keyof Staff['headers'] = 'admin') =>
    target.inject({ method: 'POST', url: '/api/v1/ingest-jobs', headers: as(who), payload });
  const getJob = async (target: FastifyInstance, id: string): Promise<IngestJob> =>
    (await target.inject({ url: `/api/v1/ingest-jobs/${id}`, headers: as('admin') })).json();

  /** The audit log's entries about one job, oldest first, as administrators read them. */
  const audited = async (target: FastifyInstance, id: string): Promise<AuditEntry[]> =>
    (await target.inject({ url: `/api/v1/audit?subjectType=ingest-job&subjectId=${id}`, headers: as('admin') })).json().entries;

  /** Polls until the job is in one of `statuses`. */
  async function waitFor(target: FastifyInstance, id: string, statuses: IngestJob['status'][] = ['done', 'failed', 'cancelled']): Promise<IngestJob> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await getJob(target, id);
      if (statuses.includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Polls until the job has planned its files and is reading (held at the gate of `gatedJobs`). */
  async function waitForReading(target: FastifyInstance, id: string): Promise<void> {
    await waitFor(target, id, ['running']);
    const deadline = Date.now() + 30_000;
    while ((await getJob(target, id)).progress.filesTotal === 0) {
      if (Date.now() > deadline) throw new Error(`job ${id} never started reading`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * A job queue whose reading waits at a gate until `release()`, so a job can be held running:
   * cancelled, watched or shut down mid-way, without timing guesses.
   */
  function gatedJobs(): { jobs: IngestJobs; release: () => void } {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* gated(batches: AsyncIterable<PreparedItem[]>): AsyncIterable<PreparedItem[]> {
      await gate;
      yield* batches;
    }
    const jobs = ingestJobsFor({
      ...container,
      ingestDeps: () => {
        const deps = container.ingestDeps();
        return { ...deps, prepare: (request) => gated(deps.prepare(request)) };
      },
    });
    return { jobs, release };
  }

  beforeAll(async () => {
    db = await buildStarterLibrary();
    root = mkdtempSync(path.join(tmpdir(), 'citemed-jobs-root-'));
    outside = mkdtempSync(path.join(tmpdir(), 'citemed-jobs-outside-'));
    writeFileSync(path.join(outside, 'secret.md'), '# Not for ingesting\n\nThis file lies outside the server roots.\n');
    symlinkSync(outside, path.join(root, 'escape'));
    container = openLibrary(db, { ingest: { serverRoots: [root], worker: false }, server: { rateLimit: { enabled: false } } });
    app = createServer(container, settings());
    staff = await makeStaff(container);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await container.close();
    removeLibrary(db);
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('ingests a folder on the server: totals, progress, the living-article re-check, and a bigger library', async () => {
    const published = await app.inject({ method: 'POST', url: '/api/v1/articles', headers: as('editor'), payload: { question: 'How is an iliopsoas abscess managed?' } });
    expect(published.statusCode).toBe(201);
    const before = (await app.inject({ url: '/api/v1/library' })).json();
    const dir = folder('first');

    const started = await post(app, { paths: [dir] });
    expect(started.statusCode).toBe(202);
    const job = started.json();
    expect(job).toMatchObject({ paths: [dir], force: false, startedBy: staff.ids.admin });
    expect(['queued', 'running']).toContain(job.status);

    const done = await waitFor(app, job.id);
    expect(done.status).toBe('done');
    expect(done.error).toBeUndefined();
    expect(done.totals).toEqual({ added: 2, updated: 0, deleted: 0, skipped: 0 });
    expect(done.progress).toMatchObject({ filesTotal: 2, filesDone: 2, records: 2 });
    expect(done.progress.bytesDone).toBe(done.progress.bytesTotal);
    expect(done.progress.currentFile).toBeUndefined();
    expect(done.recheck).toEqual({ checked: 1, raised: expect.any(Number) });
    expect(Date.parse(done.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.startedAt ?? ''));

    const after = (await app.inject({ url: '/api/v1/library' })).json();
    expect(after.sources).toBe(before.sources + 2);
    expect(after.byFormat.markdown).toBe(before.byFormat.markdown + 2);
    expect(after.passages).toBeGreaterThan(before.passages);
    expect(JSON.stringify(after)).not.toContain(path.dirname(db));

    const list = (await app.inject({ url: '/api/v1/ingest-jobs', headers: as('admin') })).json();
    expect(list.jobs[0]).toEqual(done);

    // The same folder again: every file already ingested, nothing changes, no re-check.
    const again = await waitFor(app, (await post(app, { paths: [dir] })).json().id);
    expect(again).toMatchObject({ status: 'done', totals: { added: 0, updated: 0, deleted: 0 } });
    expect(again.recheck).toBeUndefined();
    expect((await app.inject({ url: '/api/v1/ingest-jobs', headers: as('admin') })).json().jobs.map((j: IngestJob) => j.id)).toEqual([again.id, done.id]);

    // Who started each ingest, and of what, is in the audit log; and how it ended, by the system.
    expect(await audited(app, done.id)).toEqual([
      expect.objectContaining({ actor: staff.ids.admin, action: 'ingest-job.start', subjectType: 'ingest-job', after: { paths: [dir], force: false, status: job.status } }),
      expect.objectContaining({
        actor: 'system',
        action: 'ingest-job.end',
        subjectType: 'ingest-job',
        after: { status: 'done', startedBy: staff.ids.admin, totals: { added: 2, updated: 0, deleted: 0, skipped: 0 }, recheck: done.recheck },
      }),
    ]);
    expect((await audited(app, again.id)).map((e) => e.after)).toEqual([
      { paths: [dir], force: false, status: 'queued' },
      { status: 'done', startedBy: staff.ids.admin, totals: { added: 0, updated: 0, deleted: 0, skipped: 0 } },
    ]);
  }, 60_000);

  it('shows which records it skipped, where and why, as `citemed ingest` lists them', async () => {
    const dir = path.join(root, 'skips');
    mkdirSync(dir, { recursive: true });
    const good = { id: 'skip-test-1', title: 'A note on drains', text: 'Drains are flushed with saline once a day.' };
    writeFileSync(path.join(dir, 'bad.jsonl'), `${JSON.stringify(good)}\n{"id": "skip-test-2", "title": \n`);
    const done = await waitFor(app, (await post(app, { paths: [dir] })).json().id);
    expect(done).toMatchObject({ status: 'done', totals: { added: 1, skipped: 1 } });
    expect(done.totals?.skippedRecords).toEqual([{ file: 'bad.jsonl', line: 2, reason: 'malformed', text: expect.stringMatching(/^malformed or unreadable record — not valid JSON/) }]);
    expect(JSON.stringify(done.totals)).not.toContain(root);
    // The audit log keeps the counts; the records are the job's to show.
    expect((await audited(app, done.id)).at(-1)?.after).toMatchObject({ totals: { added: 1, updated: 0, deleted: 0, skipped: 1 } });
    expect(JSON.stringify(await audited(app, done.id))).not.toContain('bad.jsonl');
  }, 60_000);

  it('refuses paths outside the roots, by `..`, through a symbolic link, or missing, before anything is queued', async () => {
    const inside = folder('refused', 1);
    const jobsBefore = (await app.inject({ url: '/api/v1/ingest-jobs', headers: as('admin') })).json().jobs.length;
    for (const paths of [['library/starter'], [path.join(root, 'refused', '..', '..')], [path.join(root, 'escape')], [path.join(root, 'escape', 'secret.md')], [inside, path.join(root, 'nope')]]) {
      const response = await post(app, { paths });
      expect(response.statusCode, paths.join()).toBe(400);
      const error = response.json().error;
      expect(error.code).toBe('usage');
      expect(error.message).toContain(`(allowed: ${root})`);
    }
    const missing = (await post(app, { paths: [path.join(root, 'nope')] })).json().error.message;
    expect(missing).toMatch(/^no such file or folder on the server: .*nope/);
    const escaped = (await post(app, { paths: [path.join(root, 'escape')] })).json().error.message;
    expect(escaped).toMatch(/^outside the folders this server ingests from: /);
    expect(escaped).not.toContain(outside); // where the link leads is not said

    for (const payload of [{}, { paths: [] }, { paths: [''] }, { paths: [inside], extra: 1 }, { paths: Array.from({ length: 101 }, () => inside) }]) {
      const response = await post(app, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('bad-request');
    }
    expect((await app.inject({ url: '/api/v1/ingest-jobs', headers: as('admin') })).json().jobs).toHaveLength(jobsBefore);
  });

  it('is for administrators only', async () => {
    const dir = folder('forbidden', 1);
    for (const who of ['reader', 'editor', 'reviewer'] as const) {
      expect((await post(app, { paths: [dir] }, who)).statusCode).toBe(403);
      expect((await app.inject({ url: '/api/v1/ingest-jobs', headers: as(who) })).statusCode).toBe(403);
    }
    expect((await app.inject({ method: 'POST', url: '/api/v1/ingest-jobs', payload: { paths: [dir] } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/ingest-jobs/none' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/ingest-jobs/none', headers: as('admin') })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/ingest-jobs/none', headers: as('admin') })).statusCode).toBe(404);
  });

  it('cancels a queued job at once, and a running one after its batch, keeping what it wrote', async () => {
    const { jobs, release } = gatedJobs();
    const gated = createServer({ ...container, ingestJobs: jobs }, settings());
    try {
      const running = (await post(gated, { paths: [folder('held')] })).json();
      await waitForReading(gated, running.id);
      const queued = (await post(gated, { paths: [folder('waiting')] })).json();
      expect(queued.status).toBe('queued');

      const cancelled = await gated.inject({ method: 'DELETE', url: `/api/v1/ingest-jobs/${queued.id}`, headers: as('admin') });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json()).toMatchObject({ id: queued.id, status: 'cancelled' });
      expect(cancelled.json().finishedAt).toEqual(expect.any(String));
      const twice = await gated.inject({ method: 'DELETE', url: `/api/v1/ingest-jobs/${queued.id}`, headers: as('admin') });
      expect(twice.statusCode).toBe(409);
      // The cancel is audited, by whom and from which state, then the end it caused, by the
      // system; the refused second cancel is not.
      const entries = await audited(gated, queued.id);
      expect(entries.map((e) => e.action)).toEqual(['ingest-job.start', 'ingest-job.cancel', 'ingest-job.end']);
      expect(entries[1]).toMatchObject({ actor: staff.ids.admin, before: { status: 'queued' }, after: { status: 'cancelled' } });
      expect(entries[2]).toMatchObject({ actor: 'system', after: { status: 'cancelled', startedBy: staff.ids.admin, totals: { added: 0, updated: 0, deleted: 0, skipped: 0 } } });

      const stopping = await gated.inject({ method: 'DELETE', url: `/api/v1/ingest-jobs/${running.id}`, headers: as('admin') });
      expect(stopping.json().status).toBe('running'); // until its batch is written
      release();
      const stopped = await waitFor(gated, running.id);
      expect(stopped.status).toBe('cancelled');
      // One Markdown file is one batch: the first was written whole, the second never started.
      expect(stopped.totals?.added).toBe(1);
      expect(stopped.recheck).toBeUndefined();
      expect((await getJob(gated, queued.id)).totals).toBeUndefined();
      // Asked while running, ended by its run after the batch: one end, with what was written.
      const ran = await audited(gated, running.id);
      expect(ran.map((e) => [e.action, e.actor])).toEqual([
        ['ingest-job.start', staff.ids.admin],
        ['ingest-job.cancel', staff.ids.admin],
        ['ingest-job.end', 'system'],
      ]);
      expect(ran[1]).toMatchObject({ before: { status: 'running' }, after: { status: 'running' } });
      expect(ran[2]?.after).toEqual({ status: 'cancelled', startedBy: staff.ids.admin, totals: { added: 1, updated: 0, deleted: 0, skipped: 0 } });
    } finally {
      await gated.close();
    }
  }, 60_000);

  it('streams progress then done over a socket, and lets a client that leaves go', async () => {
    const { jobs, release } = gatedJobs();
    const serverSettings = { ...settings(), port: 0, shutdownGraceMs: 5_000 };
    const running = await listen(createServer({ ...container, ingestJobs: jobs }, serverSettings), serverSettings);
    try {
      const start = await fetch(`${running.url}/api/v1/ingest-jobs`, {
        method: 'POST',
        headers: { ...as('admin'), 'content-type': 'application/json' },
        body: JSON.stringify({ paths: [folder('streamed')] }),
      });
      expect(start.status).toBe(202);
      const { id } = (await start.json()) as IngestJob;

      // A client that leaves after the first event: its listener goes with it.
      const leaving = new AbortController();
      const early = await fetch(`${running.url}/api/v1/ingest-jobs/${id}/events`, { headers: as('admin'), signal: leaving.signal });
      const reader = early.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect((await reader.read()).value).toMatch(/^event: progress\n/);
      expect(jobs.watchers(id)).toBe(1);
      leaving.abort();
      await until(() => jobs.watchers(id) === 0);

      const response = await fetch(`${running.url}/api/v1/ingest-jobs/${id}/events`, { headers: as('admin') });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = readEvents(response);
      release();
      const received = await events;
      expect(received[0]?.event).toBe('progress');
      expect(received.at(-1)?.event).toBe('done');
      expect(received.filter((e) => e.event === 'done')).toHaveLength(1);
      const finished = received.at(-1)?.data as IngestJob;
      expect(finished).toMatchObject({ id, status: 'done', totals: { added: 2 } });
      for (const event of received) {
        const file = (event.data as IngestJob).progress.currentFile;
        if (file !== undefined) expect(file).toMatch(/^streamed-note-\d\.md$/);
      }

      // A finished job's stream says done at once, and ends.
      const late = await readEvents(await fetch(`${running.url}/api/v1/ingest-jobs/${id}/events`, { headers: as('admin') }));
      expect(late.map((e) => e.event)).toEqual(['done']);
    } finally {
      release();
      await running.close();
    }
  }, 60_000);

  it('stops a running job after its batch when the server closes, and waits for it', async () => {
    const { jobs, release } = gatedJobs();
    const closing = createServer({ ...container, ingestJobs: jobs }, settings());
    const job = (await post(closing, { paths: [folder('shutdown')] })).json();
    await waitForReading(closing, job.id);
    const queued = (await post(closing, { paths: [folder('never')] })).json();
    const closed = closing.close();
    // Shutdown cancels what waits and aborts what runs at once; only then may the batch go on.
    await until(async () => (await jobs.get(queued.id))?.status === 'cancelled');
    release();
    await closed;
    expect(await jobs.get(job.id)).toMatchObject({ status: 'cancelled', totals: { added: 1 } });
    expect(await jobs.get(queued.id)).toMatchObject({ status: 'cancelled', error: 'the server shut down before the job started' });
    // Both ends are audited before the server has closed, by the system: nobody cancelled them.
    expect((await audited(app, job.id)).map((e) => [e.action, e.actor, e.after])).toEqual([
      ['ingest-job.start', staff.ids.admin, { paths: job.paths, force: false, status: 'queued' }],
      ['ingest-job.end', 'system', { status: 'cancelled', startedBy: staff.ids.admin, totals: { added: 1, updated: 0, deleted: 0, skipped: 0 } }],
    ]);
    expect((await audited(app, queued.id)).map((e) => [e.action, e.actor, e.after])).toEqual([
      ['ingest-job.start', staff.ids.admin, { paths: queued.paths, force: false, status: 'queued' }],
      [
        'ingest-job.end',
        'system',
        { status: 'cancelled', startedBy: staff.ids.admin, totals: { added: 0, updated: 0, deleted: 0, skipped: 0 }, error: 'the server shut down before the job started' },
      ],
    ]);
  }, 60_000);
});

/** Every event of a stream, until the server ends it. */
async function readEvents(response: Response): Promise<ServerSentEvent[]> {
  return parseEvents(await response.text());
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
