import { removeControlCharacters } from '../domain/control-characters.js';
import type { ChunkOptions, Passage } from '../domain/passage.js';
import type { Source, SourceFormat, SourceId } from '../domain/source.js';
import { prepareSource } from './prepare.js';
import type { Reader, ReaderItem } from './reader.js';

/**
 * The read-and-prepare stage of ingest: a file's bytes in, batches of prepared items out, in
 * file order. It can run in this thread (`createInProcessPreparer`) or in a worker thread
 * (`worker/worker-preparer.ts`), so parsing and chunking use one core while SQLite writes on the
 * other.
 */
export type PreparedItem =
  | { kind: 'upsert'; source: Source; passages: Passage[] }
  | { kind: 'delete'; sourceIds: SourceId[]; line: number }
  | { kind: 'skip'; line: number; reason: string; recordId?: string; repeated?: true };

export interface PrepareRequest {
  format: SourceFormat;
  /** Absolute path, recorded as the origin of what is read. */
  path: string;
  bytes: AsyncIterable<Uint8Array>;
  /** Reader items already committed by an earlier run: read past, not prepared. */
  skipItems: number;
  /** Items per batch: one batch becomes one transaction. */
  batchSize: number;
  chunk: ChunkOptions;
  /** Size of the file on disk, when known (compressed size for .gz). */
  sizeBytes?: number;
}

/** Yields batches; throws when the file cannot be read further, after yielding everything before. */
export type Preparer = (request: PrepareRequest) => AsyncIterable<PreparedItem[]>;

/**
 * Sends files of at least `minBytes` to `large` and smaller ones to `small`. Starting a worker
 * thread costs about 0.6 s (the TypeScript loader and the readers load again in it); a folder of
 * small documents read through workers spent 20 of its 22 s starting them.
 */
export function routeBySize(options: { minBytes: number; large: Preparer; small: Preparer }): Preparer {
  return (request) => ((request.sizeBytes ?? Infinity) >= options.minBytes ? options.large(request) : options.small(request));
}

export function createInProcessPreparer(readers: Readonly<Record<SourceFormat, Reader>>): Preparer {
  return (request) => prepareBatches(readers[request.format]({ bytes: request.bytes, path: request.path }), request);
}

export async function* prepareBatches(
  items: AsyncIterable<ReaderItem>,
  request: Pick<PrepareRequest, 'skipItems' | 'batchSize' | 'chunk'>,
): AsyncIterable<PreparedItem[]> {
  let batch: PreparedItem[] = [];
  let seen = 0;
  try {
    for await (const item of items) {
      seen++;
      if (seen <= request.skipItems) continue;
      batch.push(prepareItem(item, request.chunk));
      if (batch.length >= request.batchSize) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    // Keep every record read before the failure.
    if (batch.length > 0) yield batch;
    throw error;
  }
  if (batch.length > 0) yield batch;
}

function prepareItem(item: ReaderItem, chunk: ChunkOptions): PreparedItem {
  switch (item.kind) {
    case 'source':
      return { kind: 'upsert', ...prepareSource(item.source, chunk) };
    case 'delete':
      // Ids lose control characters as the sources' own ids do, so they still name them.
      return { kind: 'delete', sourceIds: item.sourceIds.map(removeControlCharacters), line: item.line };
    case 'skip': {
      // Reasons and ids quote the input; they are printed and stored like the library's text.
      const reason = removeControlCharacters(item.reason);
      return {
        kind: 'skip',
        line: item.line,
        reason,
        ...(item.recordId === undefined ? {} : { recordId: removeControlCharacters(item.recordId) }),
        ...(item.repeated ? { repeated: true as const } : {}),
      };
    }
  }
}
