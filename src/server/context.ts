import type { Container } from '../config/container.js';
import type { IngestJobs } from '../config/ingest-jobs.js';
import type { LiteratureFetcher } from '../config/literature-fetch.js';
import type { PostingsJobs } from '../config/postings-jobs.js';
import type { Settings } from '../config/settings.js';
import type { ServerMetrics } from './metrics.js';

/**
 * What the routes use of the container: the use cases, the library, threads, accounts and
 * articles, and for ingest jobs the settings (`ingest.serverRoots`, `jobs.*`), the ingest
 * collaborators, and with PostgreSQL the jobs' records and the work queue; for fetches from
 * PubMed and Europe PMC (`literature.serverFetch`), where fetched records are saved.
 */
export type ServerContainer = Pick<
  Container,
  'search' | 'ask' | 'store' | 'threads' | 'editorial' | 'accounts' | 'articles' | 'settings' | 'ingestDeps' | 'rateLimiter' | 'workQueue' | 'ingestJobRecords' | 'fetchDeps' | 'prepareRanking'
> & {
  /** The ingest job queue to use; by default each server makes its own (config/ingest-jobs.ts). Tests bring one to watch it. */
  ingestJobs?: IngestJobs;
  /** The postings index jobs to use; by default each server makes its own (config/postings-jobs.ts). Tests bring one to watch it. */
  postingsJobs?: PostingsJobs;
  /** The fetches from PubMed and Europe PMC to use; by default each server makes its own (config/literature-fetch.ts). */
  literatureFetcher?: LiteratureFetcher;
};

export type ServerSettings = Settings['server'];

/** What every route module is handed when it is registered. */
export interface RouteDeps {
  container: ServerContainer;
  settings: ServerSettings;
  metrics: ServerMetrics;
  /** Set once shutdown begins: readiness fails and new requests are turned away. */
  state: { closing: boolean };
}
