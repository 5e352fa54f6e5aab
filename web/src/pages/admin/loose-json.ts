/**
 * Readers of the server's job JSON that never throw: a missing or mistyped field becomes zero or
 * undefined, so one absent field cannot blank the admin page (ingest-job.ts, postings-job.ts).
 */
export type Loose = Record<string, unknown>;
export const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
