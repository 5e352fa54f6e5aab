import path from 'node:path';
import { isFetchBookkeeping } from './fetch-literature.js';
import { CitemedError, isCitemedError } from '../domain/errors.js';
import {
  addCounts,
  emptyCounts,
  progressKey,
  recordOutcomes,
  recordSkip,
  type FileProgress,
  type IngestCounts,
  type SkippedRecord,
} from '../domain/ingest-progress.js';
import type { ChunkOptions } from '../domain/passage.js';
import type { SourceFormat } from '../domain/source.js';
import type { FileEntry, FileSystem } from '../ports/files.js';
import type { Store, WriteOp } from '../ports/store.js';
import { detectFormat, SNIFF_BYTES } from './formats.js';
import type { PreparedItem, Preparer } from './prepare-items.js';

/**
 * Ingest: files → readers → sources and passages → the store, in batches. Each batch and the
 * file's checkpoint commit together, so an interrupted run (Ctrl-C, kill -9, power cut) resumes
 * where the last batch ended; writes are idempotent, so nothing is doubled either way.
 */
export interface IngestDeps {
  store: Store;
  files: FileSystem;
  /** Reads and prepares a file's records, in this thread or a worker (see prepare-items.ts). */
  prepare: Preparer;
  /** Wall clock, for timestamps. */
  now: () => Date;
  /** Monotonic milliseconds, for rates and throttling. */
  elapsedMs: () => number;
  settings: { batchSize: number; chunk: ChunkOptions };
}

export interface IngestOptions {
  /** Re-read files already ingested to the end (unchanged records are still not rewritten). */
  force?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: IngestEvent) => void;
}

export interface PlannedFile {
  entry: FileEntry;
  format?: SourceFormat;
  /** Why the file will not be read (only for files found inside folders or by globs). */
  ignored?: string;
}

export type IngestEvent =
  | { type: 'plan'; files: PlannedFile[]; totalBytes: number }
  | { type: 'file-start'; file: PlannedFile; index: number; resumeFromItem: number }
  | { type: 'progress'; file: PlannedFile; fileBytesRead: number; items: number; totals: RunTotals }
  | { type: 'skip'; record: SkippedRecord }
  | { type: 'file-end'; report: FileReport };

export interface RunTotals {
  /** Raw bytes of finished files plus bytes read of the current one. */
  bytesDone: number;
  totalBytes: number;
  /** Reader items (records, deletes, skips) handled in this run. */
  items: number;
  elapsedMs: number;
}

export type FileStatus = 'done' | 'already-done' | 'failed' | 'interrupted' | 'ignored';

export interface FileReport {
  path: string;
  format?: SourceFormat;
  status: FileStatus;
  counts: IngestCounts;
  skippedSample: SkippedRecord[];
  /** Items (records, deletes, skips) handled in this run, not counting those resumed past. */
  items: number;
  resumedFromItem: number;
  /** For files skipped as already ingested: when that ingest finished. */
  alreadyDoneAt?: string;
  error?: string;
}

export interface IngestReport {
  files: FileReport[];
  totals: IngestCounts;
  items: number;
  bytes: number;
  elapsedMs: number;
  interrupted: boolean;
  failedFiles: number;
}

// In folders, project paperwork is not literature: read it only when named directly.
const ANCILLARY_FILE = /^(readme|license|licence|changelog|contributing|notice|format)(\.[a-z]+)*$/i;

