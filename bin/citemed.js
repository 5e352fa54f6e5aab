#!/usr/bin/env -S node --max-semi-space-size=4
// Runs the CLI: from its bundle (dist/cli, made by `npm run build`) while that is newer than
// every TypeScript source, else from the sources through tsx. The bundle starts in about half the
// time, with a third less memory; a stale one is never run, so there is still no build step to
// forget. CITEMED_LAUNCH=sources always runs the sources (bin/launch.mjs).
// --max-semi-space-size=4 (MiB): ingest runs two V8 isolates (parsing worker + writer); smaller
// young generations keep peak memory of a large MEDLINE ingest lower at the same speed.
// --heap-growing-percent=100: on a machine with gigabytes free, V8 lets the old generation grow
// to several times what is live before a full collection, and an ingest's writer, turning over
// batch after batch, then holds 100+ MB of garbage. Doubling at most: `citemed ingest` of the
// MEDLINE bench file peaked at 440 MB instead of 595, 2-3% slower (20% would save another 30 MB
// but cost a fifth of the speed; docs/benchmarks.md). Set here rather than on the command line,
// so every way of starting the CLI gets it; it applies to the worker threads started later.
import v8 from 'node:v8';
import { cliEntry } from './launch.mjs';

v8.setFlagsFromString('--heap-growing-percent=100');
const root = new URL('../', import.meta.url);
const entry = cliEntry(root, process.env.CITEMED_LAUNCH);
const { main } = entry.tsx ? await fromSources() : await import(entry.url.href).catch(bundleMissing);
process.exitCode = await main(process.argv.slice(2));

async function fromSources() {
  (await import('tsx/esm/api')).register();
  return import(cliEntry(root, 'sources').url.href);
}

/** A bundle with a chunk missing (a half-deleted dist/): say so, and run the sources instead. */
function bundleMissing(error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/dist/cli/')) throw error;
  process.stderr.write(`citemed: the CLI bundle in dist/cli is incomplete (${error.message.split('\n')[0]}); running the sources. \`npm run build\` rebuilds it.\n`);
  return fromSources();
}
