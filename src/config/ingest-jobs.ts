import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { realPathOf } from '../adapters/fs/real-path.js';
import { recheck } from '../articles/service.js';
import { CitemedError } from '../domain/errors.js';
import { createJobAudit, type JobAudit } from '../ingest/job-audit.js';
import type { JobRunDeps } from '../ingest/job-run.js';
import { workIngestJobs, type JobWorker, type JobWorkerDeps } from '../ingest/job-worker.js';
import { createIngestJobQueue, type IngestJobs } from '../ingest/jobs.js';
import { createQueuedIngestJobs } from '../ingest/queued-jobs.js';
import { openServerRoots } from '../ingest/server-roots.js';
import type { IngestJobRecords } from '../ports/ingest-jobs.js';
import type { WorkQueue } from '../ports/work-queue.js';
import type { Container } from './container.js';

export { isFinished, JOB_STATUSES } from '../ingest/jobs.js';
export type { IngestJob, IngestJobs, JobEvent } from '../ingest/jobs.js';

/**
 * The server's ingest jobs, wired from the container: its ingest collaborators, the living-article
 * re-check on behalf of the administrator who started the job, `ingest.serverRoots` checked with
 * links resolved, and the clocks. Here rather than in the server, which does not import the ingest
 * use case or adapters (docs/ARCHITECTURE.md).
 *
 * The backend decides where jobs live and run. SQLite: in the server's memory, one at a time in
 * its process (ingest/jobs.ts). PostgreSQL: in the library's database and the work queue, run by
 * any `citemed worker` and, with `jobs.workInServer`, by the server itself (ingest/queued-jobs.ts,
 * ingest/job-worker.ts); the server stops taking jobs when it closes, and a job it was running
 * stops after its batch and goes back to the queue.
 *
 * The jobs write their audit entries (start, cancel, end) to the library's audit log; a write that
 * fails is reported to `onServerError`, and the job goes on (ingest/job-audit.ts).
 */
export interface IngestJobsOptions {
  /** Where relative roots and paths are resolved; the process's working directory by default. */
  cwd?: string;
  /**
   * Failures that are the server's, not a job's input (the job shows a safe sentence, the log the
   * detail), and audit entries that could not be written.
   */
  onServerError?: (error: unknown) => void;
  /** A line per queued job this process starts or finishes (PostgreSQL, `jobs.workInServer`). */
  log?: (line: string) => void;
}

export type IngestJobsContainer = Pick<Container, 'settings' | 'ingestDeps' | 'articles' | 'workQueue' | 'ingestJobRecords' | 'editorial' | 'prepareRanking'>;

/** How long a closing server waits for the queue's handlers after its own runs handed their jobs back, in ms. */
const QUEUE_STOP_MS = 60_000;
/** A server that could not start working the queue (the database was down) tries again after this, in ms. */
const WORK_RETRY_MS = 15_000;

export function ingestJobsFor(container: IngestJobsContainer, options: IngestJobsOptions = {}): IngestJobs {
  if (container.ingestJobRecords) return queuedIngestJobs(container, container.ingestJobRecords, options);
  return createIngestJobQueue({
    ...runDeps(container, options),
    now: () => new Date(),
    newId: () => randomUUID(),
    audit: jobAudit(container, options),
    ...(options.onServerError ? { onServerError: (_job: unknown, error: unknown) => options.onServerError?.(error) } : {}),
  });
}

/**
 * What a worker process needs, beyond the queue and its ingest collaborators, to run
 * administrators' ingest jobs (PostgreSQL only). Its `ingest.serverRoots` must name the same
 * folders as the servers' (jobs carry their paths absolute, as the server resolved them).
 */
export function ingestJobWorkerFor(
  container: Pick<Container, 'settings' | 'ingestJobRecords' | 'editorial' | 'prepareRanking'>,
  options: Pick<IngestJobsOptions, 'cwd' | 'onServerError'> = {},
): Omit<JobWorkerDeps, 'queue' | 'signal' | 'log' | 'ingestDeps' | 'recheck'> {
  const records = container.ingestJobRecords;
  if (!records) throw new CitemedError('bad-config', 'administrators\' ingest jobs go through the work queue only with the PostgreSQL store', { hint: 'set store.url' });
  return {
    records,
    roots: roots(container, options),
    now: () => new Date(),
    newId: () => randomUUID(),
    wait,
    audit: jobAudit(container, options),
    elapsedMs: () => performance.now(),
    prepareSearch: () => container.prepareRanking(),
    heartbeatMs: container.settings.jobs.heartbeatMs,
    staleSeconds: container.settings.jobs.staleSeconds,
    ...(options.onServerError ? { onServerError: options.onServerError } : {}),
  };
}

function queuedIngestJobs(container: IngestJobsContainer, records: IngestJobRecords, options: IngestJobsOptions): IngestJobs {
  // Opened once; an opening that failed (the database was down) is tried again on next use.
  let opening: Promise<WorkQueue> | undefined;
  const queue = () =>
    (opening ??= container.workQueue().catch((error: unknown) => {
      opening = undefined;
      throw error;
    }));
  const stopping = new AbortController();
  const jobs = createQueuedIngestJobs({
    roots: roots(container, options),
    records,
    queue,
    now: () => new Date(),
    newId: () => randomUUID(),
    wait,
    audit: jobAudit(container, options),
    staleSeconds: container.settings.jobs.staleSeconds,
    ...(options.onServerError ? { onServerError: options.onServerError } : {}),
  });
  // A single server on PostgreSQL runs its jobs itself; dedicated workers take them as well.
  const work = async (): Promise<JobWorker | undefined> => {
    while (!stopping.signal.aborted) {
      try {
        return await workIngestJobs({
          ...ingestJobWorkerFor(container, options),
          ...runDeps(container, options),
          queue: await queue(),
          signal: stopping.signal,
          log: options.log ?? (() => undefined),
        });
      } catch (error) {
        options.onServerError?.(error);
        await wait(WORK_RETRY_MS, stopping.signal);
      }
    }
    return undefined;
  };
  const worker = container.settings.jobs.workInServer ? work() : Promise.resolve(undefined);
  return {
    ...jobs,
    async close() {
      stopping.abort();
      await jobs.close();
      await (await worker)?.idle();
      const opened = await opening?.catch(() => undefined);
      await opened?.stop({ graceful: true, timeoutMs: QUEUE_STOP_MS });
    },
  };
}

/** The collaborators of a job's run, wherever it runs (failures are reported by each caller's own way). */
function runDeps(container: Pick<Container, 'settings' | 'ingestDeps' | 'articles' | 'prepareRanking'>, options: IngestJobsOptions): Omit<JobRunDeps, 'onServerError'> {
  return {
    roots: roots(container, options),
    ingestDeps: () => container.ingestDeps(),
    recheck: async (actor) => {
      const report = await recheck(container.articles, actor);
      return { checked: report.checked, raised: report.raised.length };
    },
    elapsedMs: () => performance.now(),
    prepareSearch: () => container.prepareRanking(),
  };
}

/** The jobs' audit entries, in the library's audit log; a failed write is reported, never thrown. */
function jobAudit(container: Pick<Container, 'editorial'>, options: Pick<IngestJobsOptions, 'onServerError'>): JobAudit {
  return createJobAudit({ log: container.editorial.audit, now: () => new Date(), onFailure: (error) => options.onServerError?.(error) });
}

function roots(container: Pick<Container, 'settings'>, options: Pick<IngestJobsOptions, 'cwd'>) {
  return openServerRoots({ roots: container.settings.ingest.serverRoots, cwd: options.cwd ?? process.cwd(), realPath: realPathOf });
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
