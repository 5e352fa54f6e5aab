import { recheck } from '../articles/service.js';
import { CitemedError } from '../domain/errors.js';
import { fetchIntoLibrary, type FetchIntoLibraryResult } from '../ingest/fetch-into-library.js';
import type { LiteratureQuery, LiteratureService, LiteratureServiceName } from '../ports/literature.js';
import { createLiteratureService, type Container } from './container.js';

export type { FetchIntoLibraryResult } from '../ingest/fetch-into-library.js';

/**
 * The server's fetches from PubMed and Europe PMC (`literature.serverFetch`), wired from the
 * container: the services from `literature.*`, where fetched records are saved, the ingest
 * collaborators, the living-article re-check on behalf of the account that asked, and the audit
 * log. Here rather than in the server, which does not import the ingest use cases or adapters
 * (docs/ARCHITECTURE.md).
 *
 * - Each service is made once per server, so every fetch shares its pacing: NCBI limits requests
 *   per client (3 a second without a key), and two editors fetching at once must not double that.
 * - Fetches run one at a time, in the order asked: two requests for the same question on the same
 *   day share one folder (fetch-literature.ts), which one writer at a time keeps whole, and a
 *   second fetch mostly finds the first one's parts saved. A request given up while it waits
 *   (its client left, its deadline passed) is dropped without reaching the service.
 */
export interface LiteratureFetcher {
  /** `literature.serverFetch`. */
  readonly enabled: boolean;
  fetch(request: { service: LiteratureServiceName; query: LiteratureQuery; actor: string }, signal?: AbortSignal): Promise<FetchIntoLibraryResult>;
}

export type LiteratureFetchContainer = Pick<Container, 'settings' | 'fetchDeps' | 'ingestDeps' | 'articles' | 'editorial'>;

export function literatureFetcherFor(container: LiteratureFetchContainer, options: { onServerError?: (error: unknown) => void } = {}): LiteratureFetcher {
  const enabled = container.settings.literature.serverFetch;
  const services = new Map<LiteratureServiceName, Promise<LiteratureService>>();
  const service = (name: LiteratureServiceName): Promise<LiteratureService> => {
    let made = services.get(name);
    if (!made) {
      // Bad settings (a malformed base URL) are not kept: the operator may fix them and restart.
      made = createLiteratureService(name, container.settings.literature).catch((error: unknown) => {
        services.delete(name);
        throw error;
      });
      services.set(name, made);
    }
    return made;
  };
  const onServerError = options.onServerError ?? (() => undefined);
  let queue: Promise<unknown> = Promise.resolve();

  return {
    enabled,
    fetch(request, signal) {
      if (!enabled) return Promise.reject(notEnabled());
      const run = async () =>
        fetchIntoLibrary(
          { service: await service(request.service), query: request.query, actor: request.actor },
          {
            fetch: container.fetchDeps(),
            ingest: container.ingestDeps(),
            recheck: async (actor) => {
              const report = await recheck(container.articles, actor);
              return { checked: report.checked, raised: report.raised.length };
            },
            audit: container.editorial.audit,
            onServerError,
          },
          signal,
        );
      const turn = queue.then(run, run);
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** What a server without `literature.serverFetch` answers: the feature is not there (404). */
export function notEnabled(): CitemedError {
  return new CitemedError('not-found', 'fetching from PubMed or Europe PMC is not enabled on this server', {
    hint: 'its operator can turn it on with the setting literature.serverFetch; or add records from a shell with `citemed fetch`',
  });
}
