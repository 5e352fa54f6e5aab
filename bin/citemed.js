#!/usr/bin/env -S node --max-semi-space-size=4
// Runs the TypeScript CLI through tsx, so there is no build step to forget.
// --max-semi-space-size=4 (MiB): ingest runs two V8 isolates (parsing worker + writer); smaller
// young generations keep peak memory of a large MEDLINE ingest under 500 MB at the same speed
// (docs/benchmarks.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
