/**
 * Embedder for any server that speaks OpenAI's `POST /embeddings` protocol: Ollama, vLLM,
 * llama.cpp's server, OpenAI itself and most hosted services. One adapter covers them all because
 * they agree on the wire format; where they differ (error shapes, base64 vectors, `index` order)
 * this file tolerates the difference and checks the result hard, since a wrong vector stored
 * silently would poison search without any visible failure.
 */
import { CitemedError } from '../../domain/errors.js';
import type { Embedder, EmbeddingPurpose } from '../../ports/embedder.js';

/** Settings come from configuration; every knob a real deployment has needed is here. */
export interface OpenAiEmbedderOptions {
  /** e.g. "http://127.0.0.1:11434/v1"; "/embeddings" is appended unless already there. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token only when given; never echoed in messages. */
  apiKey?: string;
  /** Asks the server for shorter vectors (OpenAI text-embedding-3); vectors must then have this length. */
  dimensions?: number;
  /** Most inputs per request: servers cap request size, and smaller batches fail more cheaply. */
  batchSize: number;
  /** Per request, including reading the reply. */
  timeoutMs: number;
  /** Retries after network errors, 408, 429 and 5xx. */
  maxRetries: number;
  /** Prepended to queries (nomic-embed-text wants "search_query: ", e5 wants "query: "). */
  queryPrefix: string;
  /** Prepended to passages ("search_document: ", "passage: "). */
  passagePrefix: string;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injectable so tests of backoff need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

const RETRY_AFTER_CAP_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const SERVER_MESSAGE_LIMIT = 300;
const UNREACHABLE_HINT = 'start the embedding server or check the setting embedder.baseUrl';

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** What one HTTP attempt came to, before deciding whether to retry. */
type Attempt =
  | { kind: 'answered'; status: number; retryAfter: string | null; text: string }
  | { kind: 'unreachable'; reason: string; cause: unknown };

/**
 * Builds the embedder. Options are checked here so a bad configuration fails at start-up with a
 * config error rather than on the first search.
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  checkOptions(options);
  const url = embeddingsUrl(options.baseUrl);
  const client = new EmbeddingsClient(url, options);
  const prefixes: Record<EmbeddingPurpose, string> = { query: options.queryPrefix, passage: options.passagePrefix };

  return {
    description: `OpenAI-compatible ${trimTrailingSlashes(options.baseUrl)}, model ${options.model}`,
    model: options.model,
    async embed(texts, purpose, signal) {
      if (texts.length === 0) return [];
      const prefix = prefixes[purpose];
      const vectors: Float32Array[] = [];
      for (const batch of batches(texts, options.batchSize)) {
        vectors.push(...(await client.embedBatch(batch.map((text) => prefix + text), signal)));
      }
      return vectors;
    },
  };
}

/** Accepts the base URL with or without a trailing slash, or already pointing at /embeddings. */
export function embeddingsUrl(baseUrl: string): string {
  const trimmed = trimTrailingSlashes(baseUrl);
  return trimmed.endsWith('/embeddings') ? trimmed : `${trimmed}/embeddings`;
}

function trimTrailingSlashes(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function checkOptions(options: OpenAiEmbedderOptions): void {
  const problems: string[] = [];
  if (!isHttpUrl(options.baseUrl)) problems.push(`baseUrl ${JSON.stringify(options.baseUrl)} is not an http(s) URL`);
  if (options.model.trim() === '') problems.push('model is empty');
  if (!isWholeNumber(options.batchSize, 1)) problems.push(`batchSize must be a whole number ≥ 1, not ${options.batchSize}`);
  if (!(options.timeoutMs > 0)) problems.push(`timeoutMs must be positive, not ${options.timeoutMs}`);
  if (!isWholeNumber(options.maxRetries, 0)) problems.push(`maxRetries must be a whole number ≥ 0, not ${options.maxRetries}`);
  if (options.dimensions !== undefined && !isWholeNumber(options.dimensions, 1)) {
    problems.push(`dimensions must be a whole number ≥ 1, not ${options.dimensions}`);
  }
  if (problems.length > 0) {
    throw new CitemedError('bad-config', `bad embedder settings: ${problems.join('; ')}`, {
      hint: 'fix the embedder settings (docs/configuration.md)',
    });
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isWholeNumber(value: number, min: number): boolean {
  return Number.isInteger(value) && value >= min;
}

function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/**
 * One endpoint, its retry policy, and the vector length it has committed to: the first vectors
 * fix the length, so a server that switches models between calls is caught, not stored.
 */
class EmbeddingsClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: Sleep;
  private expectedLength: number | undefined;

  constructor(
    private readonly url: string,
    private readonly options: OpenAiEmbedderOptions,
  ) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init)); // late-bound: the global may be replaced
    this.sleep = options.sleep ?? abortableSleep;
    this.expectedLength = options.dimensions;
  }

