import { runIngest, type IngestDeps, type IngestOptions, type IngestReport, type PlannedFile } from './pipeline.js';

/**
 * An ingest followed by the living-article re-check, as `citemed ingest` and the server's ingest
 * jobs both run it: the re-check runs only after an ingest that finished (not interrupted) and
 * changed the library, since only then can a cited source have been retracted, corrected or
 * outranked. The re-check itself is the articles' business (articles/service.ts `recheck`), so it
 * is handed in rather than imported: ingest knows nothing of articles.
 */
export interface IngestAndRecheckOptions<R> extends IngestOptions {
  /** Called with the ingest's report before any re-check starts, so a caller can show it first. */
  onReport?: (report: IngestReport) => void;
  /**
   * Readies what searches need from the library as it now is (the ranking's word associations,
   * learned when the library has changed by a tenth), after an ingest that ran to its end and
   * before any re-check, so that neither the re-check's searches nor the next reader's wait for it.
   */
  prepareSearch?: () => Promise<void>;
  /** The re-check; its result (undefined: nothing checked) is returned beside the report. */
  recheck?: () => Promise<R | undefined>;
  /**
   * An earlier, interrupted run of the same work changed the library (a queued ingest job taken
   * up again by another worker): re-check once this run finishes, even if it changed nothing more.
   */
  changedBefore?: boolean;
}

export interface IngestAndRecheckResult<R> {
  report: IngestReport;
  /** Present when the library changed and the re-check ran. */
  recheck?: R;
}

export async function ingestAndRecheck<R>(
  planned: readonly PlannedFile[],
  deps: IngestDeps,
  options: IngestAndRecheckOptions<R> = {},
): Promise<IngestAndRecheckResult<R>> {
  const { onReport, prepareSearch, recheck, changedBefore, ...ingestOptions } = options;
  const report = await runIngest(planned, deps, ingestOptions);
  onReport?.(report);
  if (!report.interrupted) await prepareSearch?.();
  const changed = changedLibrary(report) || (changedBefore === true && !report.interrupted);
  if (!recheck || !changed) return { report };
  const result = await recheck();
  return result === undefined ? { report } : { report, recheck: result };
}

/** Whether an ingest ran to its end and added, replaced or deleted at least one source. */
export function changedLibrary(report: IngestReport): boolean {
  const { added, updated, deleted } = report.totals;
  return !report.interrupted && added + updated + deleted > 0;
}
