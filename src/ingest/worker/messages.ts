import type { ChunkOptions } from '../../domain/passage.js';
import type { SourceFormat } from '../../domain/source.js';
import type { PreparedItem } from '../prepare-items.js';

/** What the main thread and the prepare worker say to each other. */
export interface WorkerSetup {
  format: SourceFormat;
  path: string;
  skipItems: number;
  batchSize: number;
  chunk: ChunkOptions;
  maxPdfBytes: number;
}

export type ToWorker =
  | { type: 'bytes'; chunk: Uint8Array }
  | { type: 'end' }
  /** The main thread took a batch: the worker may send one more. */
  | { type: 'ack' };

export type FromWorker =
  /** The reader took this many bytes off the worker's queue: the main thread may send more. */
  | { type: 'consumed'; bytes: number }
  | { type: 'batch'; items: PreparedItem[] }
  | { type: 'done' }
  | { type: 'error'; message: string; code?: string; hint?: string };

/** Batches the worker may send ahead of the main thread's writes. */
export const BATCHES_AHEAD = 1;
/** Bytes the main thread may send ahead of the reader (bounds the worker's queue). */
export const BYTES_AHEAD = 16 * 1024 * 1024;
