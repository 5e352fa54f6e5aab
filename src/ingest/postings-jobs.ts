import { SYSTEM_ACTOR, type AuditInput } from '../domain/audit.js';
import { CitemedError, isCitemedError } from '../domain/errors.js';
import type { PostingsJob, PostingsJobProgress, PostingsJobAction, PostingsJobStatus } from '../domain/postings.js';
import type { AuditLog } from '../ports/editorial.js';
import type { PostingsIndex } from '../ports/store.js';

export type { PostingsJob, PostingsJobAction } from '../domain/postings.js';

/**
 * An administrator builds or drops the postings index from the web app (`citemed index` and
 * `citemed index --drop` without a shell). One job at a time: a second start while one runs is
 * refused as a conflict (HTTP 409). The work runs off the server's event loop (the store's
 * `worker` option: a worker thread with its own connection), so searches and answers go on.
 * A build can be cancelled: it stops between its steps and the index in service stays as it was;
 * a drop takes seconds and cannot be.
 *
 * Jobs live in the server's memory: the latest is kept (for the admin page to show how the last
 * one went) and a restart forgets it. The postings index exists only in SQLite libraries, whose
 * server is one process; several `citemed serve` on one file each refuse a second job of their
 * own, and a build started by another takes this one over (it then fails, saying so).
 *
 * Audited like ingest jobs (job-audit.ts): `postings-job.start` and `postings-job.cancel` by the
 * administrator, and one `postings-job.end` by `system`, with the outcome and `startedBy`.
 */
export interface PostingsJobRequest {
  action: PostingsJobAction;
  startedBy: string;
}

/** `progress` as a build advances (throttled); `done` once, with the finished job. */
export type PostingsJobEvent = { type: 'progress' | 'done'; job: PostingsJob };
export type PostingsJobListener = (event: PostingsJobEvent) => void;

export interface PostingsJobsDeps {
  postings: PostingsIndex;
  now: () => Date;
  /** Monotonic milliseconds, for throttling. */
  elapsedMs: () => number;
  newId: () => string;
  audit: Pick<AuditLog, 'append'>;
  /**
   * Failures that are the server's, not the administrator's (the job shows a safe sentence, the
   * log the detail), and audit entries that could not be written.
   */
  onServerError?: (error: unknown) => void;
  /** Least time between two `progress` events, in ms (250: at most four a second). */
  progressIntervalMs?: number;
}

export interface PostingsJobs {
  /** Starts a build or a drop; a conflict while another job runs. Audited as `postings-job.start`. */
  start(request: PostingsJobRequest): Promise<PostingsJob>;
  /** The running job, or else the last one to finish; undefined before the first. */
  latest(): PostingsJob | undefined;
  get(id: string): PostingsJob | undefined;
  /**
   * Asks a running build to stop; it ends `cancelled` moments later. Audited as
   * `postings-job.cancel` by `by`. A finished job, or a drop: a conflict.
   */
  cancel(id: string, by: string): Promise<PostingsJob>;
  /** Events of a running job until it finishes; returns the way to stop listening. */
  watch(id: string, listener: PostingsJobListener): () => void;
  /** How many listeners a job has (shows that disconnected clients were let go). */
  watchers(id: string): number;
  /** Stops a running build (a drop is let finish) and waits for it. */
  close(): Promise<void>;
}

interface Entry {
  job: PostingsJob;
  controller: AbortController;
  listeners: Set<PostingsJobListener>;
  lastSent: number;
  /** `deps.elapsedMs()` when it started. */
  startedMs: number;
  run?: Promise<void>;
}

const NO_PROGRESS: PostingsJobProgress = { done: 0, total: 0, terms: 0, elapsedMs: 0 };