  async embedBatch(input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const text = await this.postWithRetries(JSON.stringify(this.requestBody(input)), signal);
    const vectors = parseEmbeddings(text, input.length, (problem) => this.malformed(problem));
    this.checkLength(vectors[0]?.length ?? 0);
    return vectors;
  }

  private requestBody(input: string[]): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.options.model, input, encoding_format: 'float' };
    if (this.options.dimensions !== undefined) body.dimensions = this.options.dimensions;
    return body;
  }

  private checkLength(length: number): void {
    if (this.expectedLength === undefined) {
      this.expectedLength = length;
      return;
    }
    if (length === this.expectedLength) return;
    const expectation =
      this.options.dimensions === undefined
        ? `earlier vectors had ${this.expectedLength}; did the server switch models?`
        : `${this.expectedLength} were asked for; the server or model may not support "dimensions"`;
    throw this.malformed(`vectors have ${length} dimensions but ${expectation}`);
  }

  /** Returns the body of a 2xx reply; throws a CitemedError for anything else. */
  private async postWithRetries(body: string, signal: AbortSignal | undefined): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.send(body, signal);
      if (outcome.kind === 'answered') {
        if (outcome.status >= 200 && outcome.status < 300) return outcome.text;
        if (!isRetryableStatus(outcome.status)) throw this.refusal(outcome);
      }
      if (attempt >= this.options.maxRetries) throw this.gaveUp(outcome, attempt + 1);
      await pause(this.delayBefore(attempt, outcome), this.sleep, signal);
      if (signal?.aborted) throw this.interrupted(signal);
    }
  }

  private delayBefore(attempt: number, outcome: Attempt): number {
    const asked = outcome.kind === 'answered' ? parseRetryAfter(outcome.retryAfter) : undefined;
    return asked ?? Math.min(FIRST_BACKOFF_MS * 2 ** attempt, BACKOFF_CAP_MS);
  }

  /** One request, with its own timeout covering the reply body too. */
  private async send(body: string, signal: AbortSignal | undefined): Promise<Attempt> {
    if (signal?.aborted) throw this.interrupted(signal);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const forwardAbort = () => controller.abort();
    signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      const response = await this.fetch(this.url, { method: 'POST', headers: this.headers(), body, signal: controller.signal });
      const text = await response.text();
      return { kind: 'answered', status: response.status, retryAfter: response.headers.get('retry-after'), text };
    } catch (error) {
      if (signal?.aborted) throw this.interrupted(signal);
      const reason = timedOut ? `no answer within ${this.options.timeoutMs} ms` : describeNetworkError(error);
      return { kind: 'unreachable', reason, cause: error };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    }
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }

  /** A final answer from the server: the request itself or the settings are wrong. */
  private refusal(outcome: Extract<Attempt, { kind: 'answered' }>): CitemedError {
    const { status } = outcome;
    const said = this.serverSaid(outcome.text);
    if (status === 401 || status === 403) {
      const what = this.options.apiKey ? 'refused the API key' : 'wants an API key';
      return new CitemedError('bad-config', `the embedding server at ${this.url} ${what} (HTTP ${status})${said}`, {
        hint: 'check the API key: embedder.apiKey, or CITEMED__EMBEDDER__API_KEY',
      });
    }
    if (status === 404) {
      return new CitemedError('bad-config', `the embedding server at ${this.url} answered 404 for model ${this.options.model}${said}`, {
        hint: 'check the setting embedder.baseUrl (usually ending in /v1) and that the model is installed on the server',
      });
    }
    return new CitemedError('service-failed', `the embedding server at ${this.url} rejected the request (HTTP ${status})${said}`, {
      hint: status === 400 || status === 413 ? 'a text may be too long for the model; try a smaller batchSize or shorter chunks' : undefined,
    });
  }

  /** Retries are spent: the server is down, overloaded or rate-limiting us. */
  private gaveUp(outcome: Attempt, attempts: number): CitemedError {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    if (outcome.kind === 'unreachable') {
      return new CitemedError('service-unavailable', `could not reach the embedding server at ${this.url} after ${tries}: ${this.redact(outcome.reason)}`, {
        hint: UNREACHABLE_HINT,
        cause: outcome.cause,
      });
    }
    const said = this.serverSaid(outcome.text);
    return new CitemedError('service-unavailable', `the embedding server at ${this.url} answered HTTP ${outcome.status} after ${tries}${said}`, {
      hint: outcome.status === 429 ? 'the server is rate-limiting; wait and try again, or lower the batch size' : 'the server is overloaded or failing; check its logs and try again',
    });
  }

  private malformed(problem: string): CitemedError {
    return new CitemedError('service-failed', `the embedding server at ${this.url} sent an unusable reply: ${problem}`, {
      hint: 'check that the server is OpenAI-compatible and serves an embedding model',
    });
  }

  private interrupted(signal: AbortSignal): CitemedError {
    if (signal.reason instanceof CitemedError) return signal.reason;
    return new CitemedError('interrupted', `embedding request to ${this.url} was cancelled`, { cause: signal.reason });
  }

  /** ": <server's message>", shortened, without the API key; '' when there is nothing to say. */
  private serverSaid(body: string): string {
    const message = this.redact(serverMessage(body));
    return message === '' ? '' : `: ${message}`;
  }

  private redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

