import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

/**
 * V8 flags the launcher sets for the CLI's process, which the benchmarks that run its code
 * in-process set too.
 *
 * --heap-growing-percent=100: on a machine with gigabytes free, V8 lets the old generation grow
 * to several times what is live before a full collection, and an ingest's writer, turning over
 * batch after batch, then holds 100+ MB of garbage. Doubling at most: `citemed ingest` of the
 * MEDLINE bench file peaked at 440 MB instead of 595, 2-3% slower (20% would save another 30 MB
 * but cost a fifth of the speed; docs/benchmarks.md).
 */
export const LAUNCHER_V8_FLAGS = Object.freeze(['--heap-growing-percent=100']);

/** Sets LAUNCHER_V8_FLAGS in this process: the launcher does, and so do benchmarks that time citemed's code in their own process. */
export function setLauncherV8Flags() {
  for (const flag of LAUNCHER_V8_FLAGS) v8.setFlagsFromString(flag);
}

/**
 * Which CLI entry point to run from the project folder `root` (a file: URL ending in "/"): the
 * bundle dist/cli/main.js when it was built after the last change to any TypeScript file under
 * src/, otherwise src/cli/main.ts, which needs the tsx loader. `mode` "sources" always picks the
 * sources (for working on the CLI with a bundle lying about).
 *
 * Checking costs a directory walk and a stat per source file, a few milliseconds. Non-code files
 * (presets, prompts, migrations) are read from src/ at run time by either entry, so they are
 * never stale.
 *
 * @param {URL} root
 * @param {string | undefined} mode
 * @returns {{ url: URL, tsx: boolean }}
 */
export function cliEntry(root, mode) {
  const bundle = new URL('dist/cli/main.js', root);
  if (mode !== 'sources' && bundleIsFresh(fileURLToPath(bundle), fileURLToPath(new URL('src/', root)))) {
    return { url: bundle, tsx: false };
  }
  return { url: new URL('src/cli/main.ts', root), tsx: true };
}

/**
 * True when `bundle` exists and no .ts file under `sources` was modified after it.
 *
 * @param {string} bundle
 * @param {string} sources
 */
export function bundleIsFresh(bundle, sources) {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  for (const file of readdirSync(sources, { recursive: true })) {
    const name = String(file);
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    if (statSync(`${sources}/${name}`).mtimeMs > built) return false;
  }
  return true;
}
