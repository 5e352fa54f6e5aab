import path from 'node:path';
import type { JobProgress } from '../domain/ingest-job.js';
import type { IngestEvent } from './pipeline.js';

/**
 * A job's progress (domain/ingest-job.ts) from the pipeline's events: what `citemed ingest`'s
 * progress bar shows (records/s, MB/s, ETA), as data for a client to draw.
 */
export type { JobProgress } from '../domain/ingest-job.js';

export function emptyProgress(): JobProgress {
  return { filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0, records: 0, recordsPerSecond: 0, bytesPerSecond: 0 };
}

export interface ProgressTracker {
  /** The progress after `event`, at `nowMs` on the same clock as the tracker's start. */
  update(event: IngestEvent, nowMs: number): JobProgress;
}

/**
 * Follows one run's events. Files already ingested and files that fail emit no `progress`, only
 * `file-end`, so finished files count their whole size from the plan.
 */
export function trackProgress(startedMs: number): ProgressTracker {
  let progress = emptyProgress();
  const sizes = new Map<string, number>();
  let finishedBytes = 0;

  const withRates = (next: JobProgress, nowMs: number): JobProgress => {
    const seconds = (nowMs - startedMs) / 1000;
    const bytesPerSecond = seconds > 0 ? Math.round(next.bytesDone / seconds) : 0;
    const { etaSeconds: _previous, ...rest } = next;
    const left = next.bytesTotal - next.bytesDone;
    return {
      ...rest,
      recordsPerSecond: seconds > 0 ? Math.round((next.records / seconds) * 10) / 10 : 0,
      bytesPerSecond,
      ...(bytesPerSecond > 0 && next.bytesDone > 0 && left > 0 ? { etaSeconds: Math.ceil(left / bytesPerSecond) } : {}),
    };
  };

  return {
    update(event, nowMs) {
      switch (event.type) {
        case 'plan': {
          const readable = event.files.filter((file) => file.format);
          for (const file of readable) sizes.set(file.entry.path, file.entry.sizeBytes);
          progress = { ...progress, filesTotal: readable.length, bytesTotal: event.totalBytes };
          break;
        }
        case 'file-start':
          progress = { ...progress, currentFile: path.basename(event.file.entry.path) };
          break;
        case 'progress':
          progress = { ...progress, bytesDone: event.totals.bytesDone, records: event.totals.items };
          break;
        case 'file-end':
          // A file stopped by a cancel is neither done nor read to its end.
          if (event.report.status === 'interrupted') break;
          finishedBytes += sizes.get(event.report.path) ?? 0;
          progress = { ...progress, filesDone: progress.filesDone + 1, bytesDone: Math.max(progress.bytesDone, finishedBytes) };
          break;
        case 'skip':
          break;
      }
      progress = withRates(progress, nowMs);
      return progress;
    },
  };
}

/** The progress of a run that has ended: nothing is being read and nothing is left to wait for. */
export function finalProgress(progress: JobProgress): JobProgress {
  const { etaSeconds: _eta, currentFile: _file, ...rest } = progress;
  return rest;
}
