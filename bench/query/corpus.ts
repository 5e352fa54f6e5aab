import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import type { PeerDoc } from '../retrieval/peers/peer.js';

/**
 * The files of a generated query-benchmark corpus (bench/out/query/, git-ignored) and how to read
 * them back as a stream, so a million passages never have to be in memory at once.
 *
 *   corpus.jsonl    one source per line: {"key":"90000001","title":"…","passages":["…","…"]}
 *   queries.jsonl   one query per line:  {"id":"q0001","text":"…","source":"90000001","kind":"question","warmup":false}
 *   manifest.json   what was generated, from what, and a sha256 of corpus.jsonl
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const QUERY_OUT_DIR = path.resolve(HERE, '../out/query');

export interface CorpusSource {
  /** A fake PMID (90,000,001 upwards, above every real one), unique in the corpus. */
  key: string;
  title: string;
  passages: string[];
}

export interface BenchQuery {
  id: string;
  text: string;
  /** The source whose subjects the query was drawn from: a weak relevance signal, not a judgement. */
  source: string;
  kind: 'keywords' | 'question' | 'loose';
  /** Warm-up queries run before the measured ones and are not counted. */
  warmup: boolean;
}

export interface CorpusFiles {
  dir: string;
  corpus: string;
  queries: string;
  manifest: string;
}

export function corpusFiles(passages: number, seed: number): CorpusFiles {
  const dir = path.join(QUERY_OUT_DIR, `p${passages}-seed${seed}`);
  return { dir, corpus: path.join(dir, 'corpus.jsonl'), queries: path.join(dir, 'queries.jsonl'), manifest: path.join(dir, 'manifest.json') };
}

/** Lines of a UTF-8 file, read 1 MiB at a time. */
export function* readLines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const text = rest + decoder.write(buffer.subarray(0, n));
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line !== '') yield line;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

export function* readSources(file: string): Generator<CorpusSource> {
  for (const line of readLines(file)) yield JSON.parse(line) as CorpusSource;
}

/** Passage id as every engine reports it: the source key and the passage's position, "90000001:2". */
export function passageDocId(key: string, ordinal: number): string {
  return `${key}:${ordinal}`;
}

/** The source key of a passage id made by passageDocId. */
export function sourceOfDocId(id: string): string {
  const colon = id.lastIndexOf(':');
  return colon === -1 ? id : id.slice(0, colon);
}

/** Every passage as a document: the source's title with the passage's text. */
export function* peerDocs(file: string): Generator<PeerDoc> {
  for (const source of readSources(file)) {
    for (const [ordinal, text] of source.passages.entries()) {
      yield { id: passageDocId(source.key, ordinal), title: source.title, text, sourceId: source.key };
    }
  }
}

export function readQueries(file: string): BenchQuery[] {
  return [...readLines(file)].map((line) => JSON.parse(line) as BenchQuery);
}
