// Bundles the CLI (src/cli/main.ts and what it imports from src/) into dist/cli/ with esbuild, so
// that `citemed` starts without compiling TypeScript through loader hooks: about half the start-up
// time and a third less memory (docs/ARCHITECTURE.md, "Start-up"). Packages stay external, and
// modules imported lazily stay lazy (code splitting), so a command loads what it needs only.
// bin/citemed.js runs the bundle only while it is newer than every source file; otherwise it runs
// the sources through tsx, so a stale bundle never runs. Run by `npm run build` (and `npm test`).
import { build } from 'esbuild';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const final = path.join(root, 'dist', 'cli');
const building = path.join(root, 'dist', `cli.building-${process.pid}`);

/**
 * Source files find their neighbours (presets, prompts, migrations, worker entry points, the web
 * app's build) relative to `import.meta.url`. In the bundle that URL would be the bundle's, so each
 * file's `import.meta.url` becomes its own source file's URL, relative to where the bundle lies.
 */
const sourceRelativeUrls = {
  name: 'source-relative-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const relative = path.relative(final, args.path).split(path.sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

await rm(building, { recursive: true, force: true });
await build({
  entryPoints: {
    main: path.join(root, 'src', 'cli', 'main.ts'),
    // Worker threads' entry points, found beside the bundle by the code that starts them.
    'prepare-worker': path.join(root, 'src', 'ingest', 'worker', 'prepare-worker.ts'),
    'postings-thread': path.join(root, 'src', 'adapters', 'sqlite', 'postings-thread-body.ts'),
  },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir: building,
  // Every chunk beside main.js, so the source-relative URLs below hold in each of them.
  chunkNames: '[name]-[hash]',
  plugins: [sourceRelativeUrls],
  logLevel: 'warning',
});
// Swapped in whole: a CLI starting meanwhile finds the old bundle, or none and runs the sources.
const old = `${final}.old-${process.pid}`;
await rename(final, old).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(building, final);
await rm(old, { recursive: true, force: true });
