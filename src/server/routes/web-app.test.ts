import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDeps } from '../context.js';
import { chooseEncoding, webAppRoutes } from './web-app.js';

/**
 * The web app's files as a build leaves them (web/vite.config.ts writes .br and .gz beside the
 * text files), served by the route on its own: the compressed bytes to a browser that accepts
 * them, with the headers that say so, and the plain file to any other.
 */
describe('the web app, compressed when the browser accepts it', () => {
  let dir: string;
  let app: FastifyInstance;
  const script = Buffer.from(`console.log(${JSON.stringify('citemed '.repeat(2_000))});\n`);
  const page = Buffer.from(`<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body>${'<div></div>'.repeat(200)}</body></html>`);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-web-'));
    mkdirSync(path.join(dir, 'assets'));
    for (const [name, body] of [['index.html', page], ['assets/index-abc123.js', script]] as const) {
      writeFileSync(path.join(dir, name), body);
      writeFileSync(path.join(dir, `${name}.br`), brotliCompressSync(body));
      writeFileSync(path.join(dir, `${name}.gz`), gzipSync(body));
    }
    // An asset the build left uncompressed (not smaller compressed): always plain.
    writeFileSync(path.join(dir, 'assets', 'logo-1.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    app = Fastify();
    await app.register(webAppRoutes(dir), {} as RouteDeps);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) => app.inject({ url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip', async () => {
    const br = await get('/assets/index-abc123.js', 'gzip, deflate, br, zstd');
    expect(br.statusCode).toBe(200);
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', vary: 'accept-encoding', 'content-type': 'text/javascript; charset=utf-8' });
    expect(br.headers['cache-control']).toContain('immutable');
    expect(Number(br.headers['content-length'])).toBeLessThan(script.length / 5);
    expect(brotliDecompressSync(br.rawPayload)).toEqual(script);

    const gz = await get('/assets/index-abc123.js', 'gzip');
    expect(gz.headers).toMatchObject({ 'content-encoding': 'gzip', vary: 'accept-encoding' });
    expect(gunzipSync(gz.rawPayload)).toEqual(script);

    const page = await get('/articles', 'br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('sends the plain file to a browser that accepts no coding the build wrote', async () => {
    for (const acceptEncoding of [undefined, '', 'identity', 'deflate', 'br;q=0, gzip;q=0']) {
      const plain = await get('/assets/index-abc123.js', acceptEncoding);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toBe('accept-encoding');
      expect(plain.rawPayload).toEqual(script);
    }
    const png = await get('/assets/logo-1.png', 'br, gzip');
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
  });

  it('never serves the compressed copies under URLs of their own', async () => {
    expect((await get('/assets/index-abc123.js.br')).statusCode).toBe(404);
    expect((await get('/assets/index-abc123.js.gz')).statusCode).toBe(404);
  });

  it('reads Accept-Encoding as RFC 9110 says: q-values, q=0 refusing, * for the rest', () => {
    const both = ['br', 'gzip'] as const;
    expect(chooseEncoding('gzip, br', both)).toBe('br');
    expect(chooseEncoding('br;q=0.5, gzip', both)).toBe('gzip');
    expect(chooseEncoding('br;q=0, *', both)).toBe('gzip');
    expect(chooseEncoding('*', both)).toBe('br');
    expect(chooseEncoding('*;q=0', both)).toBeUndefined();
    expect(chooseEncoding('GZIP', both)).toBe('gzip');
    expect(chooseEncoding('br', ['gzip'])).toBeUndefined();
    expect(chooseEncoding(undefined, both)).toBeUndefined();
  });
});
