import type pg from 'pg';
import type { IngestJob, JobProgress, JobStatus, JobTotals, RecheckCounts } from '../../domain/ingest-job.js';
import type { Claim, IngestJobRecords, Release } from '../../ports/ingest-jobs.js';
import type { PostgresDatabase } from './connection.js';
import { guard } from './errors.js';

/**
 * Administrators' ingest jobs in the library's PostgreSQL schema (migrations/0005_ingest_jobs.sql),
 * shared by every server and worker. A change that depends on the row's state (cancel, claim)
 * reads it under its row lock in one transaction; the others are single statements whose WHERE
 * says whose they are (`runner`), so a runner that lost its job writes nothing.
 */
interface JobRow {
  id: string;
  paths: string[];
  force: boolean;
  status: JobStatus;
  created_at: string;
  started_by: string;
  started_at: string | null;
  finished_at: string | null;
  progress: JobProgress;
  totals: JobTotals | null;
  error: string | null;
  recheck: RecheckCounts | null;
}

const COLUMNS = 'id, paths, force, status, created_at, started_by, started_at, finished_at, progress, totals, error, recheck';
/** "Not heard from in $n seconds", on the database's clock. */
const STALE = (n: number) => `(heartbeat_at IS NULL OR heartbeat_at < clock_timestamp() - make_interval(secs => $${n}::float8))`;

