import type { ChunkOptions } from '../domain/passage.js';
import { PLAIN_RECORD_PREFIX, plainRecordSource } from '../domain/record-source.js';
import { prepareSource } from '../ingest/prepare.js';
import type { RetrievalDataset } from '../ports/dataset.js';
import type { Store, WriteOp } from '../ports/store.js';
import { evaluateRun, type RunEvaluation, type ScoredDoc } from './metrics.js';

/**
 * Retrieval evaluation on a test collection: the corpus goes into a citemed library through the
 * same preparation and store as `citemed ingest` (each document becomes a source, cut into
 * passages), every query of the split is searched, and the ranked sources are scored against the
 * judgments with trec_eval's definitions.
 */
export interface IndexOptions {
  chunk: ChunkOptions;
  batchSize: number;
  /** Recorded as the origin of every source. */
  originPath: string;
  now: () => Date;
  onProgress?: (docs: number) => void;
}

export async function indexDataset(dataset: RetrievalDataset, store: Store, options: IndexOptions): Promise<number> {
  let ops: WriteOp[] = [];
  let docs = 0;
  const flush = async (): Promise<void> => {
    if (ops.length === 0) return;
    await store.write({ ops, now: options.now().toISOString() });
    ops = [];
    options.onProgress?.(docs);
  };
  for await (const doc of dataset.corpus()) {
    docs++;
    const input = plainRecordSource(doc, { format: 'jsonl', path: options.originPath, line: docs });
    ops.push({ kind: 'upsert', ...prepareSource(input, options.chunk) });
    if (ops.length >= options.batchSize) await flush();
  }
  await flush();
  return docs;
}

/** Searches one query; returns the library's sources for it, best first. */
export type EvalSearch = (text: string) => Promise<{ sourceId: string; score: number }[]>;

export interface RetrievalEvaluation {
  split: string;
  evaluation: RunEvaluation;
  /** Milliseconds per query: mean and percentiles. */
  latency: { mean: number; p50: number; p95: number; p99: number };
}

export async function evaluateRetrieval(
  dataset: RetrievalDataset,
  split: string,
  search: EvalSearch,
  options: { elapsedMs: () => number; onProgress?: (done: number, total: number) => void },
): Promise<RetrievalEvaluation> {
  const qrels = await dataset.qrels(split);
  const queries = (await dataset.queries()).filter((q) => qrels.has(q.id));
  const run = new Map<string, ScoredDoc[]>();
  const times: number[] = [];
  for (const query of queries) {
    const start = options.elapsedMs();
    const results = await search(query.text);
    times.push(options.elapsedMs() - start);
    run.set(query.id, docRanking(results));
    options.onProgress?.(run.size, queries.length);
  }
  return { split, evaluation: evaluateRun(run, qrels), latency: summarise(times) };
}

/**
 * A source's rank is that of its best passage. Scores are made strictly decreasing by rank, so
 * trec_eval's tie-breaking (by document id) cannot reorder what the ranker decided.
 */
function docRanking(results: readonly { sourceId: string; score: number }[]): ScoredDoc[] {
  const seen = new Set<string>();
  const out: ScoredDoc[] = [];
  for (const result of results) {
    const docId = result.sourceId.startsWith(PLAIN_RECORD_PREFIX) ? result.sourceId.slice(PLAIN_RECORD_PREFIX.length) : result.sourceId;
    if (seen.has(docId)) continue;
    seen.add(docId);
    out.push({ docId, score: results.length - out.length });
  }
  return out;
}

export function summarise(times: readonly number[]): RetrievalEvaluation['latency'] {
  if (times.length === 0) return { mean: 0, p50: 0, p95: 0, p99: 0 };
  const sorted = [...times].sort((a, b) => a - b);
  const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
  return { mean, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
}

/** Nearest-rank percentile of ascending values (p in 0–1); NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}
