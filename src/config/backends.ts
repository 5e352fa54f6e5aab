import path from 'node:path';
import { describe } from '../adapters/postgres/describe.js';
import { openSqliteLibrary } from '../adapters/sqlite/sqlite-store.js';
import type { EditorialStore } from '../ports/editorial.js';
import type { IngestJobRecords } from '../ports/ingest-jobs.js';
import type { RateLimiter } from '../ports/rate-limiter.js';
import type { SavedAssociations, Store } from '../ports/store.js';
import type { ThreadStore } from '../ports/threads.js';
import { deferred } from './deferred.js';
import type { Settings } from './settings.js';

/**
 * The library's backend, chosen by one setting: `store.url` names a PostgreSQL server, or, empty,
 * the embedded SQLite file at `store.path`. Both give the same Store, EditorialStore and
 * ThreadStore (each passes the same contract suites); threads live in the library, so every
 * server on it shares them. PostgreSQL also keeps the rate-limit buckets, so several servers on
 * one library enforce one budget (SQLite serves one machine: each server keeps its own), and the
 * administrators' ingest jobs, so any worker runs them and any server shows them (with SQLite they
 * live in the server's memory). PostgreSQL opens asynchronously (connect, migrate), so its
 * stores are handed out at once and their calls wait for the opening (deferred.ts); a server that
 * cannot be reached fails the first call, with the usual message.
 */
export function openLibrary(
  settings: Settings['store'],
  create: boolean,
  threadBounds: Settings['server']['threads'],
): { store: Store; editorial: EditorialStore; threads: ThreadStore; rateLimiter?: RateLimiter; ingestJobRecords?: IngestJobRecords } {
  if (settings.url === '') {
    return openSqliteLibrary({
      path: settings.path,
      busyTimeoutMs: settings.busyTimeoutMs,
      cacheMiB: settings.cacheMiB,
      usePostings: settings.usePostings,
      create,
      threads: threadBounds,
    });
  }
  const description = describe(settings.url, settings.schema);
  // Loaded only now: a SQLite library never loads the PostgreSQL modules (postgres-backend.ts).
  const opening = import('./postgres-backend.js').then((backend) => backend.openPostgresBackend(settings, create, threadBounds, description));
  const store = opening.then((backend) => backend.store);
  const editorial = opening.then((backend) => backend.editorial);
  return {
    store: deferred(store, {
      description,
      // Not a method, so not deferred: PostgreSQL ranks in the database and keeps no postings
      // index, which callers must see at once (`citemed stats`, `citemed index`, the admin page).
      postings: undefined,
      // Likewise optional, and PostgreSQL has nothing to read ahead before a server listens.
      warm: undefined,
      checkIntegrity: undefined,
      // Saved in the library on both backends; a property, so deferred on its own.
      associations: deferred<SavedAssociations>(opening.then((backend) => backend.store.associations)),
      // Closing a library that never opened has nothing to close; the opening's error was reported by the calls.
      close: () => store.then((s) => s.close(), () => undefined),
    }),
    editorial: {
      accounts: deferred(editorial.then((e) => e.accounts)),
      articles: deferred(editorial.then((e) => e.articles)),
      audit: deferred(editorial.then((e) => e.audit)),
    },
    threads: deferred(opening.then((backend) => backend.threads)),
    rateLimiter: deferred<RateLimiter>(opening.then((backend) => backend.rateLimiter)),
    ingestJobRecords: deferred<IngestJobRecords>(opening.then((backend) => backend.ingestJobRecords)),
  };
}

/**
 * The library as answers name it in their provenance, which readers see and published articles
 * keep: which backend, and the file's name or the schema, never a directory, a host or the
 * store URL (it may hold a password). Operators' messages use the store's own description.
 */
export function libraryProvenance(settings: Settings['store']): string {
  return settings.url === '' ? `SQLite library ${path.basename(settings.path)}` : `PostgreSQL library, schema ${settings.schema}`;
}
