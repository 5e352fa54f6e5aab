import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CitemedError } from '../../domain/errors.js';
import { normalizeDoi, type Source } from '../../domain/source.js';
import type { RouteDeps } from '../context.js';
import { asResponse, ERROR_RESPONSES, PassageSchema } from '../schemas.js';

const SourceResponse = z
  .object({
    source: z
      .looseObject({ id: z.string(), title: z.string(), text: z.string() })
      .meta({ id: 'Source', description: 'Everything citable about the work, and its text (see domain/source.ts)' }),
    passages: z.array(PassageSchema),
  })
  .meta({ id: 'SourceWithPassages' });

/**
 * One source with its passages, as `citemed sources show --json` prints it. The id may be a
 * source id (pmid:…, pmc:…, doc:…), a bare PMID or PMCID, or a DOI (its slash percent-encoded
 * as %2F: `/api/v1/sources/10.1056%2FNEJMoa2034577`).
 */
export const sourceRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { store } }) => {
  app.get(
    '/sources/:id',
    {
      config: { action: 'read-sources' },
      schema: {
        summary: 'One source: citation, evidence level, retraction status, text and passages',
        tags: ['sources'],
        params: z.object({ id: z.string().min(1).max(500).describe('a source id, PMID, PMCID or DOI (slash as %2F)') }),
        response: { 200: SourceResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ref = request.params.id;
      const ids = await store.findSourceIds(normalizeDoi(ref) ?? ref);
      if (ids.length === 0) {
        throw new CitemedError('not-found', `no source "${ref}" in the library`, { hint: 'find ids with /api/v1/search; PMIDs, PMCIDs and DOIs work too' });
      }
      if (ids.length > 1) {
        throw new CitemedError('usage', `"${ref}" matches ${ids.length} sources: ${ids.slice(0, 10).join(', ')}`, { hint: 'give one of these ids' });
      }
      const id = ids[0]!;
      const source = await store.getSource(id);
      if (!source) throw new CitemedError('not-found', `source ${id} disappeared while reading`);
      return asResponse(SourceResponse, { source: withoutServerPaths(source), passages: await store.listPassages(id) });
    },
  );
};

/** The file a source was read from, by name only: where the server keeps its files is its own business. */
function withoutServerPaths(source: Source): Source {
  return { ...source, origin: { ...source.origin, path: path.basename(source.origin.path) } };
}
