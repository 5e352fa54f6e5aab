import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CitemedError } from '../../domain/errors.js';
import { EVIDENCE_LEVELS } from '../../domain/evidence-level.js';
import { parseEvidenceLevels, parseFormats, parseWholeNumber, parseYear, splitList, yearsInOrder } from '../../domain/filters.js';
import { SOURCE_FORMATS } from '../../domain/source.js';
import type { SearchFilters } from '../../ports/store.js';
import { requireSearchable } from '../../retrieval/searchable.js';
import type { RouteDeps } from '../context.js';
import { asResponse, ERROR_RESPONSES, HitSchema, parsedText } from '../schemas.js';

/**
 * The query string mirrors `citemed search`'s flags and is read by the same parsers, so
 * `level=guideline,systematic-review&from=2015` means what `--level … --from 2015` means.
 * Unknown parameters are refused rather than ignored: a misspelt filter would otherwise widen
 * the search without a word.
 */
const SearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(2_000).describe('a question or keywords'),
  limit: parsedText((v) => parseWholeNumber(v, 'limit', 1, 1_000)).optional().describe('passages to return, 1–1000 (default: search.limit)'),
  level: parsedText(parseEvidenceLevels).optional().describe(`evidence levels, comma-separated: ${EVIDENCE_LEVELS.join(', ')}`),
  type: z.string().transform(splitList).optional().describe('publication types, comma-separated, e.g. "Randomized Controlled Trial"'),
  collection: parsedText(parseFormats).optional().describe(`collections, comma-separated: ${SOURCE_FORMATS.join(', ')}`),
  from: parsedText((v) => parseYear(v, 'from')).optional().describe('only sources published in or after this year'),
  to: parsedText((v) => parseYear(v, 'to')).optional().describe('only sources published in or before this year'),
  explain: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional()
    .describe('include why each passage ranks where it does'),
});

const SearchResponse = z
  .looseObject({
    query: z.string(),
    plan: z.looseObject({}).describe('the query as read: terms, phrases, expansions and their weights'),
    notes: z.array(z.string()).describe('what to know about how the query was read'),
    candidates: z.number().describe('candidates the index returned for re-ranking'),
    hits: z.array(HitSchema),
  })
  .meta({ id: 'SearchResult' });

export const searchRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container, settings }) => {
  app.get(
    '/search',
    {
      config: { action: 'search' },
      schema: {
        summary: 'Find the passages that best answer a question',
        tags: ['search'],
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { q, limit, level, type, collection, from, to, explain } = request.query;
      if (settings.logQuestions) request.log.info({ q }, 'search');
      requireSearchable(q, 'search');
      if (!yearsInOrder(from, to)) throw new CitemedError('usage', `from ${from} is after to ${to}`, { hint: 'swap the two years' });
      const filters: SearchFilters = {
        ...(level ? { evidenceLevels: level } : {}),
        ...(type && type.length > 0 ? { publicationTypes: type } : {}),
        ...(collection ? { formats: collection } : {}),
        ...(from !== undefined ? { yearFrom: from } : {}),
        ...(to !== undefined ? { yearTo: to } : {}),
      };
      const result = await container.search(q, { filters, ...(limit === undefined ? {} : { limit }) });
      // The same fields as `citemed search --json`; explanations only when asked for (they are most of the bytes).
      const hits = explain ? result.hits : result.hits.map(({ explanation: _explanation, ...hit }) => hit);
      return asResponse(SearchResponse, { query: q, plan: result.plan, notes: result.notes, candidates: result.candidates, hits });
    },
  );
};
