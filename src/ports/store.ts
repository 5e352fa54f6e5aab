import type { EvidenceLevel } from '../domain/evidence-level.js';
import type { FileProgress, WriteResult } from '../domain/ingest-progress.js';
import type { IntegrityStatus } from '../domain/integrity.js';
import type { Passage } from '../domain/passage.js';
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
  listPassages(sourceId: SourceId): Promise<Passage[]>;
  search(query: PassageQuery): Promise<PassageHit[]>;
  stats(): Promise<LibraryStats>;
  close(): Promise<void>;
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

export interface PassageQuery {
  /** Analysed query terms; a passage matches when it holds any of them. */
  terms: string[];
  limit: number;
  weights: { title: number; section: number; body: number; terms: number };
  evidenceLevels?: EvidenceLevel[];
  yearFrom?: number;
  yearTo?: number;
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
}

export interface PassageHit {
  passage: Passage;
  source: SourceSummary;
  /** Higher is better. BM25 with field weights; comparable within one query only. */
  score: number;
}

export interface LibraryStats {
  sources: number;
  passages: number;
  byFormat: Partial<Record<SourceFormat, number>>;
  byEvidenceLevel: Partial<Record<EvidenceLevel, number>>;
  byIntegrity: Partial<Record<IntegrityStatus, number>>;
  deletedIds: number;
  files: { done: number; running: number; failed: number };
  lastIngestAt?: string;
  /** Size of the store on disk, in bytes, when it has one. */
  sizeBytes?: number;
}
