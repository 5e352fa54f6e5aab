import { fileURLToPath } from 'node:url';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { RouteDeps, ServerContainer, ServerSettings } from './context.js';
import { clientErrorHandler, frameworkErrorHandler, HttpProblem, installErrorHandlers, MAX_PARAM_LENGTH } from './errors.js';
import { LOG_SERIALIZERS, PrivateLogController, routeOf } from './logging.js';
import { ServerMetrics } from './metrics.js';
import { createMemoryRateLimiter, installRateLimits } from './rate-limit.js';
import { installSecurityHeaders } from './security.js';
import { installAuth, installPolicy } from './auth.js';
import { openApiTransform, SECURITY_SCHEMES, SIGNED_IN } from './openapi.js';
import { accountRoutes } from './routes/accounts.js';
import { articleReferenceRoutes } from './routes/article-references.js';
import { articleRoutes } from './routes/articles.js';
import { askRoutes } from './routes/ask.js';
import { auditRoutes } from './routes/audit.js';
import { pageRoutes } from './routes/pages.js';
import { postingsIndexRoutes } from './routes/postings-index.js';
import { peopleRoutes } from './routes/people.js';
import { webAppRoutes } from './routes/web-app.js';
import { sessionRoutes } from './routes/session.js';
import { healthRoutes } from './routes/health.js';
import { ingestJobRoutes } from './routes/ingest-jobs.js';
import { libraryRoutes } from './routes/library.js';
import { literatureRoutes } from './routes/literature.js';
import { searchRoutes } from './routes/search.js';
import { sourceRoutes } from './routes/sources.js';
import { threadRoutes } from './routes/threads.js';

/**
 * The HTTP API: citemed's use cases (search, ask, sources, follow-up threads) over JSON, with
 * health, readiness and metrics for operations and an OpenAPI document generated from the same
 * zod schemas that validate requests. It does not listen: `listen.ts` (and `citemed serve`) does,
 * and tests call `app.inject()`. The container stays the caller's to close.
 */
export interface ServerOptions {
  /** Where log lines (JSON, one per line) go; none: no log. `citemed serve` passes stderr. */
  log?: { write(line: string): void };
  metrics?: ServerMetrics;
  /** Clock for rate limits, in ms; tests pass their own. */
  now?: () => number;
}

export const API_PREFIX = '/api/v1';

export function createServer(container: ServerContainer, settings: ServerSettings, options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({
    trustProxy: settings.trustProxy,
    bodyLimit: settings.bodyLimitBytes,
    requestTimeout: settings.requestTimeoutMs,
    // Request lines without query strings or bodies (logging.ts); fastify's own would include the URL.
    logController: new PrivateLogController(),
    logger: options.log && settings.logLevel !== 'silent' ? { level: settings.logLevel, stream: options.log, serializers: LOG_SERIALIZERS } : false,
    // Our onRequest hook answers during shutdown, in the error shape and with the security headers.
    return503OnClosing: false,
    // Ids longer than fastify's 100 characters: a DOI percent-encoded in /api/v1/sources/:id.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // What the router and Node's HTTP parser refuse, in the error shape and with the security headers too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  // The API speaks JSON: a text/plain body is refused (415) rather than read as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const deps: RouteDeps = { container, settings, metrics: options.metrics ?? new ServerMetrics(), state: { closing: false } };
  installSecurityHeaders(app);
  installErrorHandlers(app);
  installRequestAccounting(app, deps);
  // Authentication before rate limits: a request with an API key is limited per key.
  installAuth(app, container.accounts, settings);
  installRateLimits(app, settings.rateLimit, container.rateLimiter ?? createMemoryRateLimiter(settings.rateLimit.maxClients, options.now));
  installPolicy(app, settings);

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'citemed API',
        version: '1',
        description:
          'Clinical evidence search, cited and verified answers, and articles reviewed by a medical review board. ' +
          'Sign in for a session (browsers; send X-CSRF-Token on changes) or send an API key as "Authorization: Bearer cmk_…". See docs/api.md.',
      },
      tags: [
        { name: 'search', description: 'Passages that answer a question' },
        { name: 'answers', description: 'Cited, verified answers' },
        { name: 'threads', description: 'Follow-up questions' },
        { name: 'sources', description: 'The library' },
        { name: 'articles', description: 'Published answers, versions and the review workflow' },
        { name: 'accounts', description: 'Signing in, accounts, API keys, the audit log' },
        { name: 'operations', description: 'Health, readiness, metrics' },
      ],
      components: { securitySchemes: SECURITY_SCHEMES },
      security: SIGNED_IN,
    },
    transform: openApiTransform(settings.anonymous),
    transformObject: jsonSchemaTransformObject,
  });
  // Routes are registered as plugins after swagger, so its route hook sees every one of them.
  void app.register(async (root) => {
    root.get('/openapi.json', { config: { action: 'public' }, schema: { hide: true } }, async () => root.swagger());
  });
  void app.register(healthRoutes, deps);
  void app.register(pageRoutes, deps);
  void app.register(webAppRoutes(settings.webDir === '' ? fileURLToPath(new URL('../../web/dist', import.meta.url)) : settings.webDir), deps);
  for (const routes of [searchRoutes, askRoutes, threadRoutes, sourceRoutes, sessionRoutes, accountRoutes, peopleRoutes, articleRoutes, auditRoutes, libraryRoutes, postingsIndexRoutes, ingestJobRoutes, articleReferenceRoutes, literatureRoutes]) {
    void app.register(routes, { ...deps, prefix: API_PREFIX });
  }
  return app;
}

/**
 * Per-request bookkeeping: metrics by route pattern, and shutdown. Once shutdown has begun, new
 * requests on connections still open get 503, and responses say "Connection: close" so clients
 * do not reuse them (listen.ts closes the connections that fall idle).
 */
function installRequestAccounting(app: FastifyInstance, { metrics, state }: RouteDeps): void {
  app.addHook('preClose', async () => {
    state.closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    metrics.inFlight += 1;
    reply.raw.once('close', () => (metrics.inFlight -= 1));
    if (state.closing) throw new HttpProblem(503, 'shutting-down', 'the server is shutting down; try again shortly');
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (state.closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, routeOf(request), reply.statusCode, reply.elapsedTime / 1000);
  });
}
