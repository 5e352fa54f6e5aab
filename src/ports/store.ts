import type { EvidenceLevel } from '../domain/evidence-level.js';
import type { FileProgress, WriteResult } from '../domain/ingest-progress.js';
import type { IntegrityStatus } from '../domain/integrity.js';
import type { Passage } from '../domain/passage.js';
import type { PostingsBuildProgress, PostingsState } from '../domain/postings.js';
import type { Source, SourceFormat, SourceId } from '../domain/source.js';

/**
 * The library: sources, their passages, the full-text index, ingest bookkeeping.
 * Every implementation passes test/contracts/store.contract.ts.
 *
 * Methods are async so that a server-backed implementation (PostgreSQL) fits the same port.
 */
export interface Store {
  /** e.g. "SQLite /home/me/citemed/data/citemed.db", for messages. */
  readonly description: string;
  /** Applies every op and the file checkpoint in one transaction: all of it lands, or none. */
  write(batch: WriteBatch): Promise<WriteResult[]>;
  getProgress(fileKey: string): Promise<FileProgress | undefined>;
  getSource(id: SourceId): Promise<Source | undefined>;
  /** Source ids matching an id, a PMID, a PMCID or a DOI (case-insensitive). */
  findSourceIds(ref: string): Promise<SourceId[]>;
  /**
   * Every source holding one of these PMIDs or DOIs (DOIs case-insensitively), with its integrity
   * status: the versions of the works an answer cites, in one round trip (domain/source.ts
   * `workKey`). Empty lists find nothing.
   */
  versionsOf(works: { pmids: readonly string[]; dois: readonly string[] }): Promise<SourceVersion[]>;
  listPassages(sourceId: SourceId): Promise<Passage[]>;
  /** First-stage retrieval: passages holding any of the phrases, best first by the index's BM25. */
  search(query: PassageQuery): Promise<PassageHit[]>;
  /**
   * For each phrase, how many passages hold it (its document frequency). `stems` are the
   * phrase's tokens stemmed as the index stems them; a store may use them to read a single
   * term's frequency from its vocabulary instead of counting matches.
   */
  frequencies(phrases: readonly { tokens: string[]; stems: string[] }[]): Promise<number[]>;
  corpusStats(): Promise<CorpusStats>;
  /**
   * Reads into memory now what the first search would otherwise stop to read (SQLite: the
   * passages added since the postings index was built), so that a server can do it before it
   * listens. Optional: a store with nothing to read has none.
   */
  warm?(): Promise<void>;
  /**
   * Reads every page of the library and reports damage (SQLite's quick_check): an empty list when
   * it is intact. Damage a command's own pages never touch goes unnoticed otherwise. Optional: a
   * server database checks itself.
   */
  checkIntegrity?(): Promise<string[]>;
  /**
   * Passages with no vector yet for `model`, in a stable order, after `cursor` (from the previous
   * call; none to start). Returns the next cursor with them; an empty list means none are left.
   */
  passagesToEmbed(model: string, limit: number, cursor?: string): Promise<{ passages: PassageToEmbed[]; cursor: string }>;
  /**
   * Stores vectors for `model`, scaled to unit length, replacing any there were. Vectors of
   * passages the library no longer holds are skipped; returns how many were stored. Every vector
   * of a model must have the same length.
   */
  putVectors(model: string, vectors: readonly { passageId: string; vector: Float32Array }[]): Promise<number>;
  /** Removes vectors whose passages the library no longer holds; returns how many. */
  pruneVectors(): Promise<number>;
  /** Removes every vector of `model` (to embed again after the model changed); returns how many. */
  dropVectors(model: string): Promise<number>;
  vectorStats(model: string): Promise<VectorStats>;
  /** The passages whose vectors for `model` are nearest the query vector (cosine), best first. */
  nearest(query: VectorQuery): Promise<PassageHit[]>;
  stats(): Promise<LibraryStats>;
  /**
   * At most `limit` passages spread evenly over the library (every k-th in storage order), with
   * their sources' titles: what word associations are learned from (retrieval/associations.ts).
   */
  samplePassages(limit: number): Promise<SampledPassage[]>;
  /**
   * The postings index, a faster first stage for large libraries (`citemed index`), where the
   * store has one (SQLite). Searches give the same results with or without it.
   */
  readonly postings?: PostingsIndex;
  /**
   * Word associations learned from this library (retrieval/associations.ts), saved so that the
   * next process reads a few rows instead of learning them again. Optional: a store without it
   * has each process learn its own (both of citemed's stores have it).
   */
  readonly associations?: SavedAssociations;
  close(): Promise<void>;
}

/** A word found with a question word, and P(question word | this word) over the passages holding it. */
export interface WordAssociate {
  term: string;
  share: number;
}

/** What saved word associations were learned from. */
export interface AssociationsLearned {
  /** Passages in the library when they were learned. */
  passages: number;
  /** The sample they were learned from, at most (settings: search.rescore.samplePassages). */
  sample: number;
  /** Mean number of distinct words per sampled passage. */
  meanDistinctTerms: number;
}

export interface SavedAssociations {
  /** What the saved associations were learned from; undefined when none are saved. */
  learned(): Promise<AssociationsLearned | undefined>;
  /** The saved associates of these words (stemmed index tokens), strongest first; absent words are left out. */
  of(terms: readonly string[]): Promise<Map<string, WordAssociate[]>>;
  /** Replaces whatever was saved, in one transaction; fails at once, rather than wait, when the library is busy. */
  save(learned: AssociationsLearned, entries: Iterable<[string, readonly WordAssociate[]]>): Promise<void>;
}

