import path from 'node:path';
import { LAUNCHER_V8_FLAGS } from '../../bin/launch.mjs';
import { createFts5Peer } from '../retrieval/peers/fts5.js';
import { createMiniSearchPeer } from '../retrieval/peers/minisearch.js';
import { createOramaPeer } from '../retrieval/peers/orama.js';
import type { SearchPeer } from '../retrieval/peers/peer.js';
import { createCitemedEngine } from './citemed-engine.js';
import { BENCH_POSTGRES_URL, benchSchema, dropBenchSchema } from './postgres.js';

/**
 * The engines bench/query can run, by name. `create` gives an empty engine whose files (if any)
 * go under `dir`; `reopen` opens what create + build left there, so that other threads can
 * search the same index. Engines without `reopen` keep their index in memory only: each
 * throughput worker then builds its own, as each process of a real deployment would.
 */
export interface EngineSpec {
  create(dir: string): SearchPeer;
  reopen?(dir: string): SearchPeer;
  /** Node flags the engine runs with: citemed's own launcher flags (bin/citemed.js), else Node's defaults. */
  nodeFlags: readonly string[];
  /** Removes what the engine keeps outside `dir` (a database schema); run before and after an engine's runs. */
  dispose?(dir: string): Promise<void>;
}

const onPostgres = (dir: string) => ({ url: BENCH_POSTGRES_URL, schema: benchSchema(dir) });

export const ENGINES: Readonly<Record<string, EngineSpec>> = {
  citemed: {
    create: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed.db') }),
    reopen: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed.db'), reopen: true }),
    nodeFlags: LAUNCHER_V8_FLAGS,
  },
  'citemed-pipeline': {
    create: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed.db'), search: 'pipeline' }),
    reopen: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed.db'), reopen: true, search: 'pipeline' }),
    nodeFlags: LAUNCHER_V8_FLAGS,
  },
  // The same, ranked from the postings index that `citemed index` builds after the ingest.
  'citemed-pipeline-postings': {
    create: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed.db'), search: 'pipeline', postings: true }),
    reopen: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed.db'), reopen: true, search: 'pipeline' }),
    nodeFlags: LAUNCHER_V8_FLAGS,
  },
  // The same library and searches on PostgreSQL (store.url), for docs/scaling.md.
  'citemed-postgres': {
    create: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed-pg'), postgres: onPostgres(dir) }),
    reopen: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed-pg'), postgres: onPostgres(dir), reopen: true }),
    nodeFlags: LAUNCHER_V8_FLAGS,
    dispose: dropBenchSchema,
  },
  'citemed-pipeline-postgres': {
    create: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed-pg'), postgres: onPostgres(dir), search: 'pipeline' }),
    reopen: (dir) => createCitemedEngine({ path: path.join(dir, 'citemed-pg'), postgres: onPostgres(dir), reopen: true, search: 'pipeline' }),
    nodeFlags: LAUNCHER_V8_FLAGS,
    dispose: dropBenchSchema,
  },
  'fts5-default': {
    create: (dir) => createFts5Peer({ path: path.join(dir, 'fts5.db') }),
    reopen: (dir) => createFts5Peer({ path: path.join(dir, 'fts5.db'), reopen: true }),
    nodeFlags: [],
  },
  minisearch: { create: () => createMiniSearchPeer(), nodeFlags: [] },
  orama: { create: () => createOramaPeer(), nodeFlags: [] },
};

export const ENGINE_NAMES = Object.keys(ENGINES);

export function engineSpec(name: string): EngineSpec {
  const spec = ENGINES[name];
  if (!spec) throw new Error(`unknown engine "${name}"; choose from ${ENGINE_NAMES.join(', ')}`);
  return spec;
}
