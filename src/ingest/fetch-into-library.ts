import path from 'node:path';
import type { AuditInput } from '../domain/audit.js';
import { CitemedError, isCitemedError } from '../domain/errors.js';
import type { RecheckCounts } from '../domain/ingest-job.js';
import type { IngestCounts } from '../domain/ingest-progress.js';
import type { AuditLog } from '../ports/editorial.js';
import type { LiteratureQuery, LiteratureService, LiteratureServiceName } from '../ports/literature.js';
import { checkQuery, fetchFolderName, fetchLiterature, type FetchDeps, type FetchOutcome } from './fetch-literature.js';
import { ingestAndRecheck } from './ingest-and-recheck.js';
import { planIngest, type IngestDeps, type IngestReport } from './pipeline.js';

/**
 * A fetch that an account asks the server for (POST /api/v1/literature/fetch): the live service
 * searched and its records saved as `citemed fetch` does (fetch-literature.ts, one folder per
 * fetch, resumable the same day), the saved parts ingested, and the living articles re-checked
 * when the library changed (ingest-and-recheck.ts), as `citemed ingest` and ingest jobs do.
 *
 * Every fetch that was started is audited once, when it ends, however it ends: who asked, the
 * service, the query, the counts, and for a failure its error code (never its message, which may
 * name the service's URL). A fetch is not an editorial record, so the entry is written just after;
 * a write that fails goes to `onServerError` and the fetch's result stands (as ingest jobs do).
 *
 * A stop (the client went away, the deadline passed) keeps the parts saved so far and the batches
 * ingested so far; the same request the same day goes on from there.
 */
export interface FetchIntoLibraryRequest {
  service: LiteratureService;
  query: LiteratureQuery;
  /** The account that asked: the audit entry's actor, and the re-check's. */
  actor: string;
}

export interface FetchIntoLibraryDeps {
  fetch: FetchDeps;
  ingest: IngestDeps;
  /** The living-article re-check on behalf of `actor`. */
  recheck: (actor: string) => Promise<RecheckCounts>;
  audit: Pick<AuditLog, 'append'>;
  /** Failures the caller is not told about in detail: a failed re-check, a missing audit entry. */
  onServerError: (error: unknown) => void;
}

export interface FetchIntoLibraryResult {
  service: LiteratureServiceName;
  /** The fetch's folder by name only (`pubmed-2026-12-05-3f9c0a1b2e`): where it lies is the server's business. */
  fetchedAs: string;
  /** True when the same fetch was started earlier the same day: its search and saved parts were used again. */
  resumed: boolean;
  searchedAt: string;
  /** Records the service matched in all. */
  total: number;
  /** Record ids taken from the search (at most `max`). */
  found: number;
  /** Records fetched by this request (0 when every part was saved before). */
  fetched: number;
  translation?: string;
  warnings: string[];
  added: number;
  updated: number;
  /** Records already in the library, unchanged. */
  unchanged: number;
  /** Records not written for any other reason (an older version, malformed …). */
  skipped: number;
  /** Saved parts that could not be read (the others were ingested); the server's log says why. */
  failedParts: number;
  /** The living-article re-check, when the library changed and it ran. */
  recheck?: RecheckCounts;
}

export type FetchStatus = 'done' | 'failed' | 'cancelled';

