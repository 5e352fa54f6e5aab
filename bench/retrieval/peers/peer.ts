import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The common shape of a lexical search engine run as a benchmark peer: build an index from
 * documents once, then answer plain-text queries with document ids, best first.
 *
 * Peers run with their library's default ranking and a plain configuration, because the point
 * of a peer is "what a developer gets by reaching for this library", not the best it can be
 * tuned to. Each implementation says in its header what it configured and what is default.
 */
export interface PeerDoc {
  id: string;
  title: string;
  text: string;
  /**
   * The work the passage belongs to, when documents are passages of longer works. Consecutive
   * documents of one work share it, in reading order. Engines that store works (citemed) group
   * by it; the lexical peers ignore it and index each passage on its own.
   */
  sourceId?: string;
}

export interface SearchPeer {
  /** Short, stable name used on the command line and in tables, e.g. "fts5-default". */
  readonly name: string;
  /** Library version as installed, e.g. "7.2.0" or "better-sqlite3 12.11.1, SQLite 3.53.2". */
  readonly version: string;
  /** One line on ranking and configuration, for the report. */
  readonly config: string;
  /** Indexes the documents; called once, on an empty engine. */
  build(docs: Iterable<PeerDoc>): Promise<void>;
  /**
   * Up to k document ids, best first. Any user text is accepted: query syntax of the underlying
   * library never leaks through, nothing throws, and a query without words returns [].
   */
  search(query: string, k: number): Promise<string[]>;
  /** Bytes of the index's database (all of it: index, stored text, tables), for engines that keep one. */
  sizeBytes?(): Promise<number | undefined>;
  close(): Promise<void>;
}

/**
 * Runs of letters and digits: the words of a query as a user typed them. Used by peers whose
 * libraries parse a query language (FTS5), so that only plain words reach it.
 */
export function queryWords(query: string): string[] {
  return [...query.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]);
}

/** Groups an iterable into arrays of `size`, so a large corpus is never held whole. */
export function* inBatches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const require = createRequire(import.meta.url);

/** The version of an installed package, read from its package.json (some packages do not export it). */
export function installedVersion(name: string): string {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // No package.json at this level (or a partial one in dist/): keep walking up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
