import type { IngestJob, JobProgress, JobStatus, JobTotals, RecheckCounts } from '../domain/ingest-job.js';

/**
 * Administrators' ingest jobs kept where every server and worker on the library sees them (the
 * PostgreSQL store): the server that starts a job adds it, any worker runs it, any server lists,
 * watches and cancels it. Each change is atomic, so processes racing on one job cannot both win:
 * a job cancelled while queued is never claimed, and a job has at most one runner at a time.
 *
 * A runner holds a job by a token of its own (`claim`), proves it is alive by `heartbeat`s, and
 * writes the job only while it still holds it: a runner that was given up for dead (no heartbeat
 * for `staleSeconds`, judged on the database's clock) and taken over by another finds out at its
 * next heartbeat, and its late writes change nothing.
 *
 * Every call that ends a job (`cancel`, `claim`, `release`, `finish`, `failQueued`) returns the
 * job as it ended only when that call ended it: a job ends once, and its caller, alone, writes
 * the end's audit entry (ingest/job-audit.ts).
 */
export interface IngestJobRecords {
  /** Adds a queued job; finished jobs beyond the newest `keep` are deleted. */
  add(job: IngestJob, work: { resolvedPaths: readonly string[]; keep: number }): Promise<void>;
  get(id: string): Promise<IngestJob | undefined>;
  /** The newest `limit` jobs, newest first (in the order they were added, whatever the clocks say). */
  list(limit: number): Promise<IngestJob[]>;
  /** Jobs queued or running. */
  countUnfinished(): Promise<number>;
  /**
   * Cancels a job: a queued one at once (it will never run), as is a running one whose runner has
   * not been heard from in `staleSeconds` (with `staleError` as its error); a running one asks its
   * runner to stop and stays running until it has. Returns the job as it now is, with what the
   * call did ('none': it had finished already) and the status it found, or undefined when there
   * is no such job.
   */
  cancel(
    id: string,
    options: { at: string; staleSeconds: number; staleError: string },
  ): Promise<{ job: IngestJob; change: 'cancelled' | 'asked' | 'none'; was: JobStatus } | undefined>;
  /**
   * Takes a job to run under `runner`: a queued one, or a running one whose runner is stale. A job
   * whose cancel was asked for is cancelled instead (`ended`: the job as this claim ended it).
   * Anything else is not taken, with why.
   */
  claim(id: string, runner: string, options: { at: string; staleSeconds: number }): Promise<Claim>;
  /**
   * Says the runner is alive, writing its latest progress and carried counts when given. Returns
   * whether it still holds the job, and whether a cancel was asked for.
   */
  heartbeat(id: string, runner: string, update?: RunnerUpdate): Promise<'running' | 'cancel-requested' | 'lost'>;
  /**
   * Gives a job back to the queue (its runner is stopping): queued again, or cancelled (at `at`,
   * with `totals`; the job as it ended) if a cancel was asked for meanwhile. 'lost' when the
   * runner no longer held it.
   */
  release(id: string, runner: string, update: RunnerUpdate & { at: string; totals?: JobTotals }): Promise<Release>;
  /** Writes the end of a run: the job as it ended, or undefined (nothing written) when the runner no longer held it. */
  finish(id: string, runner: string, outcome: FinishedRun): Promise<IngestJob | undefined>;
  /** Fails a job still queued (it could not be handed to the work queue): the failed job, or undefined when it was no longer queued. */
  failQueued(id: string, error: string, at: string): Promise<IngestJob | undefined>;
  /** Running jobs whose runner has not been heard from in `staleSeconds`, queued again; their ids. */
  requeueStale(staleSeconds: number): Promise<string[]>;
}

export interface RunnerUpdate {
  progress: JobProgress;
  /** Counts of the files read to their end by this job's runs so far (see ingest/job-run.ts). */
  carried: JobTotals;
}

export interface FinishedRun {
  status: Extract<JobStatus, 'done' | 'failed' | 'cancelled'>;
  at: string;
  progress: JobProgress;
  totals?: JobTotals;
  error?: string;
  recheck?: RecheckCounts;
}

export type Claim =
  | { taken: true; job: IngestJob; resolvedPaths: string[]; carried: JobTotals }
  | { taken: false; why: 'missing' | 'finished' | 'cancelled' | 'running-elsewhere'; ended?: IngestJob };

export type Release = { state: 'queued' | 'lost' } | { state: 'cancelled'; job: IngestJob };
