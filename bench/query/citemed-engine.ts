import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createContainer, type Container } from '../../src/config/container.js';
import { loadSettings } from '../../src/config/load-settings.js';
import type { Settings } from '../../src/config/settings.js';
import { PLAIN_RECORD_PREFIX, plainRecordSource } from '../../src/domain/record-source.js';
import { prepareSource } from '../../src/ingest/prepare.js';
import type { PassageHit, WriteOp } from '../../src/ports/store.js';
import { analyzeQuery } from '../../src/retrieval/query.js';
import { installedVersion, type PeerDoc, type SearchPeer } from '../retrieval/peers/peer.js';
import { vacuumAnalyze } from './postgres.js';

/**
 * citemed behind the peers' interface: a library built with the project's own code, searched
 * with its first stage alone ("citemed") or with the whole retrieval pipeline the CLI runs
 * ("citemed-pipeline"); see SEARCHES.
 *
 * Build: each work (documents sharing a sourceId, in order) becomes a SourceInput whose
 * paragraphs are its passages; `prepareSource` makes the Source and its Passages, and batches of
 * BATCH_SOURCES sources go to `store.write`, one transaction each, as the ingest pipeline writes
 * them (the pipeline's reading, checkpoints and worker thread are left out: there is no file
 * format to read). The library is the one `createContainer` opens for the CLI: same schema, same
 * FTS5 index (title, section, body, terms; porter unicode61), settings of the "embedded" preset.
 *
 * One deliberate difference from a default ingest: chunking is set so that each document is
 * exactly one passage (maxChars 20,000, minChars 0). Every engine then ranks the same units; with
 * the default 1,200-character chunks, citemed would split long passages and the ids would not
 * line up. Sources carry no MeSH or keywords, so the terms field is empty, as the peers have none.
 */
const BATCH_SOURCES = 1_000;
const ONE_PASSAGE_PER_DOC = { maxChars: 20_000, minChars: 0 };

export interface CitemedEngineOptions {
  /** Library file, or ":memory:"; with `postgres`, only a name for the ids file beside it. */
  path: string;
  /** The library on a PostgreSQL server instead, in this schema (see bench/query/postgres.ts). */
  postgres?: { url: string; schema: string };
  /** Open a library built earlier at `path` (for searching only) instead of creating one. */
  reopen?: boolean;
  /** Which search to run; see SEARCHES. Default "first-stage". */
  search?: CitemedSearch;
  /** SQLite: build the postings index (`citemed index`) after the library, as part of the build. */
  postings?: boolean;
}

export type CitemedSearch = 'first-stage' | 'pipeline';

/**
 * The calls to change when the search API changes, one small function per way of searching:
 *
 * - first-stage: query analysis (`analyzeQuery`: medical tokenising, stop words dropped) and the
 *   store's BM25 with the settings' field weights, every alternative form of every term ORed.
 * - pipeline: `container.search`, what `citemed search` runs: analysis, expansion (abbreviations,
 *   MeSH, drug names from search.expansion.resourcesDir), candidates from the store, re-ranking,
 *   feedback and diversity, with the settings of the embedded preset.
 */
export const SEARCHES: Readonly<Record<CitemedSearch, (container: Container, text: string, k: number) => Promise<PassageHit[]>>> = {
  'first-stage': async (container, text, k) => {
    const terms = analyzeQuery(text);
    if (terms.length === 0) return [];
    return container.store.search({ phrases: terms.flatMap((t) => t.forms), limit: k, weights: container.settings.search.fieldWeights });
  },
  pipeline: async (container, text, k) => (await container.search(text, { limit: k })).hits,
};

export function benchLibrarySettings(path: string, postgres?: CitemedEngineOptions['postgres']): Settings {
  // The preset alone, as a fresh install has it: no environment, no settings file.
  const store = postgres ? { path, url: postgres.url, schema: postgres.schema } : { path };
  return loadSettings({ preset: 'embedded', overrides: { store, ingest: { chunk: ONE_PASSAGE_PER_DOC } }, env: {} }).settings;
}

