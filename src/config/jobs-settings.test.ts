import { describe, expect, it } from 'vitest';
import type { EditorialStore } from '../ports/editorial.js';
import type { IngestJobRecords } from '../ports/ingest-jobs.js';
import { ingestJobWorkerFor } from './ingest-jobs.js';
import { loadSettings } from './load-settings.js';

describe('jobs.heartbeatMs and jobs.staleSeconds', () => {
  it('come from the environment and reach the ingest-job worker', () => {
    const { settings } = loadSettings({ env: { CITEMED__JOBS__HEARTBEAT_MS: '250', CITEMED__JOBS__STALE_SECONDS: '5' } });
    expect(settings.jobs).toMatchObject({ heartbeatMs: 250, staleSeconds: 5 });
    const worker = ingestJobWorkerFor({ settings, ingestJobRecords: {} as IngestJobRecords, editorial: {} as EditorialStore, prepareRanking: async () => undefined });
    expect(worker).toMatchObject({ heartbeatMs: 250, staleSeconds: 5 });
  });

  it('default to half a second and a minute', () => {
    expect(loadSettings({ env: {} }).settings.jobs).toMatchObject({ heartbeatMs: 500, staleSeconds: 60 });
  });

  it('refuse a stale threshold shorter than four heartbeats, naming the setting', () => {
    expect(() => loadSettings({ env: { CITEMED__JOBS__HEARTBEAT_MS: '1000', CITEMED__JOBS__STALE_SECONDS: '3' } })).toThrow(
      /jobs\.staleSeconds: .*four heartbeats/,
    );
    expect(() => loadSettings({ env: { CITEMED__JOBS__HEARTBEAT_MS: '1000', CITEMED__JOBS__STALE_SECONDS: '4' } })).not.toThrow();
  });
});
