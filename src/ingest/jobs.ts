import { CitemedError } from '../domain/errors.js';
import { isFinished, type IngestJob, type JobStatus, type RecheckCounts } from '../domain/ingest-job.js';
import type { JobAudit } from './job-audit.js';
import { emptyProgress, finalProgress } from './job-progress.js';
import { runIngestJob } from './job-run.js';
import type { IngestDeps } from './pipeline.js';
import type { ServerRoots } from './server-roots.js';

export { isFinished, JOB_STATUSES } from '../domain/ingest-job.js';
export type { IngestJob, JobProgress, JobStatus, JobTotals, RecheckCounts } from '../domain/ingest-job.js';

/**
 * Ingest jobs: an administrator asks the server to ingest files already on its disk, and watches.
 * Jobs run one at a time, in the order they were started, in the server's process; each is the
 * same ingest-then-re-check as `citemed ingest` (ingest-and-recheck.ts), cancellable through an
 * AbortSignal (the pipeline finishes its batch, which commits whole, so nothing is lost).
 *
 * Jobs live in memory only: the newest `keep` are remembered and a restart forgets them all. An
 * interrupted job's files resume where they stopped when ingested again (the pipeline's
 * checkpoints are in the library, not here). This is the SQLite library's way; with PostgreSQL,
 * jobs are kept in the database and run by the work queue's workers (queued-jobs.ts), behind the
 * same `IngestJobs` interface. Either way the jobs write their own audit entries (job-audit.ts).
 */
export interface JobRequest {
  paths: string[];
  force: boolean;
  startedBy: string;
}

/** `progress` as the job advances (throttled); `done` once, with the finished job. */
export type JobEvent = { type: 'progress' | 'done'; job: IngestJob };
export type JobListener = (event: JobEvent) => void;

export interface IngestJobsDeps {
  roots: ServerRoots;
  /** Fresh ingest collaborators for each job. */
  ingestDeps: () => IngestDeps;
  /** The living-article re-check, on behalf of `actor` (an account id). */
  recheck: (actor: string) => Promise<RecheckCounts>;
  /** Readies searches after each job's ingest (job-run.ts `JobRunDeps.prepareSearch`). */
  prepareSearch?: () => Promise<void>;
  now: () => Date;
  /** Monotonic milliseconds, for rates and throttling. */
  elapsedMs: () => number;
  newId: () => string;
  /** Who started, cancelled and ended each job, in the audit log. */
  audit: JobAudit;
  /** Told of failures that are the server's, not the job's input; the job shows a safe sentence. */
  onServerError?: (job: IngestJob, error: unknown) => void;
  /** Jobs remembered (100); beyond it the oldest finished one is forgotten. */
  keep?: number;
  /** Least time between two `progress` events, in ms (250: at most four a second). */
  progressIntervalMs?: number;
}

export interface IngestJobs {
  /**
   * Checks the paths against the roots (a usage error before anything is queued), then queues;
   * audited as `ingest-job.start` by `request.startedBy`.
   */
  start(request: JobRequest): Promise<IngestJob>;
  /** Newest first. */
  list(): Promise<IngestJob[]>;
  get(id: string): Promise<IngestJob | undefined>;
  /**
   * Cancels a queued job at once; a running one stops after its current batch. Audited as
   * `ingest-job.cancel` by `by` (an account id), then, when the job ended here, `ingest-job.end`.
   */
  cancel(id: string, by: string): Promise<IngestJob>;
  /**
   * Events of an unfinished job until it finishes; returns the way to stop listening. `ended` is
   * called instead of a `done` when this instance stops following the job before it finishes
   * (a server closing while a worker elsewhere goes on with it).
   */
  watch(id: string, listener: JobListener, ended?: () => void): () => void;
  /** How many listeners a job has (shows that disconnected clients were let go). */
  watchers(id: string): number;
  /**
   * Stops working. In memory: cancels queued jobs, stops the running one after its batch, and
   * waits for it. Queued in PostgreSQL: stops following jobs, and a job running here stops after
   * its batch and goes back to the queue for another worker.
   */
  close(): Promise<void>;
}

interface Entry {
  job: IngestJob;
  controller: AbortController;
  listeners: Set<JobListener>;
  lastSent: number;
}

/**
 * A new job, `queued`; refused while `keep` jobs are unfinished already (both kinds of job list
 * keep at most that many, and an unfinished job is never forgotten).
 */
export function newQueuedJob(request: JobRequest, at: { waiting: number; keep: number; id: string; now: Date }): IngestJob {
  if (at.waiting >= at.keep) {
    throw new CitemedError('conflict', `${at.waiting} ingest jobs are queued or running already`, { hint: 'wait for them to finish, or cancel some' });
  }
  return {
    id: at.id,
    paths: [...request.paths],
    force: request.force,
    status: 'queued',
    createdAt: at.now.toISOString(),
    startedBy: request.startedBy,
    progress: emptyProgress(),
  };
}

