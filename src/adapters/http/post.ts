/**
 * One POST or GET with retries and a timeout that covers the whole reply, shared by the adapters
 * that call model servers (embeddings, chat) and literature services. The adapters supply the URL,
 * headers, body and how to read a 2xx reply; this file decides what is retried (see retry.ts) and
 * turns every other outcome into a CitemedError (see errors.ts). The API key never appears in a
 * message. Both methods go through one `request`, so they retry, time out and fail alike.
 */
import { CitemedError } from '../../domain/errors.js';
import { describeNetworkError, HttpFailures, type FailedAttempt, type FailureWording, type HttpEndpoint } from './errors.js';
import { abortableSleep, isRetryableStatus, pause, retryDelay, type Sleep } from './retry.js';

/** The settings a client needs; the adapters' options include them. */
export interface HttpClientOptions {
  /** Only to keep it out of messages; the adapter puts it in its headers. */
  apiKey?: string;
  /** Per attempt, from sending the request to the last byte of the reply (streamed or not). */
  timeoutMs: number;
  /** Retries after network errors, 408, 429 and 5xx. */
  maxRetries: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injectable so tests of backoff need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Shared by a reply reader and the client: once the first delta has gone to the caller, a retry
 * would show the same text twice, so a failure from then on is final.
 */
export interface ReplyProgress {
  started: boolean;
}

/**
 * Reads a 2xx reply. Throw a CitemedError for a reply that is wrong in itself (it is final);
 * throw anything else for a reply that broke off (the client retries unless text went out).
 */
export type ReplyReader<T> = (response: Response, progress: ReplyProgress) => Promise<T>;

/** Carries an exception thrown by the caller's `onText`, so it is passed on rather than retried. */
class CallerError extends Error {
  constructor(readonly original: unknown) {
    super('onText threw');
  }
}

/** Hands a delta to the caller; from now on a failure cannot be retried (the text has been shown). */
export function deliver(progress: ReplyProgress, onText: (delta: string) => void, delta: string): void {
  if (delta === '') return;
  progress.started = true;
  try {
    onText(delta);
  } catch (error) {
    throw new CallerError(error);
  }
}

/** What one attempt came to, before deciding whether to retry. */
type Attempt<T> = { kind: 'done'; value: T } | FailedAttempt;

/** What is sent: the method, and a body for POST only. */
type Outgoing = { method: 'POST'; headers: Record<string, string>; body: string } | { method: 'GET'; headers: Record<string, string> };

/** One endpoint and its retry policy. */
export class HttpClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: Sleep;
  protected readonly failures: HttpFailures;

  constructor(
    readonly endpoint: HttpEndpoint,
    private readonly options: HttpClientOptions,
    wording: FailureWording,
  ) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init)); // late-bound: the global may be replaced
    this.sleep = options.sleep ?? abortableSleep;
    this.failures = new HttpFailures(endpoint, wording, options.apiKey);
  }

  /** POSTs `body` until a 2xx reply has been read by `read`, or throws a CitemedError. */
  async post<T>(headers: Record<string, string>, body: string, signal: AbortSignal | undefined, read: ReplyReader<T>): Promise<T> {
    return this.request({ method: 'POST', headers, body }, signal, read);
  }

  /**
   * GETs the endpoint's URL until a 2xx reply has been read by `read`, or throws a CitemedError.
   * With `notFound`, a 404 is an answer ("there is no such thing"), not a failure: it is not
   * retried and resolves to what `notFound` gives.
   */
  async get<T>(headers: Record<string, string>, signal: AbortSignal | undefined, read: ReplyReader<T>): Promise<T>;
  async get<T, M>(headers: Record<string, string>, signal: AbortSignal | undefined, read: ReplyReader<T>, notFound: () => M): Promise<T | M>;
  async get<T, M>(headers: Record<string, string>, signal: AbortSignal | undefined, read: ReplyReader<T>, notFound?: () => M): Promise<T | M> {
    return this.request({ method: 'GET', headers }, signal, read, notFound);
  }

  /** Sends until a reply is read, a final status comes, or the retries are spent. */
  private async request<T, M>(outgoing: Outgoing, signal: AbortSignal | undefined, read: ReplyReader<T>, notFound?: () => M): Promise<T | M> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.send(outgoing, signal, read);
      if (outcome.kind === 'done') return outcome.value;
      if (outcome.kind === 'answered' && outcome.status === 404 && notFound) return notFound();
      if (outcome.kind === 'answered' && !isRetryableStatus(outcome.status)) throw this.failures.rejected(outcome.status, outcome.text);
      if (attempt >= this.options.maxRetries) throw this.failures.gaveUp(outcome, attempt + 1);
      await pause(retryDelay(attempt, outcome.kind === 'answered' ? outcome.retryAfter : null), this.sleep, signal);
      if (signal?.aborted) throw this.failures.interrupted(signal);
    }
  }

  /** One request; its own timer covers reading the reply, streamed or not. */
  private async send<T>(outgoing: Outgoing, signal: AbortSignal | undefined, read: ReplyReader<T>): Promise<Attempt<T>> {
    if (signal?.aborted) throw this.failures.interrupted(signal);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const forwardAbort = () => controller.abort();
    signal?.addEventListener('abort', forwardAbort, { once: true });
    const progress: ReplyProgress = { started: false };
    try {
      const response = await this.fetch(this.endpoint.url, { ...outgoing, signal: controller.signal });
      if (response.status < 200 || response.status >= 300) {
        const text = await response.text();
        return { kind: 'answered', status: response.status, retryAfter: response.headers.get('retry-after'), text };
      }
      return { kind: 'done', value: await read(response, progress) };
    } catch (error) {
      if (signal?.aborted) throw this.failures.interrupted(signal);
      if (error instanceof CallerError) throw error.original;
      if (error instanceof CitemedError) throw error;
      const reason = timedOut ? this.failures.timedOut(this.options.timeoutMs) : describeNetworkError(error);
      if (progress.started) throw this.failures.brokeOff(reason, timedOut, error);
      return { kind: 'unreachable', reason, cause: error };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
      controller.abort(); // releases the connection of a reply we stopped reading early
    }
  }
}
