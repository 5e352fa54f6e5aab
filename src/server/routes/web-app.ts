import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../context.js';

/**
 * The web app (web/, built by Vite into web/dist): index.html for the app's pages, and the hashed
 * assets it loads. Everything is read into memory when the server starts (a few hundred KB), so a
 * request can only ever get one of those files: no path from the URL reaches the disk.
 * Without a build, the app's pages say how to make one; the API and article pages work regardless.
 * The build writes brotli and gzip copies beside its text files (web/vite.config.ts): a browser
 * that accepts one gets it (the script is about a quarter of its size in brotli), any other the plain file.
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

/** Content codings the build writes, in order of preference when a browser accepts both equally. */
const ENCODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const;
export type Encoding = (typeof ENCODINGS)[number][0];

interface Asset {
  body: Buffer;
  type: string;
  /** The same bytes compressed, as the build wrote them beside the file. */
  encoded: Partial<Record<Encoding, Buffer>>;
}

function readAssets(dir: string): Map<string, Asset> {
  const files = new Map<string, Buffer>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(`/${path.relative(dir, full).split(path.sep).join('/')}`, readFileSync(full));
    }
  };
  walk(dir);
  const assets = new Map<string, Asset>();
  for (const [name, body] of files) {
    // A compressed copy is served in place of its file, never under a URL of its own.
    if (ENCODINGS.some(([, suffix]) => name.endsWith(suffix) && files.has(name.slice(0, -suffix.length)))) continue;
    const encoded: Asset['encoded'] = {};
    for (const [encoding, suffix] of ENCODINGS) {
      const copy = files.get(name + suffix);
      if (copy) encoded[encoding] = copy;
    }
    assets.set(name, { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', encoded });
  }
  return assets;
}

/**
 * The coding to send from those `available`, by the request's Accept-Encoding (RFC 9110 §12.5.3):
 * the highest q-value above 0, an explicit one before `*`, brotli before gzip at equal q; none
 * when the browser accepts neither (the plain file is sent).
 */
export function chooseEncoding(acceptEncoding: string | undefined, available: readonly Encoding[]): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [token = '', ...params] = part.split(';').map((p) => p.trim());
    const weight = params.find((p) => p.startsWith('q='));
    const value = weight === undefined ? 1 : Number(weight.slice(2));
    if (token !== '') q.set(token, Number.isFinite(value) ? value : 0);
  }
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const [encoding] of ENCODINGS) {
    if (!available.includes(encoding)) continue;
    const weight = q.get(encoding) ?? q.get('*') ?? 0;
    if (weight > bestQ) [best, bestQ] = [encoding, weight];
  }
  return best;
}

/** The asset, compressed when the browser accepts a coding the build wrote. */
function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  const available = ENCODINGS.map(([encoding]) => encoding).filter((encoding) => asset.encoded[encoding]);
  // Caches must keep the plain and the compressed bytes apart.
  if (available.length > 0) reply.header('vary', 'accept-encoding');
  const encoding = chooseEncoding(request.headers['accept-encoding'], available);
  const body = encoding ? asset.encoded[encoding] : undefined;
  if (encoding && body) return reply.header('content-encoding', encoding).send(body);
  return reply.send(asset.body);
}

export function webAppRoutes(webDir: string): FastifyPluginAsync<RouteDeps> {
  return async (app) => {
    const assets = existsSync(path.join(webDir, 'index.html')) ? readAssets(webDir) : new Map<string, Asset>();
    const index = assets.get('/index.html');

    const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
      if (!index) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The web app is not built. Run `npm run build` (or `npm run quickstart`) and restart `citemed serve`. The API (/api/v1) and article pages (/articles/<id>) work without it.');
      }
      // The page itself is never cached, so a new build shows at once; its assets are.
      return sendAsset(request, reply.type(index.type).header('content-security-policy', APP_CSP).header('cache-control', 'no-cache'), index);
    };

    for (const page of APP_PAGES) app.get(page, { config: { action: 'public' }, schema: { hide: true } }, async (request, reply) => sendIndex(request, reply));

    app.get('/assets/*', { config: { action: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const asset = assets.get(request.url.split('?')[0] ?? '');
      if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('no such asset');
      // Vite puts a content hash in every asset's name: it never changes under the same URL.
      return sendAsset(request, reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable'), asset);
    });
  };
}