export function createPostgresIngestJobs(db: PostgresDatabase): IngestJobRecords {
  const run = <T>(work: () => Promise<T>): Promise<T> => guard(db.description, work);
  const one = async (client: pg.PoolClient | pg.Pool, id: string): Promise<IngestJob | undefined> => {
    const { rows } = await client.query<JobRow>(`SELECT ${COLUMNS} FROM ingest_jobs WHERE id = $1`, [id]);
    return rows[0] ? toJob(rows[0]) : undefined;
  };

  return {
    add: (job, work) =>
      run(async () => {
        // The prune does not see the new row (one snapshot): it keeps the newest keep - 1 others.
        await db.pool.query(
          `WITH pruned AS (
             DELETE FROM ingest_jobs WHERE status IN ('done', 'failed', 'cancelled')
               AND ordinal <= (SELECT ordinal FROM ingest_jobs ORDER BY ordinal DESC OFFSET $9 LIMIT 1)
           )
           INSERT INTO ingest_jobs (id, paths, resolved_paths, force, status, created_at, started_by, progress)
           VALUES ($1, $2::json, $3::json, $4, $5, $6, $7, $8::json)`,
          [job.id, JSON.stringify(job.paths), JSON.stringify(work.resolvedPaths), job.force, job.status, job.createdAt, job.startedBy, JSON.stringify(job.progress), Math.max(0, work.keep - 1)],
        );
      }),

    get: (id) => run(() => one(db.pool, id)),

    list: (limit) =>
      run(async () => {
        const { rows } = await db.pool.query<JobRow>(`SELECT ${COLUMNS} FROM ingest_jobs ORDER BY ordinal DESC LIMIT $1`, [limit]);
        return rows.map(toJob);
      }),

    countUnfinished: () =>
      run(async () => {
        const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM ingest_jobs WHERE status IN ('queued', 'running')");
        return rows[0]?.n ?? 0;
      }),

    cancel: (id, options) =>
      run(() =>
        db.transaction(async (client) => {
          const { rows } = await client.query<{ status: JobStatus; stale: boolean }>(
            `SELECT status, ${STALE(2)} AS stale FROM ingest_jobs WHERE id = $1 FOR UPDATE`,
            [id, options.staleSeconds],
          );
          const row = rows[0];
          if (!row) return undefined;
          let change: 'cancelled' | 'asked' | 'none' = 'none';
          if (row.status === 'queued' || (row.status === 'running' && row.stale)) {
            change = 'cancelled';
            // A progress that has ended: nothing is being read, nothing is left to wait for.
            await client.query(
              `UPDATE ingest_jobs SET status = 'cancelled', finished_at = $2, error = $3, runner = NULL, cancel_requested = true,
                 progress = (progress::jsonb - 'etaSeconds' - 'currentFile')::json, updated_at = clock_timestamp()
               WHERE id = $1`,
              [id, options.at, row.status === 'running' ? safeText(options.staleError) : null],
            );
          } else if (row.status === 'running') {
            change = 'asked';
            await client.query('UPDATE ingest_jobs SET cancel_requested = true, updated_at = clock_timestamp() WHERE id = $1', [id]);
          }
          const job = await one(client, id);
          return job ? { job, change, was: row.status } : undefined;
        }),
      ),

    claim: (id, runner, options) =>
      run(() =>
        db.transaction(async (client): Promise<Claim> => {
          const { rows } = await client.query<{ status: JobStatus; cancel_requested: boolean; stale: boolean }>(
            `SELECT status, cancel_requested, ${STALE(2)} AS stale FROM ingest_jobs WHERE id = $1 FOR UPDATE`,
            [id, options.staleSeconds],
          );
          const row = rows[0];
          if (!row) return { taken: false, why: 'missing' };
          if (row.status === 'cancelled') return { taken: false, why: 'cancelled' };
          if (row.status === 'done' || row.status === 'failed') return { taken: false, why: 'finished' };
          if (row.status === 'running' && !row.stale) return { taken: false, why: 'running-elsewhere' };
          if (row.cancel_requested) {
            const ended = await client.query<JobRow>(
              `UPDATE ingest_jobs SET status = 'cancelled', finished_at = $2, runner = NULL,
                 progress = (progress::jsonb - 'etaSeconds' - 'currentFile')::json, updated_at = clock_timestamp()
               WHERE id = $1
               RETURNING ${COLUMNS}`,
              [id, options.at],
            );
            const job = ended.rows[0];
            return job ? { taken: false, why: 'cancelled', ended: toJob(job) } : { taken: false, why: 'missing' };
          }
          const taken = await client.query<JobRow & { resolved_paths: string[]; carried: JobTotals | null }>(
            `UPDATE ingest_jobs SET status = 'running', runner = $2, started_at = coalesce(started_at, $3),
               heartbeat_at = clock_timestamp(), updated_at = clock_timestamp()
             WHERE id = $1
             RETURNING ${COLUMNS}, resolved_paths, carried`,
            [id, runner, options.at],
          );
          const claimed = taken.rows[0];
          if (!claimed) return { taken: false, why: 'missing' };
          return { taken: true, job: toJob(claimed), resolvedPaths: claimed.resolved_paths, carried: claimed.carried ?? { added: 0, updated: 0, deleted: 0, skipped: 0 } };
        }),
      ),

    heartbeat: (id, runner, update) =>
      run(async () => {
        const { rows } = await db.pool.query<{ cancel_requested: boolean }>(
          `UPDATE ingest_jobs SET heartbeat_at = clock_timestamp(),
             progress = coalesce($3::json, progress), carried = coalesce($4::json, carried),
             updated_at = CASE WHEN $3::json IS NULL THEN updated_at ELSE clock_timestamp() END
           WHERE id = $1 AND runner = $2 AND status = 'running'
           RETURNING cancel_requested`,
          [id, runner, update ? JSON.stringify(update.progress) : null, update ? JSON.stringify(update.carried) : null],
        );
        const row = rows[0];
        if (!row) return 'lost';
        return row.cancel_requested ? 'cancel-requested' : 'running';
      }),

    release: (id, runner, update) =>
      run(async (): Promise<Release> => {
        const { rows } = await db.pool.query<JobRow>(
          `UPDATE ingest_jobs SET
             status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
             finished_at = CASE WHEN cancel_requested THEN $5 ELSE NULL END,
             totals = CASE WHEN cancel_requested THEN $6::json ELSE NULL END,
             runner = NULL, heartbeat_at = NULL, progress = $3::json, carried = $4::json, updated_at = clock_timestamp()
           WHERE id = $1 AND runner = $2 AND status = 'running'
           RETURNING ${COLUMNS}`,
          [id, runner, JSON.stringify(update.progress), JSON.stringify(update.carried), update.at, update.totals ? JSON.stringify(update.totals) : null],
        );
        const row = rows[0];
        if (!row) return { state: 'lost' };
        return row.status === 'cancelled' ? { state: 'cancelled', job: toJob(row) } : { state: 'queued' };
      }),

    finish: (id, runner, outcome) =>
      run(async () => {
        const { rows } = await db.pool.query<JobRow>(
          `UPDATE ingest_jobs SET status = $3, finished_at = $4, progress = $5::json, totals = $6::json, error = $7, recheck = $8::json,
             runner = NULL, updated_at = clock_timestamp()
           WHERE id = $1 AND runner = $2 AND status = 'running'
           RETURNING ${COLUMNS}`,
          [
            id,
            runner,
            outcome.status,
            outcome.at,
            JSON.stringify(outcome.progress),
            outcome.totals ? JSON.stringify(outcome.totals) : null,
            outcome.error === undefined ? null : safeText(outcome.error),
            outcome.recheck ? JSON.stringify(outcome.recheck) : null,
          ],
        );
        return rows[0] ? toJob(rows[0]) : undefined;
      }),

    failQueued: (id, error, at) =>
      run(async () => {
        const { rows } = await db.pool.query<JobRow>(
          `UPDATE ingest_jobs SET status = 'failed', error = $2, finished_at = $3, updated_at = clock_timestamp() WHERE id = $1 AND status = 'queued'
           RETURNING ${COLUMNS}`,
          [id, safeText(error), at],
        );
        return rows[0] ? toJob(rows[0]) : undefined;
      }),

    requeueStale: (staleSeconds) =>
      run(async () => {
        // A cancel asked of the lost runner stays asked: the next claim turns it into cancelled.
        const { rows } = await db.pool.query<{ id: string }>(
          `UPDATE ingest_jobs SET status = 'queued', runner = NULL, heartbeat_at = NULL,
             progress = (progress::jsonb - 'etaSeconds' - 'currentFile')::json, updated_at = clock_timestamp()
           WHERE status = 'running' AND ${STALE(1)}
           RETURNING id`,
          [staleSeconds],
        );
        return rows.map((row) => row.id);
      }),
  };
}

function toJob(row: JobRow): IngestJob {
  return {
    id: row.id,
    paths: row.paths,
    force: row.force,
    status: row.status,
    createdAt: row.created_at,
    startedBy: row.started_by,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    progress: row.progress,
    ...(row.totals !== null ? { totals: row.totals } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.recheck !== null ? { recheck: row.recheck } : {}),
  };
}

/** A text column cannot hold NUL; an error message quoting a damaged file might. */
function safeText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}
