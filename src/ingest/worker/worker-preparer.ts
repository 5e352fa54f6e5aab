import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CitemedError, type ErrorCode } from '../../domain/errors.js';
import type { PreparedItem, Preparer, PrepareRequest } from '../prepare-items.js';
import { BYTES_AHEAD, type FromWorker, type ToWorker, type WorkerSetup } from './messages.js';

/**
 * The worker's entry point. Run from the CLI's bundle (scripts/build-cli.mjs), a compiled
 * prepare-worker.js lies beside this code (`import.meta.dirname`, which the bundle leaves as it
 * is) and starts in a fraction of the time; run from the sources, bootstrap.mjs registers tsx
 * in the new thread first.
 */
const BUNDLED = new URL('prepare-worker.js', pathToFileURL(`${import.meta.dirname}/`));
const ENTRY = existsSync(BUNDLED) ? BUNDLED : new URL('./bootstrap.mjs', import.meta.url);

/**
 * The parsing worker's young generation, in MB: V8 makes it three semi-spaces, so 12 is a 4 MiB
 * semi-space, a quarter of the default. The worker turns over every record it reads; a small
 * young generation keeps an ingest's peak memory down at the same speed (`citemed ingest` of the
 * MEDLINE bench file: 314-319 MB peak with it, 344-357 MB without, 8.2-8.8 s either way). The
 * main thread, which also searches and serves, keeps V8's default (bin/citemed.js).
 */
const WORKER_YOUNG_GENERATION_MB = 12;

/**
 * Reads and prepares in a worker thread, so that on two cores parsing and chunking run beside
 * the SQLite writes. The main thread still reads the file (through the FileSystem port) and
 * hands the bytes over; both directions are bounded (BYTES_AHEAD, BATCHES_AHEAD).
 */
export function createWorkerPreparer(options: { maxPdfBytes: number }): Preparer {
  return (request) => prepareInWorker(request, options.maxPdfBytes);
}

async function* prepareInWorker(request: PrepareRequest, maxPdfBytes: number): AsyncIterable<PreparedItem[]> {
  const setup: WorkerSetup = {
    format: request.format,
    path: request.path,
    skipItems: request.skipItems,
    batchSize: request.batchSize,
    chunk: request.chunk,
    maxPdfBytes,
  };
  const worker = new Worker(ENTRY, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  const send = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  const inbox = createInbox<FromWorker | { type: 'crash'; error: Error }>();
  let bytesAhead = 0;
  let bytesFreed: (() => void) | undefined;
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'consumed') {
      bytesAhead -= message.bytes;
      bytesFreed?.();
    } else inbox.push(message);
  });
  // A crash (out of memory on a huge PDF, say) fails this file, with what to do about it.
  const crashed = (why: string) =>
    new Error(`the parsing worker stopped (${why}); to read this file in one thread, run with --preset low-memory or CITEMED__INGEST__WORKER=false`);
  worker.on('error', (error) => inbox.push({ type: 'crash', error: crashed(error.message) }));
  worker.on('exit', (code) => inbox.push({ type: 'crash', error: crashed(`exit code ${code}`) }));

  // Feed the worker; a read error (a truncated gzip) is raised after the worker has prepared
  // everything read before it, so those records are kept.
  let readError: unknown;
  let stopped = false;
  const pump = (async () => {
    try {
      for await (const chunk of request.bytes) {
        while (bytesAhead > BYTES_AHEAD && !stopped) await new Promise<void>((resolve) => (bytesFreed = resolve));
        if (stopped) break; // leaving the loop closes the file
        const copy = new Uint8Array(chunk); // its own buffer, so it can be transferred
        bytesAhead += copy.byteLength;
        send({ type: 'bytes', chunk: copy }, [copy.buffer as ArrayBuffer]);
      }
    } catch (error) {
      readError = error;
    }
    if (!stopped) send({ type: 'end' });
  })();

  try {
    for (;;) {
      const message = await inbox.next();
      switch (message.type) {
        case 'batch':
          yield message.items;
          send({ type: 'ack' });
          break;
        case 'done':
          await pump;
          if (readError !== undefined) throw readError;
          return;
        case 'error':
          throw message.code
            ? new CitemedError(message.code as ErrorCode, message.message, message.hint ? { hint: message.hint } : {})
            : new Error(message.message);
        case 'crash':
          throw message.error;
      }
    }
  } finally {
    // Also when the consumer stops early (an interrupted ingest): stop reading, stop the worker.
    stopped = true;
    bytesFreed?.();
    await worker.terminate();
    await pump;
  }
}

/** An unbounded single-consumer queue; the worker protocol bounds what is in it. */
function createInbox<T>(): { push(item: T): void; next(): Promise<T> } {
  const items: T[] = [];
  let waiting: ((item: T) => void) | undefined;
  return {
    push(item) {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve(item);
      } else items.push(item);
    },
    next() {
      const item = items.shift();
      return item !== undefined ? Promise.resolve(item) : new Promise((resolve) => (waiting = resolve));
    },
  };
}
