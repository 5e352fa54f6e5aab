import type { IngestCounts, SkipReason } from './ingest-progress.js';

/**
 * An administrator's ingest job as clients see it (the web app's admin page, the HTTP API's
 * IngestJob schema): the same shape whether the job runs in the server's process (SQLite) or is
 * kept in PostgreSQL and run by any worker. Field names are part of the API.
 */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

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
  totals?: JobTotals;
  error?: string;
  /** The living-article re-check after a job that changed the library. */
  recheck?: RecheckCounts;
}

/**
 * How far an ingest job has got: the numbers `citemed ingest`'s progress bar shows (records/s,
 * MB/s, ETA), as data for a client to draw.
 */
export interface JobProgress {
  /** Files that will be read (ignored ones not counted). */
  filesTotal: number;
  filesDone: number;
  /** Raw (compressed) bytes of those files, and of the part read so far. */
  bytesTotal: number;
  bytesDone: number;
  /** Reader items (records, deletes, skipped records) handled so far in this run. */
  records: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
  /** Seconds left at the rate so far; absent until there is a rate, and once done. */
  etaSeconds?: number;
  /** The file being read, by base name only: where the server keeps files is its own business. */
  currentFile?: string;
}

/** Records added, updated, deleted and skipped (every reason together). */
export interface JobTotals {
  added: number;
  updated: number;
  deleted: number;
  skipped: number;
  /**
   * The first records skipped for a reason worth a look (not "already in the library, unchanged"),
   * with where and why, as `citemed ingest` lists them; absent when there is none.
   */
  skippedRecords?: SkippedRecordNote[];
}

/** One skipped record as a job shows it: the file by name only, the line when known, and why in words. */
export interface SkippedRecordNote {
  file: string;
  line?: number;
  sourceId?: string;
  reason: SkipReason;
  /** The reason in words, with the reader's detail: "malformed or unreadable record — not valid JSON". */
  text: string;
}

/** Skipped records a job keeps to show (as `citemed ingest` prints them: the first 20). */
export const SKIPPED_RECORDS_KEPT = 20;

export interface RecheckCounts {
  checked: number;
  raised: number;
}

const FINISHED: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);

export function isFinished(job: Pick<IngestJob, 'status'>): boolean {
  return FINISHED.has(job.status);
}

export function emptyTotals(): JobTotals {
  return { added: 0, updated: 0, deleted: 0, skipped: 0 };
}

/** An ingest's counts as a job shows them: the skip reasons summed, and the first skipped records given. */
export function jobTotals(counts: IngestCounts, skippedRecords: readonly SkippedRecordNote[] = []): JobTotals {
  const { added, updated, deleted, skipped } = counts;
  const totals = { added, updated, deleted, skipped: Object.values(skipped).reduce((sum, n) => sum + (n ?? 0), 0) };
  return withSkippedRecords(totals, skippedRecords);
}

export function addTotals(a: JobTotals, b: JobTotals): JobTotals {
  const sum = { added: a.added + b.added, updated: a.updated + b.updated, deleted: a.deleted + b.deleted, skipped: a.skipped + b.skipped };
  return withSkippedRecords(sum, [...(a.skippedRecords ?? []), ...(b.skippedRecords ?? [])]);
}

function withSkippedRecords(totals: JobTotals, records: readonly SkippedRecordNote[]): JobTotals {
  return records.length > 0 ? { ...totals, skippedRecords: records.slice(0, SKIPPED_RECORDS_KEPT) } : totals;
}

/** Whether the counts say the library changed (a source added, replaced or deleted). */
export function changedAnything(totals: JobTotals): boolean {
  return totals.added + totals.updated + totals.deleted > 0;
}
