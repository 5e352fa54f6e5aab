import path from 'node:path';
import { CitemedError } from '../domain/errors.js';
import type { FileSystem } from '../ports/files.js';
import type { QueuedJob, WorkQueue } from '../ports/work-queue.js';
import { changedLibrary } from './ingest-and-recheck.js';
import { workIngestJobs, type JobWorker, type JobWorkerDeps } from './job-worker.js';
import { planIngest, runIngest, type IngestDeps, type IngestReport } from './pipeline.js';

/**
 * Ingest spread over workers: `citemed ingest --queue` turns paths into one `ingest-file` job per
 * file, and every `citemed worker`, on any machine that sees the same files and the same
 * database, takes jobs one at a time. A job is the ordinary resumable ingest of one file, so a
 * worker killed mid-file leaves committed batches and a checkpoint; the retry, wherever it runs,
 * goes on from there, and content-hash ids mean nothing is written twice. A file that changed the
 * library asks for one living-article re-check (deduplicated: a hundred files make one), which
 * first readies searches for the changed library (the ranking's word associations). Workers
 * also run the administrators' ingest jobs started in the web app (job-worker.ts).
 */
export interface SubmitReport {
  /** Files queued, by absolute path. */
  submitted: string[];
  /** Files already waiting in the queue, not queued again. */
  alreadyQueued: string[];
  /** Files found but not readable as literature (with why), as `citemed ingest` reports them. */
  ignored: { path: string; why: string }[];
}

export async function submitIngest(queue: WorkQueue, files: FileSystem, paths: readonly string[], force: boolean): Promise<SubmitReport> {
  const planned = await planIngest(paths, files);
  const report: SubmitReport = { submitted: [], alreadyQueued: [], ignored: [] };
  for (const file of planned) {
    if (!file.format) {
      report.ignored.push({ path: file.entry.path, why: file.ignored ?? 'not readable' });
      continue;
    }
    const id = await queue.submit('ingest-file', { path: file.entry.path, force }, { key: file.entry.path });
    (id === undefined ? report.alreadyQueued : report.submitted).push(file.entry.path);
  }
  return report;
}

export interface WorkerDeps {
  queue: WorkQueue;
  files: FileSystem;
  /** Fresh ingest collaborators for each job. */
  ingestDeps: () => IngestDeps;
  /** The living-article re-check; returns how many articles were checked and flags raised. */
  recheck: (actor: string) => Promise<{ checked: number; raised: number }>;
  /**
   * Readies searches for the library as the files left it (the ranking's word associations,
   * learned when it has changed by a tenth), before each re-check that files asked for: one per
   * burst of files, however many workers wrote them. A failure is logged and the re-check runs.
   */
  prepareSearch?: () => Promise<void>;
  /** One line per job started and finished, for the worker's log. */
  log: (line: string) => void;
  /** Aborted when the worker is told to stop: the running ingest finishes its batch and its job is retried later. */
  signal: AbortSignal;
  /**
   * What running administrators' ingest jobs needs beyond the above (their records, the server
   * roots, clocks); without it, `ingest-request` jobs are left to other workers.
   */
  ingestJobs?: Omit<JobWorkerDeps, 'queue' | 'signal' | 'log' | 'ingestDeps' | 'recheck'>;
}

/**
 * Takes `ingest-file`, `recheck-articles` and `ingest-request` jobs until the queue is stopped.
 * The returned worker's `idle()` resolves once, after the signal, its ingest jobs are handed back.
 */
export async function startWorker(deps: WorkerDeps): Promise<JobWorker> {
  await deps.queue.work('ingest-file', (job) => ingestJob(deps, job));
  await deps.queue.work('recheck-articles', async (job) => {
    await deps.prepareSearch?.().catch((error: unknown) => {
      deps.log(`recheck-articles ${job.id}: could not ready searches (${error instanceof Error ? error.message : String(error)}); the first search will`);
    });
    const result = await deps.recheck(job.data.actor);
    deps.log(`recheck-articles ${job.id}: checked ${result.checked} article(s), ${result.raised} new flag(s)`);
  });
  if (!deps.ingestJobs) return { idle: async () => undefined };
  return workIngestJobs({ ...deps.ingestJobs, queue: deps.queue, signal: deps.signal, log: deps.log, ingestDeps: deps.ingestDeps, recheck: deps.recheck });
}

async function ingestJob(deps: WorkerDeps, job: QueuedJob<'ingest-file'>): Promise<void> {
  const name = path.basename(job.data.path);
  deps.log(`ingest-file ${job.id}: ${name} started${job.retryCount > 0 ? ` (try ${job.retryCount + 1})` : ''}`);
  const planned = await planIngest([job.data.path], deps.files);
  const report = await runIngest(planned, deps.ingestDeps(), { force: job.data.force, signal: deps.signal });
  const file = report.files[0];
  if (report.interrupted) throw new CitemedError('interrupted', `${name}: stopped before the end; another worker will go on from the last batch`);
  if (!file || file.status === 'failed') throw new CitemedError('unreadable', `${name}: ${file?.error ?? 'not read'}`);
  deps.log(`ingest-file ${job.id}: ${name} ${describe(report)}`);
  if (changedLibrary(report)) await deps.queue.submit('recheck-articles', { actor: 'system' }, { key: 'library' });
}

function describe(report: IngestReport): string {
  const { added, updated, deleted, skipped } = report.totals;
  const skips = Object.values(skipped).reduce((sum, n) => sum + (n ?? 0), 0);
  const file = report.files[0];
  const resumed = file && file.resumedFromItem > 0 ? `, resumed after item ${file.resumedFromItem}` : '';
  const already = file?.status === 'already-done' ? ' (already ingested)' : '';
  return `done${already}: ${added} added, ${updated} updated, ${deleted} deleted, ${skips} skipped in ${(report.elapsedMs / 1000).toFixed(1)} s${resumed}`;
}
