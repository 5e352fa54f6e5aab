import { POSTINGS_JOB_ACTIONS, POSTINGS_JOB_STATUSES, type PostingsAdvice, type PostingsJob, type PostingsState } from '../../../../src/domain/postings.js';
import { isObject, num, str } from './loose-json.js';

/**
 * The postings index as the admin page reads it (GET /api/v1/library/postings-index) and its
 * build or drop jobs. Every job that arrives (the status, the start, each server-sent event) goes
 * through `toPostingsJob`, which fills what is missing with zeros instead of letting one absent
 * field blank the page.
 */
export type { PostingsAdvice, PostingsJob, PostingsState };

export interface PostingsIndexStatus {
  /** False for a library that keeps no postings index (PostgreSQL). */
  available?: boolean;
  state?: PostingsState;
  enabled?: boolean;
  inUse?: boolean;
  advice?: PostingsAdvice;
  job?: unknown;
}


/** A job from the server's JSON, or undefined when it is not one (no id, or an unknown action or status). */
export function toPostingsJob(value: unknown): PostingsJob | undefined {
  if (!isObject(value)) return undefined;
  const id = str(value.id);
  const action = POSTINGS_JOB_ACTIONS.find((a) => a === value.action);
  const status = POSTINGS_JOB_STATUSES.find((s) => s === value.status);
  if (id === undefined || action === undefined || status === undefined) return undefined;
  const p = isObject(value.progress) ? value.progress : {};
  const b = isObject(value.built) ? value.built : undefined;
  const finishedAt = str(value.finishedAt);
  const error = str(value.error);
  return {
    id,
    action,
    status,
    startedBy: str(value.startedBy) ?? '',
    startedAt: str(value.startedAt) ?? '',
    progress: { done: num(p.done), total: num(p.total), terms: num(p.terms), elapsedMs: num(p.elapsedMs) },
    ...(finishedAt !== undefined ? { finishedAt } : {}),
    ...(b ? { built: { passages: num(b.passages), terms: num(b.terms), bytes: num(b.bytes), elapsedMs: num(b.elapsedMs) } } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/**
 * Seconds a build still needs at the pace it has kept so far, or undefined before there is a pace
 * to go by (nothing read yet, or under two seconds in).
 */
export function buildSecondsLeft(progress: PostingsJob['progress']): number | undefined {
  const { done, total, elapsedMs } = progress;
  if (total <= 0 || done <= 0 || elapsedMs < 2000) return undefined;
  return (elapsedMs / 1000) * (Math.max(0, total - done) / done);
}

/** Milliseconds as "850 ms", "12 s", "3 min 05 s". */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
