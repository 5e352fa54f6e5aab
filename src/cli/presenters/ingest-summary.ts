import path from 'node:path';
import { SKIP_REASON_LABELS, totalSkipped, type SkipReason } from '../../domain/ingest-progress.js';
import type { FileReport, IngestReport } from '../../ingest/pipeline.js';
import { formatBytes, formatCount, formatDurationMs, formatMBps, formatRate } from '../format.js';

const SAMPLE_LINES = 20;
/** Up to this many files are listed one per line; beyond it, only files that need attention. */
const LIST_ALL_UP_TO_FILES = 10;

/** The end-of-ingest summary: totals, skip reasons, one line per file, the first skipped records. */
export function presentIngestSummary(report: IngestReport): string {
  const lines: string[] = [];
  const { totals } = report;
  const read = report.files.filter((f) => f.status !== 'ignored' && f.status !== 'already-done').length;
  const resumed = report.files.filter((f) => f.resumedFromItem > 0).length;
  if (read === 0 && !report.interrupted) {
    lines.push(`Nothing new to read (${formatDurationMs(report.elapsedMs)}).`);
  } else {
    lines.push(
      `${report.interrupted ? 'Interrupted after' : 'Ingested'} ${read} file(s) in ${formatDurationMs(report.elapsedMs)}: ` +
        `${formatCount(report.items)} records${resumed > 0 ? ' read by this run' : ''}, ${formatRate(report.items, report.elapsedMs, 'records')}, ` +
        `${formatBytes(report.bytes)} at ${formatMBps(report.bytes, report.elapsedMs)}`,
    );
    // A resumed file's counts below cover the whole file, the earlier run's records too.
    if (resumed > 0) lines.push(`  (${resumed} file(s) resumed: the counts below include what the interrupted run committed)`);
  }
  lines.push(`  added    ${pad(totals.added)}`);
  lines.push(`  updated  ${pad(totals.updated)}`);
  lines.push(`  deleted  ${pad(totals.deleted)}`);
  lines.push(`  skipped  ${pad(totalSkipped(totals))}`);
  for (const [reason, n] of Object.entries(totals.skipped) as [SkipReason, number][]) {
    lines.push(`    ${pad(n)}  ${SKIP_REASON_LABELS[reason]}`);
  }
  lines.push('Files:');
  const listAll = report.files.length <= LIST_ALL_UP_TO_FILES;
  const quiet = report.files.filter((f) => !listAll && isRoutine(f));
  for (const file of report.files) if (listAll || !isRoutine(file)) lines.push(`  ${fileLine(file)}`);
  if (quiet.length > 0) lines.push(`  ${routineSummary(quiet, quiet.length < report.files.length)}`);
  const samples = report.files.flatMap((f) => f.skippedSample.filter((s) => s.reason !== 'unchanged'));
  if (samples.length > 0) {
    lines.push(`Skipped records${samples.length > SAMPLE_LINES ? ` (first ${SAMPLE_LINES}; --json lists up to 100 per file)` : ''}:`);
    for (const s of samples.slice(0, SAMPLE_LINES)) {
      const where = s.line !== undefined ? `${path.basename(s.path)}:${s.line}` : path.basename(s.path);
      const what = [s.sourceId, SKIP_REASON_LABELS[s.reason], s.detail].filter(Boolean).join(' — ');
      lines.push(`  ${where}  ${what}`);
    }
  }
  if (report.interrupted) lines.push('Interrupted: run the same command again to continue where it stopped.');
  if (report.failedFiles > 0) lines.push(`${report.failedFiles} file(s) failed (see above); records read before a failure were kept.`);
  return lines.join('\n');
}

/** A file read to the end in one go with nothing skipped, or one already ingested before. */
function isRoutine(file: FileReport): boolean {
  if (file.status === 'already-done') return true;
  return file.status === 'done' && file.resumedFromItem === 0 && totalSkipped(file.counts) === 0;
}

function routineSummary(files: readonly FileReport[], othersListed: boolean): string {
  const done = files.filter((f) => f.status === 'done');
  const already = files.length - done.length;
  const byFormat = new Map<string, number>();
  for (const f of done) byFormat.set(f.format ?? '?', (byFormat.get(f.format ?? '?') ?? 0) + 1);
  const formats = [...byFormat].map(([format, n]) => `${n} ${format}`).join(', ');
  const parts = [];
  if (done.length > 0) parts.push(`✓  ${done.length}${othersListed ? ' more' : ''} file(s) read completely (${formats})`);
  if (already > 0) parts.push(`=  ${already} file(s) already ingested; use --force to read them again`);
  return parts.join('\n  ');
}

function fileLine(file: FileReport): string {
  const name = path.basename(file.path);
  switch (file.status) {
    case 'ignored':
      return `-  ${name}: ignored (${file.error ?? 'not readable'})`;
    case 'already-done':
      return `=  ${name}: already ingested${file.alreadyDoneAt ? ` (${file.alreadyDoneAt})` : ''}; use --force to read it again`;
    case 'failed':
      return `✗  ${name}: FAILED — ${file.error ?? 'unknown error'} (${countsText(file)})`;
    case 'interrupted':
      return `…  ${name}: interrupted (${countsText(file)})`;
    case 'done':
      return `✓  ${name}: ${file.format}, ${countsText(file)}${file.resumedFromItem > 0 ? `, resumed after record ${formatCount(file.resumedFromItem)}` : ''}`;
  }
}

function countsText(file: FileReport): string {
  const c = file.counts;
  return `added ${formatCount(c.added)}, updated ${formatCount(c.updated)}, deleted ${formatCount(c.deleted)}, skipped ${formatCount(totalSkipped(c))}`;
}

function pad(n: number): string {
  return formatCount(n).padStart(10);
}
