import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { realPathOf } from '../adapters/fs/real-path.js';
import { recheck } from '../articles/service.js';
import { createIngestJobQueue, type IngestJob, type IngestJobs } from '../ingest/jobs.js';
import { openServerRoots } from '../ingest/server-roots.js';
import type { Container } from './container.js';

export { isFinished, JOB_STATUSES } from '../ingest/jobs.js';
export type { IngestJob, IngestJobs, JobEvent } from '../ingest/jobs.js';

/**
 * The server's ingest jobs, wired from the container: its ingest collaborators, the living-article
 * re-check on behalf of the administrator who started the job, `ingest.serverRoots` checked with
 * links resolved, and the clocks. Here rather than in the server, which does not import the ingest
 * use case or adapters (docs/ARCHITECTURE.md).
 */
export interface IngestJobsOptions {
  /** Where relative roots and paths are resolved; the process's working directory by default. */
  cwd?: string;
  onServerError?: (job: IngestJob, error: unknown) => void;
}

export function ingestJobsFor(container: Pick<Container, 'settings' | 'ingestDeps' | 'articles'>, options: IngestJobsOptions = {}): IngestJobs {
  return createIngestJobQueue({
    roots: openServerRoots({ roots: container.settings.ingest.serverRoots, cwd: options.cwd ?? process.cwd(), realPath: realPathOf }),
    ingestDeps: () => container.ingestDeps(),
    recheck: async (actor) => {
      const report = await recheck(container.articles, actor);
      return { checked: report.checked, raised: report.raised.length };
    },
    now: () => new Date(),
    elapsedMs: () => performance.now(),
    newId: () => randomUUID(),
    ...(options.onServerError ? { onServerError: options.onServerError } : {}),
  });
}
