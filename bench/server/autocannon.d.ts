/**
 * The part of autocannon 8's programmatic API that bench/server/run.ts uses. autocannon ships no
 * type declarations, and the project takes one devDependency for this benchmark (autocannon
 * itself), so the few shapes it needs are declared here rather than pulling in @types/autocannon.
 * Field names follow autocannon's README ("API" section) and lib/run.js.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** One request template. Built once, or before every send when `setupRequest` is given. */
  export interface Request {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /**
     * Called before each send of this template on a connection; returns the request to send
     * (a changed copy of `request`), or a falsy value to restart the connection's request list.
     */
    setupRequest?: (request: Request, context: Record<string, unknown>) => Request | null | undefined;
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
  }

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /** Per-request timeout, seconds. */
    timeout?: number;
    headers?: Record<string, string>;
    requests?: Request[];
    title?: string;
  }

  /** A distribution as autocannon reports it (latency in ms; requests and bytes per second). */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p99: number;
    sent?: number;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram;
    throughput: Histogram;
    start: Date;
    finish: Date;
  }

  /** The running test: emits `response` (client, statusCode, bytes, responseTimeMs) per response. */
  export interface Instance extends EventEmitter {
    stop(): void;
  }

  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
