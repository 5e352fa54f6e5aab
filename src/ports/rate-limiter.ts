/**
 * Request budgets (token buckets): each bucket holds up to a minute's worth of requests and
 * refills continuously. One process keeps them in memory; several `citemed serve` processes in
 * front of one PostgreSQL library keep them in the database, so a client cannot multiply its
 * budget by spreading requests over the processes.
 */
export interface RateLimiter {
  /**
   * Takes one request from `bucket` (e.g. "asks:10.0.0.1"), whose budget is `perMinute`.
   * Returns 0 when allowed, else the whole seconds until a request would be.
   */
  take(bucket: string, perMinute: number): Promise<number>;
}
