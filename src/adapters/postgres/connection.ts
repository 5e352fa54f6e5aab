import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { CitemedError } from '../../domain/errors.js';
import { describe } from './describe.js';

/**
 * store.lockTimeoutMs and store.statementTimeoutMs as pg's connection settings: sent when each
 * connection starts, so every pooled connection has them; 0 or absent sends nothing (the
 * server's own). The library's pool and the work queue's (pg-boss hands its configuration to
 * pg.Pool) both take them.
 */
export function sessionTimeouts(options: { lockTimeoutMs?: number; statementTimeoutMs?: number }): Pick<pg.PoolConfig, 'lock_timeout' | 'statement_timeout'> {
  return { lock_timeout: options.lockTimeoutMs ?? 0, statement_timeout: options.statementTimeoutMs ?? 0 };
}

/**
 * A citemed library in PostgreSQL: one connection pool, one schema (so several libraries, or
 * test runs, can share a database), and the schema's tables brought up to date by
 * node-pg-migrate from the SQL files in `migrations/` when the library is opened. Every adapter
 * of the PostgreSQL backend (the Store, the EditorialStore) works through this.
 */
export interface PostgresOptions {
  /** `postgres://user@host:port/database`; the password, when there is one, never appears in messages. */
  url: string;
  /** The schema holding the library's tables; created when missing. */
  schema: string;
  /** Connections in the pool. */
  poolSize: number;
  /** False for commands that only read: a schema without a library is then an error. */
  create?: boolean;
  /**
   * Longest a statement waits for a lock another session holds, in ms (PostgreSQL's
   * lock_timeout), so a forgotten open transaction fails the command instead of hanging it.
   * 0 or absent: the server's own setting (PostgreSQL's default waits forever).
   */
  lockTimeoutMs?: number;
  /**
   * Longest a statement may run, in ms (statement_timeout); 0 or absent: the server's own
   * setting. Migrations are exempt: a schema change must finish once it has started.
   */
  statementTimeoutMs?: number;
}

export interface PostgresDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** "PostgreSQL host:port/database (schema)", for messages: no user, no password. */
  readonly description: string;
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgres(options: PostgresOptions): Promise<PostgresDatabase> {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new CitemedError('bad-config', `store.postgres.schema "${options.schema}" is not a plain lower-case identifier`, {
      hint: 'use letters, digits and "_", starting with a letter, e.g. citemed',
    });
  }
  const description = describe(options.url, options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // Every connection reads and writes the library's schema.
    options: `-c search_path=${options.schema}`,
    ...sessionTimeouts(options),
  });
  // An idle connection that fails (the server restarted) must not crash the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect().catch((error: unknown) => {
      throw new CitemedError('service-unavailable', `cannot connect to ${description}: ${(error as Error).message}`, {
        hint: 'check that PostgreSQL runs and that store.url is right',
        cause: error,
      });
    });
    try {
      // Opening (the check and the migrations) must finish whatever the statement timeout; RESET
      // below brings back the pool's setting before the connection is used again.
      await client.query('SET statement_timeout = 0');
      const exists = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [options.schema]);
      if (exists.rowCount === 0 && options.create === false) {
        throw new CitemedError('not-found', `no library in ${description}`, { hint: 'run `citemed ingest <files>` with this store.url first' });
      }
      await runner({
        dbClient: client,
        dir: MIGRATIONS,
        direction: 'up',
        migrationsTable: 'citemed_migrations',
        schema: options.schema,
        createSchema: true,
        checkOrder: true,
        // Several processes may open the library at once (workers, servers): they take turns.
        advisoryLockMode: 'wait',
        log: () => undefined,
      });
      await client.query('RESET statement_timeout');
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    pool,
    schema: options.schema,
    description,
    async transaction(work) {
      const client = await pool.connect();
      // A connection whose rollback failed is broken: it is destroyed, not returned to the pool.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: unknown) => (broken = rollback instanceof Error ? rollback : new Error(String(rollback))));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

export { describe };
