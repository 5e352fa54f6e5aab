import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { literatureFetcherFor, notEnabled, type FetchIntoLibraryResult } from '../../config/literature-fetch.js';
import { CitemedError } from '../../domain/errors.js';
import { yearsInOrder } from '../../domain/filters.js';
import { accountOf } from '../auth.js';
import { Cancellation } from '../cancellation.js';
import type { RouteDeps } from '../context.js';
import { ErrorBodySchema, ERROR_RESPONSES, LiteratureFetchRequestSchema, LiteratureFetchSchema } from '../schemas.js';
import { logServerError } from '../errors.js';

/**
 * Fetching from PubMed or Europe PMC at an editor's request (`literature.serverFetch`, off by
 * default): what `citemed fetch` does, then the saved records ingested and the living articles
 * re-checked, so the question that found too little can be asked again. Off, the route answers
 * 404 before it reads the body, as routes of features a server lacks do (the postings index on
 * PostgreSQL). It counts as an ask (rate limits) and runs under the answers' deadline
 * (`server.answerTimeoutMs`); a client that leaves stops the fetch, which keeps what it saved.
 */
export const literatureRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container, settings }) => {
  const fetcher = container.literatureFetcher ?? literatureFetcherFor(container, { onServerError: (error) => logServerError(app.log, error) });

  app.post(
    '/literature/fetch',
    {
      config: { action: 'fetch-literature' },
      // After the policy (401, 403), before the body is read: a server without the feature says so whatever was sent.
      preValidation: async () => {
        if (!fetcher.enabled) throw notEnabled();
      },
      schema: {
        summary: 'Search PubMed or Europe PMC, add the records found to the library, and say what changed (literature.serverFetch; editors)',
        tags: ['sources'],
        body: LiteratureFetchRequestSchema,
        response: { 200: LiteratureFetchSchema, ...ERROR_RESPONSES, 502: ErrorBodySchema, 504: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const { service, query, max, fromYear, toYear } = request.body;
      if (!yearsInOrder(fromYear, toYear)) {
        throw new CitemedError('usage', `fromYear ${fromYear} is after toYear ${toYear}`, { hint: 'swap the two years' });
      }
      if (settings.logQuestions) request.log.info({ service, query }, 'literature fetch');
      const actor = accountOf(request).id;
      const cancellation = new Cancellation(reply, settings.answerTimeoutMs);
      try {
        const result = await cancellation.run(
          fetcher.fetch(
            { service, actor, query: { query, max, ...(fromYear === undefined ? {} : { fromYear }), ...(toYear === undefined ? {} : { toYear }) } },
            cancellation.signal,
          ),
        );
        return present(result);
      } finally {
        cancellation.dispose();
      }
    },
  );
};

function present(result: FetchIntoLibraryResult) {
  const { translation, ...rest } = result;
  return { ...rest, translation: translation ?? null };
}
