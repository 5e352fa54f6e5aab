import path from 'node:path';
import { isCitemedError } from '../domain/errors.js';
import {
  addTotals,
  changedAnything,
  emptyTotals,
  jobTotals,
  SKIPPED_RECORDS_KEPT,
  type JobProgress,
  type JobStatus,
  type JobTotals,
  type RecheckCounts,
  type SkippedRecordNote,
} from '../domain/ingest-job.js';
import { SKIP_REASON_LABELS } from '../domain/ingest-progress.js';
import { ingestAndRecheck } from './ingest-and-recheck.js';
import { trackProgress } from './job-progress.js';
import { planIngest, type IngestDeps, type IngestReport } from './pipeline.js';
import type { ServerRoots } from './server-roots.js';

/**
 * One run of an administrator's ingest job, wherever it runs: in the server's process (jobs.ts)
 * or in any worker of the PostgreSQL queue (job-worker.ts). The paths are checked against the
 * server roots again (a folder may have changed since the job was started), every file to be
 * read is checked to lie inside a root too, then the files are ingested and, when the library
 * changed, the living articles re-checked (ingest-and-recheck.ts, as `citemed ingest` does).
 * An abort stops the ingest after its current batch, which commits whole.
 */
export interface JobRunDeps {
  roots: ServerRoots;
  /** Fresh ingest collaborators for each run. */
  ingestDeps: () => IngestDeps;
  /** The living-article re-check, on behalf of `actor` (an account id). */
  recheck: (actor: string) => Promise<RecheckCounts>;
  /**
   * Readies searches for the library as the run left it (the ranking's word associations), so
   * that the next reader does not wait for them; a failure is the server's, reported, and the job
   * still ends as its ingest did.
   */
  prepareSearch?: () => Promise<void>;
  /** Monotonic milliseconds, for rates. */
  elapsedMs: () => number;
  /** Told of failures that are the server's, not the job's input; the job shows a safe sentence. */
  onServerError?: (error: unknown) => void;
}

export interface JobRunInput {
  paths: readonly string[];
  force: boolean;
  /** The administrator who started the job: the re-check runs on their behalf. */
  startedBy: string;
  /**
   * Counts of the files that earlier, interrupted runs of the same job read to their end (a
   * queued job taken up again after its worker stopped): this run finds those files already
   * ingested and counts nothing for them. Ignored with `force`, which reads every file again.
   */
  carried?: JobTotals;
}

export interface JobRunHooks {
  signal: AbortSignal;
  /** Every pipeline event, as the job's progress; as often as the pipeline emits (callers throttle). */
  onProgress: (progress: JobProgress) => void;
  /** Each file this run reads to its end, with its counts. */
  onFileDone?: (totals: JobTotals) => void;
}

export interface JobRunResult {
  status: Extract<JobStatus, 'done' | 'failed' | 'cancelled'>;
  /** A sentence safe to show the administrator. */
  error?: string;
  /** Present once the ingest ran, stopped or not. */
  totals?: JobTotals;
  recheck?: RecheckCounts;
}

export async function runIngestJob(input: JobRunInput, deps: JobRunDeps, hooks: JobRunHooks): Promise<JobRunResult> {
  const serverError = (error: unknown) => deps.onServerError?.(error);
  try {
    return await run(input, deps, hooks, serverError);
  } catch (error) {
    if (hooks.signal.aborted && isCitemedError(error) && error.code === 'interrupted') return { status: 'cancelled' };
    return { status: 'failed', error: describeFailure(error, deps.roots, serverError) };
  }
}

async function run(input: JobRunInput, deps: JobRunDeps, hooks: JobRunHooks, serverError: (error: unknown) => void): Promise<JobRunResult> {
  const ingest = deps.ingestDeps();
  const planned = await planIngest(await deps.roots.resolve(input.paths), ingest.files);
  await deps.roots.check(planned.filter((file) => file.format).map((file) => file.entry.path));
  if (hooks.signal.aborted) return { status: 'cancelled' };

  const carried = input.force ? emptyTotals() : (input.carried ?? emptyTotals());
  const tracker = trackProgress(deps.elapsedMs());
  const prepare = deps.prepareSearch;
  let recheckFailure: unknown;
  const { report, recheck } = await ingestAndRecheck(planned, ingest, {
    force: input.force,
    signal: hooks.signal,
    changedBefore: changedAnything(carried),
    ...(prepare ? { prepareSearch: () => prepare().catch(serverError) } : {}),
    onEvent: (event) => {
      hooks.onProgress(tracker.update(event, deps.elapsedMs()));
      if (event.type === 'file-end' && event.report.status === 'done') hooks.onFileDone?.(jobTotals(event.report.counts));
    },
    // A failed re-check does not undo the ingest: the job says both.
    recheck: () =>
      deps.recheck(input.startedBy).catch((error: unknown) => {
        recheckFailure = error;
        return undefined;
      }),
  });
  const ran = { totals: addTotals(carried, jobTotals(report.totals, skippedRecords(report, deps.roots))), ...(recheck ? { recheck } : {}) };
  if (report.interrupted) return { status: 'cancelled', ...ran };
  if (report.failedFiles > 0) return { status: 'failed', error: describeFailedFiles(report, deps.roots), ...ran };
  if (recheckFailure !== undefined) {
    const why = describeFailure(recheckFailure, deps.roots, serverError);
    return { status: 'failed', error: `the files were ingested, but the re-check of articles failed: ${why}`, ...ran };
  }
  return { status: 'done', ...ran };
}

/**
 * The run's first skipped records worth a look, as `citemed ingest` lists them: records already
 * in the library unchanged are routine and left out. Files by name only, details redacted, as
 * everything a job shows.
 */
function skippedRecords(report: IngestReport, roots: ServerRoots): SkippedRecordNote[] {
  const notes: SkippedRecordNote[] = [];
  for (const file of report.files) {
    for (const record of file.skippedSample) {
      if (record.reason === 'unchanged') continue;
      if (notes.length >= SKIPPED_RECORDS_KEPT) return notes;
      const text = [SKIP_REASON_LABELS[record.reason], record.detail !== undefined ? roots.redact(record.detail) : undefined].filter(Boolean).join(' — ');
      notes.push({
        file: path.basename(record.path),
        ...(record.line !== undefined ? { line: record.line } : {}),
        ...(record.sourceId !== undefined ? { sourceId: record.sourceId } : {}),
        reason: record.reason,
        text,
      });
    }
  }
  return notes;
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
export function describeFailure(error: unknown, roots: ServerRoots, serverError: (error: unknown) => void): string {
  if (isCitemedError(error) && INPUT_ERRORS.has(error.code)) return roots.redact(error.message);
  if (isCitemedError(error) && error.code === 'database-locked') {
    return 'the library is locked by another process (a command-line ingest?); start the job again once it has finished';
  }
  serverError(error);
  return 'the ingest failed on the server; its operator can see why in its log';
}
