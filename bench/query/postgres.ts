import path from 'node:path';
import pg from 'pg';

/**
 * Where bench/query's PostgreSQL engines keep their library: the server of CITEMED_BENCH_POSTGRES_URL
 * (by default the project machines' 127.0.0.1:5432, database `test`), in a schema named after the
 * engine's work folder, so the processes of one engine (build, then reopen in worker threads) find
 * the same library. The schema is dropped before a run and after it (unless --keep).
 */
export const BENCH_POSTGRES_URL = process.env.CITEMED_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function benchSchema(dir: string): string {
  return `citemed_bench_${path.basename(dir).replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
}

export async function dropBenchSchema(dir: string): Promise<void> {
  await runSql(BENCH_POSTGRES_URL, [`DROP SCHEMA IF EXISTS ${benchSchema(dir)} CASCADE`]);
}

/**
 * What autovacuum does soon after a bulk load, done at once so a benchmark measures the library
 * as it soon will be: planner statistics (which the search's word frequencies also read) and the
 * visibility map.
 */
export async function vacuumAnalyze(url: string, schema: string, tables: readonly string[]): Promise<void> {
  await runSql(url, tables.map((table) => `VACUUM ANALYZE ${schema}.${table}`));
}

/** Statements one after another on a connection of their own. */
async function runSql(url: string, statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
