import { addTotals, type JobProgress, type JobTotals } from '../domain/ingest-job.js';
import type { IngestJobRecords, RunnerUpdate } from '../ports/ingest-jobs.js';
import type { WorkQueue } from '../ports/work-queue.js';
import type { JobAudit } from './job-audit.js';
import { finalProgress } from './job-progress.js';
import { runIngestJob, type JobRunDeps, type JobRunResult } from './job-run.js';

/**
 * Administrators' ingest jobs from the PostgreSQL work queue: `citemed worker` processes, and
 * servers with `jobs.workInServer`, take `ingest-request` jobs and run them as the server's own
 * queue runs them (job-run.ts), writing the job's row (ports/ingest-jobs.ts) as they go.
 *
 * - A run claims the job under a token of its own; a job cancelled while it waited is not run.
 * - Every `heartbeatMs` the run writes its progress (when it moved) and learns whether a cancel
 *   was asked for; if so it aborts, and the ingest stops after its current batch, which is kept.
 * - A worker told to stop (signal) lets the batch finish and hands the job back: queued again,
 *   for whichever worker comes next, which resumes from the files' checkpoints.
 * - A worker that dies (kill -9, a lost machine) stops beating; after `staleSeconds` any other
 *   worker's sweep queues the job again. Should the silent one wake, its next heartbeat tells it
 *   the job is no longer its own, and it stops without writing.
 * - The run that writes a job's end (or a claim that finds its cancel asked for) writes the end's
 *   audit entry; handing back and re-queueing end nothing, so a job resumed by another worker
 *   still has one end entry.
 */
export interface JobWorkerDeps extends JobRunDeps {
  queue: WorkQueue;
  records: IngestJobRecords;
  now: () => Date;
  /** A fresh token for each run (random). */
  newId: () => string;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  wait: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted when the worker is told to stop. */
  signal: AbortSignal;
  /** The end of each job this worker ends, in the audit log. */
  audit: JobAudit;
  /** One line per job started and finished, for the worker's log. */
  log: (line: string) => void;
  /** Time between a run's heartbeats, in ms (500). */
  heartbeatMs?: number;
  /** A running job whose runner has been silent this long is taken for lost, in seconds (60). */
  staleSeconds?: number;
}

export const DEFAULT_HEARTBEAT_MS = 500;
export const DEFAULT_STALE_SECONDS = 60;

/** What became of one `ingest-request`: the job's end, handed back, or not run (and why). */
export type QueuedRunOutcome = JobRunResult['status'] | 'requeued' | 'lost' | 'missing' | 'finished' | 'running-elsewhere';

export interface JobWorker {
  /** Resolves once no job runs here (after the signal, every run has handed its job back). */
  idle(): Promise<void>;
}

/** Takes `ingest-request` jobs until the queue stops, and looks for lost runs now and then. */
export async function workIngestJobs(deps: JobWorkerDeps): Promise<JobWorker> {
  const running = new Set<Promise<unknown>>();
  await deps.queue.work('ingest-request', async (job) => {
    const run = runQueuedJob(deps, job.data.jobId);
    running.add(run);
    try {
      await run;
    } finally {
      running.delete(run);
    }
  });
  const sweeping = sweep(deps);
  return {
    idle: async () => {
      await Promise.allSettled([...running, sweeping]);
    },
  };
}

/** Every half `staleSeconds`, lost runs' jobs are queued again (one sweeper wins each job). */
async function sweep(deps: JobWorkerDeps): Promise<void> {
  const stale = deps.staleSeconds ?? DEFAULT_STALE_SECONDS;
  while (!deps.signal.aborted) {
    await requeueStaleJobs(deps).catch((error: unknown) => deps.log(`ingest-request: could not look for lost jobs: ${(error as Error).message}`));
    await deps.wait((stale * 1000) / 2, deps.signal);
  }
}

/** Queues again the jobs whose runner fell silent; their ids. */
export async function requeueStaleJobs(deps: Pick<JobWorkerDeps, 'records' | 'queue' | 'log' | 'staleSeconds'>): Promise<string[]> {
  const ids = await deps.records.requeueStale(deps.staleSeconds ?? DEFAULT_STALE_SECONDS);
  for (const id of ids) {
    // The lost run's queue entry would otherwise show as running until pg-boss's expiry (23 h).
    await deps.queue.cancelLostRuns(id).catch((error: unknown) => deps.log(`ingest-request ${id}: could not cancel the lost run's queue entry: ${(error as Error).message}`));
    await deps.queue.submit('ingest-request', { jobId: id });
    deps.log(`ingest-request ${id}: its worker fell silent; queued again`);
  }
  return ids;
}

