import PgBoss from 'pg-boss';
import { CitemedError } from '../../domain/errors.js';
import { JOB_KINDS, type JobCounts, type JobKind, type JobPayloads, type QueuedJob, type WorkQueue } from '../../ports/work-queue.js';

/**
 * The work queue in PostgreSQL, through pg-boss (10.x: the last line that runs on Node 20), in a
 * schema of its own beside the library's. Jobs are `stately`: per kind and key, at most one waits
 * and one runs. A job that throws is retried with exponential backoff; a job whose worker died
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
}

export async function openPgWorkQueue(options: PgWorkQueueOptions): Promise<WorkQueue> {
  const boss = new PgBoss({
    connectionString: options.url,
    schema: options.schema,
    max: 4,
    maintenanceIntervalSeconds: options.maintenanceSeconds,
    // Finished jobs are kept a week for `citemed jobs`, then archived and dropped by pg-boss.
    archiveCompletedAfterSeconds: 7 * 24 * 3600,
  });
  boss.on('error', () => undefined);
  try {
    await boss.start();
  } catch (error) {
    throw new CitemedError('service-unavailable', `cannot start the work queue: ${(error as Error).message}`, {
      hint: 'check that PostgreSQL runs and that store.url is right',
      cause: error,
    });
  }
  for (const kind of JOB_KINDS) {
    if (!(await boss.getQueue(kind))) {
      await boss.createQueue(kind, {
        name: kind,
        policy: 'stately',
        expireInSeconds: options.expireSeconds,
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelaySeconds,
        retryBackoff: true,
      });
    }
  }

  return {
    async submit(kind, data, submitOptions = {}) {
      const id = await boss.send(kind, data as object, submitOptions.key === undefined ? {} : { singletonKey: submitOptions.key });
      return id ?? undefined;
    },
    async work<K extends JobKind>(kind: K, handler: (job: QueuedJob<K>) => Promise<void>) {
      await boss.work<JobPayloads[K]>(kind, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollSeconds }, async ([job]) => {
        if (!job) return;
        await handler({ id: job.id, kind, data: job.data, retryCount: job.retryCount });
      });
    },
    async counts() {
      // The schema name was checked to be a plain identifier by the settings.
      const { rows } = (await boss.getDb().executeSql(`SELECT name, state, count(*)::int AS n FROM ${options.schema}.job GROUP BY name, state`, [])) as {
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
    },
    async stop(stopOptions = {}) {
      await boss.stop({ graceful: stopOptions.graceful ?? true, timeout: stopOptions.timeoutMs ?? 30_000, wait: true });
    },
  };
}
