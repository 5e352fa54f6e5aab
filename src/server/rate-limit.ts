import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './errors.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { ServerSettings } from './context.js';

/**
 * Token buckets per client address: each address may make `perMinute` requests a minute, with
 * bursts up to the same number, refilled continuously. Asking is costlier than reading (retrieval,
 * composition, verification, perhaps a paid model), so it has a bucket of its own. Health,
 * readiness and metrics are never limited: monitors must always get through.
 *
 * Per API key for requests that carry one (a program gets its own budget, with its own settings),
 * per address for the rest. Clients are kept in a bounded map, least recently seen forgotten
 * first, so a flood of addresses cannot grow memory.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly maxClients: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `client`; returns 0 when allowed, else the seconds until one is free. */
  take(client: string): number {
    const now = this.now();
    const rate = this.perMinute / 60_000; // tokens per ms
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    // Re-inserting moves the client to the end: the first key is the least recently seen.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / rate / 1000);
  }

  get clients(): number {
    return this.buckets.size;
  }
}

const UNLIMITED = new Set(['/health', '/ready', '/metrics']);

/**
 * One process's buckets in memory, a TokenBuckets per budget; bucket names carry their kind
 * ("asks:10.0.0.1"), so kinds with the same budget never share a bucket.
 */
export function createMemoryRateLimiter(maxClients: number, now?: () => number): RateLimiter {
  const byBudget = new Map<number, TokenBuckets>();
  return {
    async take(bucket, perMinute) {
      let buckets = byBudget.get(perMinute);
      if (!buckets) byBudget.set(perMinute, (buckets = new TokenBuckets(perMinute, maxClients, now)));
      return buckets.take(bucket);
    },
  };
}

/**
 * `limiter`: where the buckets are kept; this process's memory unless the container shares them
 * through the database (several server processes on one PostgreSQL library).
 */
export function installRateLimits(app: FastifyInstance, settings: ServerSettings['rateLimit'], limiter: RateLimiter): void {
  if (!settings.enabled) return;
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (UNLIMITED.has(path)) return;
    // Auth ran first (app.ts): a request with a valid API key counts against the key, the rest against the address.
    const keyId = request.principal?.kind === 'account' ? request.principal.keyId : undefined;
    const [kind, client, who, perMinute, asksPerMinute] = keyId
      ? ['key', keyId, 'this API key', settings.keyRequestsPerMinute, settings.keyAsksPerMinute]
      : ['address', request.ip, 'this address', settings.requestsPerMinute, settings.asksPerMinute];
    // By route pattern, not path: "/api/v1/sessio%6E" reaches the sign-in route too.
    const route = request.routeOptions.url ?? '';
    const checksPassword = request.method === 'POST' && PASSWORD_CHECKS.has(route);
    const waits = await Promise.all([
      limiter.take(`${kind}-requests:${client}`, perMinute),
      isAsk(request.method, route) ? limiter.take(`${kind}-asks:${client}`, asksPerMinute) : 0,
      checksPassword ? limiter.take(`sign-ins:${request.ip}`, settings.signInsPerMinute) : 0,
    ]);
    const wait = Math.max(...waits);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new HttpProblem(429, 'rate-limited', `too many requests from ${who}; try again in ${wait} s`);
    }
  });
}

/**
 * Routes that check a password, and so draw on the address's sign-in bucket: signing in, and
 * changing one's own password (which checks the current one), so that neither guesses faster.
 */
const PASSWORD_CHECKS = new Set(['/api/v1/session', '/api/v1/me/password']);

/**
 * Routes that compose an answer: asking, publishing an article, and making a version (a
 * regeneration asks again). Starting a thread counts too: threads are kept up to a number
 * (`server.threads.maxThreads`) and the oldest give way, so a client creating them at the
 * request rate could push everyone else's out within minutes. So does a fetch from PubMed or
 * Europe PMC: seconds of the service's requests (which it limits per client) and an ingest.
 */
function isAsk(method: string, route: string): boolean {
  return (
    method === 'POST' &&
    (route.endsWith('/ask') || route.endsWith('/articles') || route.endsWith('/versions') || route === '/api/v1/threads' || route === '/api/v1/literature/fetch')
  );
}
