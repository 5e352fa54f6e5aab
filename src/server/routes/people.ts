import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../domain/accounts.js';
import type { RouteDeps } from '../context.js';
import { ERROR_RESPONSES } from '../schemas.js';

const PersonSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    credentials: z.string().optional(),
    roles: z.array(z.enum(ROLES)),
  })
  .meta({ id: 'Person', description: 'An account as colleagues see it: who wrote a version, commented, decided.' });

/**
 * Names for the ids in versions, comments and decisions, for editors and reviewers: the workspace
 * shows "Dr Rita Ruiz, MD" rather than an account id. Usernames, status and dates stay with the
 * administrators' account list.
 */
export const peopleRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { accounts } }) => {
  app.get(
    '/people',
    {
      config: { action: 'read-workspace' },
      schema: { summary: 'Display names of the accounts (editors and reviewers)', tags: ['accounts'], response: { 200: z.object({ people: z.array(PersonSchema) }), ...ERROR_RESPONSES } },
    },
    async () => ({
      people: (await accounts.store.list()).map((a) => ({ id: a.id, displayName: a.displayName, roles: a.roles, ...(a.credentials ? { credentials: a.credentials } : {}) })),
    }),
  );
};
