import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CITE_FORMAT_FILES, CITE_FORMATS, formatReferences, type CiteFormat } from '../../articles/cite-formats.js';
import { publicVersion } from '../../articles/service.js';
import type { RouteDeps } from '../context.js';
import { ERROR_RESPONSES } from '../schemas.js';

/** The export links of an article: its references in each format, as the API serves them. */
export function referencesUrl(articleId: string, format: CiteFormat): string {
  return `/api/v1/articles/${encodeURIComponent(articleId)}/references?format=${format}`;
}

/**
 * An article's references as a file for reference managers: RIS, BibTeX or CSL-JSON. Those of the
 * version readers are shown (the approved one, else the current one), so an export never holds
 * references of text no reader can see.
 */
export const articleReferenceRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { articles } }) => {
  app.get(
    '/articles/:id/references',
    {
      config: { action: 'read-articles' },
      schema: {
        summary: "The references of the article's shown version, as a RIS, BibTeX or CSL-JSON download",
        tags: ['articles'],
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ format: z.enum(CITE_FORMATS).describe('ris, bibtex or csl-json') }).strict(),
        response: {
          200: {
            description: 'The file, as an attachment named after the article\'s slug',
            content: Object.fromEntries(CITE_FORMATS.map((format) => [CITE_FORMAT_FILES[format].contentType, { schema: z.string() }])),
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const { article, version } = await publicVersion(articles, request.params.id);
      const { format } = request.query;
      const file = CITE_FORMAT_FILES[format];
      return reply
        .code(200)
        .header('content-type', `${file.contentType}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="${fileName(article.slug)}.${file.extension}"`)
        .send(formatReferences(version.answer.references, format));
    },
  );
};

/** The slug as a file name: its URL-safe characters only (slugs are lower-case ASCII words already). */
function fileName(slug: string): string {
  const safe = slug.replace(/[^a-z0-9-]/gi, '');
  return safe === '' ? 'references' : safe;
}
