import path from 'node:path';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { createContainer } from '../../src/config/container.js';
import { SettingsSchema } from '../../src/config/settings.js';
import { ROOT, spawnCli, type CliResult } from '../cli/run-cli.js';
import { makeStaff, type Staff } from '../server/editorial-support.js';
import { dropLibrarySchemas, freshSchema, POSTGRES_URL } from '../support/postgres.js';
import { launchBrowser } from './support.js';

/**
 * The end-to-end world on the PostgreSQL backend: the starter library loaded into a fresh schema
 * by `citemed ingest`, one account of each role, two `citemed serve` processes on that schema
 * (A and B), a browser, and on demand a `citemed worker`. Every piece is a real process started
 * as an operator would, configured only through CITEMED__* environment variables.
 *
 * Neither server runs administrators' ingest jobs (`jobs.workInServer` false), so a job waits,
 * queued, until the test starts a worker: who ran it is then known, not a race.
 */
export interface CitemedProcess {
  /** Where a `serve` process listens; '' for a worker. */
  url: string;
  /** Everything it wrote to stdout and stderr so far, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within `STOP_MS`. */
  stop(): Promise<CliResult>;
}

export interface PostgresWorld {
  schema: string;
  a: CitemedProcess;
  b: CitemedProcess;
  browser: Browser;
  staff: Staff;
  /** Runs SQL on the test database with `search_path` set to the world's schema. */
  query<T extends Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** Starts a `citemed worker` on the same schema; stopped by close(). */
  startWorker(): Promise<CitemedProcess>;
  /** Stops every process and the browser, then drops the schema and its queue's schema. */
  close(): Promise<void>;
}

/** How long a process may take to start (tsx compiles the CLI) and to stop, in ms. */
const START_MS = 45_000;
const STOP_MS = 10_000;

export async function startPostgresWorld(options: { serverRoots: string[] }): Promise<PostgresWorld> {
  const schema = freshSchema();
  const env: Record<string, string> = {
    CITEMED__STORE__URL: POSTGRES_URL,
    CITEMED__STORE__SCHEMA: schema,
    CITEMED__STORE__POOL_SIZE: '4',
    CITEMED__JOBS__WORK_IN_SERVER: 'false',
    CITEMED__JOBS__POLL_SECONDS: '0.5',
    CITEMED__INGEST__SERVER_ROOTS: JSON.stringify(options.serverRoots),
    // Rate limits stay on as in production (buckets in PostgreSQL, shared by both servers), high
    // enough for one test client; the same figures as the SQLite world's.
    CITEMED__SERVER__RATE_LIMIT__REQUESTS_PER_MINUTE: '100000',
    CITEMED__SERVER__RATE_LIMIT__ASKS_PER_MINUTE: '10000',
    CITEMED__SERVER__RATE_LIMIT__SIGN_INS_PER_MINUTE: '1000',
    CITEMED__SERVER__LOG_LEVEL: 'warn',
    // A browser's event stream left open must not hold a stopping server for the default 30 s.
    CITEMED__SERVER__SHUTDOWN_GRACE_MS: '2000',
  };
  // Stoppers in the order things started; run in reverse, each whatever the others did.
  const teardown: (() => Promise<unknown>)[] = [];
  const close = async () => {
    const errors: unknown[] = [];
    for (const stop of teardown.splice(0).reverse()) await stop().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, 'the PostgreSQL world did not close cleanly');
  };
  teardown.push(async () => {
    // The work queue (pg-boss) keeps its tables in a schema of its own.
    await dropLibrarySchemas(schema);
  });

  const start = (args: string[], ready: RegExp): Promise<CitemedProcess> => {
    const started = startProcess(args, env, ready);
    teardown.push(async () => (await started).stop());
    return started;
  };

  try {
    // Chromium starts while the library loads; a failure to start is reported when awaited below.
    const browser = launchBrowser();
    browser.catch(() => undefined);
    teardown.push(async () => (await browser).close());
    const loaded = await spawnCli(['--preset', 'low-memory', 'ingest', '-q', path.join(ROOT, 'library', 'starter')], env).done;
    if (loaded.code !== 0) throw new Error(`citemed ingest of the starter library into PostgreSQL failed (${loaded.code}):\n${loaded.stderr}`);

    const container = createContainer(SettingsSchema.parse({ store: { url: POSTGRES_URL, schema } }), { create: false });
    let staff: Staff;
    try {
      staff = await makeStaff(container);
    } finally {
      await container.close();
    }

    const serving = /^citemed: serving .* at (http:\/\/\S+)\n/m;
    const [a, b] = await Promise.all([start(['serve', '--port', '0'], serving), start(['serve', '--port', '0'], serving)]);
    return {
      schema,
      a,
      b,
      browser: await browser,
      staff,
      query: (sql, values) => query(schema, sql, values),
      startWorker: () => start(['worker'], /^citemed: worker \d+ ready .*\n/m),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** Starts the CLI as a process and resolves once its output matches `ready` (group 1: its URL). */
function startProcess(args: string[], env: Record<string, string>, ready: RegExp): Promise<CitemedProcess> {
  const { child, done } = spawnCli(args, env);
  let output = '';
  let exited: CliResult | undefined;
  void done.then((result) => (exited = result));
  const stop = async (): Promise<CliResult> => {
    if (exited) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
    try {
      return await done;
    } finally {
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`citemed ${args.join(' ')} did not start within ${START_MS} ms:\n${output}`));
    }, START_MS);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] ?? '', output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
    void done.then((result) => {
      clearTimeout(timer);
      reject(new Error(`citemed ${args.join(' ')} exited (${result.code}) before it was ready:\n${output}`));
    });
  });
}

async function query<T extends Record<string, unknown>>(schema: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