export interface SampledPassage {
  title: string;
  section: string;
  text: string;
}

export interface PostingsIndex {
  /**
   * Builds it, or builds it again from the whole library. Writers go on meanwhile, waiting at
   * most a short write transaction of the build's. Aborted through `options.signal`, it stops
   * with an `interrupted` error and the index in service stays as it was.
   */
  build(onProgress?: (progress: PostingsBuildProgress) => void, options?: PostingsRunOptions): Promise<PostingsBuild>;
  /** Removes it; searches use the full-text index alone again. */
  drop(options?: Pick<PostingsRunOptions, 'worker'>): Promise<void>;
  /** Undefined when none is built. */
  state(): Promise<PostingsState | undefined>;
}

export type { PostingsBuildProgress, PostingsState };

export interface PostingsRunOptions {
  /**
   * Run on a thread of its own (SQLite: a worker thread with its own connection to the library's
   * file), so that the caller's event loop stays free: a server goes on answering during a build
   * of minutes. Without it the work runs in the caller's thread, which is simplest for a command
   * that has nothing else to do (and what `citemed index` does).
   */
  worker?: boolean;
  /**
   * Stops a build on a worker between its steps. A build in the caller's thread cannot hear it
   * (that thread is busy until the end); an already aborted signal stops either before it starts.
   */
  signal?: AbortSignal;
}

export interface PostingsBuild extends PostingsState {
  terms: number;
  /** Size of the postings written, in bytes. */
  bytes: number;
  elapsedMs: number;
}

export type WriteOp =
  | { kind: 'upsert'; source: Source; passages: Passage[] }
  | { kind: 'delete'; sourceId: SourceId; origin: string; line?: number };

export type { FileProgress, WriteResult };

export interface WriteBatch {
  ops: WriteOp[];
  /**
   * The file's checkpoint before this batch's write outcomes. The store saves
   * recordOutcomes(progress, results) in the same transaction as the ops, so a resumed ingest
   * starts exactly after them with complete counts.
   */
  progress?: FileProgress;
  /** ISO timestamp recorded on what this batch writes. */
  now: string;
}

export interface FieldWeights {
  title: number;
  section: number;
  body: number;
  terms: number;
}

/** What every search can be narrowed to. All given filters must hold. */
export interface SearchFilters {
  evidenceLevels?: EvidenceLevel[];
  yearFrom?: number;
  yearTo?: number;
  /** Any of these publication types, as MEDLINE names them ("Randomized Controlled Trial"). */
  publicationTypes?: string[];
  /** The collection a source came from: its format (medline, jats, markdown, …). */
  formats?: SourceFormat[];
}

export interface PassageQuery {
  /**
   * Phrases, each a run of folded, unstemmed index tokens that must stand side by side; a passage
   * matches when it holds any of them. The store quotes every token: no query syntax reaches it.
   */
  phrases: string[][];
  limit: number;
  /** First-stage ranking: the index's BM25 with these field weights. */
  weights: FieldWeights;
  filters?: SearchFilters;
}

export interface PassageToEmbed {
  id: string;
  text: string;
  title: string;
  section: string;
}

export interface VectorStats {
  passages: number;
  /** Passages of the library with a vector for the model. */
  embedded: number;
  /** Length of the model's vectors; absent while it has none. */
  dimensions?: number;
}

export interface VectorQuery {
  model: string;
  vector: Float32Array;
  limit: number;
  filters?: SearchFilters;
}

export interface SourceSummary {
  id: SourceId;
  title: string;
  journal?: string;
  year?: number;
  format: SourceFormat;
  evidenceLevel: EvidenceLevel;
  integrity: IntegrityStatus;
  reviewStatus?: Source['reviewStatus'];
  statusNote?: string;
  /**
   * The published work this source is a version of (domain/source.ts `workKey`), when that is not
   * the source itself: the PMC full text of a PubMed article has work "pmid:<PMID>".
   */
  work?: string;
}

/** One source of a work, as `versionsOf` finds it. */
export interface SourceVersion {
  id: SourceId;
  pmid?: string;
  doi?: string;
  integrity: IntegrityStatus;
}

export interface PassageHit {
  passage: Passage;
  source: SourceSummary;
  /**
   * Higher is better; comparable within one query only. From `search`, the index's BM25 with field
   * weights; from `nearest`, the cosine similarity of the vectors.
   */
  score: number;
  /** The indexed fields besides the body (the passage text), for re-ranking and explanations. */
  fields: { title: string; section: string; terms: string };
}

/** Collection statistics that BM25 needs beyond one passage. */
export interface CorpusStats {
  passages: number;
  sources: number;
  /** Mean number of index tokens per passage in each field. */
  meanTokens: FieldWeights;
}

export interface LibraryStats {
  sources: number;
  passages: number;
  byFormat: Partial<Record<SourceFormat, number>>;
  byEvidenceLevel: Partial<Record<EvidenceLevel, number>>;
  byIntegrity: Partial<Record<IntegrityStatus, number>>;
  deletedIds: number;
  /** Stored vectors for hybrid search, per embedding model. */
  vectors: { model: string; count: number; dimensions: number }[];
  files: { done: number; running: number; failed: number };
  lastIngestAt?: string;
  /** Size of the store on disk, in bytes, when it has one. */
  sizeBytes?: number;
  /** The postings index (`citemed index`), when one is built. */
  postings?: PostingsState;
}
