import type { Qrels } from '../domain/qrels.js';

/**
 * A retrieval test collection: documents, queries and relevance judgments per split (BEIR's
 * "test", "train", "dev"). Evaluation reads data sets only through this port.
 */
export interface DatasetDoc {
  id: string;
  /** May be empty: many collections have untitled documents. */
  title: string;
  text: string;
}

export interface DatasetQuery {
  id: string;
  text: string;
}

export interface RetrievalDataset {
  /** e.g. "BEIR data set /data/scifact (corpus.jsonl.gz; splits test, train)", for messages. */
  readonly description: string;
  /** Every document, one at a time, in file order: corpora can be larger than memory. */
  corpus(): AsyncIterable<DatasetDoc>;
  /** Every query of the collection, whatever split judges it. */
  queries(): Promise<DatasetQuery[]>;
  /** The judgments of one split; fails with a not-found error naming the splits there are. */
  qrels(split: string): Promise<Qrels>;
  /** Names of the splits that have judgments, sorted. */
  splits(): Promise<string[]>;
}
