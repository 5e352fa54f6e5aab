import path from 'node:path';
import { CitemedError, isCitemedError } from '../domain/errors.js';
import { ingestAndRecheck } from './ingest-and-recheck.js';
import { emptyProgress, finalProgress, trackProgress, type JobProgress } from './job-progress.js';
import { planIngest, type IngestDeps, type IngestReport } from './pipeline.js';
import type { ServerRoots } from './server-roots.js';

export type { JobProgress } from './job-progress.js';

/**
 * Ingest jobs: an administrator asks the server to ingest files already on its disk, and watches.
 * Jobs run one at a time, in the order they were started, in the server's process; each is the
 * same ingest-then-re-check as `citemed ingest` (ingest-and-recheck.ts), cancellable through an
 * AbortSignal (the pipeline finishes its batch, which commits whole, so nothing is lost).
 *
 * Jobs live in memory only: the newest `keep` are remembered and a restart forgets them all. An
 * interrupted job's files resume where they stopped when ingested again (the pipeline's
 * checkpoints are in the library, not here).
 */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The shape clients (the web app's admin page) read; field names are part of the API. */
export interface IngestJob {
  id: string;
  /** As the administrator gave them. */
  paths: string[];
  force: boolean;
  status: JobStatus;
  createdAt: string;
  /** The account that started it; also the actor of the re-check's audit entries. */
  startedBy: string;
  startedAt?: string;
  finishedAt?: string;
  progress: JobProgress;
  totals?: { added: number; updated: number; deleted: number; skipped: number };
  error?: string;
  /** The living-article re-check after a job that changed the library. */
  recheck?: RecheckCounts;
}

export interface RecheckCounts {
  checked: number;
  raised: number;
}

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
  now: () => Date;
  /** Monotonic milliseconds, for rates and throttling. */
  elapsedMs: () => number;
  newId: () => string;
  /** Told of failures that are the server's, not the job's input; the job shows a safe sentence. */
  onServerError?: (job: IngestJob, error: unknown) => void;
  /** Jobs remembered (100); beyond it the oldest finished one is forgotten. */
  keep?: number;
  /** Least time between two `progress` events, in ms (250: at most four a second). */
  progressIntervalMs?: number;
}

export interface IngestJobs {
  /** Checks the paths against the roots (a usage error before anything is queued), then queues. */
  start(request: JobRequest): Promise<IngestJob>;
  /** Newest first. */
  list(): IngestJob[];
  get(id: string): IngestJob | undefined;
  /** Cancels a queued job at once; a running one stops after its current batch. */
  cancel(id: string): IngestJob;
  /** Events of an unfinished job until it finishes; returns the way to stop listening. */
  watch(id: string, listener: JobListener): () => void;
  /** How many listeners a job has (shows that disconnected clients were let go). */
  watchers(id: string): number;
  /** Cancels queued jobs, stops the running one after its batch, and waits for it. */
  close(): Promise<void>;
}

interface Entry {
  job: IngestJob;
  controller: AbortController;
  listeners: Set<JobListener>;
  lastSent: number;
}

const FINISHED: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);

export function isFinished(job: Pick<IngestJob, 'status'>): boolean {
  return FINISHED.has(job.status);
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

  const finish = (entry: Entry, status: JobStatus, error?: string): void => {
    const { job } = entry;
    job.status = status;
    job.finishedAt = deps.now().toISOString();
    job.progress = finalProgress(job.progress);
    if (error !== undefined) job.error = error;
    const listeners = [...entry.listeners];
    entry.listeners.clear();
    tell(entry, listeners, { type: 'done', job: snapshot(job) });
    forgetOldest();
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
    try {
      const outcome = await runJob(entry, deps, () => send(entry, false));
      finish(entry, outcome.status, outcome.error);
    } catch (error) {
      if (controller.signal.aborted && isCitemedError(error) && error.code === 'interrupted') return finish(entry, 'cancelled');
      finish(entry, 'failed', describeFailure(error, deps.roots, (e) => deps.onServerError?.(job, e)));
    }
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
      if (waiting >= keep) {
        throw new CitemedError('conflict', `${waiting} ingest jobs are queued or running already`, { hint: 'wait for them to finish, or cancel some' });
      }
      const job: IngestJob = {
        id: deps.newId(),
        paths: [...request.paths],
        force: request.force,
        status: 'queued',
        createdAt: deps.now().toISOString(),
        startedBy: request.startedBy,
        progress: emptyProgress(),
      };
      const entry: Entry = { job, controller: new AbortController(), listeners: new Set(), lastSent: -Infinity };
      entries.set(job.id, entry);
      queue.push(entry);
      forgetOldest();
      drain();
      return snapshot(job);
    },

    list: () => [...entries.values()].reverse().map((entry) => snapshot(entry.job)),

    get: (id) => {
      const entry = entries.get(id);
      return entry ? snapshot(entry.job) : undefined;
    },

    cancel(id) {
      const entry = find(id);
      if (isFinished(entry.job)) {
        throw new CitemedError('conflict', `ingest job ${id} has already finished (${entry.job.status})`, { hint: 'only queued and running jobs can be cancelled' });
      }
      entry.controller.abort();
      const waiting = queue.indexOf(entry);
      if (waiting >= 0) {
        queue.splice(waiting, 1);
        finish(entry, 'cancelled');
      }
      return snapshot(entry.job);
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
      for (const entry of queue.splice(0)) {
        entry.controller.abort();
        finish(entry, 'cancelled', 'the server shut down before the job started');
      }
      for (const entry of entries.values()) if (entry.job.status === 'running') entry.controller.abort();
      await draining;
    },
  };
}