/** Statuses that say "not now" rather than "not like this". */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
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
async function pause(ms: number, sleep: Sleep, signal: AbortSignal | undefined): Promise<void> {
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

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
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

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is its cause. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const source = cause instanceof Error ? cause : error;
  const code = (source as { code?: unknown } | null)?.code;
  const message = source instanceof Error ? source.message : String(source);
  if (typeof code !== 'string' || message.includes(code)) return message;
  return message === '' ? code : `${code}: ${message}`;
}

/**
 * The human-readable part of an error body. Servers disagree: OpenAI and vLLM send
 * `{error: {message}}`, Ollama `{error: "..."}`, FastAPI-based ones `{detail}`, some plain text.
 */
export function serverMessage(body: string): string {
  return shorten(extractMessage(body).replace(/\s+/g, ' ').trim());
}

function extractMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (!isRecord(parsed)) return body;
  const candidates = [parsed.error, isRecord(parsed.error) ? parsed.error.message : undefined, parsed.message, parsed.detail];
  const found = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return found ?? body;
}

function shorten(text: string): string {
  return text.length <= SERVER_MESSAGE_LIMIT ? text : `${text.slice(0, SERVER_MESSAGE_LIMIT - 1)}…`;
}

/**
 * Checks a 2xx body and returns the vectors in input order. `fail` builds the error so this
 * stays free of URLs and settings.
 */
function parseEmbeddings(body: string, count: number, fail: (problem: string) => Error): Float32Array[] {
  const data = dataArray(body, fail);
  if (data.length !== count) throw fail(`asked for ${count} embeddings, got ${data.length}`);
  const vectors: Float32Array[] = new Array<Float32Array>(count);
  data.forEach((entry, position) => {
    if (!isRecord(entry)) throw fail(`data[${position}] is not an object`);
    const index = entry.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
      throw fail(`data[${position}] has index ${JSON.stringify(index)}, expected 0 to ${count - 1}`);
    }
    if (vectors[index] !== undefined) throw fail(`index ${index} appears twice`);
    vectors[index] = toVector(entry.embedding, index, fail);
  });
  const length = vectors[0]?.length;
  const odd = vectors.findIndex((vector) => vector.length !== length);
  if (odd !== -1) throw fail(`vectors differ in length (index 0 has ${length}, index ${odd} has ${vectors[odd]?.length})`);
  return vectors;
}

function dataArray(body: string, fail: (problem: string) => Error): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw fail(`the body is not JSON (starts ${JSON.stringify(body.slice(0, 80))})`);
  }
  const data = isRecord(parsed) ? parsed.data : undefined;
  if (!Array.isArray(data)) throw fail('the body has no "data" array');
  return data;
}

/** An array of numbers, or base64 of little-endian float32 (sent by some servers regardless). */
function toVector(embedding: unknown, index: number, fail: (problem: string) => Error): Float32Array {
  let vector: Float32Array;
  if (typeof embedding === 'string') vector = decodeBase64Float32(embedding, index, fail);
  else if (Array.isArray(embedding)) {
    const bad = embedding.findIndex((value) => typeof value !== 'number');
    if (bad !== -1) throw fail(`embedding ${index} has ${JSON.stringify(embedding[bad])} at position ${bad}`);
    vector = Float32Array.from(embedding as number[]);
  } else throw fail(`embedding ${index} is neither an array nor a base64 string`);
  if (vector.length === 0) throw fail(`embedding ${index} is empty`);
  const notFinite = vector.findIndex((value) => !Number.isFinite(value));
  if (notFinite !== -1) throw fail(`embedding ${index} has ${vector[notFinite]} at position ${notFinite}`);
  return vector;
}

function decodeBase64Float32(text: string, index: number, fail: (problem: string) => Error): Float32Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw fail(`embedding ${index} is a string but not base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 4 !== 0) throw fail(`embedding ${index} is ${bytes.byteLength} bytes, not a whole number of float32s`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
