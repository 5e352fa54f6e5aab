import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../context.js';
import { HttpProblem } from '../errors.js';
import { METRICS_CONTENT_TYPE } from '../metrics.js';
import { ErrorBodySchema } from '../schemas.js';

/**
 * Operations routes, outside /api/v1 because orchestrators and scrapers expect them at the root:
 * liveness (the process answers), readiness (it can serve: the library answers and shutdown has
 * not begun), and metrics. They read no credentials (`ignoresCredentials`): a probe that sends a
 * stale API key or session cookie gets its answer, never 401.
 */
export const healthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container, metrics, state }) => {
  app.get(
    '/health',
    {
      config: { action: 'public', ignoresCredentials: true },
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { action: 'public', ignoresCredentials: true },
      schema: {
        summary: 'Readiness: the library answers and the server is not shutting down',
        tags: ['operations'],
        response: {
          200: z.object({ status: z.literal('ready'), sources: z.number(), passages: z.number() }),
          503: ErrorBodySchema,
        },
      },
    },
    async () => {
      if (state.closing) throw new HttpProblem(503, 'shutting-down', 'the server is shutting down');
      // corpusStats is what every search reads first, and cheap (cached until the library changes),
      // unlike stats(), whose counts by format and level scan the sources of a large library.
      try {
        const { sources, passages } = await container.store.corpusStats();
        return { status: 'ready' as const, sources, passages };
      } catch (error) {
        app.log.error({ err: error }, 'readiness check failed');
        throw new HttpProblem(503, 'not-ready', 'the library does not answer; the server operator can see why in its log');
      }
    },
  );

  app.get(
    '/metrics',
    {
      config: { action: 'public', ignoresCredentials: true },
      schema: {
        summary: 'Metrics in the Prometheus text format',
        tags: ['operations'],
        response: { 200: { content: { [METRICS_CONTENT_TYPE]: { schema: z.string() } } } },
      },
    },
    async (_request, reply) => reply.type(METRICS_CONTENT_TYPE).send(metrics.render()),
  );
};
