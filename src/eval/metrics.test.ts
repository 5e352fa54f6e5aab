import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareLikeStrcmp,
  evaluateRun,
  mrrAt,
  ndcgAt,
  orderLikeTrecEval,
  recallAt,
  type Judgments,
  type Qrels,
  type RankedList,
  type Run,
} from './metrics.js';

const judge = (entries: Record<string, number>): Judgments => new Map(Object.entries(entries));
const scored = (...pairs: [string, number][]): RankedList => pairs.map(([docId, score]) => ({ docId, score }));

describe('metrics on cases worked out by hand', () => {
  // Binary relevance: a, b and c are relevant, n was judged not relevant, x and y were not judged.
  // Ranking: a n x b c
  //
  // nDCG@3: DCG  = 1/log2(2) + 0/log2(3) + 0/log2(4)           = 1
  //         IDCG = 1/log2(2) + 1/log2(3) + 1/log2(4)           = 1 + 0.630930 + 0.5 = 2.130930
  //         nDCG = 1 / 2.130930                                 = 0.469279
  // nDCG@5: DCG  = 1 + 1/log2(5) + 1/log2(6)                   = 1 + 0.430677 + 0.386853 = 1.817530
  //         IDCG = 2.130930 (only three relevant documents exist)
  //         nDCG = 1.817530 / 2.130930                          = 0.852928
  // Recall@3 = 1/3 (only a); Recall@5 = 3/3. MRR@10 = 1/1 (a at rank 1); MRR@1 = 1.
  const binary = judge({ a: 1, b: 1, c: 1, n: 0 });
  const ranking = ['a', 'n', 'x', 'b', 'c'];

  it('computes nDCG@k with a 1/log2(rank + 1) discount and the ideal cut at k', () => {
    expect(ndcgAt(3, ranking, binary)).toBeCloseTo(0.469279, 6);
    expect(ndcgAt(5, ranking, binary)).toBeCloseTo(0.852928, 6);
    expect(ndcgAt(10, ranking, binary)).toBeCloseTo(0.852928, 6);
  });

  it('computes Recall@k against every relevant document judged', () => {
    expect(recallAt(3, ranking, binary)).toBeCloseTo(1 / 3, 12);
    expect(recallAt(5, ranking, binary)).toBe(1);
    expect(recallAt(2, ['x', 'y'], binary)).toBe(0);
  });

  it('computes MRR@k from the first relevant document inside the cut', () => {
    expect(mrrAt(10, ranking, binary)).toBe(1);
    expect(mrrAt(10, ['n', 'x', 'b'], binary)).toBeCloseTo(1 / 3, 12);
    expect(mrrAt(2, ['n', 'x', 'b'], binary)).toBe(0);
  });

  // Graded relevance: a = 3, b = 2, c = 1, d = 0. Ranking: c a d b
  //
  // nDCG@3: DCG  = 1/log2(2) + 3/log2(3) + 0/log2(4)           = 1 + 1.892789 = 2.892789
  //         IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4)           = 3 + 1.261860 + 0.5 = 4.761860
  //         nDCG = 2.892789 / 4.761860                          = 0.607492
  // The gain is the grade itself (trec_eval), not 2^grade − 1 (the Burges variant).
  it('uses the judged grade as the gain', () => {
    const graded = judge({ a: 3, b: 2, c: 1, d: 0 });
    expect(ndcgAt(3, ['c', 'a', 'd', 'b'], graded)).toBeCloseTo(0.607492, 6);
    expect(ndcgAt(3, ['a', 'b', 'c'], graded)).toBe(1);
    expect(recallAt(3, ['c', 'a', 'd', 'b'], graded)).toBeCloseTo(2 / 3, 12);
    expect(mrrAt(10, ['d', 'c'], graded)).toBe(0.5);
  });

  it('gives negative grades no gain and leaves them out of the ideal ranking', () => {
    const withNegative = judge({ a: 1, spam: -1 });
    expect(ndcgAt(10, ['spam', 'a'], withNegative)).toBeCloseTo(1 / Math.log2(3), 12);
    expect(recallAt(10, ['spam'], withNegative)).toBe(0);
  });

  it('scores 0 when a query has no relevant document at all', () => {
    const none = judge({ n: 0 });
    expect(ndcgAt(10, ['n'], none)).toBe(0);
    expect(recallAt(10, ['n'], none)).toBe(0);
    expect(mrrAt(10, ['n'], none)).toBe(0);
  });

  it('counts a repeated document id once, at its first position', () => {
    // After removing the second "x", b is at rank 2.
    expect(mrrAt(2, ['x', 'x', 'b'], binary)).toBe(0.5);
    expect(ndcgAt(2, ['a', 'a', 'b'], binary)).toBe(1);
    expect(recallAt(2, ['a', 'a', 'a', 'b'], binary)).toBeCloseTo(2 / 3, 12);
  });

  it('refuses cutoffs that are not whole numbers of at least 1', () => {
    expect(() => ndcgAt(0, [], binary)).toThrow(RangeError);
    expect(() => recallAt(2.5, [], binary)).toThrow(RangeError);
    expect(() => evaluateRun(new Map(), new Map(), { ndcg: [-1], recall: [], mrr: [] })).toThrow(RangeError);
  });
});

