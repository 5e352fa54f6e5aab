import { DOCUMENT_FORMATS, type SourceFormat, type SourceId } from './source.js';

/**
 * Ingest bookkeeping for one file: how far it got and what happened to its records.
 * Saved in the same transaction as the records, so a resumed run continues exactly where the
 * last committed batch ended and its summary covers the whole file.
 */
export type WriteOutcome =
  /** New source. */
  | 'added'
  /** Replaced an older or different version. */
  | 'updated'
  /** Same content already stored: nothing written. */
  | 'unchanged'
  /** The stored version is newer; the incoming record was ignored. */
  | 'kept-newer'
  /** A delete removed the source. */
  | 'deleted'
  /** A delete named a source that is not in the library (recorded so it cannot come back). */
  | 'delete-missing'
  /** The source was deleted by an earlier update file; the incoming record was ignored. */
  | 'deleted-earlier'
  /** A document claims an id that a different file already holds. */
  | 'id-collision';

export interface WriteResult {
  sourceId: SourceId;
  outcome: WriteOutcome;
  /** Line of the record in its file, when known. */
  line?: number;
  /** For ignored records: which file holds the winning version, or which file deleted it. */
  detail?: string;
}

/** Why a record was not written, as counted in summaries. */
export type SkipReason =
  | 'unchanged'
  | 'older-version'
  | 'deleted-earlier'
  | 'id-collision'
  | 'nothing-to-delete'
  | 'repeated-id'
  | 'malformed';

export const SKIP_REASON_LABELS: Readonly<Record<SkipReason, string>> = {
  unchanged: 'already in the library, unchanged',
  'older-version': 'older than the version in the library',
  'deleted-earlier': 'deleted by an earlier update file',
  'id-collision': 'id already used by another file',
  'nothing-to-delete': 'delete of a record not in the library',
  'repeated-id': 'id repeated within its file',
  malformed: 'malformed or unreadable record',
};

export interface IngestCounts {
  added: number;
  updated: number;
  deleted: number;
  skipped: Partial<Record<SkipReason, number>>;
}

export interface SkippedRecord {
  path: string;
  line?: number;
  sourceId?: SourceId;
  reason: SkipReason;
  detail?: string;
}

/**
 * The key of a file's checkpoint: its content fingerprint, so that a renamed or moved MEDLINE or
 * JATS file, whose records carry their own ids, is not read again. A document's id can come from
 * its file name, so a document's key also holds its format and name: two guidelines with the same
 * bytes under two names are two sources, and an empty Markdown file is not taken for an empty
 * JSON lines file read before it.
 */
export function progressKey(fingerprint: string, format: SourceFormat, path: string): string {
  if (!DOCUMENT_FORMATS.has(format)) return fingerprint;
  const name = path.split(/[\\/]/).pop() ?? path;
  return `${fingerprint}:${format}:${name}`;
}

export interface FileProgress {
  /** See `progressKey`: renaming a record file keeps it, editing any file changes it. */
  key: string;
  path: string;
  sizeBytes: number;
  /** Reader items (records, deletes, skips) committed: a resumed run starts after them. */
  itemsDone: number;
  status: 'running' | 'done' | 'failed';
  counts: IngestCounts;
  /** The first skipped records with their reasons (capped; counts hold the totals). */
  skippedSample: SkippedRecord[];
  error?: string;
  startedAt: string;
  updatedAt: string;
}

/** Most skipped records kept per file for the summary; the counts are always complete. */
export const SKIPPED_SAMPLE_LIMIT = 100;

export function emptyCounts(): IngestCounts {
  return { added: 0, updated: 0, deleted: 0, skipped: {} };
}

const SKIP_BY_OUTCOME: Partial<Record<WriteOutcome, SkipReason>> = {
  unchanged: 'unchanged',
  'kept-newer': 'older-version',
  'deleted-earlier': 'deleted-earlier',
  'id-collision': 'id-collision',
  'delete-missing': 'nothing-to-delete',
};

/** Adds a skipped record to the progress (count always, sample while under the cap). */
export function recordSkip(progress: FileProgress, skipped: SkippedRecord): FileProgress {
  return recordOutcomes(progress, [], [skipped]);
}

/**
 * The progress after a batch: its write results and the records the reader skipped. The store
 * applies it inside the write transaction and the pipeline to its own copy: one function, so
 * both agree.
 */
export function recordOutcomes(
  progress: FileProgress,
  results: readonly WriteResult[],
  readerSkips: readonly SkippedRecord[] = [],
): FileProgress {
  const counts: IngestCounts = { ...progress.counts, skipped: { ...progress.counts.skipped } };
  const sample = [...progress.skippedSample];
  const skip = (record: SkippedRecord, listed: boolean) => {
    counts.skipped[record.reason] = (counts.skipped[record.reason] ?? 0) + 1;
    if (listed && sample.length < SKIPPED_SAMPLE_LIMIT) sample.push(record);
  };
  for (const record of readerSkips) skip(record, true);
  for (const result of results) {
    if (result.outcome === 'added') counts.added++;
    else if (result.outcome === 'updated') counts.updated++;
    else if (result.outcome === 'deleted') counts.deleted++;
    else {
      const reason = SKIP_BY_OUTCOME[result.outcome] ?? 'malformed';
      const record: SkippedRecord = { path: progress.path, sourceId: result.sourceId, reason };
      if (result.line !== undefined) record.line = result.line;
      if (result.detail !== undefined) record.detail = result.detail;
      // Unchanged records are normal on a re-run: counted, not listed one by one.
      skip(record, reason !== 'unchanged');
    }
  }
  return { ...progress, counts, skippedSample: sample };
}

export function addCounts(a: IngestCounts, b: IngestCounts): IngestCounts {
  const skipped: Partial<Record<SkipReason, number>> = { ...a.skipped };
  for (const [reason, n] of Object.entries(b.skipped) as [SkipReason, number][]) {
    skipped[reason] = (skipped[reason] ?? 0) + n;
  }
  return { added: a.added + b.added, updated: a.updated + b.updated, deleted: a.deleted + b.deleted, skipped };
}

export function totalSkipped(counts: IngestCounts): number {
  return Object.values(counts.skipped).reduce((sum, n) => sum + (n ?? 0), 0);
}
