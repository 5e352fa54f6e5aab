/**
 * Alignment of two sequences, the engine of the version diff (statements within a section, words
 * within a statement). It is a longest common subsequence generalised to weights: `weight(x, y)`
 * says how much pairing x with y is worth (0: they may not pair), and the alignment returned has
 * the largest total weight with no two pairs crossing, so both sequences keep their order.
 * With weight 1 for equal items it is the classic LCS.
 *
 * O(n·m) time and memory in the lengths; statements per section and words per statement are in
 * the tens to hundreds, so a plain table is the clearest way.
 */

export type AlignStep =
  | { kind: 'pair'; a: number; b: number }
  | { kind: 'only-a'; a: number }
  | { kind: 'only-b'; b: number };

export function align<A, B>(a: readonly A[], b: readonly B[], weight: (x: A, y: B) => number): AlignStep[] {
  const n = a.length;
  const m = b.length;
  const pairWeight = new Float64Array(n * m);
  a.forEach((x, i) => b.forEach((y, j) => (pairWeight[i * m + j] = Math.max(0, weight(x, y)))));
  // best[i][j]: the largest total weight aligning a[i..] with b[j..], filled from the ends.
  const best = new Float64Array((n + 1) * (m + 1));
  const cell = (i: number, j: number): number => best[i * (m + 1) + j] ?? 0;
  const paired = (i: number, j: number): number => {
    const w = pairWeight[i * m + j] ?? 0;
    return w > 0 ? w + cell(i + 1, j + 1) : -1;
  };
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) best[i * (m + 1) + j] = Math.max(paired(i, j), cell(i + 1, j), cell(i, j + 1));
  }
  // Walk forward, preferring a pair, then an item of `a` alone: a run of changes reads as what
  // went (a's items) before what came (b's items). Values compared are the very ones stored.
  const steps: AlignStep[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (cell(i, j) === paired(i, j)) steps.push({ kind: 'pair', a: i++, b: j++ });
    else if (cell(i, j) === cell(i + 1, j)) steps.push({ kind: 'only-a', a: i++ });
    else steps.push({ kind: 'only-b', b: j++ });
  }
  while (i < n) steps.push({ kind: 'only-a', a: i++ });
  while (j < m) steps.push({ kind: 'only-b', b: j++ });
  return steps;
}
