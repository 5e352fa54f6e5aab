import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { medlineFile, medlineRange } from '../factories/medline.js';
import { spawnCli } from './run-cli.js';

/**
 * Interrupt a real ingest process at a random moment (kill -9, or Ctrl-C), run the same command
 * again, and compare the library with one ingested without interruption: nothing lost, nothing
 * doubled. Small batches make many commit points to land between.
 */
const RECORDS = 12_000;
// Every file through the worker thread, however small: that is the path these tests interrupt.
const ENV = { CITEMED__INGEST__BATCH_SIZE: '200', CITEMED__INGEST__WORKER_MIN_MI_B: '0' };

interface Snapshot {
  sources: number;
  passages: number;
  ftsRows: number;
  /** Hash of all passage ids and texts in id order. */
  digest: string;
  integrity: string;
}

function snapshot(db: string): Snapshot {
  const conn = new Database(db, { readonly: true });
  try {
    const n = (sql: string) => (conn.prepare(sql).get() as { n: number }).n;
    const hash = createHash('sha256');
    for (const row of conn.prepare('SELECT id, text FROM passages ORDER BY id').iterate() as Iterable<{ id: string; text: string }>) {
      hash.update(row.id).update(row.text);
    }
    return {
      sources: n('SELECT count(*) AS n FROM sources'),
      passages: n('SELECT count(*) AS n FROM passages'),
      // Every passage must be findable: one index row per passage, none left over.
      ftsRows: n("SELECT count(*) AS n FROM passages_fts WHERE passages_fts MATCH 'synthetic OR record OR study'"),
      digest: hash.digest('hex'),
      integrity: (conn.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
    };
  } finally {
    conn.close();
  }
}

function countSources(db: string): number {
  try {
    const conn = new Database(db, { readonly: true, timeout: 1000 });
    try {
      return (conn.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // not created yet
  }
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out waiting for the ingest to make progress');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('interrupting an ingest', () => {
  let dir: string;
  let input: string;
  let reference: Snapshot;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-interrupt-'));
    input = path.join(dir, 'synthetic.xml');
    writeFileSync(input, medlineFile(medlineRange(1, RECORDS)));
    const clean = path.join(dir, 'clean.db');
    // The reference is read in one thread; the interrupted runs use the default worker thread,
    // so the comparison also shows both ways of reading give the same library.
    const run = await spawnCli(['--db', clean, 'ingest', input, '--quiet'], { ...ENV, CITEMED__INGEST__WORKER: 'false' }).done;
    expect(run.code, run.stderr).toBe(0);
    reference = snapshot(clean);
    expect(reference.sources).toBe(RECORDS);
    expect(reference.ftsRows).toBe(reference.passages);
    expect(reference.integrity).toBe('ok');
  }, 120_000);

  for (const signal of ['SIGKILL', 'SIGINT'] as const) {
    it(`${signal} mid-ingest, then the same command again: the same library as an uninterrupted run`, async () => {
      const db = path.join(dir, `${signal}.db`);
      const first = spawnCli(['--db', db, 'ingest', input, '--quiet'], ENV);
      // Let a few batches commit, then stop it somewhere in the middle.
      await waitFor(() => countSources(db) >= 1000 + Math.floor(Math.random() * 3000), 60_000);
      first.child.kill(signal);
      const stopped = await first.done;
      if (signal === 'SIGINT') {
        expect(stopped.code).toBe(130);
        expect(stopped.stderr).toMatch(/SIGINT received, finishing the current batch/);
      } else {
        expect(stopped.code).toBe(137);
      }
      const partial = countSources(db);
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(RECORDS);

      const second = await spawnCli(['--db', db, 'ingest', input, '--json', '--quiet'], ENV).done;
      expect(second.code, second.stderr).toBe(0);
      const report = JSON.parse(second.stdout) as { files: { resumedFromItem: number; counts: { added: number } }[] };
      expect(report.files[0]?.resumedFromItem).toBeGreaterThan(0);
      expect(report.files[0]?.resumedFromItem).toBeLessThanOrEqual(partial);
      expect(report.files[0]?.counts.added).toBe(RECORDS); // whole-file counts commit with each batch
      expect(snapshot(db)).toEqual(reference);
    }, 120_000);
  }
});
