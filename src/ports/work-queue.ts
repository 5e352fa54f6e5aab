/**
 * Work shared by several processes on several machines (`citemed worker`): ingesting a file,
 * re-checking the articles. A durable queue: a job outlives the process that sent it and the one
 * that runs it. A job whose handler throws, or whose worker dies, is tried again with backoff up
 * to a limit; handlers must therefore be idempotent (ingest is: checkpoints and content-hash ids
 * make a re-run finish the file with nothing lost or doubled).
 */
export interface JobPayloads {
  /** One file, by a path every worker can read (a shared disk or the same machine). */
  'ingest-file': { path: string; force: boolean };
  /** The living-article re-check, on behalf of `actor` (an account id, or "system"). */
  'recheck-articles': { actor: string };
  /**
   * An administrator's ingest job, started in the web app (ports/ingest-jobs.ts holds the job
   * itself: its paths, status and progress). Runs for as long as its files take, so a lost
   * worker is noticed by the job's heartbeats rather than by the queue's expiry.
   */
  'ingest-request': { jobId: string };
}
export type JobKind = keyof JobPayloads;
export const JOB_KINDS: readonly JobKind[] = ['ingest-file', 'recheck-articles', 'ingest-request'];

export interface QueuedJob<K extends JobKind> {
  id: string;
  kind: K;
  data: JobPayloads[K];
  /** 0 on the first try. */
  retryCount: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  cancelled: number;
}

export interface WorkQueue {
  /**
   * Adds a job. With a `key`, a job of the same kind and key already waiting is not added again
   * (undefined is returned): ten ingests that each ask for a re-check make one re-check.
   */
  submit<K extends JobKind>(kind: K, data: JobPayloads[K], options?: { key?: string }): Promise<string | undefined>;
  /** Runs jobs of `kind` one at a time in this process, until `stop`. */
  work<K extends JobKind>(kind: K, handler: (job: QueuedJob<K>) => Promise<void>): Promise<void>;
  counts(): Promise<Record<JobKind, JobCounts>>;
  /**
   * Cancels the running entries of an administrator's ingest job whose worker was given up for
   * lost (killed, machine gone), so the queue stops showing them as running; the job itself is
   * queued again by a new entry. How many were cancelled. A late finish of such a run changes
   * nothing in the queue.
   */
  cancelLostRuns(jobId: string): Promise<number>;
  /** Stops taking jobs; with `graceful`, waits up to `timeoutMs` for the jobs running here to finish. */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}
