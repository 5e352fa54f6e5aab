import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { medlineFile, medlineRange } from '../factories/medline.js';
import { dropLibrarySchemas, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../support/postgres.js';
import { runCli, spawnCli, type CliResult } from './run-cli.js';

/**
 * Workers on the PostgreSQL queue, as processes: `citemed ingest --queue` queues files, two
 * `citemed worker` processes share them, one is killed with SIGKILL in the middle of a file, and
 * the other finishes that file after the job expires: every record once, nothing lost, nothing
 * doubled, and the re-check of the articles asked for once.
 */
const RECORDS = 12_000;

describe.skipIf(POSTGRES_SKIP_REASON !== '')('citemed worker', () => {
  const schema = freshSchema();
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-worker-'));
  const env = {
    CITEMED__STORE__URL: POSTGRES_URL,
    CITEMED__STORE__SCHEMA: schema,
    // Small batches: many commit points for the kill to land between.
    CITEMED__INGEST__BATCH_SIZE: '200',
    CITEMED__JOBS__EXPIRE_SECONDS: '6',
    CITEMED__JOBS__MAINTENANCE_SECONDS: '1',
    CITEMED__JOBS__POLL_SECONDS: '0.5',
    CITEMED__JOBS__RETRY_DELAY_SECONDS: '1',
  };
  const big = path.join(dir, 'big.xml');
  const small = path.join(dir, 'small.xml');

  const query = async <T>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const sources = async (): Promise<number> => {
    try {
      return Number((await query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.sources`))[0]?.n ?? 0);
    } catch {
      return 0;
    }
  };

  beforeAll(() => {
    writeFileSync(big, medlineFile(medlineRange(0, RECORDS)));
    writeFileSync(small, medlineFile(medlineRange(RECORDS, 50)));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropLibrarySchemas(schema);
  });

  it('refuses to queue without the PostgreSQL store, in one line', async () => {
    const result = await runCli(['--db', path.join(dir, 'lib.db'), 'ingest', '--queue', small]);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/^citemed: the work queue needs the PostgreSQL store/);
  });

  it('a worker killed mid-file: another finishes it, every record once', async () => {
    const queued = spawnCli(['ingest', '--queue', big, small], env);
    const submitted = await queued.done;
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toMatch(/queued 2 file\(s\)/);

    const first = spawnCli(['worker'], env);
    const firstOut: string[] = [];
    first.child.stdout?.on('data', (d: Buffer) => firstOut.push(d.toString()));
    // Wait until it is part-way through the big file, then kill it without warning.
    const deadline = Date.now() + 60_000;
    while ((await sources()) < 1_000) {
      if (Date.now() > deadline) throw new Error(`the first worker did not get going:\n${firstOut.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    first.child.kill('SIGKILL');
    const killed: CliResult = await first.done;
    expect(killed.code).toBe(137);
    const atKill = await sources();
    expect(atKill).toBeLessThan(RECORDS + 50);

    const second = spawnCli(['worker'], env);
    try {
      const finished = Date.now() + 90_000;
      while ((await sources()) < RECORDS + 50) {
        if (Date.now() > finished) throw new Error(`the second worker did not finish (${await sources()} sources)`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // Let it run the re-check it asked for, then look at the queue.
      const counts = async () => JSON.parse((await spawnCli(['jobs', '--json'], env).done).stdout) as Record<string, { waiting: number; active: number; completed: number; failed: number }>;
      const settled = Date.now() + 30_000;
      let jobs = await counts();
      while ((jobs['ingest-file']?.completed ?? 0) < 2 || (jobs['recheck-articles']?.waiting ?? 0) + (jobs['recheck-articles']?.active ?? 0) > 0) {
        if (Date.now() > settled) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
        jobs = await counts();
      }
      expect(jobs['ingest-file']).toMatchObject({ waiting: 0, active: 0, completed: 2, failed: 0 });
      expect(jobs['recheck-articles']?.failed).toBe(0);
    } finally {
      second.child.kill('SIGTERM');
      const stopped = await second.done;
      expect(stopped.stdout).toMatch(/resumed after item \d+/);
    }

    // Nothing lost, nothing doubled: every PMID once, and passages match sources one to one.
    const [row] = await query<{ sources: string; distinct_ids: string; passages: string }>(
      `SELECT (SELECT count(*) FROM ${schema}.sources) AS sources, (SELECT count(DISTINCT id) FROM ${schema}.sources) AS distinct_ids, (SELECT count(*) FROM ${schema}.passages) AS passages`,
    );
    expect(Number(row?.sources)).toBe(RECORDS + 50);
    expect(Number(row?.distinct_ids)).toBe(RECORDS + 50);
    expect(Number(row?.passages)).toBeGreaterThanOrEqual(RECORDS + 50);
  }, 240_000);
});

if (POSTGRES_SKIP_REASON !== '') {
  describe('citemed worker', () => {
    it.skip(POSTGRES_SKIP_REASON, () => undefined);
  });
}