export async function fetchIntoLibrary(request: FetchIntoLibraryRequest, deps: FetchIntoLibraryDeps, signal?: AbortSignal): Promise<FetchIntoLibraryResult> {
  checkQuery(request.query);
  const query: LiteratureQuery = { ...request.query, query: request.query.query.trim() };
  // Nothing was started for a request given up before its turn came: nothing to audit.
  if (signal?.aborted) throw stopped();
  const audit = auditor(request, query, deps);
  let folderName = fetchFolderName(request.service.name, query, deps.fetch.now(), request.service.variant);

  let outcome: FetchOutcome;
  let resumed = false;
  try {
    outcome = await fetchLiterature(request.service, query, deps.fetch, {
      ...(signal ? { signal } : {}),
      onEvent: (event) => {
        if (event.kind === 'searched') resumed = event.reused;
      },
    });
  } catch (error) {
    const status = signal?.aborted ? 'cancelled' : 'failed';
    await audit(folderName, { status, ...(status === 'failed' ? { error: errorCode(error) } : {}) });
    throw signal?.aborted && !isCitemedError(error) ? stopped(error) : error;
  }
  folderName = path.basename(outcome.folder);
  const fetched = fetchedCounts(request.service.name, folderName, outcome, resumed);
  if (outcome.interrupted) {
    await audit(folderName, { status: 'cancelled', ...auditCounts(fetched) });
    throw stopped();
  }

  const files = outcome.parts.map((part) => part.path);
  let report: IngestReport | undefined;
  let recheck: RecheckCounts | undefined;
  if (files.length > 0) {
    try {
      const planned = await planIngest(files, deps.ingest.files);
      const done = await ingestAndRecheck(planned, deps.ingest, {
        ...(signal ? { signal } : {}),
        // A failed re-check does not undo the ingest: the log has it, the caller gets the counts.
        recheck: () =>
          deps.recheck(request.actor).catch((error: unknown) => {
            deps.onServerError(error);
            return undefined;
          }),
      });
      report = done.report;
      recheck = done.recheck;
    } catch (error) {
      await audit(folderName, { status: 'failed', ...auditCounts(fetched), error: errorCode(error) });
      throw error;
    }
  }

  const result: FetchIntoLibraryResult = { ...fetched, ...ingestCounts(report?.totals), failedParts: report?.failedFiles ?? 0, ...(recheck ? { recheck } : {}) };
  if (report?.interrupted) {
    await audit(folderName, { status: 'cancelled', ...auditCounts(result) });
    throw stopped();
  }
  if (report && report.failedFiles > 0) {
    for (const file of report.files.filter((f) => f.status === 'failed')) {
      deps.onServerError(new Error(`a part fetched from ${request.service.name} could not be ingested: ${path.basename(file.path)}: ${file.error ?? 'unreadable'}`));
    }
  }
  await audit(folderName, { status: 'done', ...auditCounts(result) });
  return result;
}

type FetchedCounts = Omit<FetchIntoLibraryResult, 'added' | 'updated' | 'unchanged' | 'skipped' | 'failedParts' | 'recheck'>;

function fetchedCounts(service: LiteratureServiceName, fetchedAs: string, outcome: FetchOutcome, resumed: boolean): FetchedCounts {
  const { manifest } = outcome;
  return {
    service,
    fetchedAs,
    resumed,
    searchedAt: manifest.searchedAt,
    total: manifest.total,
    found: manifest.ids.length,
    fetched: outcome.fetched,
    ...(manifest.translation === undefined ? {} : { translation: manifest.translation }),
    warnings: manifest.warnings,
  };
}

function ingestCounts(totals: IngestCounts | undefined): Pick<FetchIntoLibraryResult, 'added' | 'updated' | 'unchanged' | 'skipped'> {
  if (!totals) return { added: 0, updated: 0, unchanged: 0, skipped: 0 };
  const { unchanged = 0, ...others } = totals.skipped;
  const skipped = Object.values(others).reduce((sum, n) => sum + (n ?? 0), 0);
  return { added: totals.added, updated: totals.updated, unchanged, skipped };
}

/** What the audit entry keeps of a result: the counts, not the service's wording of the query. */
function auditCounts(result: Partial<FetchIntoLibraryResult>): Record<string, unknown> {
  const keys = ['total', 'found', 'fetched', 'added', 'updated', 'unchanged', 'skipped', 'failedParts', 'recheck'] as const;
  return Object.fromEntries(keys.filter((key) => result[key] !== undefined).map((key) => [key, result[key]]));
}

/** Writes the fetch's one entry; a failed write is reported, never thrown. */
function auditor(request: FetchIntoLibraryRequest, query: LiteratureQuery, deps: FetchIntoLibraryDeps) {
  return async (folderName: string, state: { status: FetchStatus } & Record<string, unknown>): Promise<void> => {
    const entry: AuditInput = {
      at: deps.fetch.now().toISOString(),
      actor: request.actor,
      action: 'literature.fetch',
      subjectType: 'literature-fetch',
      subjectId: folderName,
      after: { service: request.service.name, query, ...state },
    };
    try {
      await deps.audit.append(entry);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      deps.onServerError(new Error(`the audit entry literature.fetch of ${folderName} by ${request.actor} was not written: ${why}`, { cause: error }));
    }
  };
}

function errorCode(error: unknown): string {
  return isCitemedError(error) ? error.code : 'internal';
}

function stopped(cause?: unknown): CitemedError {
  return new CitemedError('interrupted', 'the fetch was stopped before it finished', {
    hint: 'the records saved so far are kept; ask again the same day to go on from there',
    ...(cause === undefined ? {} : { cause }),
  });
}
