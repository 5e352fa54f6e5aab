import pg from 'pg';
import PgBoss from 'pg-boss';
import { CitemedError } from '../../domain/errors.js';
import { JOB_KINDS, type JobCounts, type JobKind, type JobPayloads, type QueuedJob, type WorkQueue } from '../../ports/work-queue.js';
import { sessionTimeouts } from './connection.js';
import { describe } from './describe.js';
import { guard } from './errors.js';

/**
 * The work queue in PostgreSQL, through pg-boss (10.x: the last line that runs on Node 20), in a
 * schema of its own beside the library's. File ingests and re-checks are `stately`: per kind and
 * key, at most one waits and one runs (administrators' ingest jobs differ: LONG_RUNNING below). A job that throws is retried with exponential backoff; a job whose worker died
 * (kill -9, a lost machine) stays active until `expireSeconds` pass, is then failed by pg-boss's
 * maintenance and retried by another worker. So `expireSeconds` must exceed the longest honest
 * run of one job (one file's ingest); if it does not, a second worker may run the same file at
 * the same time, which costs work but never data (ingest is idempotent).
 */
export interface PgWorkQueueOptions {
  url: string;
  /** The queue's schema, e.g. "citemed_queue". */
  schema: string;
  expireSeconds: number;
  retryLimit: number;
  /** First retry after this many seconds, then backing off. */
  retryDelaySeconds: number;
  /** How often a worker looks for jobs, and pg-boss runs maintenance (expiry), in seconds. */
  pollSeconds: number;
  maintenanceSeconds: number;
  /**
   * The library's store.lockTimeoutMs and store.statementTimeoutMs (ms; 0 or absent: the
   * server's own setting), given to every connection the queue opens, as the library's own pool
   * has them (connection.ts): a lock left held on the queue's tables fails a submit or a count
   * with the error that names the setting, instead of hanging the server's request or the worker.
   */
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/**
 * An administrator's ingest job may read a thousand files: hours, not one file's minutes. Its
 * worker proves it is alive through the job's heartbeats (ports/ingest-jobs.ts), and a job whose
 * worker fell silent is queued again from there; pg-boss's expiry, which cannot tell a long job
 * from a lost one, is set as far off as it allows (under 24 hours). `standard`: one job id may be
 * queued again while its stopping run is still active (a worker handing it back on shutdown).
 */
const LONG_RUNNING = { policy: 'standard', expireInSeconds: 23 * 3600 } as const;

export async function openPgWorkQueue(options: PgWorkQueueOptions): Promise<WorkQueue> {
  const where = describe(options.url, options.schema);
  const config: PgBoss.ConstructorOptions & Pick<pg.PoolConfig, 'lock_timeout' | 'statement_timeout'> = {
    connectionString: options.url,
    schema: options.schema,
    max: 4,
    maintenanceIntervalSeconds: options.maintenanceSeconds,
    // Finished jobs are kept a week for `citemed jobs`, then archived and dropped by pg-boss.
    archiveCompletedAfterSeconds: 7 * 24 * 3600,
    // pg-boss hands its whole configuration to pg.Pool (pg-boss/src/db.js), so these reach its pool
    // though its own types do not list them.
    ...sessionTimeouts(options),
  };
  const boss = new PgBoss(config);
  boss.on('error', () => undefined);
  await inOpeningTurn(options, async () => {
    try {
      await boss.start();
    } catch (error) {
      throw cannotStart(error);
    }
    try {
      await guard(where, () => createQueues(boss, options));
    } catch (error) {
      // A started pg-boss keeps a pool and timers: left running, a worker that failed here never exits.
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw error;
    }
  });

  return {
    async submit(kind, data, submitOptions = {}) {
      const id = await guard(where, () => boss.send(kind, data as object, submitOptions.key === undefined ? {} : { singletonKey: submitOptions.key }));
      return id ?? undefined;
    },
    async work<K extends JobKind>(kind: K, handler: (job: QueuedJob<K>) => Promise<void>) {
      await guard(where, () =>
        boss.work<JobPayloads[K]>(kind, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollSeconds }, async ([job]) => {
          if (!job) return;
          await handler({ id: job.id, kind, data: job.data, retryCount: job.retryCount });
        }),
      );
    },
    counts: () => guard(where, () => countJobs(boss, options.schema)),
    cancelLostRuns: (jobId) => guard(where, () => cancelLostRuns(boss, options.schema, jobId)),
    async stop(stopOptions = {}) {
      await boss.stop({ graceful: stopOptions.graceful ?? true, timeout: stopOptions.timeoutMs ?? 30_000, wait: true });
    },
  };
}