export function createCitemedEngine(options: CitemedEngineOptions): SearchPeer {
  const settings = benchLibrarySettings(options.path, options.postgres);
  const container = createContainer(settings, { create: !options.reopen });
  const mode = options.search ?? 'first-stage';
  const searchLibrary = SEARCHES[mode];
  // Document ids that are not "<sourceId>:<position>" (hand-written test corpora) are remembered
  // here, and beside a library file so that a reopened library answers with the same ids.
  const idsFile = `${options.path}.ids.json`;
  const irregularIds = new Map<string, string>(
    options.reopen && options.path !== ':memory:' && existsSync(idsFile) ? (JSON.parse(readFileSync(idsFile, 'utf8')) as [string, string][]) : [],
  );

  const backend = options.postgres ? `pg ${installedVersion('pg')} on PostgreSQL` : `better-sqlite3 ${installedVersion('better-sqlite3')}`;
  return {
    name: `${mode === 'first-stage' ? 'citemed' : 'citemed-pipeline'}${options.postgres ? '-postgres' : ''}${options.postings ? '-postings' : ''}`,
    version: `citemed ${PROJECT_VERSION} (working tree), ${backend}`,
    config:
      mode === 'first-stage'
        ? `store.search after analyzeQuery (first stage only); ${options.postgres ? 'PostgreSQL tsvector (GIN), ts_rank per phrase × idf' : 'FTS5 porter unicode61, bm25'} field weights ${JSON.stringify(settings.search.fieldWeights)}; stop words dropped`
        : `container.search as the CLI runs it (embedded preset: ${settings.search.candidates} candidates, at most ${settings.search.maxPostings.toLocaleString('en-US')} postings, re-ranking, diversity; expansion ${settings.search.expansion.enabled ? 'on' : 'off'}, feedback ${settings.search.feedback.terms > 0 ? 'on' : 'off'})` +
          (options.postings ? '; the postings index (`citemed index`) built after the library, its time included in the build' : ''),
    async build(docs) {
      let ops: WriteOp[] = [];
      const write = async (): Promise<void> => {
        if (ops.length === 0) return;
        await container.store.write({ ops, now: new Date().toISOString() });
        ops = [];
      };
      for (const work of groupByWork(docs)) {
        ops.push(toUpsert(work, options.path, settings, irregularIds));
        if (ops.length >= BATCH_SOURCES) await write();
      }
      await write();
      // What autovacuum does soon after a bulk load: planner statistics and the visibility map.
      if (options.postgres) await vacuumAnalyze(options.postgres.url, options.postgres.schema, ['passages', 'sources']);
      if (options.postings) await container.store.postings?.build();
      if (irregularIds.size > 0 && options.path !== ':memory:') writeFileSync(idsFile, JSON.stringify([...irregularIds]));
    },
    async search(text, k) {
      if (k < 1) return [];
      const hits = await searchLibrary(container, text, k);
      return hits.map((hit) => {
        const key = hit.source.id.slice(SOURCE_PREFIX.length);
        return irregularIds.get(`${key}\u0000${hit.passage.ordinal}`) ?? `${key}:${hit.passage.ordinal}`;
      });
    },
    async sizeBytes() {
      return (await container.store.stats()).sizeBytes;
    },
    close: () => container.close(),
  };
}

const SOURCE_PREFIX = PLAIN_RECORD_PREFIX;

const PROJECT_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface Work {
  key: string;
  docs: PeerDoc[];
}

/** Consecutive documents with one sourceId form a work; a document without one is a work alone. */
function* groupByWork(docs: Iterable<PeerDoc>): Generator<Work> {
  let current: Work | undefined;
  for (const doc of docs) {
    const key = doc.sourceId ?? doc.id;
    if (current && doc.sourceId !== undefined && current.key === key) {
      current.docs.push(doc);
      continue;
    }
    if (current) yield current;
    current = { key, docs: [doc] };
  }
  if (current) yield current;
}

function toUpsert(work: Work, origin: string, settings: Settings, irregularIds: Map<string, string>): WriteOp {
  // One paragraph per document: with ONE_PASSAGE_PER_DOC chunking, one passage each.
  const text = work.docs.map((doc) => doc.text).join('\n\n');
  const input = plainRecordSource({ id: work.key, title: work.docs[0]?.title ?? '', text }, { format: 'jsonl', path: origin });
  const { source, passages } = prepareSource(input, settings.ingest.chunk);
  if (passages.length !== work.docs.length) {
    throw new Error(`work ${work.key}: ${work.docs.length} documents became ${passages.length} passages; every document must be non-empty, distinct text of at most ${ONE_PASSAGE_PER_DOC.maxChars} characters`);
  }
  for (const [ordinal, doc] of work.docs.entries()) {
    if (doc.id !== `${work.key}:${ordinal}`) irregularIds.set(`${work.key}\u0000${ordinal}`, doc.id);
  }
  return { kind: 'upsert', source, passages };
}