/** Expands the arguments and decides each file's format, failing before any write on bad input. */
export async function planIngest(args: readonly string[], files: FileSystem): Promise<PlannedFile[]> {
  if (args.length === 0) {
    throw new CitemedError('usage', 'nothing to ingest: give files, folders or globs', {
      hint: 'e.g. citemed ingest library/starter pubmed/*.xml.gz',
    });
  }
  const { files: entries, missing, special } = await files.expand(args);
  if (missing.length > 0) {
    // A pattern that reached citemed was quoted already: what is wrong is that nothing matches it.
    const patterns = missing.filter((arg) => /[*?[\]{}]/.test(arg));
    const paths = missing.filter((arg) => !patterns.includes(arg));
    const what = [paths.length > 0 ? `no such file or folder: ${paths.join(', ')}` : '', patterns.length > 0 ? `no file matches ${patterns.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    throw new CitemedError('not-found', what, {
      hint: paths.length > 0 ? 'check the path; quote globs so citemed expands them' : 'check the folder and the pattern (relative patterns start from the current folder)',
    });
  }
  if (special.length > 0) {
    throw new CitemedError('unreadable', `not a regular file or folder: ${special.join(', ')}`, {
      hint: 'save the data to a file first (for example: zcat x.gz > x.xml), then ingest that file',
    });
  }
  const planned: PlannedFile[] = [];
  for (const entry of entries) {
    if (!entry.explicit && ANCILLARY_FILE.test(path.basename(entry.path))) {
      planned.push({ entry, ignored: 'project paperwork (README, LICENSE, …); name it directly to ingest it' });
      continue;
    }
    if (!entry.explicit && isFetchBookkeeping(path.basename(entry.path))) {
      planned.push({ entry, ignored: "a `citemed fetch` bookkeeping file (the search's manifest, or a part's marker), not a record" });
      continue;
    }
    const detection = detectFormat(path.basename(entry.path), await files.head(entry, SNIFF_BYTES));
    if ('format' in detection) planned.push({ entry, format: detection.format });
    else if (entry.explicit) {
      throw new CitemedError('unsupported-format', `cannot ingest ${entry.path}: ${detection.error}`);
    } else planned.push({ entry, ignored: detection.error });
  }
  if (!planned.some((p) => p.format)) {
    throw new CitemedError('unsupported-format', `no readable files among: ${args.join(', ')}`, {
      hint: 'citemed reads MEDLINE/PubMed XML, PMC JATS, Markdown, HTML, PDF, JSON lines (.jsonl) and Europe PMC search replies (.europepmc.json)',
    });
  }
  return planned;
}

export async function runIngest(planned: readonly PlannedFile[], deps: IngestDeps, options: IngestOptions = {}): Promise<IngestReport> {
  const emit = options.onEvent ?? (() => {});
  const started = deps.elapsedMs();
  const totalBytes = planned.reduce((sum, p) => sum + (p.format ? p.entry.sizeBytes : 0), 0);
  emit({ type: 'plan', files: [...planned], totalBytes });
  const reports: FileReport[] = [];
  const run = { bytesDone: 0, items: 0 };
  for (const [index, file] of planned.entries()) {
    if (!file.format) {
      reports.push({ ...emptyReport(file), status: 'ignored', error: file.ignored ?? 'not readable' });
      continue;
    }
    const report = await ingestFile(file, file.format, index, deps, options, run, totalBytes, started);
    run.bytesDone += file.entry.sizeBytes;
    reports.push(report);
    emit({ type: 'file-end', report });
    if (report.status === 'interrupted') break;
  }
  return {
    files: reports,
    totals: reports.reduce((sum, r) => addCounts(sum, r.counts), emptyCounts()),
    items: run.items,
    bytes: run.bytesDone,
    elapsedMs: deps.elapsedMs() - started,
    interrupted: reports.some((r) => r.status === 'interrupted'),
    failedFiles: reports.filter((r) => r.status === 'failed').length,
  };
}

async function ingestFile(
  file: PlannedFile,
  format: SourceFormat,
  index: number,
  deps: IngestDeps,
  options: IngestOptions,
  run: { bytesDone: number; items: number },
  totalBytes: number,
  started: number,
): Promise<FileReport> {
  const emit = options.onEvent ?? (() => {});
  const { store, files } = deps;
  const key = progressKey(await files.fingerprint(file.entry), format, file.entry.path);
  const previous = await store.getProgress(key);
  if (previous?.status === 'done' && !options.force) {
    // Counted in the run that read it; here it adds nothing.
    return { ...emptyReport(file), format, status: 'already-done', alreadyDoneAt: previous.updatedAt };
  }
  const resumeFrom = previous && previous.status !== 'done' && !options.force ? previous.itemsDone : 0;
  let progress: FileProgress =
    resumeFrom > 0 && previous
      ? { ...previous, path: file.entry.path, status: 'running' }
      : freshProgress(key, file.entry, deps.now().toISOString());
  delete progress.error;
  emit({ type: 'file-start', file, index, resumeFromItem: resumeFrom });

  const opened = files.open(file.entry);
  let ops: WriteOp[] = [];
  let item = resumeFrom;
  let handled = 0;

  const flush = async (status: FileProgress['status'], error?: string) => {
    const now = deps.now().toISOString();
    const checkpoint: FileProgress = { ...progress, itemsDone: item, status, updatedAt: now };
    if (error !== undefined) checkpoint.error = error;
    const results = await store.write({ ops, progress: checkpoint, now });
    progress = recordOutcomes(checkpoint, results);
    ops = [];
  };

  const batches = deps.prepare({
    format,
    path: file.entry.path,
    bytes: opened.bytes,
    skipItems: resumeFrom,
    batchSize: deps.settings.batchSize,
    chunk: deps.settings.chunk,
    sizeBytes: file.entry.sizeBytes,
  });
  try {
    for await (const batch of batches) {
      for (const prepared of batch) {
        item++;
        handled++;
        run.items++;
        const skipped = toOps(prepared, file.entry.path, ops);
        if (skipped) {
          progress = recordSkip(progress, skipped);
          emit({ type: 'skip', record: skipped });
        }
      }
      await flush('running');
      emit({
        type: 'progress',
        file,
        fileBytesRead: opened.bytesRead(),
        items: item,
        totals: { bytesDone: run.bytesDone + opened.bytesRead(), totalBytes, items: run.items, elapsedMs: deps.elapsedMs() - started },
      });
      if (options.signal?.aborted) return { ...reportFrom(file, format, progress, handled, resumeFrom), status: 'interrupted' };
    }
  } catch (error) {
    // The file cannot be read further: keep every record before the failure, say why, go on.
    if (isCitemedError(error) && error.code.startsWith('database')) throw error;
    const message = error instanceof Error ? error.message : String(error);
    await flush('failed', message);
    return { ...reportFrom(file, format, progress, handled, resumeFrom), status: 'failed', error: message };
  }
  const unusable = nothingUsable(progress);
  if (unusable !== undefined) {
    // Every record was bad (a JSON lines file with other fields, a damaged PDF): a failure to
    // see, not a tick. Not checkpointed as done, so a run after the fix reads it again.
    await flush('failed', unusable);
    return { ...reportFrom(file, format, progress, handled, resumeFrom), status: 'failed', error: unusable };
  }
  await flush('done');
  return { ...reportFrom(file, format, progress, handled, resumeFrom), status: 'done' };
}

/** Why a file read to the end gave nothing at all, when every one of its records was malformed. */
function nothingUsable(progress: FileProgress): string | undefined {
  const { added, updated, deleted, skipped } = progress.counts;
  const malformed = skipped.malformed ?? 0;
  const other = Object.entries(skipped).reduce((n, [reason, count]) => n + (reason === 'malformed' ? 0 : (count ?? 0)), 0);
  if (malformed === 0 || added + updated + deleted + other > 0) return undefined;
  const first = progress.skippedSample.find((s) => s.reason === 'malformed');
  const where = first?.line !== undefined ? ` (line ${first.line}: ${first.detail ?? 'malformed'})` : first?.detail ? ` (${first.detail})` : '';
  return `none of its ${malformed.toLocaleString('en-US')} record${malformed === 1 ? '' : 's'} could be used${where}`;
}

/** Adds the write ops for one prepared item; returns the skip when the item is a bad record. */
function toOps(item: PreparedItem, file: string, ops: WriteOp[]): SkippedRecord | undefined {
  switch (item.kind) {
    case 'upsert':
      ops.push({ kind: 'upsert', source: item.source, passages: item.passages });
      return undefined;
    case 'delete':
      for (const sourceId of item.sourceIds) ops.push({ kind: 'delete', sourceId, origin: file, line: item.line });
      return undefined;
    case 'skip': {
      const skipped: SkippedRecord = { path: file, line: item.line, reason: item.repeated ? 'repeated-id' : 'malformed', detail: item.reason };
      if (item.recordId !== undefined) skipped.sourceId = item.recordId;
      return skipped;
    }
  }
}

function freshProgress(key: string, entry: FileEntry, now: string): FileProgress {
  return {
    key,
    path: entry.path,
    sizeBytes: entry.sizeBytes,
    itemsDone: 0,
    status: 'running',
    counts: emptyCounts(),
    skippedSample: [],
    startedAt: now,
    updatedAt: now,
  };
}

function reportFrom(file: PlannedFile, format: SourceFormat, progress: FileProgress, items: number, resumedFromItem: number): FileReport {
  return {
    path: file.entry.path,
    format,
    status: 'done',
    counts: progress.counts,
    skippedSample: progress.skippedSample,
    items,
    resumedFromItem,
  };
}

function emptyReport(file: PlannedFile): FileReport {
  return { path: file.entry.path, status: 'ignored', counts: emptyCounts(), skippedSample: [], items: 0, resumedFromItem: 0 };
}
