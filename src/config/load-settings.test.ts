import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from './load-settings.js';

describe('settings from the environment', () => {
  it('match the keys regardless of case and underscores, and name the variable that matches nothing', () => {
    for (const name of ['CITEMED__INGEST__WORKER_MIN_MIB', 'CITEMED__INGEST__WORKER_MIN_MI_B', 'CITEMED__INGEST__WORKERMINMIB']) {
      expect(loadSettings({ env: { [name]: '300' } }).settings.ingest.workerMinMiB, name).toBe(300);
    }
    expect(() => loadSettings({ env: { CITEMED__FOO__BAR: '1' } })).toThrow('the environment variable CITEMED__FOO__BAR names no setting: there is no "FOO" in the settings');
    expect(() => loadSettings({ env: { CITEMED__INGEST__BATCH_SIZE__X: '7' } })).toThrow('"ingest.batchSize" is a single value');
  });
});

describe('the settings file', () => {
  it('may start with a byte-order mark', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citemed-settings-'));
    const file = path.join(dir, 'citemed.config.json');
    writeFileSync(file, '\uFEFF{"ingest": {"batchSize": 77}}');
    expect(loadSettings({ configPath: file, env: {} }).settings.ingest.batchSize).toBe(77);
  });
});
