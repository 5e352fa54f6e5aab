import { openPostgres } from '../adapters/postgres/connection.js';
import { createPostgresEditorial } from '../adapters/postgres/editorial.js';
import { guard } from '../adapters/postgres/errors.js';
import { createPostgresIngestJobs } from '../adapters/postgres/ingest-jobs.js';
import { createPostgresRateLimiter } from '../adapters/postgres/rate-limiter.js';
import { createPostgresStore } from '../adapters/postgres/store.js';
import { createPostgresThreads } from '../adapters/postgres/threads.js';
import type { Settings } from './settings.js';

/**
 * The PostgreSQL library, opened (connect, migrate) and wired. backends.ts imports this module only
 * when `store.url` is set, so that the embedded SQLite library never loads the pg driver, the
 * migration runner and the adapters (about 20 MB of memory in every process).
 */
export async function openPostgresBackend(settings: Settings['store'], create: boolean, threadBounds: Settings['server']['threads'], description: string) {
  const db = await guard(description, () =>
    openPostgres({
      url: settings.url,
      schema: settings.schema,
      poolSize: settings.poolSize,
      create,
      lockTimeoutMs: settings.lockTimeoutMs,
      statementTimeoutMs: settings.statementTimeoutMs,
    }),
  );
  return {
    store: createPostgresStore(db),
    editorial: createPostgresEditorial(db),
    threads: createPostgresThreads(db, threadBounds),
    rateLimiter: createPostgresRateLimiter(db),
    ingestJobRecords: createPostgresIngestJobs(db),
  };
}
