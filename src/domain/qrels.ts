/**
 * Relevance judgments ("qrels") of a retrieval test collection: for each query, the documents
 * someone judged and the grade they gave. A grade above 0 means relevant; higher is more
 * relevant; 0 means judged not relevant. Negative grades occur in some TREC collections (e.g.
 * spam, or "in the pool but not judged") and count as not relevant.
 */

/** docId → grade, for one query. */
export type Judgments = ReadonlyMap<string, number>;

/** queryId → that query's judgments. */
export type Qrels = ReadonlyMap<string, Judgments>;

/** Whether a grade counts as relevant (trec_eval's default relevance level 1, for integer grades). */
export function isRelevant(grade: number): boolean {
  return grade > 0;
}

/** How many judged documents of a query are relevant. */
export function countRelevant(judgments: Judgments): number {
  let count = 0;
  for (const grade of judgments.values()) if (isRelevant(grade)) count++;
  return count;
}
