import { countRelevant, isRelevant, type Judgments, type Qrels } from '../domain/qrels.js';

/**
 * Retrieval metrics with trec_eval's definitions (usnistgov/trec_eval 9.x: `ndcg_cut`, `recall`,
 * `recip_rank`), so our numbers can be set beside published BEIR and Anserini figures.
 *
 * Where we differ from trec_eval, on purpose:
 * - A document id listed twice for one query counts once, at its first position (after
 *   ordering, that is its best-scored entry). trec_eval refuses such a run outright.
 * - MRR is cut at k (MRR@10, as MS MARCO reports it); trec_eval's `recip_rank` has no cut.
 * - `evaluateRun` leaves out queries whose judgments hold no relevant document (see there).
 *
 * Pure functions: no I/O.
 */

export type { Judgments, Qrels };

export interface ScoredDoc {
  docId: string;
  /** Higher is better. Only the order matters, never the scale. */
  score: number;
}

/** One query's results, in any order: metrics order them as trec_eval does. */
export type RankedList = readonly ScoredDoc[];

/** queryId → that query's results. */
export type Run = ReadonlyMap<string, RankedList>;

/**
 * Compares two strings as C's strcmp compares their UTF-8 bytes, which is code-point order.
 * JavaScript's `<` compares UTF-16 code units instead, which puts characters above U+FFFF
 * (surrogate pairs, 0xD800–0xDFFF) before U+E000–U+FFFF; this corrects for that.
 */
