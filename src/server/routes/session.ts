import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { signIn, signOut } from '../../accounts/accounts.js';
import type { Account, Principal } from '../../domain/accounts.js';
import { decide } from '../../domain/policy.js';
import { clearSessionCookie, setSessionCookie } from '../auth.js';
import type { RouteDeps } from '../context.js';
import { AccountSchema, asResponse, ERROR_RESPONSES } from '../schemas.js';

const SessionResponse = z
  .object({
    signedIn: z.boolean(),
    account: AccountSchema.optional(),
    csrfToken: z.string().optional().describe("send it back as X-CSRF-Token on every signed-in request that changes something"),
    expiresAt: z.string().optional(),
    literatureFetch: z
      .boolean()
      .describe('whether this account may ask the server to search PubMed or Europe PMC (POST /api/v1/literature/fetch): the server allows it (literature.serverFetch) and the account\'s role does'),
  })
  .meta({ id: 'Session' });

/** The account as its holder and administrators see it. */
export function accountView(account: Account) {
  return asResponse(AccountSchema, account);
}

/**
 * Browser sign-in: a username and password give a session cookie (HttpOnly, SameSite=Strict,
 * Secure over HTTPS) and the CSRF token the browser sends back on changes. Programs use API keys.
 */
export const sessionRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { accounts, settings: all }, settings }) => {
  /** What the web app offers: a button the server would refuse is not shown. */
  const literatureFetch = (principal: Principal) => all.literature.serverFetch && principal.kind === 'account' && decide(principal, 'fetch-literature', settings.anonymous) === 'allow';

  app.post(
    '/session',
    {
      config: { action: 'public' },
      schema: {
        summary: 'Sign in with a username and password (sets the session cookie)',
        tags: ['accounts'],
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict(),
        response: { 200: SessionResponse, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { token, session, account } = await signIn(accounts, request.body.username, request.body.password);
      setSessionCookie(reply, request, settings, token, session.expiresAt);
      const principal: Principal = { kind: 'account', via: 'session', account };
      return { signedIn: true, account: accountView(account), csrfToken: session.csrfToken, expiresAt: session.expiresAt, literatureFetch: literatureFetch(principal) };
    },
  );

  app.get(
    '/session',
    {
      config: { action: 'public' },
      schema: { summary: 'Who is signed in, and the CSRF token of the session', tags: ['accounts'], response: { 200: SessionResponse, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const { principal, browserSession } = request;
      if (principal.kind !== 'account') return { signedIn: false, literatureFetch: false };
      return {
        signedIn: true,
        account: accountView(principal.account),
        ...(browserSession ? { csrfToken: browserSession.csrfToken } : {}),
        literatureFetch: literatureFetch(principal),
      };
    },
  );

  app.delete(
    '/session',
    {
      config: { action: 'public' },
      schema: { summary: 'Sign out (ends the session and clears its cookie)', tags: ['accounts'], response: { 204: z.null(), ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { principal, browserSession } = request;
      if (browserSession && principal.kind === 'account') await signOut(accounts, browserSession.token, principal.account.id);
      clearSessionCookie(reply, request, settings);
      return reply.code(204).send(null);
    },
  );
};
