import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicVersion, statusLine } from '../../articles/service.js';
import type { RouteDeps } from '../context.js';
import { renderArticlePage, renderEditorialPolicy } from '../pages/article-page.js';
import { FAVICON_SVG } from '../pages/favicon.js';
import { PAGE_CSP } from '../pages/html.js';
import { articleUrl } from './articles.js';

const Params = z.object({ id: z.string().min(1).max(64) });

/**
 * Server-rendered pages: an article at /articles/<id>/<slug> (readable without JavaScript, so it
 * can be shared, indexed and printed) and the editorial policy. A link with an outdated or missing
 * slug is redirected to the current one; the id alone finds the article.
 */
export const pageRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { articles }, settings }) => {
  const show = async (id: string, slug: string | undefined, reply: import('fastify').FastifyReply) => {
    const found = await publicVersion(articles, id);
    if (slug !== found.article.slug) return reply.redirect(articleUrl(found.article), 301);
    const html = renderArticlePage({ ...found, statusLine: statusLine(found.article, found.reviewed), editorialPolicyUrl: settings.editorialPolicyUrl });
    // Pages may be cached briefly by the browser, never by shared caches: status changes must show.
    return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'private, max-age=60').send(html);
  };

  app.get(
    '/articles/:id/:slug',
    { config: { action: 'read-articles' }, schema: { hide: true, params: Params.extend({ slug: z.string().max(200) }) } },
    async (request, reply) => show(request.params.id, request.params.slug, reply),
  );
  app.get('/articles/:id', { config: { action: 'read-articles' }, schema: { hide: true, params: Params } }, async (request, reply) =>
    show(request.params.id, undefined, reply),
  );
  // Browsers ask for /favicon.ico on their own; the pages link the SVG.
  app.get('/favicon.svg', { config: { action: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG),
  );
  app.get('/favicon.ico', { config: { action: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/favicon.svg', 301));
  app.get('/editorial-policy', { config: { action: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).header('cache-control', 'public, max-age=3600').send(renderEditorialPolicy()),
  );
};
