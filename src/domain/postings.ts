/**
 * The postings index (a faster first stage for large SQLite libraries, `citemed index`) as its
 * clients see it: its state, whether searches use it, the advice to build or rebuild it, and an
 * administrator's build or drop run from the web app. The CLI and the web app word the advice
 * from the same function, so both say the same at the same thresholds. No I/O.
 */

export interface PostingsState {
  builtAt: string;
  /** Passages the index covers. */
  passages: number;
  /** Passages added since the build (searches hold them in memory, up to `newerLimit`). */
  newer: number;
  /** Covered passages deleted since the build (skipped). */
  removed: number;
  /** Most newer passages searches hold; with more, the full-text index ranks alone until a rebuild. */
  newerLimit: number;
}

export interface PostingsBuildProgress {
  /** Token occurrences read from the full-text index so far, of `total` (0 until it is known). */
  done: number;
  total: number;
  /** Terms written so far. */
  terms: number;
}

/** A job's progress: the build's, and the time since the job started (0 for a drop). */
export interface PostingsJobProgress extends PostingsBuildProgress {
  elapsedMs: number;
}

/**
 * Whether searches rank from the index: it is built, no more passages were added since than
 * searches hold (past that they fall back to the full-text index, FTS5), and the setting
 * `store.usePostings` is on (`enabled`).
 */
export function postingsInUse(state: PostingsState | undefined, enabled = true): boolean {
  return enabled && state !== undefined && state.newer <= state.newerLimit;
}

/** Libraries from this size on search noticeably faster with the postings index (docs/benchmarks.md). */
export const SUGGEST_FROM_PASSAGES = 200_000;
/** Passages added or removed since the build, as a share of those covered, past which a rebuild is advised. */
export const STALE_SHARE = 0.1;

/**
 * Why building the index would help now: the library is large and has none (`build`), or it
 * changed enough since the build (`rebuild`; `fallenBack`: searches no longer use it).
 */
export type PostingsAdvice =
  | { kind: 'build'; passages: number }
  | { kind: 'rebuild'; newer: number; removed: number; fallenBack: boolean };

/** `passages`: the library's passages (read only when no index is built). Undefined: nothing to advise. */
export function postingsAdvice(state: PostingsState | undefined, passages: number): PostingsAdvice | undefined {
  if (!state) return passages >= SUGGEST_FROM_PASSAGES ? { kind: 'build', passages } : undefined;
  const changed = state.newer + state.removed;
  if (changed <= STALE_SHARE * state.passages && state.newer <= state.newerLimit / 2) return undefined;
  return { kind: 'rebuild', newer: state.newer, removed: state.removed, fallenBack: state.newer > state.newerLimit };
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * The advice in words, lower-case first, no full stop; `action` is what to do, as the reader does
 * it ("run `citemed index`" on the command line, "rebuild it" on the admin page).
 */
export function describePostingsAdvice(advice: PostingsAdvice, action: string): string {
  if (advice.kind === 'build') return `with ${integer.format(advice.passages)} passages, searches are faster with the postings index: ${action}`;
  return (
    `${integer.format(advice.newer)} passages added and ${integer.format(advice.removed)} removed since the postings index was built: ` +
    `${action} to bring it up to date (searches stay correct meanwhile${advice.fallenBack ? ', but do not use it until then' : ''})`
  );
}

/**
 * An administrator's build or drop of the postings index, run by the server (one at a time, off
 * its event loop), as the web app's admin page and the HTTP API's PostingsJob schema show it.
 * Field names are part of the API.
 */
export const POSTINGS_JOB_ACTIONS = ['build', 'drop'] as const;
export type PostingsJobAction = (typeof POSTINGS_JOB_ACTIONS)[number];

export const POSTINGS_JOB_STATUSES = ['running', 'done', 'failed', 'cancelled'] as const;
export type PostingsJobStatus = (typeof POSTINGS_JOB_STATUSES)[number];

export interface PostingsJob {
  id: string;
  action: PostingsJobAction;
  status: PostingsJobStatus;
  /** The account that started it. */
  startedBy: string;
  startedAt: string;
  finishedAt?: string;
  /** A build's progress (a drop has none: all zeros). */
  progress: PostingsJobProgress;
  /** What a finished build built. */
  built?: { passages: number; terms: number; bytes: number; elapsedMs: number };
  /** Why it failed, in one sentence safe to show. */
  error?: string;
}