/** One `ingest-request`, from claiming the job to writing its end (or handing it back). */
export async function runQueuedJob(deps: JobWorkerDeps, jobId: string): Promise<QueuedRunOutcome> {
  const at = () => deps.now().toISOString();
  if (deps.signal.aborted) {
    // Fetched as the worker was stopping: handed on untouched.
    await deps.queue.submit('ingest-request', { jobId });
    return 'requeued';
  }
  const runner = deps.newId();
  const claim = await deps.records.claim(jobId, runner, { at: at(), staleSeconds: deps.staleSeconds ?? DEFAULT_STALE_SECONDS });
  if (!claim.taken) {
    deps.log(`ingest-request ${jobId}: not run (${claim.why})`);
    if (claim.ended) await deps.audit.ended(claim.ended);
    return claim.why;
  }
  const { job } = claim;
  deps.log(`ingest-request ${jobId}: started (${job.paths.length} path(s), for ${job.startedBy})`);

  const controller = new AbortController();
  let why: 'cancel' | 'stop' | 'lost' | undefined;
  const stopFor = (reason: 'cancel' | 'stop' | 'lost') => {
    why ??= reason;
    controller.abort();
  };
  const onStop = () => stopFor('stop');
  deps.signal.addEventListener('abort', onStop, { once: true });
  if (deps.signal.aborted) onStop(); // told to stop while claiming: the run hands the job straight back

  let progress: JobProgress = job.progress;
  let carried: JobTotals = claim.carried;
  let moved = false;
  const beats = new AbortController();
  const beating = (async () => {
    while (!beats.signal.aborted) {
      await deps.wait(deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, beats.signal);
      if (beats.signal.aborted) return;
      const update: RunnerUpdate | undefined = moved ? { progress, carried } : undefined;
      moved = false;
      try {
        const state = await deps.records.heartbeat(jobId, runner, update);
        if (state === 'cancel-requested') stopFor('cancel');
        else if (state === 'lost') stopFor('lost');
      } catch (error) {
        // The database did not answer: the next beat tries again, with the progress too.
        moved ||= update !== undefined;
        deps.onServerError?.(error);
      }
    }
  })();

  let result: JobRunResult;
  try {
    result = await runIngestJob({ paths: claim.resolvedPaths, force: job.force, startedBy: job.startedBy, carried: claim.carried }, deps, {
      signal: controller.signal,
      onProgress: (next) => {
        progress = next;
        moved = true;
      },
      onFileDone: (counts) => {
        carried = addTotals(carried, counts);
        moved = true;
      },
    });
  } finally {
    beats.abort();
    await beating;
    deps.signal.removeEventListener('abort', onStop);
  }

  try {
    return await settle(deps, jobId, runner, result, { why, progress: finalProgress(progress), carried });
  } catch (error) {
    // Not written (the database?): handed back, so the queue's retry of this job runs it again;
    // unless a cancel was asked meanwhile, in which case handing back ended it.
    const released = await deps.records.release(jobId, runner, { progress: finalProgress(progress), carried, at: at() }).catch(() => undefined);
    if (released?.state === 'cancelled') await deps.audit.ended(released.job);
    throw error;
  }
}

/** Writes how the run ended: the job's end, or the job handed back when the worker is stopping. */
async function settle(
  deps: JobWorkerDeps,
  jobId: string,
  runner: string,
  result: JobRunResult,
  run: { why: 'cancel' | 'stop' | 'lost' | undefined; progress: JobProgress; carried: JobTotals },
): Promise<QueuedRunOutcome> {
  const at = deps.now().toISOString();
  if (run.why === 'lost') {
    deps.log(`ingest-request ${jobId}: stopped; another worker had taken the job over`);
    return 'lost';
  }
  if (run.why === 'stop' && result.status === 'cancelled') {
    const released = await deps.records.release(jobId, runner, { progress: run.progress, carried: run.carried, at, ...(result.totals ? { totals: result.totals } : {}) });
    if (released.state === 'queued') {
      await deps.queue.submit('ingest-request', { jobId });
      deps.log(`ingest-request ${jobId}: stopped after its batch; queued again for the next worker`);
      return 'requeued';
    }
    if (released.state === 'cancelled') {
      deps.log(`ingest-request ${jobId}: cancelled`);
      await deps.audit.ended(released.job);
    }
    return released.state;
  }
  const ended = await deps.records.finish(jobId, runner, {
    status: result.status,
    at,
    progress: run.progress,
    ...(result.totals ? { totals: result.totals } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.recheck ? { recheck: result.recheck } : {}),
  });
  if (!ended) {
    deps.log(`ingest-request ${jobId}: finished, but another worker had taken the job over; nothing written`);
    return 'lost';
  }
  const totals = result.totals ? `: ${result.totals.added} added, ${result.totals.updated} updated, ${result.totals.deleted} deleted, ${result.totals.skipped} skipped` : '';
  deps.log(`ingest-request ${jobId}: ${result.status}${totals}${result.error !== undefined ? ` (${result.error})` : ''}`);
  await deps.audit.ended(ended);
  return result.status;
}

