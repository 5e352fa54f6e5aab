/**
 * ROUGE-L (Lin, 2004) for the answer benchmark: how much of a reference answer's wording a
 * candidate answer reproduces in order. Both texts are lower-cased and cut into word tokens
 * (runs of letters and digits; punctuation is dropped); the longest common subsequence (LCS) of
 * the two token lists gives
 *
 *   recall    = LCS / reference tokens
 *   precision = LCS / candidate tokens
 *   F1        = 2 · precision · recall / (precision + recall)
 *
 * No stemming and no stop-word removal, so numbers are comparable only with other runs of this
 * file. Sentence-level ROUGE-Lsum (union LCS per reference sentence) is not what is computed here.
 */

export interface RougeL {
  precision: number;
  recall: number;
  f1: number;
  /** Length of the longest common subsequence, in tokens. */
  lcs: number;
}

/** Lower-cased word tokens: maximal runs of Unicode letters, marks and digits. */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

/**
 * Length of the longest common subsequence of two token lists. Dynamic programming over two
 * rows, so memory is linear in the shorter list and time is the product of the lengths
 * (a 500-token answer against a 5,000-token reference is 2.5 million steps, a few milliseconds).
 */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const [outer, inner] = a.length >= b.length ? [a, b] : [b, a];
  if (inner.length === 0) return 0;
  // Tokens as small integers: comparing numbers is cheaper than comparing strings.
  const ids = new Map<string, number>();
  const idOf = (t: string): number => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return id;
  };
  const innerIds = Int32Array.from(inner, idOf);
  let previous = new Int32Array(inner.length + 1);
  let current = new Int32Array(inner.length + 1);
  for (const token of outer) {
    const id = idOf(token);
    for (let j = 1; j <= inner.length; j++) {
      current[j] = innerIds[j - 1] === id ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[inner.length]!;
}

/** ROUGE-L of a candidate against one reference; all zeros when either text has no tokens. */
export function rougeL(candidate: string, reference: string): RougeL {
  const c = rougeTokens(candidate);
  const r = rougeTokens(reference);
  const lcs = lcsLength(c, r);
  if (lcs === 0) return { precision: 0, recall: 0, f1: 0, lcs: 0 };
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall), lcs };
}

/**
 * ROUGE-L against several references: the one the candidate matches best (highest F1), the
 * usual multi-reference convention. Zeros when there are no references.
 */
export function rougeLBest(candidate: string, references: readonly string[]): RougeL {
  let best: RougeL = { precision: 0, recall: 0, f1: 0, lcs: 0 };
  for (const reference of references) {
    const score = rougeL(candidate, reference);
    if (score.f1 > best.f1) best = score;
  }
  return best;
}

/**
 * Checks the implementation on cases worked out by hand; throws on the first that fails, so a
 * broken metric never reaches a table. Cheap: run it at the start of every benchmark run.
 */
export function checkRouge(): void {
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  const expect = (what: string, ok: boolean) => {
    if (!ok) throw new Error(`ROUGE-L self-check failed: ${what}`);
  };
  const same = rougeL('Iron deficiency anemia is common.', 'iron DEFICIENCY anemia is common');
  expect('identical texts (up to case and punctuation) score 1', near(same.f1, 1) && near(same.precision, 1) && near(same.recall, 1));
  expect('texts without a shared word score 0', rougeL('warfarin dosing', 'aspirin allergy in children').f1 === 0);
  expect('an empty candidate scores 0', rougeL('', 'anything at all').f1 === 0);
  // "the cat sat on the mat" vs "the cat lay on the mat": LCS "the cat on the mat" = 5 of 6 each way.
  const cat = rougeL('the cat sat on the mat', 'the cat lay on the mat');
  expect('cat/mat: LCS 5', cat.lcs === 5);
  expect('cat/mat: F1 5/6', near(cat.f1, 5 / 6));
  // Candidate "a b c d" vs reference "a c e": LCS "a c" = 2; P = 2/4, R = 2/3, F1 = 2·(1/2)(2/3)/(1/2 + 2/3) = 4/7.
  const abc = rougeL('a b c d', 'a c e');
  expect('a b c d / a c e: LCS 2', abc.lcs === 2);
  expect('a b c d / a c e: P 1/2, R 2/3, F1 4/7', near(abc.precision, 1 / 2) && near(abc.recall, 2 / 3) && near(abc.f1, 4 / 7));
  // Order matters: a reversed sentence keeps its words but only one of them in order.
  expect('reversed "one two three" has LCS 1', rougeL('three two one', 'one two three').lcs === 1);
  expect('best of several references is taken', near(rougeLBest('a c', ['x y', 'a b c']).recall, 2 / 3));
}
