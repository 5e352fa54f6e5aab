import { performance } from 'node:perf_hooks';
import { createNodeFileSystem } from '../adapters/fs/node-files.js';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { createInProcessPreparer } from '../ingest/prepare-items.js';
import { createReaders } from '../ingest/readers/index.js';
import { createWorkerPreparer } from '../ingest/worker/worker-preparer.js';
import type { IngestDeps } from '../ingest/pipeline.js';
import type { FileSystem } from '../ports/files.js';
import type { Store } from '../ports/store.js';
import type { Settings } from './settings.js';

/**
 * The composition root: the one place that chooses and wires adapters from settings.
 * Everything else receives its collaborators as arguments.
 */
export interface Container {
  settings: Settings;
  store: Store;
  files: FileSystem;
  ingestDeps(): IngestDeps;
  close(): Promise<void>;
}

export interface ContainerOptions {
  /** False for commands that only read (stats, search, show): a missing library is an error. */
  create?: boolean;
  cwd?: string;
}

export function createContainer(settings: Settings, options: ContainerOptions = {}): Container {
  const store = openSqliteStore({
    path: settings.store.path,
    busyTimeoutMs: settings.store.busyTimeoutMs,
    cacheMiB: settings.store.cacheMiB,
    create: options.create ?? true,
  });
  const files = createNodeFileSystem(options.cwd);
  return {
    settings,
    store,
    files,
    ingestDeps: () => ({
      store,
      files,
      prepare: settings.ingest.worker
        ? createWorkerPreparer({ maxPdfBytes: settings.ingest.maxPdfMiB * 1024 * 1024 })
        : createInProcessPreparer(createReaders({ maxPdfBytes: settings.ingest.maxPdfMiB * 1024 * 1024 })),
      now: () => new Date(),
      elapsedMs: () => performance.now(),
      settings: { batchSize: settings.ingest.batchSize, chunk: settings.ingest.chunk },
    }),
    close: () => store.close(),
  };
}
