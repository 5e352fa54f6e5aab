import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../domain/ingest-progress.js';
import { finalProgress, trackProgress } from './job-progress.js';
import type { FileReport, PlannedFile } from './pipeline.js';

const planned = (file: string, sizeBytes: number, readable = true): PlannedFile => ({
  entry: { path: `/srv/library/${file}`, sizeBytes, explicit: false },
  ...(readable ? { format: 'medline' as const } : { ignored: 'not literature' }),
});
const ended = (file: PlannedFile, status: FileReport['status']): FileReport => ({
  path: file.entry.path,
  status,
  counts: emptyCounts(),
  skippedSample: [],
  items: 0,
  resumedFromItem: 0,
});

describe('job progress', () => {
  const big = planned('pubmed26n0001.xml.gz', 4_000_000);
  const small = planned('pubmed26n0002.xml.gz', 1_000_000);
  const readme = planned('README', 100, false);

  it('counts readable files and bytes, and gives rates and time left from the run so far', () => {
    const tracker = trackProgress(1_000);
    expect(tracker.update({ type: 'plan', files: [big, small, readme], totalBytes: 5_000_000 }, 1_000)).toEqual({
      filesTotal: 2, filesDone: 0, bytesTotal: 5_000_000, bytesDone: 0, records: 0, recordsPerSecond: 0, bytesPerSecond: 0,
    });
    tracker.update({ type: 'file-start', file: big, index: 0, resumeFromItem: 0 }, 1_100);
    const halfway = tracker.update(
      { type: 'progress', file: big, fileBytesRead: 2_000_000, items: 3_000, totals: { bytesDone: 2_000_000, totalBytes: 5_000_000, items: 3_000, elapsedMs: 2_000 } },
      3_000,
    );
    // 2 s since the start: 1,500 records/s, 1 MB/s, 3 MB left → 3 s.
    expect(halfway).toEqual({
      filesTotal: 2, filesDone: 0, bytesTotal: 5_000_000, bytesDone: 2_000_000, records: 3_000, recordsPerSecond: 1_500, bytesPerSecond: 1_000_000, etaSeconds: 3,
      currentFile: 'pubmed26n0001.xml.gz',
    });
  });

  it('counts a finished file whole, even one with no progress of its own (already ingested)', () => {
    const tracker = trackProgress(0);
    tracker.update({ type: 'plan', files: [big, small], totalBytes: 5_000_000 }, 0);
    expect(tracker.update({ type: 'file-end', report: ended(big, 'already-done') }, 1_000)).toMatchObject({ filesDone: 1, bytesDone: 4_000_000, etaSeconds: 1 });
    const stopped = tracker.update({ type: 'file-end', report: ended(small, 'interrupted') }, 2_000);
    expect(stopped).toMatchObject({ filesDone: 1, bytesDone: 4_000_000 });
    expect(finalProgress({ ...stopped, currentFile: 'x' })).not.toHaveProperty('currentFile');
    expect(finalProgress(stopped)).not.toHaveProperty('etaSeconds');
  });
});
