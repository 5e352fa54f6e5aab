import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../domain/ingest-progress.js';
import type { FileReport, IngestReport } from '../../ingest/pipeline.js';
import { presentIngestSummary } from './ingest-summary.js';

const file = (patch: Partial<FileReport>): FileReport => ({
  path: '/data/a.xml',
  format: 'medline',
  status: 'done',
  counts: emptyCounts(),
  skippedSample: [],
  items: 0,
  resumedFromItem: 0,
  ...patch,
});
const report = (files: FileReport[], patch: Partial<IngestReport> = {}): IngestReport => ({
  files,
  totals: emptyCounts(),
  items: 0,
  bytes: 0,
  elapsedMs: 1_000,
  interrupted: false,
  failedFiles: 0,
  ...patch,
});

describe('the ingest summary', () => {
  it('says there was nothing new to read rather than "Ingested 0 file(s) … at 8.8 MB/s"', () => {
    const text = presentIngestSummary(report([file({ status: 'already-done', alreadyDoneAt: '2026-12-01' })], { bytes: 21_700 }));
    expect(text.split('\n')[0]).toBe('Nothing new to read (1.0 s).');
    expect(text).toMatch(/a\.xml: already ingested/);
  });

  it('says when counts include what an interrupted run committed', () => {
    const resumed = file({ items: 41_830, resumedFromItem: 10_000, counts: { ...emptyCounts(), added: 51_830 } });
    const text = presentIngestSummary(report([resumed], { items: 41_830, totals: { ...emptyCounts(), added: 51_830 } }));
    expect(text).toMatch(/^Ingested 1 file\(s\) in .*: 41,830 records read by this run,/);
    expect(text).toMatch(/\(1 file\(s\) resumed: the counts below include what the interrupted run committed\)\n {2}added +51,830/);
  });
});
