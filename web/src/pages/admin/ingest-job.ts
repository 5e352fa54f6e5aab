import type { IngestJob, JobProgress, JobStatus } from '../../../../src/ingest/jobs.js';
import { isObject, num, str } from './loose-json.js';

/**
 * Ingest jobs as the admin page reads them. The server's job API is young, so every job that
 * arrives (list, start, each server-sent event) goes through `toIngestJob`, which fills what is
 * missing with zeros instead of letting one absent field blank the page.
 */

export type { IngestJob, JobStatus };

/**
 * The statuses a job can have, to check what arrives. The server's list is not pure enough to
 * bundle; typing this one with the server's type keeps the two the same: a status missing here
 * or unknown there fails to compile.
 */
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];
type Covered = Exclude<JobStatus, (typeof JOB_STATUSES)[number]>;
const everyStatus: Covered extends never ? true : never = true;
void everyStatus;

/** Whether a job may still change: its progress is worth following, and it may be cancelled. */
export const isActive = (job: IngestJob): boolean => job.status === 'queued' || job.status === 'running';


/** A job from the server's JSON, or undefined when it is not one (no id or no known status). */
export function toIngestJob(value: unknown): IngestJob | undefined {
  if (!isObject(value)) return undefined;
  const id = str(value.id);
  const status = JOB_STATUSES.find((s) => s === value.status);
  if (id === undefined || status === undefined) return undefined;
  const p = isObject(value.progress) ? value.progress : {};
  const eta = typeof p.etaSeconds === 'number' && Number.isFinite(p.etaSeconds) ? p.etaSeconds : undefined;
  const currentFile = str(p.currentFile);
  const progress: JobProgress = {
    filesTotal: num(p.filesTotal),
    filesDone: num(p.filesDone),
    bytesTotal: num(p.bytesTotal),
    bytesDone: num(p.bytesDone),
    records: num(p.records),
    recordsPerSecond: num(p.recordsPerSecond),
    bytesPerSecond: num(p.bytesPerSecond),
    ...(eta !== undefined ? { etaSeconds: eta } : {}),
    ...(currentFile !== undefined ? { currentFile } : {}),
  };
  const t = isObject(value.totals) ? value.totals : undefined;
  const r = isObject(value.recheck) ? value.recheck : undefined;
  const optional = (key: 'startedAt' | 'finishedAt' | 'error') => {
    const text = str(value[key]);
    return text !== undefined ? { [key]: text } : {};
  };
  return {
    id,
    paths: Array.isArray(value.paths) ? value.paths.filter((x): x is string => typeof x === 'string') : [],
    force: value.force === true,
    status,
    createdAt: str(value.createdAt) ?? '',
    startedBy: str(value.startedBy) ?? '',
    progress,
    ...optional('startedAt'),
    ...optional('finishedAt'),
    ...optional('error'),
    ...(t ? { totals: { added: num(t.added), updated: num(t.updated), deleted: num(t.deleted), skipped: num(t.skipped), ...skippedRecords(t.skippedRecords) } } : {}),
    ...(r ? { recheck: { checked: num(r.checked), raised: num(r.raised) } } : {}),
  };
}

/** The skipped records a job lists (file, line, why), keeping only well-formed ones. */
function skippedRecords(value: unknown): { skippedRecords?: NonNullable<IngestJob['totals']>['skippedRecords'] } {
  if (!Array.isArray(value)) return {};
  const records = value.filter(isObject).flatMap((r) => {
    const file = str(r.file);
    const text = str(r.text);
    const reason = str(r.reason);
    if (file === undefined || text === undefined || reason === undefined) return [];
    const line = typeof r.line === 'number' ? r.line : undefined;
    const sourceId = str(r.sourceId);
    // The reason's code is the server's vocabulary; `text` says it in words, which is what is shown.
    return [{ file, text, reason: reason as never, ...(line !== undefined ? { line } : {}), ...(sourceId !== undefined ? { sourceId } : {}) }];
  });
  return records.length > 0 ? { skippedRecords: records } : {};
}

/** Bytes per second as MB/s (10^6 bytes, as disks and networks count), one decimal. */
export function megabytesPerSecond(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}

/** A byte count for people: "512 B", "3.4 MB", "1.2 GB" (powers of 1000). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Seconds left as "45 s", "3 min 20 s", "1 h 05 min". */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
