import { describe, expect, it } from 'vitest';
import { abortableSleep, isRetryableStatus, parseRetryAfter, pause, retryDelay } from './retry.js';

describe('retry policy', () => {
  it('retries 408, 429 and 5xx, nothing else', () => {
    expect([400, 401, 404, 408, 413, 429, 500, 503, 529].filter(isRetryableStatus)).toEqual([408, 429, 500, 503, 529]);
  });

  it('caps Retry-After and reads it as seconds or a date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('3600', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off from 500 ms, doubling up to 8 s, unless the server asked for a wait', () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, null))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(retryDelay(3, '1')).toBe(1000);
    expect(retryDelay(0, 'later, maybe')).toBe(500);
  });
});

describe('pause', () => {
  it('ends as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);

    await pause(10_000, abortableSleep, controller.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does not sleep at all when the signal has already fired', async () => {
    const slept: number[] = [];
    await pause(500, async (ms) => void slept.push(ms), AbortSignal.abort());
    expect(slept).toEqual([]);
  });
});
