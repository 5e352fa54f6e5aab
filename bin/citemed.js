#!/usr/bin/env node
// Runs the CLI: from its bundle (dist/cli, made by `npm run build`) while that is newer than
// every TypeScript source, else from the sources through tsx. The bundle starts in about half the
// time, with a third less memory; a stale one is never run, so there is still no build step to
// forget. CITEMED_LAUNCH=sources always runs the sources (bin/launch.mjs).
// V8 flags are set here (LAUNCHER_V8_FLAGS) rather than on the command line, so every way of
// starting the CLI gets them; they apply to the worker threads started later.
// V8's young generation is left at its default in this thread: a 4 MiB semi-space (once set
// here for ingest's memory) made every search about a fifth slower, 5.8-6.3 against 7.4-7.6 ms
// p50 at 1M passages (docs/benchmarks.md). Ingest's parsing worker keeps the small one
// (ingest/worker/worker-preparer.ts).
import { cliEntry, setLauncherV8Flags } from './launch.mjs';

setLauncherV8Flags();
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
