import { CitemedError } from '../domain/errors.js';
import { isFinished } from '../domain/ingest-job.js';
import type { IngestJobRecords } from '../ports/ingest-jobs.js';
import type { WorkQueue } from '../ports/work-queue.js';
import type { JobAudit } from './job-audit.js';
import { DEFAULT_STALE_SECONDS } from './job-worker.js';
import { newQueuedJob, type IngestJobs, type JobListener } from './jobs.js';
import type { ServerRoots } from './server-roots.js';

/**
 * Ingest jobs with the library in PostgreSQL: the same `IngestJobs` as the server's in-memory
 * queue (jobs.ts), but a job is a row every server and worker sees (ports/ingest-jobs.ts) and an
 * `ingest-request` in the work queue, which any worker runs (job-worker.ts). So a job started
 * on one server is listed, watched and cancelled on any other, and a restart forgets none.
 *
 * Watching polls the rows of the jobs someone watches, every `pollMs`, and tells the listeners
 * when a job changed and once it finished: the worker may be in another process, on another
 * machine, so the row is the one place its progress shows.
 *
 * The audit entries of what happens here (a start, a cancel, and the end of a job that a cancel
 * or a failed hand-off ended at once) are written here; a run's end, by its worker.
 */
export interface QueuedJobsDeps {
  roots: ServerRoots;
  records: IngestJobRecords;
  /** The work queue, opened on first use. */
  queue: () => Promise<WorkQueue>;
  now: () => Date;
  newId: () => string;
  /** Who started, cancelled and (here) ended each job, in the audit log. */
  audit: JobAudit;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  wait: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Time between two looks at the watched jobs, in ms (500). */
  pollMs?: number;
  /** Jobs kept (100); beyond it the oldest finished ones are deleted. Also the most that may wait or run. */
  keep?: number;
  /** A running job whose worker has been silent this long is cancelled at once, in seconds (60). */
  staleSeconds?: number;
  /** Told of failures while following jobs (the database did not answer a poll). */
  onServerError?: (error: unknown) => void;
}

interface Watched {
  /** Each listener, with what to call if this server stops following the job before it ends. */
  listeners: Map<JobListener, (() => void) | undefined>;
  /** The job as last told, as JSON. */
  last?: string;
}

export function createQueuedIngestJobs(deps: QueuedJobsDeps): IngestJobs {
  const keep = deps.keep ?? 100;
  const pollMs = deps.pollMs ?? 500;
  const watched = new Map<string, Watched>();
  const stopped = new AbortController();
  let polling: Promise<void> | undefined;

  const missing = (id: string) => new CitemedError('not-found', `no ingest job "${id}"`, { hint: `only the newest ${keep} jobs are kept` });

  /** A listener that throws must not stop the others: it is reported, and the rest are told. */
  const tell = (listeners: Iterable<JobListener>, event: Parameters<JobListener>[0]): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        deps.onServerError?.(error);
      }
    }
  };

  const look = async (id: string, entry: Watched): Promise<void> => {
    const job = await deps.records.get(id);
    if (watched.get(id) !== entry) return; // every listener left meanwhile
    if (!job) {
      // Deleted (only finished jobs are): nothing more will happen to it.
      watched.delete(id);
      for (const ended of entry.listeners.values()) ended?.();
      return;
    }
    const text = JSON.stringify(job);
    if (isFinished(job)) {
      watched.delete(id);
      tell(entry.listeners.keys(), { type: 'done', job });
    } else if (text !== entry.last) {
      entry.last = text;
      tell(entry.listeners.keys(), { type: 'progress', job });
    }
  };

  const poll = async (): Promise<void> => {
    while (watched.size > 0 && !stopped.signal.aborted) {
      await deps.wait(pollMs, stopped.signal);
      for (const [id, entry] of [...watched]) {
        if (stopped.signal.aborted) break;
        await look(id, entry).catch((error: unknown) => deps.onServerError?.(error));
      }
    }
    polling = undefined;
  };

  return {
    async start(request) {
      const resolvedPaths = await deps.roots.resolve(request.paths);
      if (stopped.signal.aborted) throw new CitemedError('interrupted', 'the server is shutting down; start the job again once it is back');
      const job = newQueuedJob(request, { waiting: await deps.records.countUnfinished(), keep, id: deps.newId(), now: deps.now() });
      await deps.records.add(job, { resolvedPaths, keep });
      // Before any worker can see it, so the start comes before the end in the log.
      await deps.audit.started(job);
      try {
        await (await deps.queue()).submit('ingest-request', { jobId: job.id });
      } catch (error) {
        const failed = await deps.records.failQueued(job.id, 'the job could not be handed to the work queue; start it again', deps.now().toISOString()).catch(() => undefined);
        if (failed) await deps.audit.ended(failed);
        throw error;
      }
      return job;
    },

    list: () => deps.records.list(keep),

    get: (id) => deps.records.get(id),

    async cancel(id, by) {
      const result = await deps.records.cancel(id, {
        at: deps.now().toISOString(),
        staleSeconds: deps.staleSeconds ?? DEFAULT_STALE_SECONDS,
        staleError: 'cancelled while its worker was not answering; what it had written is kept',
      });
      if (!result) throw missing(id);
      if (result.change === 'none') {
        throw new CitemedError('conflict', `ingest job ${id} has already finished (${result.job.status})`, { hint: 'only queued and running jobs can be cancelled' });
      }
      // 'cancelled': this call ended the job (queued, or its worker silent); 'asked': its worker will.
      await deps.audit.cancelled(result.job, by, result.was);
      if (result.change === 'cancelled') await deps.audit.ended(result.job);
      return result.job;
    },

    watch(id, listener, ended) {
      if (stopped.signal.aborted) {
        ended?.();
        return () => {};
      }
      let entry = watched.get(id);
      if (!entry) watched.set(id, (entry = { listeners: new Map() }));
      entry.listeners.set(listener, ended);
      polling ??= poll();
      const mine = entry;
      return () => {
        mine.listeners.delete(listener);
        if (mine.listeners.size === 0 && watched.get(id) === mine) watched.delete(id);
      };
    },

    watchers: (id) => watched.get(id)?.listeners.size ?? 0,

    async close() {
      stopped.abort();
      const entries = [...watched.values()];
      watched.clear();
      for (const entry of entries) for (const ended of entry.listeners.values()) ended?.();
      await polling;
    },
  };
}
