import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { keyPrincipal, looksLikeApiKey, sessionPrincipal, type AccountsDeps } from '../accounts/accounts.js';
import { ANONYMOUS, type Account, type Principal } from '../domain/accounts.js';
import { CitemedError } from '../domain/errors.js';
import { decide, rolesFor, type Action, type AnonymousAccess } from '../domain/policy.js';
import type { ServerSettings } from './context.js';

/**
 * Who is asking, and may they. Every request gets a principal: an account through an API key
 * (`Authorization: Bearer cmk_…`) or a session cookie, or anonymous. Every route declares the
 * policy action it performs in its `config.action` (a route without one fails at start-up), and
 * one hook asks the policy (domain/policy.ts) before the request is read further: 401 for nobody
 * signed in, 403 for a role that may not.
 *
 * Browser sessions are protected from cross-site request forgery twice: the cookie is
 * SameSite=Strict, and every state-changing request made with it must echo the session's CSRF
 * token in `X-CSRF-Token` (the synchronizer-token pattern). API keys are not sent by browsers on
 * their own, so requests that carry one need no token.
 */
declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** The session's cookie token and CSRF token, when signed in through a browser session. */
    browserSession?: { token: string; csrfToken: string };
  }
  interface FastifyContextConfig {
    /** The policy action this route performs; 'public' for routes anyone may call (health, sign-in). */
    action?: Action | 'public';
    /**
     * Credentials are not read at all (liveness, readiness, metrics): a probe or scraper carrying a
     * stale API key or session must still get its answer, not 401. Only for routes that are 'public'.
     */
    ignoresCredentials?: true;
  }
}

export const SESSION_COOKIE = 'citemed_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installAuth(app: FastifyInstance, accounts: AccountsDeps, settings: ServerSettings): void {
  void app.register(cookie);
  // Set first thing in onRequest below; null only until then.
  app.decorateRequest<Principal | null>('principal', null);
  app.addHook('onRoute', (route) => {
    if (route.config?.action === undefined && !route.url.startsWith('/documentation')) {
      throw new Error(`route ${route.method} ${route.url} does not declare its policy action (config.action)`);
    }
    if (route.config?.ignoresCredentials && route.config.action !== 'public') {
      throw new Error(`route ${route.method} ${route.url} ignores credentials but is not public`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    request.principal = ANONYMOUS;
    if (request.routeOptions.config.ignoresCredentials) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const [scheme, value = ''] = authorization.split(/\s+/, 2);
      if (scheme?.toLowerCase() !== 'bearer' || !looksLikeApiKey(value)) {
        throw new CitemedError('unauthenticated', 'the Authorization header must be "Bearer cmk_…" with an API key', {
          hint: 'make a key with POST /api/v1/keys while signed in, or `citemed accounts key <username>`',
        });
      }
      const principal = await keyPrincipal(accounts, value);
      if (!principal) throw new CitemedError('unauthenticated', 'the API key is not valid: unknown, revoked, or its account is disabled');
      request.principal = principal;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token === undefined) return;
    const found = await sessionPrincipal(accounts, token);
    if (!found) {
      // Expired or signed out elsewhere: the browser should forget it.
      clearSessionCookie(reply, request, settings);
      return;
    }
    request.principal = found.principal;
    request.browserSession = { token, csrfToken: found.session.csrfToken };
    if (!SAFE_METHODS.has(request.method) && !sameToken(request.headers[CSRF_HEADER], found.session.csrfToken)) {
      throw new CitemedError('forbidden', `a signed-in browser request that changes something must carry the session's CSRF token in ${CSRF_HEADER}`, {
        hint: 'the token comes with signing in (POST /api/v1/session) and from GET /api/v1/session',
      });
    }
  });

}

/**
 * The policy check of every route, before its input is even read: an anonymous or unentitled
 * caller learns nothing about what a route would accept. Installed after the rate limits, so that
 * refused requests count against the caller too.
 */
export function installPolicy(app: FastifyInstance, settings: ServerSettings): void {
  const access: AnonymousAccess = settings.anonymous;
  app.addHook('onRequest', async (request) => {
    const action = request.routeOptions.config.action;
    if (action === undefined || action === 'public') return;
    requireAllowed(request.principal, action, access);
  });
}

/** Throws 401 or 403 unless the principal may perform the action. */
export function requireAllowed(principal: Principal, action: Action, access: AnonymousAccess): void {
  const decision = decide(principal, action, access);
  if (decision === 'unauthenticated') {
    throw new CitemedError('unauthenticated', 'sign in first: this needs an account', {
      hint: 'POST /api/v1/session with a username and password, or send an API key as "Authorization: Bearer cmk_…"',
    });
  }
  if (decision === 'forbidden') {
    throw new CitemedError('forbidden', `this needs one of these roles: ${rolesFor(action).join(', ')}`, {
      hint: 'an administrator can change an account\'s roles',
    });
  }
}

/** The signed-in account; for handlers behind an action anonymous visitors may not perform. */
export function accountOf(request: FastifyRequest): Account {
  if (request.principal.kind !== 'account') throw new CitemedError('unauthenticated', 'sign in first: this needs an account');
  return request.principal.account;
}

function sameToken(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function secure(request: FastifyRequest, settings: ServerSettings): boolean {
  const mode = settings.sessions.secureCookie;
  return mode === 'always' || (mode === 'auto' && request.protocol === 'https');
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, settings: ServerSettings, token: string, expiresAt: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(request, settings),
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, settings: ServerSettings): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secure(request, settings), path: '/' });
}
