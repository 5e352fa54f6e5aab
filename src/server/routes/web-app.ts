import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { RouteDeps } from '../context.js';

/**
 * The web app (web/, built by Vite into web/dist): index.html for the app's pages, and the hashed
 * assets it loads. Everything is read into memory when the server starts (a few hundred KB), so a
 * request can only ever get one of those files: no path from the URL reaches the disk.
 * Without a build, the app's pages say how to make one; the API and article pages work regardless.
 */
export const APP_PAGES = ['/', '/ask', '/articles', '/review', '/review/*', '/admin', '/signin'] as const;

/** Scripts and styles from this origin only; the API on the same origin; nothing else. */
export const APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  body: Buffer;
  type: string;
}

function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else assets.set(`/${path.relative(dir, full).split(path.sep).join('/')}`, { body: readFileSync(full), type: TYPES[path.extname(name)] ?? 'application/octet-stream' });
    }
  };
  walk(dir);
  return assets;
}

export function webAppRoutes(webDir: string): FastifyPluginAsync<RouteDeps> {
  return async (app) => {
    const assets = existsSync(path.join(webDir, 'index.html')) ? readAssets(webDir) : new Map<string, Asset>();
    const index = assets.get('/index.html');

    const sendIndex = (reply: FastifyReply) => {
      if (!index) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The web app is not built. Run `npm run build` (or `npm run quickstart`) and restart `citemed serve`. The API (/api/v1) and article pages (/articles/<id>) work without it.');
      }
      // The page itself is never cached, so a new build shows at once; its assets are.
      return reply.type(index.type).header('content-security-policy', APP_CSP).header('cache-control', 'no-cache').send(index.body);
    };

    for (const page of APP_PAGES) app.get(page, { config: { action: 'public' }, schema: { hide: true } }, async (_request, reply) => sendIndex(reply));

    app.get('/assets/*', { config: { action: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const asset = assets.get(request.url.split('?')[0] ?? '');
      if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('no such asset');
      // Vite puts a content hash in every asset's name: it never changes under the same URL.
      return reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
    });
  };
}
