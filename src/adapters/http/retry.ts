/**
 * When an HTTP request is tried again, and how long to wait first: network errors, 408, 429 and
 * 5xx are retried with exponential backoff, or as long as Retry-After asks (capped); other
 * statuses never are. The wait ends early when the caller's signal aborts.
 */

const RETRY_AFTER_CAP_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
const BACKOFF_CAP_MS = 8_000;

/** Waits `ms`; may end early when `signal` aborts. Injectable so tests of backoff need not wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Statuses that say "not now" rather than "not like this" (Anthropic's 529 "overloaded" included). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * How long to wait before retry number `attempt + 1`: what the server asked for in Retry-After
 * (null when it sent none, or did not answer), else 500 ms doubling up to 8 s.
 */
export function retryDelay(attempt: number, retryAfter: string | null): number {
  return parseRetryAfter(retryAfter) ?? Math.min(FIRST_BACKOFF_MS * 2 ** attempt, BACKOFF_CAP_MS);
}

/** Retry-After in seconds or as an HTTP date, capped so a server cannot stall us for long. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, RETRY_AFTER_CAP_MS);
}

/** Resolves after `ms` or as soon as `signal` aborts, whichever comes first. */
export async function pause(ms: number, sleep: Sleep, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return;
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms, signal), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The default Sleep: a timer that is cleared when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