interface Outcome {
  status: JobStatus;
  error?: string;
}

/**
 * One job: the paths checked again (a folder may have changed since it was queued), planned,
 * every file to be read checked to lie inside a root too, then ingested and re-checked.
 */
async function runJob(entry: Entry, deps: IngestJobsDeps, advanced: () => void): Promise<Outcome> {
  const { job, controller } = entry;
  const ingest = deps.ingestDeps();
  const planned = await planIngest(await deps.roots.resolve(job.paths), ingest.files);
  await deps.roots.check(planned.filter((file) => file.format).map((file) => file.entry.path));
  if (controller.signal.aborted) return { status: 'cancelled' };

  const tracker = trackProgress(deps.elapsedMs());
  let recheckFailure: unknown;
  const { report, recheck } = await ingestAndRecheck(planned, ingest, {
    force: job.force,
    signal: controller.signal,
    onEvent: (event) => {
      job.progress = tracker.update(event, deps.elapsedMs());
      advanced();
    },
    // A failed re-check does not undo the ingest: the job says both.
    recheck: () =>
      deps.recheck(job.startedBy).catch((error: unknown) => {
        recheckFailure = error;
        return undefined;
      }),
  });
  job.totals = totalsOf(report);
  if (recheck) job.recheck = recheck;
  if (report.interrupted) return { status: 'cancelled' };
  if (report.failedFiles > 0) return { status: 'failed', error: describeFailedFiles(report, deps.roots) };
  if (recheckFailure !== undefined) {
    const why = describeFailure(recheckFailure, deps.roots, (e) => deps.onServerError?.(job, e));
    return { status: 'failed', error: `the files were ingested, but the re-check of articles failed: ${why}` };
  }
  return { status: 'done' };
}

function totalsOf(report: IngestReport): NonNullable<IngestJob['totals']> {
  const { added, updated, deleted, skipped } = report.totals;
  return { added, updated, deleted, skipped: Object.values(skipped).reduce((sum, n) => sum + (n ?? 0), 0) };
}

const SHOWN_FAILED_FILES = 3;

/** "1 of 3 files could not be read (the others were ingested): x.pdf: …", files by name only. */
function describeFailedFiles(report: IngestReport, roots: ServerRoots): string {
  const failed = report.files.filter((file) => file.status === 'failed');
  const read = report.files.filter((file) => file.status !== 'ignored').length;
  const shown = failed.slice(0, SHOWN_FAILED_FILES).map((file) => `${path.basename(file.path)}: ${roots.redact(file.error ?? 'unreadable')}`);
  const more = failed.length > SHOWN_FAILED_FILES ? `; and ${failed.length - SHOWN_FAILED_FILES} more` : '';
  return `${failed.length} of ${read} files could not be read (the others were ingested): ${shown.join('; ')}${more}`;
}

/** Errors about the job's own input, whose messages name only what the administrator gave. */
const INPUT_ERRORS: ReadonlySet<string> = new Set(['usage', 'not-found', 'unsupported-format', 'unreadable']);

/**
 * What a failed job says. Problems with its files are passed on (paths under the roots written
 * as the roots are configured); the server's own troubles are reported to `serverError` (the log)
 * and summed up in a sentence that reveals nothing of the server's insides.
 */
function describeFailure(error: unknown, roots: ServerRoots, serverError: (error: unknown) => void): string {
  if (isCitemedError(error) && INPUT_ERRORS.has(error.code)) return roots.redact(error.message);
  if (isCitemedError(error) && error.code === 'database-locked') {
    return 'the library is locked by another process (a command-line ingest?); start the job again once it has finished';
  }
  serverError(error);
  return 'the ingest failed on the server; its operator can see why in its log';
}

function snapshot(job: IngestJob): IngestJob {
  return structuredClone(job);
}
