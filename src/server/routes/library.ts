import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SOURCE_FORMATS } from '../../domain/source.js';
import type { RouteDeps } from '../context.js';
import { asResponse, ERROR_RESPONSES, PostingsStateSchema } from '../schemas.js';

const counts = z.record(z.string(), z.number());

const LibraryStatsSchema = z
  .looseObject({
    sources: z.number(),
    passages: z.number(),
    byFormat: counts.describe(`sources per collection (${SOURCE_FORMATS.join(', ')})`),
    byEvidenceLevel: counts,
    byIntegrity: counts.describe('sources per retraction or correction status'),
    deletedIds: z.number().describe('records deleted by MEDLINE update files (kept as tombstones)'),
    vectors: z.array(z.object({ model: z.string(), count: z.number(), dimensions: z.number() })).describe('stored vectors for hybrid search, per embedding model'),
    files: z.object({ done: z.number(), running: z.number(), failed: z.number() }).describe('ingested files: finished, unfinished (resumable), failed'),
    lastIngestAt: z.string().optional(),
    sizeBytes: z.number().optional().describe('size of the library on disk'),
    postings: PostingsStateSchema.optional().describe('the postings index (`citemed index`), when one is built (SQLite only); administrators see more at /api/v1/library/postings-index'),
  })
  .meta({ id: 'LibraryStats', description: 'What the library holds, as `citemed stats --json` prints it (without the file\'s location).' });

/**
 * The library at a glance, for the web app's admin page and for monitoring: `citemed stats --json`
 * less its first line, which names the database file; where the server keeps it is its own
 * business. Readable by whoever may search, since it says nothing the search results do not.
 */
export const libraryRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { store } }) => {
  app.get(
    '/library',
    {
      config: { action: 'read-sources' },
      schema: {
        summary: 'What the library holds: sources and passages by collection, evidence level and retraction status; ingested files',
        tags: ['sources'],
        response: { 200: LibraryStatsSchema, ...ERROR_RESPONSES },
      },
    },
    async () => asResponse(LibraryStatsSchema, await store.stats()),
  );
};
