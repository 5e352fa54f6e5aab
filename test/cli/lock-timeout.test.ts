import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/adapters/postgres/connection.js';
import { dropLibrarySchemas, freshSchema, POSTGRES_SKIP_REASON, POSTGRES_URL } from '../support/postgres.js';
import { runCli } from './run-cli.js';

/**
 * A PostgreSQL library locked by a session that does not let go (a transaction left open in psql,
 * a VACUUM FULL): a command waits `store.lockTimeoutMs`, then stops with one line that names the
 * cause and the setting, and exit 75, instead of hanging for ever. The work queue's own
 * connections (pg-boss's pool) wait as long, and fail the same way.
 */
describe.skipIf(POSTGRES_SKIP_REASON !== '')('citemed on a PostgreSQL library another session locks', () => {
  const schema = freshSchema();
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-lock-'));
  const config = path.join(dir, 'citemed.config.json');
  let holder: pg.Client;

  beforeAll(async () => {
    await (await openPostgres({ url: POSTGRES_URL, schema, poolSize: 1 })).close();
    writeFileSync(config, JSON.stringify({ store: { url: POSTGRES_URL, schema, lockTimeoutMs: 2_000 } }));
    holder = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await dropLibrarySchemas(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops after store.lockTimeoutMs with one line naming the cause and the setting, exit 75', async () => {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${schema}.sources IN ACCESS EXCLUSIVE MODE`);
    try {
      const result = await runCli(['--config', config, 'stats']);
      expect(result.code).toBe(75);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^citemed: a statement on PostgreSQL 127\.0\.0\.1:5432\/test \(citemed_t_\w+\) waited longer than store\.lockTimeoutMs for a lock another session holds/);
      expect(result.stderr).toMatch(/ — find the session holding it .* or raise store\.lockTimeoutMs/);
    } finally {
      await holder.query('ROLLBACK');
    }
    expect((await runCli(['--config', config, 'stats'])).code).toBe(0);
  });

  it("the work queue's own connections wait store.lockTimeoutMs too, and say so the same way", async () => {
    expect((await runCli(['--config', config, 'jobs'])).code).toBe(0); // the queue's schema, made
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${schema}_queue.job IN ACCESS EXCLUSIVE MODE`);
    try {
      const result = await runCli(['--config', config, 'jobs']);
      expect(result.code).toBe(75);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^citemed: a statement on PostgreSQL 127\.0\.0\.1:5432\/test \(citemed_t_\w+_queue\) waited longer than store\.lockTimeoutMs for a lock another session holds/);
    } finally {
      await holder.query('ROLLBACK');
    }
    expect((await runCli(['--config', config, 'jobs'])).code).toBe(0);
  });
});

if (POSTGRES_SKIP_REASON !== '') it.skip(POSTGRES_SKIP_REASON, () => undefined);
