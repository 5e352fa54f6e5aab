import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePassword, createAccount, createApiKey, revokeApiKey, updateAccount } from '../../accounts/accounts.js';
import { ROLES } from '../../domain/accounts.js';
import { decide } from '../../domain/policy.js';
import { CitemedError } from '../../domain/errors.js';
import { accountOf, requireAllowed } from '../auth.js';
import type { RouteDeps } from '../context.js';
import { AccountSchema, ApiKeySchema, ERROR_RESPONSES } from '../schemas.js';
import { accountView } from './session.js';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const Roles = z.array(z.enum(ROLES)).min(1).max(ROLES.length);

/**
 * Accounts (administrators), one's own account and password, and API keys (one's own; an
 * administrator's, anyone's). Secrets never come back: a key's is shown once, when it is made.
 */
export const accountRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { accounts }, settings }) => {
  app.get(
    '/me',
    { config: { action: 'read-self' }, schema: { summary: 'The signed-in account', tags: ['accounts'], response: { 200: AccountSchema, ...ERROR_RESPONSES } } },
    async (request) => accountView(accountOf(request)),
  );

  app.post(
    '/me/password',
    {
      config: { action: 'read-self' },
      schema: {
        summary: 'Change your own password (signs out your other sessions)',
        tags: ['accounts'],
        body: z.object({ current: z.string().min(1).max(256), password: z.string().min(1).max(256) }).strict(),
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const me = accountOf(request);
      await changePassword(accounts, me.id, me.id, request.body.password, request.body.current);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/accounts',
    {
      config: { action: 'manage-accounts' },
      schema: { summary: 'Every account', tags: ['accounts'], response: { 200: z.object({ accounts: z.array(AccountSchema) }), ...ERROR_RESPONSES } },
    },
    async () => ({ accounts: (await accounts.store.list()).map(accountView) }),
  );

  app.post(
    '/accounts',
    {
      config: { action: 'manage-accounts' },
      schema: {
        summary: 'Make an account',
        tags: ['accounts'],
        body: z
          .object({
            username: z.string().min(1).max(64),
            displayName: z.string().min(1).max(200),
            roles: Roles,
            credentials: z.string().max(300).optional(),
            password: z.string().min(1).max(256),
          })
          .strict(),
        response: { 201: AccountSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { credentials, ...rest } = request.body;
      const account = await createAccount(accounts, accountOf(request).id, { ...rest, ...(credentials !== undefined ? { credentials } : {}) });
      return reply.code(201).send(accountView(account));
    },
  );

  app.patch(
    '/accounts/:id',
    {
      config: { action: 'manage-accounts' },
      schema: {
        summary: "Change an account's name, roles, credentials or status",
        tags: ['accounts'],
        params: IdParams,
        body: z
          .object({
            displayName: z.string().min(1).max(200).optional(),
            roles: Roles.optional(),
            credentials: z.string().max(300).nullable().optional(),
            disabled: z.boolean().optional(),
          })
          .strict(),
        response: { 200: AccountSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const me = accountOf(request);
      const { displayName, roles, credentials, disabled } = request.body;
      if (request.params.id === me.id && (disabled === true || (roles && !roles.includes('admin')))) {
        throw new CitemedError('conflict', 'an administrator cannot disable their own account or drop their own admin role', {
          hint: 'another administrator can',
        });
      }
      const account = await updateAccount(accounts, me.id, request.params.id, {
        ...(displayName !== undefined ? { displayName } : {}),
        ...(roles !== undefined ? { roles } : {}),
        ...(credentials !== undefined ? { credentials } : {}),
        ...(disabled !== undefined ? { disabled } : {}),
      });
      return accountView(account);
    },
  );

  app.get(
    '/keys',
    {
      config: { action: 'manage-own-keys' },
      schema: {
        summary: 'Your API keys (an administrator may ask for every key with all=true)',
        tags: ['accounts'],
        querystring: z.object({ all: z.enum(['true', 'false']).default('false') }).strict(),
        response: { 200: z.object({ keys: z.array(ApiKeySchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const me = accountOf(request);
      if (request.query.all === 'true') requireAllowed(request.principal, 'manage-all-keys', settings.anonymous);
      return { keys: await accounts.store.listKeys(request.query.all === 'true' ? undefined : me.id) };
    },
  );

  app.post(
    '/keys',
    {
      config: { action: 'manage-own-keys' },
      schema: {
        summary: 'Make an API key for yourself; its secret is in this response only',
        tags: ['accounts'],
        body: z.object({ name: z.string().min(1).max(100) }).strict(),
        response: {
          201: z.object({ key: ApiKeySchema, token: z.string().describe('send as "Authorization: Bearer <token>"; it is not shown again') }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const me = accountOf(request);
      return reply.code(201).send(await createApiKey(accounts, me.id, me.id, request.body.name));
    },
  );

  app.delete(
    '/keys/:id',
    {
      config: { action: 'manage-own-keys' },
      schema: { summary: 'Revoke an API key (yours; an administrator, anyone\'s)', tags: ['accounts'], params: IdParams, response: { 200: ApiKeySchema, ...ERROR_RESPONSES } },
    },
    async (request) => revokeApiKey(accounts, accountOf(request).id, request.params.id, decide(request.principal, 'manage-all-keys', settings.anonymous) === 'allow'),
  );
};
