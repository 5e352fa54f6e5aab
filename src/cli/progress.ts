import path from 'node:path';
import cliProgress from 'cli-progress';
import type { IngestEvent, RunTotals } from '../ingest/pipeline.js';
import { formatBytes, formatCount, formatDurationMs, formatMBps, formatRate, perSecond } from './format.js';
import type { Io } from './io.js';

/**
 * Ingest progress: a live bar on a terminal (records/s, MB/s, ETA), plain log lines otherwise
 * (CI logs, pipes), at most one every `logIntervalMs`.
 */
export interface ProgressView {
  onEvent(event: IngestEvent): void;
  /** Clears the live bar; safe to call more than once. */
  stop(): void;
}

const MAX_SKIP_LINES = 20;

export function createProgressView(io: Io, options: { logIntervalMs: number; quiet: boolean }): ProgressView {
  if (options.quiet) return { onEvent: () => {}, stop: () => {} };
  return io.isTTY ? barView() : logView(io, options.logIntervalMs);
}

function barView(): ProgressView {
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {percentage}% | {done}/{size} | {records} records | {rps} | {mbps} | ETA {etaText} | {file}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let file = '';
  const update = (totals: RunTotals) => {
    bar.update(totals.bytesDone, payload(totals, file));
  };
  return {
    onEvent(event) {
      if (event.type === 'plan') {
        bar.start(Math.max(event.totalBytes, 1), 0, payload({ bytesDone: 0, totalBytes: event.totalBytes, items: 0, elapsedMs: 0 }, ''));
        started = true;
      } else if (event.type === 'file-start') {
        file = path.basename(event.file.entry.path);
      } else if (event.type === 'progress') {
        update(event.totals);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function payload(totals: RunTotals, file: string) {
  return {
    done: formatBytes(totals.bytesDone),
    size: formatBytes(totals.totalBytes),
    records: formatCount(totals.items),
    rps: formatRate(totals.items, totals.elapsedMs, 'rec'),
    mbps: formatMBps(totals.bytesDone, totals.elapsedMs),
    etaText: eta(totals),
    file,
  };
}

function eta(totals: RunTotals): string {
  const rate = perSecond(totals.bytesDone, totals.elapsedMs);
  if (rate <= 0 || totals.bytesDone === 0) return '–';
  return formatDurationMs(((totals.totalBytes - totals.bytesDone) / rate) * 1000);
}

// Announce a file when it is big enough to take a while, or when there are only a few files.
const ANNOUNCE_BYTES = 1024 * 1024;
const ANNOUNCE_ALL_UP_TO_FILES = 5;

function logView(io: Io, intervalMs: number): ProgressView {
  let lastLog = -Infinity;
  let skipLines = 0;
  let fileCount = 0;
  return {
    onEvent(event) {
      switch (event.type) {
        case 'plan': {
          const readable = event.files.filter((f) => f.format);
          fileCount = readable.length;
          io.err(`ingest: ${readable.length} file(s), ${formatBytes(event.totalBytes)}`);
          for (const f of event.files) if (!f.format) io.err(`ingest: ignoring ${f.entry.path}: ${f.ignored}`);
          break;
        }
        case 'file-start':
          if (fileCount > ANNOUNCE_ALL_UP_TO_FILES && event.file.entry.sizeBytes < ANNOUNCE_BYTES && event.resumeFromItem === 0) break;
          io.err(
            `ingest: reading ${event.file.entry.path} (${event.file.format}, ${formatBytes(event.file.entry.sizeBytes)})` +
              (event.resumeFromItem > 0 ? `, resuming after record ${formatCount(event.resumeFromItem)}` : ''),
          );
          break;
        case 'progress': {
          if (event.totals.elapsedMs - lastLog < intervalMs) break;
          lastLog = event.totals.elapsedMs;
          const t = event.totals;
          const pct = t.totalBytes > 0 ? Math.floor((100 * t.bytesDone) / t.totalBytes) : 0;
          io.err(
            `ingest: ${pct}% ${formatBytes(t.bytesDone)}/${formatBytes(t.totalBytes)}, ${formatCount(t.items)} records, ` +
              `${formatRate(t.items, t.elapsedMs, 'rec')}, ${formatMBps(t.bytesDone, t.elapsedMs)}, ETA ${eta(t)}`,
          );
          break;
        }
        case 'skip':
          skipLines++;
          if (skipLines <= MAX_SKIP_LINES) {
            const where = event.record.line !== undefined ? `${event.record.path}:${event.record.line}` : event.record.path;
            io.err(`ingest: skipped record at ${where}: ${event.record.detail ?? event.record.reason}`);
          } else if (skipLines === MAX_SKIP_LINES + 1) {
            io.err('ingest: more records skipped; the summary lists them');
          }
          break;
        case 'file-end':
          break;
      }
    },
    stop() {},
  };
}

/** Progress counted in units (passages, token occurrences), with the time since the start. */
export interface CountProgress {
  done: number;
  total: number;
  elapsedMs: number;
}

/**
 * Progress of a long job counted in units: a live bar on a terminal (rate, ETA), a line every
 * `logIntervalMs` otherwise, nothing when quiet. Updates may come from synchronous work: the bar
 * draws on update, not on a timer.
 */
export function createCountProgress(
  io: Io,
  options: { label: string; unit: string; quiet: boolean; logIntervalMs: number },
): { update: (p: CountProgress) => void; stop: () => void } {
  if (options.quiet) return { update: () => {}, stop: () => {} };
  const eta = (p: CountProgress): string => {
    const rate = perSecond(p.done, p.elapsedMs);
    return rate > 0 ? formatDurationMs(((p.total - p.done) / rate) * 1000) : '–';
  };
  if (!io.isTTY) {
    let last = -Infinity;
    return {
      update(p) {
        if (p.done > 0 && p.done < p.total && p.elapsedMs - last < options.logIntervalMs) return;
        last = p.elapsedMs;
        io.err(`${options.label}: ${formatCount(p.done)}/${formatCount(p.total)} ${options.unit}, ${formatRate(p.done, p.elapsedMs, options.unit)}, ETA ${eta(p)}`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: ` {bar} {percentage}% | {doneText}/{totalText} ${options.unit} | {rate} | ETA {etaText}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { rate: formatRate(p.done, p.elapsedMs, options.unit), etaText: eta(p), doneText: formatCount(p.done), totalText: formatCount(p.total) };
      if (!started) {
        bar.start(Math.max(p.total, 1), p.done, payload);
        started = true;
      } else bar.update(p.done, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
