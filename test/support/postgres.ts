import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the tests of the PostgreSQL backend use for real: 127.0.0.1:5432,
 * database `test`, trust authentication, as on the project's machines (CITEMED_TEST_POSTGRES_URL
 * points elsewhere). Each suite works in a schema of its own, dropped afterwards, so suites can
 * run side by side and leave nothing behind.
 */
export const POSTGRES_URL = process.env.CITEMED_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL tests are skipped, or '' when the server answers. Checked once, at import. */
export const POSTGRES_SKIP_REASON = await reachable(POSTGRES_URL);

async function reachable(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return '';
  } catch (error) {
    return `PostgreSQL tests skipped: no server at ${url.replace(/\/\/[^@]*@/, '//')} (${(error as Error).message}); set CITEMED_TEST_POSTGRES_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other run uses: "citemed_t_<random>". */
export function freshSchema(): string {
  return `citemed_t_${randomBytes(6).toString('hex')}`;
}

/** Drops a schema made for a test, with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test library's schema and the schema of its work queue (`<schema>_queue`, as the
 * container names it), which any process that used the queue made.
 */
export async function dropLibrarySchemas(schema: string): Promise<void> {
  await dropSchema(schema);
  await dropSchema(`${schema}_queue`);
}
