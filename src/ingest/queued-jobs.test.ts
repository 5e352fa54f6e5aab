import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropLibrarySchemas, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../../test/support/postgres.js';
import { createContainer, type Container } from '../config/container.js';
import { ingestJobsFor, ingestJobWorkerFor } from '../config/ingest-jobs.js';
import { SettingsSchema } from '../config/settings.js';
import type { IngestJob } from '../domain/ingest-job.js';
import type { IngestJobRecords } from '../ports/ingest-jobs.js';
import { runQueuedJob, requeueStaleJobs, workIngestJobs } from './job-worker.js';
import type { IngestJobs, JobEvent } from './jobs.js';
import type { PreparedItem } from './prepare-items.js';

/**
 * Administrators' ingest jobs through the PostgreSQL work queue, as separate processes see them:
 * two server-side instances (A starts jobs, B lists, watches and cancels them) and workers, each
 * on a library connection of its own, against a real PostgreSQL and a real pg-boss queue. Workers
 * are held at a gate before reading, so a job can be caught running without timing guesses.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('ingest jobs through the work queue', () => {
  const schema = freshSchema();
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-queued-jobs-'));
  const root = path.join(dir, 'inbox');
  const settings = SettingsSchema.parse({
    store: { url: POSTGRES_URL, schema, poolSize: 4 },
    ingest: { worker: false, serverRoots: [root] },
    jobs: { pollSeconds: 0.5, workInServer: false },
  });
  let a: Container;
  let b: Container;
  let w: Container;
  let A: IngestJobs;
  let B: IngestJobs;

  beforeAll(async () => {
    mkdirSync(root);
    writeFileSync(path.join(dir, 'outside.md'), '# Outside\n\nThis note lies outside the server roots.\n');
    a = createContainer(settings);
    await a.store.stats(); // the schema is made once, before the others open it
    b = createContainer(settings);
    w = createContainer(settings);
    A = ingestJobsFor(a);
    B = ingestJobsFor(b);
  });
  afterAll(async () => {
    await A?.close();
    await B?.close();
    for (const container of [a, b, w]) await container?.close();
    await dropLibrarySchemas(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A folder under the root holding `count` small Markdown documents (one batch each). */
  const folder = (name: string, count = 2): string => {
    const target = path.join(root, name);
    mkdirSync(target, { recursive: true });
    for (let i = 1; i <= count; i++) {
      writeFileSync(path.join(target, `${name}-note-${i}.md`), `# Note ${name} ${i}\n\n## Background\n\nThis note about ${name} number ${i} was written for the queued job tests.\n`);
    }
    return target;
  };
  const start = (jobs: IngestJobs, paths: string[]) => jobs.start({ paths, force: false, startedBy: 'admin-1' });
  const sources = async () => (await w.store.stats()).sources;
  /** The audit log's entries about one job (every process writes to the one log), oldest first. */
  const audited = async (id: string) => (await w.editorial.audit.list({ subjectType: 'ingest-job', subjectId: id, limit: 100 })).map(({ actor, action, before, after }) => ({ actor, action, before, after }));
  const none = { added: 0, updated: 0, deleted: 0, skipped: 0 };
  const startEntry = (job: IngestJob) => ({ actor: 'admin-1', action: 'ingest-job.start', after: { paths: job.paths, force: false, status: 'queued' } });
  const endEntry = (after: object) => ({ actor: 'system', action: 'ingest-job.end', after: { startedBy: 'admin-1', totals: none, ...after } });

  /** A worker process: its own work queue, reading held by `hold` (per file) when given. */
  async function startWorker(options: { hold?: (file: string) => Promise<void>; records?: IngestJobRecords } = {}) {
    const queue = await w.workQueue();
    const stop = new AbortController();
    const log: string[] = [];
    const worker = await workIngestJobs({
      ...ingestJobWorkerFor(w),
      ...(options.records ? { records: options.records } : {}),
      ingestDeps: () => held(w, options.hold),
      recheck: async () => ({ checked: 0, raised: 0 }),
      queue,
      signal: stop.signal,
      log: (line) => log.push(line),
      heartbeatMs: 50,
    });
    return {
      log,
      stop: async () => {
        stop.abort();
        await worker.idle();
        await queue.stop({ graceful: true, timeoutMs: 10_000 });
      },
    };
  }

  it('refuses a path outside the roots before anything is stored or queued', async () => {
    for (const paths of [[path.join(dir, 'outside.md')], [path.join(root, 'missing')]]) {
      await expect(start(A, paths)).rejects.toMatchObject({ code: 'usage' });
    }
    expect(await B.list()).toEqual([]);
    const queue = await w.workQueue();
    try {
      expect((await queue.counts())['ingest-request']).toMatchObject({ waiting: 0, active: 0, completed: 0 });
    } finally {
      await queue.stop({ graceful: false });
    }
  });

  it('a job started on A is run by a worker, watched from B to its end, and listed by both', async () => {
    const hold = gate();
    const worker = await startWorker({ hold: () => hold.wait });
    try {
      const job = await start(A, [folder('first')]);
      expect(job).toMatchObject({ status: 'queued', paths: [path.join(root, 'first')], startedBy: 'admin-1' });
      const events: JobEvent[] = [];
      const finished = new Promise<IngestJob>((resolve) =>
        B.watch(job.id, (event) => {
          events.push(event);
          if (event.type === 'done') resolve(event.job);
        }),
      );
      await until(() => events.some((e) => e.job.status === 'running' && e.job.progress.filesTotal === 2));
      expect(B.watchers(job.id)).toBe(1);
      hold.open();
      const done = await finished;

      expect(done).toMatchObject({ status: 'done', totals: { added: 2, updated: 0, deleted: 0, skipped: 0 }, progress: { filesTotal: 2, filesDone: 2, records: 2 } });
      expect(done.progress.currentFile).toBeUndefined();
      expect(Date.parse(done.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(done.startedAt ?? ''));
      expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('done');
      expect(B.watchers(job.id)).toBe(0);
      expect((await B.list())[0]).toEqual(done);
      expect(await A.get(job.id)).toEqual(done);
      expect(worker.log).toContainEqual(expect.stringMatching(new RegExp(`^ingest-request ${job.id}: done: 2 added`)));
      // Started on A, ended by the worker, as the system (written just after the job's row).
      await expect
        .poll(() => audited(job.id))
        .toMatchObject([startEntry(job), endEntry({ status: 'done', totals: { ...none, added: 2 }, recheck: { checked: 0, raised: 0 } })]);
    } finally {
      hold.open();
      await worker.stop();
    }
  });

  it('a job cancelled while queued is never run', async () => {
    const queued = await start(A, [folder('never')]);
    const cancelled = await B.cancel(queued.id, 'admin-2');
    expect(cancelled).toMatchObject({ id: queued.id, status: 'cancelled' });
    expect(cancelled.finishedAt).toEqual(expect.any(String));
    await expect(B.cancel(queued.id, 'admin-2')).rejects.toMatchObject({ code: 'conflict' });
    await expect(B.cancel('no-such-job', 'admin-2')).rejects.toMatchObject({ code: 'not-found' });
    // B ended it: the cancel by who asked, then the end, by the system; the refused cancel is not there.
    const entries = [startEntry(queued), { actor: 'admin-2', action: 'ingest-job.cancel', before: { status: 'queued' }, after: { status: 'cancelled' } }, endEntry({ status: 'cancelled' })];
    expect(await audited(queued.id)).toMatchObject(entries);

    const before = await sources();
    const next = await start(A, [folder('after', 1)]);
    const worker = await startWorker();
    try {
      expect(await waitFor(B, next.id)).toMatchObject({ status: 'done', totals: { added: 1 } });
      await until(() => worker.log.some((line) => line === `ingest-request ${queued.id}: not run (cancelled)`));
    } finally {
      await worker.stop();
    }
    const never = await A.get(queued.id);
    expect(never).toMatchObject({ status: 'cancelled' });
    expect(await audited(queued.id)).toMatchObject(entries); // the worker that found it cancelled wrote nothing
    expect(never?.startedAt).toBeUndefined();
    expect(never?.totals).toBeUndefined();
    expect(await sources()).toBe(before + 1);
  });

  it('a running job cancelled from B stops after its batch, which is kept', async () => {
    let noticed = () => {};
    const cancelNoticed = new Promise<void>((resolve) => (noticed = resolve));
    const records = spyOnHeartbeats(w.ingestJobRecords!, (state) => {
      if (state === 'cancel-requested') noticed();
    });
    const hold = gate();
    const worker = await startWorker({ hold: () => hold.wait, records });
    try {
      const job = await start(A, [folder('held')]);
      await waitFor(B, job.id, (j) => j.status === 'running' && j.progress.filesTotal === 2);
      const asked = await B.cancel(job.id, 'admin-2');
      expect(asked.status).toBe('running'); // until its batch is written
      await cancelNoticed;
      hold.open();
      const stopped = await waitFor(A, job.id);
      // One Markdown file is one batch: the first was written whole, the second never started.
      expect(stopped).toMatchObject({ status: 'cancelled', totals: { added: 1 } });
      expect(stopped.recheck).toBeUndefined();
      expect(stopped.error).toBeUndefined();
      await expect
        .poll(() => audited(job.id))
        .toMatchObject([
          startEntry(job),
          { actor: 'admin-2', action: 'ingest-job.cancel', before: { status: 'running' }, after: { status: 'running' } },
          endEntry({ status: 'cancelled', totals: { ...none, added: 1 } }),
        ]);
    } finally {
      hold.open();
      await worker.stop();
    }
  });

  it('a worker told to stop finishes its batch and hands the job back; the next worker finishes it', async () => {
    const hold = gate();
    const first = await startWorker({ hold: () => hold.wait });
    const job = await start(A, [folder('handed')]);
    await waitFor(B, job.id, (j) => j.status === 'running' && j.progress.filesTotal === 2);
    const stopping = first.stop();
    hold.open();
    await stopping;
    expect(await B.get(job.id)).toMatchObject({ status: 'queued', startedAt: expect.any(String) });
    expect(first.log).toContainEqual(`ingest-request ${job.id}: stopped after its batch; queued again for the next worker`);
    expect(await audited(job.id)).toMatchObject([startEntry(job)]); // handing back is not an end

    const second = await startWorker();
    try {
      // The first file was read by the first worker: found done, and still counted.
      expect(await waitFor(B, job.id)).toMatchObject({ status: 'done', totals: { added: 2, updated: 0, deleted: 0, skipped: 0 } });
    } finally {
      await second.stop();
    }
    expect(await audited(job.id)).toMatchObject([startEntry(job), endEntry({ status: 'done', totals: { ...none, added: 2 } })]);
  });

  it('a worker that falls silent mid-job is given up; another resumes from the checkpoints and its late writes change nothing', async () => {
    const real = w.ingestJobRecords!;
    let frozen = false;
    const thaw = gate();
    let carriedWritten = () => {};
    const firstFileRecorded = new Promise<void>((resolve) => (carriedWritten = resolve));
    // The silent process: its heartbeats stop once it has recorded its first file, until it wakes.
    const silentRecords = wrapRecords(real, {
      heartbeat: async (id, runner, update) => {
        if (frozen) await thaw.wait;
        const state = await real.heartbeat(id, runner, update);
        if (update && update.carried.added >= 1) carriedWritten();
        return state;
      },
    });
    const job = await start(A, [folder('orphan')]);
    const queue = await w.workQueue();
    const log: string[] = [];
    const silent = runQueuedJob(
      {
        ...ingestJobWorkerFor(w),
        records: silentRecords,
        ingestDeps: () =>
          held(w, async (file) => {
            if (!file.endsWith('-note-2.md')) return;
            await firstFileRecorded;
            frozen = true;
            await thaw.wait;
          }),
        recheck: async () => ({ checked: 0, raised: 0 }),
        queue,
        signal: new AbortController().signal,
        log: (line) => log.push(line),
        heartbeatMs: 50,
      },
      job.id,
    );
    try {
      await firstFileRecorded;
      // Another worker's sweep gives the silent one up ("silent longer than 0 s": no waiting).
      // It also cancels the silent run's queue entry (none is active here: this run was not taken through the queue).
      const cancelled: string[] = [];
      const sweeping = { ...queue, cancelLostRuns: async (id: string) => (cancelled.push(id), queue.cancelLostRuns(id)) };
      expect(await requeueStaleJobs({ records: real, queue: sweeping, log: (line) => log.push(line), staleSeconds: 0 })).toEqual([job.id]);
      expect(cancelled).toEqual([job.id]);
      const rescuer = await startWorker();
      try {
        const done = await waitFor(B, job.id);
        expect(done).toMatchObject({ status: 'done', totals: { added: 2, updated: 0, deleted: 0, skipped: 0 } });
        // Two requests for the job (the first, and the sweep's): it ran once.
        await until(() => rescuer.log.some((line) => line === `ingest-request ${job.id}: not run (finished)`));
        expect(rescuer.log.filter((line) => line.startsWith(`ingest-request ${job.id}: started`))).toHaveLength(1);
      } finally {
        await rescuer.stop();
      }
      const finished = await A.get(job.id);
      thaw.open();
      expect(await silent).toBe('lost');
      expect(await A.get(job.id)).toEqual(finished);
      expect(log).toContainEqual(`ingest-request ${job.id}: its worker fell silent; queued again`);
      // Re-queued, resumed, and run to its end by the rescuer: one end, the rescuer's; the silent
      // run's late finish wrote neither the row nor an entry.
      expect(await audited(job.id)).toMatchObject([startEntry(job), endEntry({ status: 'done', totals: { ...none, added: 2 } })]);
    } finally {
      thaw.open();
      await silent.catch(() => undefined);
      await queue.stop({ graceful: false });
    }
  });

  it('a cancel asked of a worker that fell silent ends the job at the next claim, audited once', async () => {
    const real = w.ingestJobRecords!;
    const job = await start(A, [folder('ghost', 1)]);
    // A worker that claimed the job and was never heard from again.
    expect(await real.claim(job.id, 'ghost', { at: new Date().toISOString(), staleSeconds: 60 })).toMatchObject({ taken: true });
    expect(await B.cancel(job.id, 'admin-2')).toMatchObject({ status: 'running' });
    const queue = await w.workQueue();
    try {
      expect(await requeueStaleJobs({ records: real, queue, log: () => undefined, staleSeconds: 0 })).toEqual([job.id]);
    } finally {
      await queue.stop({ graceful: false });
    }
    // Two requests for the job now wait (the start's and the sweep's): the first claim ends it.
    const worker = await startWorker();
    try {
      await until(() => worker.log.filter((line) => line === `ingest-request ${job.id}: not run (cancelled)`).length === 2);
    } finally {
      await worker.stop();
    }
    expect(await A.get(job.id)).toMatchObject({ status: 'cancelled' });
    expect(await audited(job.id)).toMatchObject([
      startEntry(job),
      { actor: 'admin-2', action: 'ingest-job.cancel', before: { status: 'running' }, after: { status: 'running' } },
      endEntry({ status: 'cancelled' }),
    ]);
  });

  it('a job the work queue would not take is failed and audited as ended', async () => {
    const unqueued = ingestJobsFor({
      ...a,
      workQueue: async () => {
        throw new Error('the queue is down');
      },
    });
    try {
      await expect(start(unqueued, [folder('unqueued', 1)])).rejects.toThrow('the queue is down');
      const [job] = await B.list();
      expect(job).toMatchObject({ paths: [path.join(root, 'unqueued')], status: 'failed', error: 'the job could not be handed to the work queue; start it again' });
      expect(await audited(job!.id)).toMatchObject([startEntry(job!), endEntry({ status: 'failed', error: job!.error })]);
    } finally {
      await unqueued.close();
    }
  });

  it('a restarted server forgets nothing; closing stops following jobs and lets its watchers go', async () => {
    const queued = await start(A, [folder('later', 1)]);
    const restarted = ingestJobsFor(b);
    try {
      const listed = await restarted.list();
      expect(listed[0]?.id).toBe(queued.id);
      expect(listed.length).toBeGreaterThanOrEqual(6);
      let ended = 0;
      const events: JobEvent[] = [];
      restarted.watch(queued.id, (event) => events.push(event), () => (ended += 1));
      expect(restarted.watchers(queued.id)).toBe(1);
      await restarted.close();
      expect(ended).toBe(1);
      expect(restarted.watchers(queued.id)).toBe(0);
      expect(events.every((e) => e.type === 'progress')).toBe(true);
      await expect(restarted.start({ paths: [folder('too-late', 1)], force: false, startedBy: 'admin-1' })).rejects.toMatchObject({ code: 'interrupted' });
    } finally {
      await restarted.close();
      await A.cancel(queued.id, 'admin-1');
    }
  });
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('ingest jobs through the work queue', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}

/** A gate: `wait` resolves once `open` is called. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** The container's ingest collaborators, each file's reading held until `hold(file)` resolves. */
function held(container: Container, hold?: (file: string) => Promise<void>) {
  const deps = container.ingestDeps();
  if (!hold) return deps;
  async function* gated(file: string, batches: AsyncIterable<PreparedItem[]>): AsyncIterable<PreparedItem[]> {
    await hold?.(file);
    yield* batches;
  }
  return { ...deps, prepare: (request: Parameters<typeof deps.prepare>[0]) => gated(request.path, deps.prepare(request)) };
}

/** The records with some methods replaced (the library's are a deferred proxy, so not spread). */
function wrapRecords(real: IngestJobRecords, replaced: Partial<IngestJobRecords>): IngestJobRecords {
  return new Proxy(real, {
    get: (target, property, receiver) => (property in replaced ? replaced[property as keyof IngestJobRecords] : Reflect.get(target, property, receiver)),
  });
}

function spyOnHeartbeats(real: IngestJobRecords, seen: (state: Awaited<ReturnType<IngestJobRecords['heartbeat']>>) => void): IngestJobRecords {
  return wrapRecords(real, {
    heartbeat: async (...args) => {
      const state = await real.heartbeat(...args);
      seen(state);
      return state;
    },
  });
}

/** Polls until the job is finished (or `ready` says so). */
async function waitFor(jobs: IngestJobs, id: string, ready: (job: IngestJob) => boolean = (job) => ['done', 'failed', 'cancelled'].includes(job.status)): Promise<IngestJob> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await jobs.get(id);
    if (job && ready(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${job?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