export function compareLikeStrcmp(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * A query's results in trec_eval's order: score descending, and equal scores broken by document
 * id in *decreasing* strcmp order ("b" before "a", "10" before "1"). trec_eval ignores the rank
 * column of a run file, so this order is the one its metrics see. Returns a new array.
 */
export function orderLikeTrecEval(list: RankedList): ScoredDoc[] {
  for (const entry of list) {
    if (Number.isNaN(entry.score)) throw new RangeError(`document ${entry.docId} has score NaN; scores must be numbers`);
  }
  return [...list].sort((a, b) => {
    if (a.score !== b.score) return a.score > b.score ? -1 : 1;
    return compareLikeStrcmp(b.docId, a.docId);
  });
}

/**
 * nDCG@k as trec_eval's `ndcg_cut.k`: gain is the judged grade (unjudged and non-positive grades
 * give 0), the document at rank r (from 1) is discounted by 1/log2(r + 1), and the ideal DCG
 * takes the query's positive judged grades, highest first, cut at k. 0 when nothing is relevant.
 */
export function ndcgAt(k: number, ranked: readonly string[], judgments: Judgments): number {
  checkCutoff(k);
  let dcg = 0;
  let rank = 0;
  for (const docId of distinctTop(ranked, k)) {
    rank++;
    const grade = judgments.get(docId) ?? 0;
    if (isRelevant(grade)) dcg += grade / Math.log2(rank + 1);
  }
  const ideal = [...judgments.values()]
    .filter(isRelevant)
    .sort((a, b) => b - a)
    .slice(0, k);
  let idcg = 0;
  ideal.forEach((grade, index) => {
    idcg += grade / Math.log2(index + 2);
  });
  return idcg > 0 ? dcg / idcg : 0;
}

/** Recall@k as trec_eval's `recall.k`: relevant documents in the top k / relevant documents judged. */
export function recallAt(k: number, ranked: readonly string[], judgments: Judgments): number {
  checkCutoff(k);
  const relevant = countRelevant(judgments);
  if (relevant === 0) return 0;
  let found = 0;
  for (const docId of distinctTop(ranked, k)) {
    if (isRelevant(judgments.get(docId) ?? 0)) found++;
  }
  return found / relevant;
}

/** MRR@k: 1/rank of the first relevant document within the top k, else 0 (`recip_rank`, cut at k). */
export function mrrAt(k: number, ranked: readonly string[], judgments: Judgments): number {
  checkCutoff(k);
  let rank = 0;
  for (const docId of distinctTop(ranked, k)) {
    rank++;
    if (isRelevant(judgments.get(docId) ?? 0)) return 1 / rank;
  }
  return 0;
}

export interface MetricCutoffs {
  ndcg: readonly number[];
  recall: readonly number[];
  mrr: readonly number[];
}

/** The BEIR headline figures: nDCG@10, Recall@100 and MRR@10. */
export const DEFAULT_CUTOFFS: MetricCutoffs = { ndcg: [10], recall: [100], mrr: [10] };

export interface RunEvaluation {
  /** Metric names in report order, e.g. ["nDCG@10", "Recall@100", "MRR@10"]. */
  metrics: string[];
  /** Mean of each metric over the evaluated queries; 0 when no query was evaluated. */
  means: Record<string, number>;
  /** queryId → metric → value, for every evaluated query, in qrels order. */
  perQuery: Map<string, Record<string, number>>;
  /** Queries in qrels with at least one relevant judgment: the denominators of the means. */
  queriesEvaluated: number;
  /** Of those, the ones the run has no results for; each scores 0 (trec_eval -c). */
  queriesMissingFromRun: number;
  /** Queries in qrels without any relevant judgment: left out of the means. */
  queriesWithoutRelevant: number;
  /** Queries in the run that qrels does not mention: ignored. */
  runQueriesNotInQrels: number;
}

/**
 * Scores a run against qrels, averaging over every query in qrels that has at least one relevant
 * judgment. A query missing from the run counts as 0, as with `trec_eval -c`. Unlike trec_eval,
 * a query whose judgments are all non-relevant is left out rather than counted as 0: no ranking
 * could score on it, so it would only lower every system's mean alike (for collections whose
 * qrels list only relevant documents, such as BEIR's, the two agree).
 */
export function evaluateRun(run: Run, qrels: Qrels, cutoffs: MetricCutoffs = DEFAULT_CUTOFFS): RunEvaluation {
  const measures = measuresFor(cutoffs);
  const metrics = measures.map((m) => m.name);
  const sums = new Map<string, number>(metrics.map((name) => [name, 0]));
  const perQuery = new Map<string, Record<string, number>>();
  let missing = 0;
  let withoutRelevant = 0;

  for (const [queryId, judgments] of qrels) {
    if (countRelevant(judgments) === 0) {
      withoutRelevant++;
      continue;
    }
    const list = run.get(queryId);
    if (list === undefined) missing++;
    const ranked = list === undefined ? [] : orderLikeTrecEval(list).map((entry) => entry.docId);
    const values: Record<string, number> = {};
    for (const measure of measures) {
      const value = measure.compute(ranked, judgments);
      values[measure.name] = value;
      sums.set(measure.name, (sums.get(measure.name) ?? 0) + value);
    }
    perQuery.set(queryId, values);
  }

  let notInQrels = 0;
  for (const queryId of run.keys()) if (!qrels.has(queryId)) notInQrels++;

  const evaluated = perQuery.size;
  const means: Record<string, number> = {};
  for (const name of metrics) means[name] = evaluated === 0 ? 0 : (sums.get(name) ?? 0) / evaluated;
  return {
    metrics,
    means,
    perQuery,
    queriesEvaluated: evaluated,
    queriesMissingFromRun: missing,
    queriesWithoutRelevant: withoutRelevant,
    runQueriesNotInQrels: notInQrels,
  };
}

interface Measure {
  name: string;
  compute(ranked: readonly string[], judgments: Judgments): number;
}

function measuresFor(cutoffs: MetricCutoffs): Measure[] {
  const measures: Measure[] = [];
  const seen = new Set<string>();
  const add = (label: string, ks: readonly number[], fn: typeof ndcgAt) => {
    for (const k of ks) {
      checkCutoff(k);
      const name = `${label}@${k}`;
      if (seen.has(name)) continue;
      seen.add(name);
      measures.push({ name, compute: (ranked, judgments) => fn(k, ranked, judgments) });
    }
  };
  add('nDCG', cutoffs.ndcg, ndcgAt);
  add('Recall', cutoffs.recall, recallAt);
  add('MRR', cutoffs.mrr, mrrAt);
  return measures;
}

/** The first k distinct ids, in order: a repeated id keeps its first position only. */
function* distinctTop(ranked: readonly string[], k: number): Iterable<string> {
  const seen = new Set<string>();
  for (const docId of ranked) {
    if (seen.size === k) return;
    if (seen.has(docId)) continue;
    seen.add(docId);
    yield docId;
  }
}

function checkCutoff(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`a metric cutoff must be a whole number ≥ 1, got ${k}`);
}
