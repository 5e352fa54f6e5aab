import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createPostingsJobs, type PostingsJobs } from '../ingest/postings-jobs.js';
import type { Container } from './container.js';

export type { PostingsJob, PostingsJobEvent, PostingsJobs } from '../ingest/postings-jobs.js';

/**
 * The server's postings index jobs (build and drop from the admin page), wired from the container:
 * the store's postings index, the library's audit log and the clocks. Undefined when the store has
 * no postings index (PostgreSQL). Here rather than in the server, which does not import the
 * ingest use cases (docs/ARCHITECTURE.md).
 */
export function postingsJobsFor(
  container: Pick<Container, 'store' | 'editorial'>,
  options: { onServerError?: (error: unknown) => void } = {},
): PostingsJobs | undefined {
  const postings = container.store.postings;
  if (!postings) return undefined;
  return createPostingsJobs({
    postings,
    now: () => new Date(),
    elapsedMs: () => performance.now(),
    newId: () => randomUUID(),
    audit: container.editorial.audit,
    ...(options.onServerError ? { onServerError: options.onServerError } : {}),
  });
}