describe('orderLikeTrecEval', () => {
  it('sorts by score, highest first', () => {
    expect(orderLikeTrecEval(scored(['a', 0.1], ['b', 2], ['c', -3], ['d', 1.5])).map((d) => d.docId)).toEqual([
      'b',
      'd',
      'a',
      'c',
    ]);
  });

  it('breaks equal scores by document id in decreasing string order', () => {
    expect(orderLikeTrecEval(scored(['a', 1], ['c', 2], ['b', 1])).map((d) => d.docId)).toEqual(['c', 'b', 'a']);
    // String order, not numeric: "9" > "10" > "1".
    expect(orderLikeTrecEval(scored(['1', 5], ['10', 5], ['9', 5])).map((d) => d.docId)).toEqual(['9', '10', '1']);
  });

  it('compares ids by code point, as strcmp on UTF-8 does', () => {
    // U+1F600 is above U+FF5E, although its first UTF-16 unit (0xD83D) is below 0xFF5E.
    expect(compareLikeStrcmp('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
    expect(compareLikeStrcmp('ab', 'abc')).toBeLessThan(0);
    expect(orderLikeTrecEval(scored(['\uFF5E', 1], ['\u{1F600}', 1])).map((d) => d.docId)).toEqual(['\u{1F600}', '\uFF5E']);
  });

  it('changes the metric when a tie hides the relevant document', () => {
    const qrels: Qrels = new Map([['q', judge({ a: 1 })]]);
    const run: Run = new Map([['q', scored(['a', 1], ['b', 1])]]);
    expect(evaluateRun(run, qrels).means['MRR@10']).toBe(0.5);
  });

  it('does not change its input and refuses NaN scores', () => {
    const list = scored(['a', 1], ['b', 2]);
    orderLikeTrecEval(list);
    expect(list.map((d) => d.docId)).toEqual(['a', 'b']);
    expect(() => orderLikeTrecEval(scored(['a', Number.NaN]))).toThrow(/NaN/);
  });
});

describe('evaluateRun', () => {
  it('averages over the judged queries, counting ones missing from the run as 0', () => {
    const qrels: Qrels = new Map([
      ['q1', judge({ a: 1 })],
      ['q2', judge({ b: 1 })],
      ['q3', judge({ c: 0 })],
    ]);
    const run: Run = new Map([
      ['q1', scored(['a', 9], ['z', 1])],
      ['q4', scored(['x', 1])],
    ]);
    const result = evaluateRun(run, qrels);
    expect(result.metrics).toEqual(['nDCG@10', 'Recall@100', 'MRR@10']);
    expect(result.means).toEqual({ 'nDCG@10': 0.5, 'Recall@100': 0.5, 'MRR@10': 0.5 });
    expect(result.queriesEvaluated).toBe(2);
    expect(result.queriesMissingFromRun).toBe(1);
    expect(result.queriesWithoutRelevant).toBe(1);
    expect(result.runQueriesNotInQrels).toBe(1);
    expect([...result.perQuery.keys()]).toEqual(['q1', 'q2']);
    expect(result.perQuery.get('q2')).toEqual({ 'nDCG@10': 0, 'Recall@100': 0, 'MRR@10': 0 });
  });

  it('keeps the best-scored entry of a repeated document', () => {
    const qrels: Qrels = new Map([['q', judge({ b: 1 })]]);
    const run: Run = new Map([['q', scored(['a', 3], ['b', 2], ['a', 1])]]);
    expect(evaluateRun(run, qrels, { ndcg: [], recall: [], mrr: [1, 2] }).means).toEqual({ 'MRR@1': 0, 'MRR@2': 0.5 });
  });

  it('returns zeros when no query could be evaluated', () => {
    const result = evaluateRun(new Map(), new Map([['q', judge({ a: 0 })]]));
    expect(result.queriesEvaluated).toBe(0);
    expect(result.means['nDCG@10']).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const docIdArb = fc.integer({ min: 0, max: 14 }).map((i) => `d${i}`);
const judgmentsArb = fc
  .uniqueArray(fc.tuple(docIdArb, fc.integer({ min: -1, max: 3 })), { selector: ([id]) => id, maxLength: 12 })
  .map((entries) => new Map(entries) as Judgments);
const rankingArb = fc.array(docIdArb, { maxLength: 20 });
const distinctRankingArb = fc.uniqueArray(docIdArb, { maxLength: 15 });
const kArb = fc.integer({ min: 1, max: 20 });
const gradeOf = (judgments: Judgments, id: string) => Math.max(0, judgments.get(id) ?? 0);
const hasRelevant = (judgments: Judgments) => [...judgments.values()].some((g) => g > 0);

/**
 * nDCG written out the slow way, with the ideal DCG built as trec_eval builds it: count the
 * judged documents at each grade, then walk the grades from the highest down.
 */
function referenceNdcg(k: number, ranked: readonly string[], judgments: Judgments): number {
  const distinct = [...new Set(ranked)].slice(0, k);
  const dcg = distinct.reduce((sum, id, i) => sum + gradeOf(judgments, id) / Math.log2(i + 2), 0);
  const perGrade = new Map<number, number>();
  for (const grade of judgments.values()) if (grade > 0) perGrade.set(grade, (perGrade.get(grade) ?? 0) + 1);
  let idcg = 0;
  let position = 0;
  for (const grade of [...perGrade.keys()].sort((a, b) => b - a)) {
    for (let n = 0; n < (perGrade.get(grade) ?? 0) && position < k; n++, position++) idcg += grade / Math.log2(position + 2);
  }
  return idcg > 0 ? dcg / idcg : 0;
}

describe('metric properties', () => {
  it('agrees with a slow reference nDCG', () => {
    fc.assert(
      fc.property(kArb, rankingArb, judgmentsArb, (k, ranked, judgments) => {
        expect(ndcgAt(k, ranked, judgments)).toBeCloseTo(referenceNdcg(k, ranked, judgments), 12);
      }),
    );
  });

  it('keeps every metric within [0, 1]', () => {
    fc.assert(
      fc.property(kArb, rankingArb, judgmentsArb, (k, ranked, judgments) => {
        for (const value of [ndcgAt(k, ranked, judgments), recallAt(k, ranked, judgments), mrrAt(k, ranked, judgments)]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
  });

  it('gives a perfect ranking nDCG 1 and MRR 1, and recall of all it has room for', () => {
    fc.assert(
      fc.property(kArb, judgmentsArb, (k, judgments) => {
        fc.pre(hasRelevant(judgments));
        const perfect = [...judgments.keys()].sort((a, b) => gradeOf(judgments, b) - gradeOf(judgments, a));
        const relevant = [...judgments.values()].filter((g) => g > 0).length;
        expect(ndcgAt(k, perfect, judgments)).toBeCloseTo(1, 12);
        expect(mrrAt(k, perfect, judgments)).toBe(1);
        expect(recallAt(k, perfect, judgments)).toBeCloseTo(Math.min(k, relevant) / relevant, 12);
      }),
    );
  });

  it('ignores documents appended after the k-th distinct one', () => {
    fc.assert(
      fc.property(kArb, rankingArb, rankingArb, judgmentsArb, (k, ranked, extra, judgments) => {
        const top = [...new Set(ranked)].slice(0, k);
        fc.pre(top.length === k);
        const longer = [...ranked, ...extra];
        expect(ndcgAt(k, longer, judgments)).toBe(ndcgAt(k, top, judgments));
        expect(recallAt(k, longer, judgments)).toBe(recallAt(k, top, judgments));
        expect(mrrAt(k, longer, judgments)).toBe(mrrAt(k, top, judgments));
      }),
    );
  });

  it('never lowers nDCG or MRR when a more relevant document swaps places with one above it', () => {
    fc.assert(
      fc.property(kArb, distinctRankingArb, judgmentsArb, fc.nat(), fc.nat(), (k, ranked, judgments, x, y) => {
        fc.pre(ranked.length >= 2);
        const upper = Math.min(x, y) % ranked.length;
        const lower = Math.max(x, y) % ranked.length;
        fc.pre(upper < lower);
        fc.pre(gradeOf(judgments, ranked[lower] ?? '') > gradeOf(judgments, ranked[upper] ?? ''));
        const swapped = [...ranked];
        [swapped[upper], swapped[lower]] = [ranked[lower] ?? '', ranked[upper] ?? ''];
        expect(ndcgAt(k, swapped, judgments)).toBeGreaterThanOrEqual(ndcgAt(k, ranked, judgments) - 1e-12);
        expect(mrrAt(k, swapped, judgments)).toBeGreaterThanOrEqual(mrrAt(k, ranked, judgments));
      }),
    );
  });

  it('never lowers MRR, nor nDCG under binary relevance, when a relevant document moves up', () => {
    fc.assert(
      fc.property(kArb, distinctRankingArb, judgmentsArb, fc.nat(), fc.nat(), (k, ranked, graded, from, to) => {
        fc.pre(ranked.length >= 2);
        const source = from % ranked.length;
        const target = to % (source + 1);
        const doc = ranked[source] ?? '';
        fc.pre(gradeOf(graded, doc) > 0);
        const moved = [...ranked];
        moved.splice(source, 1);
        moved.splice(target, 0, doc);
        expect(mrrAt(k, moved, graded)).toBeGreaterThanOrEqual(mrrAt(k, ranked, graded));
        const binary: Judgments = new Map([...graded].map(([id, g]) => [id, g > 0 ? 1 : 0]));
        expect(ndcgAt(k, moved, binary)).toBeGreaterThanOrEqual(ndcgAt(k, ranked, binary) - 1e-12);
      }),
    );
  });

  it('never lowers recall as k grows', () => {
    fc.assert(
      fc.property(kArb, kArb, rankingArb, judgmentsArb, (a, b, ranked, judgments) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(recallAt(large, ranked, judgments)).toBeGreaterThanOrEqual(recallAt(small, ranked, judgments));
      }),
    );
  });

  it('evaluates a run the same whatever order its results are listed in', () => {
    const entryArb = fc.record({ docId: docIdArb, score: fc.integer({ min: 0, max: 4 }) });
    const listAndShuffleArb = fc
      .array(entryArb, { maxLength: 20 })
      .chain((entries) =>
        fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })),
      );
    fc.assert(
      fc.property(listAndShuffleArb, judgmentsArb, ([entries, shuffled], judgments) => {
        fc.pre(hasRelevant(judgments));
        const qrels: Qrels = new Map([['q', judgments]]);
        const cutoffs = { ndcg: [5, 10], recall: [5, 100], mrr: [10] };
        const first = evaluateRun(new Map([['q', entries]]), qrels, cutoffs);
        const second = evaluateRun(new Map([['q', shuffled]]), qrels, cutoffs);
        expect(second.means).toEqual(first.means);
        const ordered = orderLikeTrecEval(entries).map((e) => e.docId);
        expect(first.means['nDCG@5']).toBe(ndcgAt(5, ordered, judgments));
      }),
    );
  });
});
