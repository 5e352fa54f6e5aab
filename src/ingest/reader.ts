import type { SourceId, SourceInput } from '../domain/source.js';

/**
 * A reader turns the bytes of one file into a stream of items, one record at a time, in
 * constant memory (bounded by the largest record, not the file).
 *
 * A reader never throws for a bad record: it yields a `skip` with the line and the reason and
 * goes on. It throws only when the file as a whole cannot be read further (a truncated gzip
 * stream, an I/O error); everything it yielded before stays valid.
 */
export type ReaderItem =
  | { kind: 'source'; source: SourceInput }
  | { kind: 'delete'; sourceIds: SourceId[]; line: number }
  | { kind: 'skip'; reason: string; line: number; recordId?: string; /** The record's id repeats one read earlier in the same file. */ repeated?: true };

export interface ReaderInput {
  /** The file's content, already decompressed when it was gzip. */
  bytes: AsyncIterable<Uint8Array>;
  /** Absolute path, recorded as the origin of every source read. */
  path: string;
}

export type Reader = (input: ReaderInput) => AsyncIterable<ReaderItem>;