async function countJobs(boss: PgBoss, schema: string): Promise<Record<JobKind, JobCounts>> {
  // The schema name was checked to be a plain identifier by the settings.
  const { rows } = (await boss.getDb().executeSql(`SELECT name, state, count(*)::int AS n FROM ${schema}.job GROUP BY name, state`, [])) as {
    rows: { name: string; state: string; n: number }[];
  };
  const out = Object.fromEntries(JOB_KINDS.map((kind) => [kind, { waiting: 0, active: 0, completed: 0, failed: 0, cancelled: 0 }])) as Record<JobKind, JobCounts>;
  for (const { name, state, n } of rows) {
    const counts = out[name as JobKind];
    if (!counts) continue;
    if (state === 'created' || state === 'retry') counts.waiting += n;
    else if (state === 'active' || state === 'completed' || state === 'failed' || state === 'cancelled') counts[state] += n;
  }
  return out;
}

async function cancelLostRuns(boss: PgBoss, schema: string, jobId: string): Promise<number> {
  // pg-boss finds jobs by id only; the entries of one ingest job are found by their payload.
  const { rows } = (await boss
    .getDb()
    .executeSql(`SELECT id FROM ${schema}.job WHERE name = 'ingest-request' AND state = 'active' AND data->>'jobId' = $1`, [jobId])) as {
    rows: { id: string }[];
  };
  if (rows.length === 0) return 0;
  // Cancelling applies to active entries too; a later complete() or fail() of them is a no-op.
  await boss.cancel('ingest-request', rows.map((row) => row.id));
  return rows.length;
}

/**
 * Processes opening one queue take turns, under an advisory lock held by a connection of their
 * own. pg-boss takes no lock when it makes a queue (a row and a partition of its job table), and
 * its start makes one of its own (the timekeeper's); workers starting together on a new database
 * deadlocked on those partitions (bench/scaling/ingest.ts, 2 and 4 workers). So the turn covers
 * pg-boss's start as well as the queues made after it (createQueues).
 */
async function inOpeningTurn(options: PgWorkQueueOptions, open: () => Promise<void>): Promise<void> {
  const key = `citemed.queues.${options.schema}`;
  const lock = new pg.Client({ connectionString: options.url, ...sessionTimeouts(options) });
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
  } catch (error) {
    await lock.end().catch(() => undefined);
    throw cannotStart(error);
  }
  try {
    await open();
  } finally {
    // Ending the session releases the lock too; unlocking first lets the next process in at once.
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    await lock.end();
  }
}

function cannotStart(error: unknown): CitemedError {
  return new CitemedError('service-unavailable', `cannot start the work queue: ${(error as Error).message}`, {
    hint: 'check that PostgreSQL runs and that store.url is right',
    cause: error,
  });
}

/** The queues of every job kind, made by the first process to need them (in its opening turn). */
async function createQueues(boss: PgBoss, options: PgWorkQueueOptions): Promise<void> {
  for (const kind of JOB_KINDS) {
    if (await boss.getQueue(kind)) continue;
    await boss.createQueue(kind, {
      name: kind,
      retryLimit: options.retryLimit,
      retryDelay: options.retryDelaySeconds,
      retryBackoff: true,
      ...(kind === 'ingest-request' ? LONG_RUNNING : { policy: 'stately', expireInSeconds: options.expireSeconds }),
    });
  }
}
