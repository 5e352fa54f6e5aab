import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AUDIT_SUBJECTS } from '../../domain/audit.js';
import type { RouteDeps } from '../context.js';
import { ERROR_RESPONSES } from '../schemas.js';

const AuditEntrySchema = z
  .object({
    seq: z.number(),
    at: z.string(),
    actor: z.string().describe('an account id, or "system"'),
    action: z.string(),
    subjectType: z.enum(AUDIT_SUBJECTS),
    subjectId: z.string(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'AuditEntry' });

/**
 * The audit log, for administrators: read only. There is deliberately no route that writes,
 * edits or deletes an entry; changes write their own entries as they happen.
 */
export const auditRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { editorial } }) => {
  app.get(
    '/audit',
    {
      config: { action: 'read-audit' },
      schema: {
        summary: 'Every change of state, oldest first (page forward with after=<last seq>) or newest first (order=newest, page back with before=<last seq>)',
        tags: ['accounts'],
        querystring: z
          .object({
            subjectType: AuditEntrySchema.shape.subjectType.optional(),
            subjectId: z.string().max(64).optional(),
            actor: z.string().max(64).optional(),
            after: z.coerce.number().int().min(0).optional(),
            before: z.coerce.number().int().min(1).optional(),
            order: z.enum(['oldest', 'newest']).default('oldest'),
            limit: z.coerce.number().int().min(1).max(1_000).default(100),
          })
          .strict(),
        response: { 200: z.object({ entries: z.array(AuditEntrySchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { subjectType, subjectId, actor, after, before, order, limit } = request.query;
      return {
        entries: await editorial.audit.list({
          ...(subjectType ? { subjectType } : {}),
          ...(subjectId ? { subjectId } : {}),
          ...(actor ? { actor } : {}),
          ...(after !== undefined ? { afterSeq: after } : {}),
          ...(before !== undefined ? { beforeSeq: before } : {}),
          order,
          limit,
        }),
      };
    },
  );
};
