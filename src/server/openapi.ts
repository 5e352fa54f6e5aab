import type { RouteOptions } from 'fastify';
import type { SwaggerTransform } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ANONYMOUS } from '../domain/accounts.js';
import { decide, type AnonymousAccess } from '../domain/policy.js';
import { SESSION_COOKIE } from './auth.js';
import { ErrorBodySchema } from './schemas.js';

/**
 * How /openapi.json says who may call what: the three credentials auth.ts reads, and on every
 * operation the `security` that follows from its policy action (config.action) and this server's
 * anonymous access (server.anonymous), so the document matches what the server will answer.
 */
export const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'cmk_…',
    description: 'An API key, "Authorization: Bearer cmk_…": POST /api/v1/keys while signed in, or `citemed accounts key <username>`.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The browser session cookie set by POST /api/v1/session (HttpOnly, SameSite=Strict).',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description: `The session's CSRF token (from POST or GET /api/v1/session): required with the session cookie on every request that is not GET, HEAD or OPTIONS. Not needed with an API key.`,
  },
} as const;

type SecurityRequirement = Record<string, string[]>;

/** The document's default: an account, through a key or a session. Operations override it. */
export const SIGNED_IN: SecurityRequirement[] = [{ apiKey: [] }, { session: [] }];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who may call a route: nobody needs credentials ([]), credentials are optional ({} first), or needed. */
export function securityOf(route: Pick<RouteOptions, 'method' | 'config'>, anonymous: AnonymousAccess): SecurityRequirement[] {
  const { action, ignoresCredentials } = route.config ?? {};
  if (ignoresCredentials) return [];
  const methods = [route.method].flat();
  const session: SecurityRequirement = methods.every((m) => SAFE_METHODS.has(m)) ? { session: [] } : { session: [], csrfToken: [] };
  const signedIn = [{ apiKey: [] }, session];
  const open = action === 'public' || (action !== undefined && decide(ANONYMOUS, action, anonymous) === 'allow');
  return open ? [{}, ...signedIn] : signedIn;
}

/**
 * jsonSchemaTransform, after adding each operation's `security` and the errors the server answers
 * before any route runs: 413 and 415 for routes that read a body (server.bodyLimitBytes; JSON only).
 */
export function openApiTransform(anonymous: AnonymousAccess): SwaggerTransform {
  return (document) => {
    const { schema, route } = document;
    if (!schema || (schema as { hide?: boolean }).hide) return jsonSchemaTransform(document);
    const extra: Record<string, unknown> = { security: securityOf(route, anonymous) };
    const response = (schema as { response?: Record<string, unknown> }).response;
    if (schema.body !== undefined && response !== undefined) {
      extra.response = { ...response, 413: ErrorBodySchema, 415: ErrorBodySchema };
    }
    return jsonSchemaTransform({ ...document, schema: { ...schema, ...extra } });
  };
}
