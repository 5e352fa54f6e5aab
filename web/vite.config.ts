import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app: built to web/dist, which `citemed serve` serves at /. No source maps in the build
 * (the pages are served to the public); the dev server proxies the API to a running `citemed serve`.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/articles': 'http://127.0.0.1:8787', '/editorial-policy': 'http://127.0.0.1:8787' } },
});