export function createIngestJobQueue(deps: IngestJobsDeps): IngestJobs {
  const keep = deps.keep ?? 100;
  const interval = deps.progressIntervalMs ?? 250;
  const entries = new Map<string, Entry>(); // in order of creation
  const queue: Entry[] = [];
  let draining: Promise<void> | undefined;
  let closed = false;

  const find = (id: string): Entry => {
    const entry = entries.get(id);
    if (!entry) throw new CitemedError('not-found', `no ingest job "${id}"`, { hint: 'jobs are kept in memory: a restarted server has forgotten earlier ones' });
    return entry;
  };

  /** A listener that throws must not stop the queue: it is reported and the others are still told. */
  const tell = (entry: Entry, listeners: readonly JobListener[], event: JobEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        deps.onServerError?.(entry.job, error);
      }
    }
  };

  const send = (entry: Entry, force: boolean): void => {
    const at = deps.elapsedMs();
    if (entry.listeners.size === 0 || (!force && at - entry.lastSent < interval)) return;
    entry.lastSent = at;
    tell(entry, [...entry.listeners], { type: 'progress', job: snapshot(entry.job) });
  };

  /** The job's end, told to its listeners; its audit entry is the caller's to write (after any cancel's). */
  const finish = (entry: Entry, status: JobStatus, error?: string): IngestJob => {
    const { job } = entry;
    job.status = status;
    job.finishedAt = deps.now().toISOString();
    job.progress = finalProgress(job.progress);
    if (error !== undefined) job.error = error;
    const listeners = [...entry.listeners];
    entry.listeners.clear();
    const ended = snapshot(job);
    tell(entry, listeners, { type: 'done', job: ended });
    forgetOldest();
    return ended;
  };

  const forgetOldest = (): void => {
    for (const [id, entry] of entries) {
      if (entries.size <= keep) return;
      if (isFinished(entry.job)) entries.delete(id);
    }
  };

  const execute = async (entry: Entry): Promise<void> => {
    const { job, controller } = entry;
    job.status = 'running';
    job.startedAt = deps.now().toISOString();
    send(entry, true);
    const result = await runIngestJob(
      job,
      { ...deps, onServerError: (error) => deps.onServerError?.(job, error) },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          job.progress = progress;
          send(entry, false);
        },
      },
    );
    if (result.totals) job.totals = result.totals;
    if (result.recheck) job.recheck = result.recheck;
    await deps.audit.ended(finish(entry, result.status, result.error));
  };

  const drain = (): void => {
    if (draining) return;
    draining = (async () => {
      try {
        for (let next = queue.shift(); next; next = queue.shift()) await execute(next);
      } finally {
        draining = undefined;
      }
    })();
  };

  return {
    async start(request) {
      await deps.roots.resolve(request.paths);
      if (closed) throw new CitemedError('interrupted', 'the server is shutting down; start the job again once it is back');
      const waiting = [...entries.values()].filter((e) => !isFinished(e.job)).length;
      const job = newQueuedJob(request, { waiting, keep, id: deps.newId(), now: deps.now() });
      const entry: Entry = { job, controller: new AbortController(), listeners: new Set(), lastSent: -Infinity };
      entries.set(job.id, entry);
      queue.push(entry);
      forgetOldest();
      // Before it can run, so the start comes before the end in the log. Closing meanwhile
      // cancels the job (and audits that): draining then finds nothing to run.
      const queued = snapshot(job);
      await deps.audit.started(queued);
      drain();
      return queued;
    },

    list: async () => [...entries.values()].reverse().map((entry) => snapshot(entry.job)),

    get: async (id) => {
      const entry = entries.get(id);
      return entry ? snapshot(entry.job) : undefined;
    },

    async cancel(id, by) {
      const entry = find(id);
      if (isFinished(entry.job)) {
        throw new CitemedError('conflict', `ingest job ${id} has already finished (${entry.job.status})`, { hint: 'only queued and running jobs can be cancelled' });
      }
      const before = entry.job.status;
      entry.controller.abort();
      const waiting = queue.indexOf(entry);
      let ended: IngestJob | undefined;
      if (waiting >= 0) {
        queue.splice(waiting, 1);
        ended = finish(entry, 'cancelled');
      }
      const job = snapshot(entry.job);
      // A running job's end comes from its run, after its batch; a queued one ended just now.
      await deps.audit.cancelled(job, by, before);
      if (ended) await deps.audit.ended(ended);
      return job;
    },

    watch(id, listener) {
      const entry = find(id);
      if (isFinished(entry.job)) return () => {};
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },

    watchers: (id) => entries.get(id)?.listeners.size ?? 0,

    async close() {
      closed = true;
      const ends: Promise<void>[] = [];
      for (const entry of queue.splice(0)) {
        entry.controller.abort();
        ends.push(deps.audit.ended(finish(entry, 'cancelled', 'the server shut down before the job started')));
      }
      for (const entry of entries.values()) if (entry.job.status === 'running') entry.controller.abort();
      await Promise.all(ends);
      await draining;
    },
  };
}

function snapshot(job: IngestJob): IngestJob {
  return structuredClone(job);
}
