import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CitemedError, type ErrorCode } from '../../domain/errors.js';
import type { PostingsBuildProgress } from '../../domain/postings.js';
import type { PostingsBuild } from '../../ports/store.js';

/**
 * Building and dropping the postings index in a worker thread, with its own connection to the
 * library's file (postings-thread-body.ts), so that the thread that asks, a server's event loop,
 * stays free: a build at a million passages keeps better-sqlite3 busy for minutes. The build
 * itself is postings-build.ts's, made for this: it reads from a snapshot on a second connection
 * and writes in short transactions, so the server's own connection goes on reading and writing.
 *
 * A cancel cannot reach the worker by message (it is inside SQLite calls until it ends), so it
 * goes through a shared flag that the build reads between its steps.
 */
/** As the ingest worker's (src/ingest/worker/worker-preparer.ts): compiled beside the bundle, else through tsx. */
const BUNDLED = new URL('postings-thread.js', pathToFileURL(`${import.meta.dirname}/`));
const ENTRY = existsSync(BUNDLED) ? BUNDLED : new URL('./postings-thread.mjs', import.meta.url);

export interface PostingsThreadSetup {
  op: 'build' | 'drop';
  file: string;
  busyTimeoutMs: number;
  /** One Int32: 0 while the build may go on, 1 once it should stop. */
  stop: SharedArrayBuffer;
}

export type FromPostingsThread =
  | { type: 'progress'; progress: PostingsBuildProgress }
  | { type: 'built'; build: PostingsBuild }
  | { type: 'dropped' }
  | { type: 'error'; message: string; code?: string; hint?: string };

export interface PostingsThreadOptions {
  busyTimeoutMs: number;
  onProgress?: (progress: PostingsBuildProgress) => void;
  signal?: AbortSignal;
}

export async function buildPostingsInWorker(file: string, options: PostingsThreadOptions): Promise<PostingsBuild> {
  const last = await runPostingsThread('build', file, options);
  if (last.type !== 'built') throw new Error(`the postings worker ended with "${last.type}" instead of the build`);
  return last.build;
}

export async function dropPostingsInWorker(file: string, options: Pick<PostingsThreadOptions, 'busyTimeoutMs'>): Promise<void> {
  await runPostingsThread('drop', file, options);
}

/**
 * Runs one operation in a new worker; settles once the worker has exited (its connection closed),
 * with its last message, or rejects with its error.
 */
function runPostingsThread(op: PostingsThreadSetup['op'], file: string, options: PostingsThreadOptions): Promise<Exclude<FromPostingsThread, { type: 'progress' | 'error' }>> {
  if (file === ':memory:') {
    return Promise.reject(new CitemedError('usage', 'an in-memory library has no postings index', { hint: 'use a library file (--db)' }));
  }
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const setup: PostingsThreadSetup = { op, file, busyTimeoutMs: options.busyTimeoutMs, stop };
  const onAbort = () => Atomics.store(flag, 0, 1);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve, reject) => {
    let outcome: { ok: Exclude<FromPostingsThread, { type: 'progress' | 'error' }> } | { error: Error } | undefined;
    const worker = new Worker(ENTRY, { workerData: setup });
    worker.on('message', (message: FromPostingsThread) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'error') {
        outcome = {
          error: message.code
            ? new CitemedError(message.code as ErrorCode, message.message, message.hint ? { hint: message.hint } : {})
            : new Error(message.message),
        };
      } else outcome = { ok: message };
    });
    // A crash (out of memory, the loader failing) ends the worker without a last message.
    worker.on('error', (error) => {
      outcome ??= { error: new Error(`the postings worker stopped: ${error.message}`, { cause: error }) };
    });
    worker.on('exit', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      const ended = outcome ?? { error: new Error(`the postings worker exited (code ${code}) without finishing`) };
      if ('ok' in ended) resolve(ended.ok);
      else reject(ended.error);
    });
  });
}