export function createPostingsJobs(deps: PostingsJobsDeps): PostingsJobs {
  const interval = deps.progressIntervalMs ?? 250;
  let current: Entry | undefined;
  let closed = false;

  const audit = async (entry: Omit<AuditInput, 'at' | 'subjectType'>): Promise<void> => {
    try {
      await deps.audit.append({ at: deps.now().toISOString(), subjectType: 'postings-job', ...entry });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      deps.onServerError?.(new Error(`the audit entry ${entry.action} of postings job ${entry.subjectId} by ${entry.actor} was not written: ${why}`, { cause: error }));
    }
  };

  /** A listener that throws must not stop the job: it is reported and the others are still told. */
  const tell = (listeners: readonly PostingsJobListener[], event: PostingsJobEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        deps.onServerError?.(error);
      }
    }
  };

  const finish = (entry: Entry, status: Exclude<PostingsJobStatus, 'running'>, error?: string): PostingsJob => {
    entry.job.status = status;
    entry.job.finishedAt = deps.now().toISOString();
    if (error !== undefined) entry.job.error = error;
    const listeners = [...entry.listeners];
    entry.listeners.clear();
    const ended = structuredClone(entry.job);
    tell(listeners, { type: 'done', job: ended });
    return ended;
  };

  const execute = async (entry: Entry): Promise<void> => {
    const { job, controller } = entry;
    let ended: PostingsJob;
    try {
      if (job.action === 'build') {
        const build = await deps.postings.build(
          (progress) => {
            const at = deps.elapsedMs();
            job.progress = { ...progress, elapsedMs: Math.round(at - entry.startedMs) };
            if (entry.listeners.size === 0 || at - entry.lastSent < interval) return;
            entry.lastSent = at;
            tell([...entry.listeners], { type: 'progress', job: structuredClone(job) });
          },
          { worker: true, signal: controller.signal },
        );
        job.built = { passages: build.passages, terms: build.terms, bytes: build.bytes, elapsedMs: Math.round(build.elapsedMs) };
        // Read to the end: the bar is full. (Occurrences read can pass FTS5's total by those of
        // deleted passages it has not merged away yet, which the build skips.)
        if (job.progress.total > 0) job.progress = { ...job.progress, done: job.progress.total };
      } else {
        await deps.postings.drop({ worker: true });
      }
      ended = finish(entry, 'done');
    } catch (error) {
      if (controller.signal.aborted && isCitemedError(error) && error.code === 'interrupted') ended = finish(entry, 'cancelled');
      else ended = finish(entry, 'failed', describeFailure(job.action, error, (e) => deps.onServerError?.(e)));
    }
    await audit({ actor: SYSTEM_ACTOR, action: 'postings-job.end', subjectId: job.id, after: endState(ended) });
  };

  return {
    async start(request) {
      if (closed) throw new CitemedError('interrupted', 'the server is shutting down; start it again once the server is back');
      if (current?.job.status === 'running') {
        const { job } = current;
        throw new CitemedError('conflict', `a postings index ${job.action === 'build' ? 'build' : 'drop'} is under way already (started ${job.startedAt})`, {
          hint: job.action === 'build' ? 'wait for it to finish, or cancel it' : 'wait a moment for it to finish',
        });
      }
      const entry: Entry = {
        job: {
          id: deps.newId(),
          action: request.action,
          status: 'running',
          startedBy: request.startedBy,
          startedAt: deps.now().toISOString(),
          progress: { ...NO_PROGRESS },
        },
        controller: new AbortController(),
        listeners: new Set(),
        lastSent: -Infinity,
        startedMs: deps.elapsedMs(),
      };
      // Taken before the first await, so a second start arriving meanwhile is refused.
      current = entry;
      const started = structuredClone(entry.job);
      // Before it runs, so the start comes before the end in the log.
      await audit({ actor: request.startedBy, action: 'postings-job.start', subjectId: started.id, after: { action: started.action, status: started.status } });
      entry.run = execute(entry);
      return started;
    },

    latest: () => (current ? structuredClone(current.job) : undefined),

    get: (id) => (current?.job.id === id ? structuredClone(current.job) : undefined),

    async cancel(id, by) {
      const entry = current?.job.id === id ? current : undefined;
      if (!entry) throw new CitemedError('not-found', `no postings job "${id}"`, { hint: 'the server keeps its latest job only, in memory' });
      if (entry.job.status !== 'running') {
        throw new CitemedError('conflict', `postings job ${id} has already finished (${entry.job.status})`, { hint: 'only a running build can be cancelled' });
      }
      if (entry.job.action !== 'build') throw new CitemedError('conflict', 'a drop of the postings index cannot be cancelled', { hint: 'it finishes in seconds' });
      entry.controller.abort();
      const job = structuredClone(entry.job);
      // The job stays running until the build has stopped; its end comes from its run.
      await audit({ actor: by, action: 'postings-job.cancel', subjectId: id, before: { status: 'running' }, after: { status: job.status } });
      return job;
    },

    watch(id, listener) {
      const entry = current?.job.id === id ? current : undefined;
      if (!entry || entry.job.status !== 'running') return () => {};
      entry.listeners.add(listener);
      return () => entry.listeners.delete(listener);
    },

    watchers: (id) => (current?.job.id === id ? current.listeners.size : 0),

    async close() {
      closed = true;
      if (current?.job.status === 'running' && current.job.action === 'build') current.controller.abort();
      await current?.run;
    },
  };
}

/** What `postings-job.end` records: the outcome, who started it, what a build built, the error. */
function endState(job: PostingsJob): Record<string, unknown> {
  return {
    status: job.status,
    action: job.action,
    startedBy: job.startedBy,
    ...(job.built ? { passages: job.built.passages, terms: job.built.terms } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}

/**
 * What a failed job says, in one line. Errors that name no server path pass on (a build taken
 * over by `citemed index`, an in-memory library); a locked library is said in words; anything
 * else is the server's own trouble, logged, and summed up without its insides.
 */
function describeFailure(action: PostingsJobAction, error: unknown, serverError: (error: unknown) => void): string {
  if (isCitemedError(error) && (error.code === 'conflict' || error.code === 'usage')) return error.message;
  if (isCitemedError(error) && error.code === 'database-locked') {
    return 'the library is locked by another process (a command-line ingest?); start it again once that has finished';
  }
  serverError(error);
  return `the postings index ${action === 'build' ? 'build' : 'drop'} failed on the server; its operator can see why in its log`;
}
