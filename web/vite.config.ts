import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** What is worth compressing: text. Images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

/**
 * Writes `x.br` and `x.gz` beside every text file of the build, each only when smaller, so
 * `citemed serve` sends them to browsers that accept them (src/server/routes/web-app.ts) without
 * compressing on every request or at start-up. At the highest levels: it is done once per build
 * (about half a second for brotli on the 300 KB script).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'citemed-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const full = path.join(dir, name);
          return statSync(full).isDirectory() ? walk(full) : [full];
        });
      for (const file of walk(outDir).filter((f) => COMPRESSIBLE.test(f))) {
        const body = readFileSync(file);
        const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
        const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
        if (br.length < body.length) writeFileSync(`${file}.br`, br);
        if (gz.length < body.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

/**
 * The web app: built to web/dist, which `citemed serve` serves at /. No source maps in the build
 * (the pages are served to the public); the dev server proxies the API to a running `citemed serve`.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/articles': 'http://127.0.0.1:8787', '/editorial-policy': 'http://127.0.0.1:8787' } },
});
