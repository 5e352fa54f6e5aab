import { SYSTEM_ACTOR, type AuditInput } from '../domain/audit.js';
import { emptyTotals, type IngestJob, type JobStatus } from '../domain/ingest-job.js';
import type { AuditLog } from '../ports/editorial.js';

/**
 * The audit log's entries about administrators' ingest jobs, written by the use cases that make
 * the change (jobs.ts in the server's memory; queued-jobs.ts and job-worker.ts through
 * PostgreSQL), so that the entries of one job come in the order the changes happened:
 *
 * - `ingest-job.start`, by the administrator: the paths and `force`;
 * - `ingest-job.cancel`, by the administrator who asked, with the status before and after (a
 *   running job stays running until its batch is written);
 * - `ingest-job.end`, once per job, when it reaches `done`, `failed` or `cancelled`: the outcome,
 *   the counts, the re-check's counts and the job's error, written by whichever process ended it
 *   (the server, or the worker whose run wrote the end). A worker that hands its job back, or a
 *   sweep that queues a silent worker's job again, ends nothing; a runner that was given up for
 *   lost writes no end, as its late writes are refused (ports/ingest-jobs.ts).
 *
 * The end's actor is `system`, not the administrator who started the job: nobody decided the job
 * ended then (a cancel that ends a queued job has its own `ingest-job.cancel` entry, by the
 * account that asked, just before). Who started it is in the after-state as `startedBy`.
 *
 * A job is not an editorial record, so its entries cannot share its change's transaction: each
 * is written just after. Should a write fail, the job has still changed, so nothing is thrown:
 * the failure goes to `onFailure` (the server's or the worker's log), naming the missing entry.
 * A process that dies between a change and its entry leaves the entry missing, never doubled.
 */
export interface JobAudit {
  started(job: IngestJob): Promise<void>;
  /** `job` as the cancel left it; `before`, its status when the cancel came. */
  cancelled(job: IngestJob, by: string, before: JobStatus): Promise<void>;
  /** `job` as it ended. */
  ended(job: IngestJob): Promise<void>;
}

export interface JobAuditDeps {
  log: Pick<AuditLog, 'append'>;
  now: () => Date;
  /** A write that failed; the error's message names the entry. */
  onFailure: (error: Error) => void;
}

export function createJobAudit(deps: JobAuditDeps): JobAudit {
  const write = async (entry: Omit<AuditInput, 'at' | 'subjectType'>): Promise<void> => {
    try {
      await deps.log.append({ at: deps.now().toISOString(), subjectType: 'ingest-job', ...entry });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      deps.onFailure(new Error(`the audit entry ${entry.action} of ingest job ${entry.subjectId} by ${entry.actor} was not written: ${why}`, { cause: error }));
    }
  };
  return {
    started: (job) => write({ actor: job.startedBy, action: 'ingest-job.start', subjectId: job.id, after: { paths: job.paths, force: job.force, status: job.status } }),
    cancelled: (job, by, before) => write({ actor: by, action: 'ingest-job.cancel', subjectId: job.id, before: { status: before }, after: { status: job.status } }),
    ended: (job) => write({ actor: SYSTEM_ACTOR, action: 'ingest-job.end', subjectId: job.id, after: jobEndState(job) }),
  };
}

/**
 * What `ingest-job.end` records. The counts are always there: zeros for a job that read nothing
 * (cancelled while queued, or failed before reading), which its status and error tell apart.
 */
export function jobEndState(job: IngestJob): Record<string, unknown> {
  // The counts only: which records were skipped, and why, is the job's to show, not the log's.
  const { skippedRecords: _records, ...totals } = job.totals ?? emptyTotals();
  return {
    status: job.status,
    startedBy: job.startedBy,
    totals,
    ...(job.recheck ? { recheck: job.recheck } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}
