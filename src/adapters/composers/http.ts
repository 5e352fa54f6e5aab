/**
 * The HTTP side shared by the LLM composers: settings and their checks, one POST with retries
 * and a timeout that covers the whole reply, error messages a user can act on, and a reader of
 * server-sent events for streamed replies. The protocols differ only in URL, headers and the
 * shape of bodies and events; the adapters supply those.
 *
 * Same policy as the embeddings adapter: retry network errors, 408, 429 and 5xx with
 * exponential backoff (or as long as Retry-After asks, capped); never retry other statuses;
 * never put the API key in a message.
 */
import { CitemedError } from '../../domain/errors.js';

/** Settings of an LLM composer, whichever protocol it speaks. */
export interface ChatComposerOptions {
  /** e.g. "http://127.0.0.1:11434/v1" (Ollama) or "https://api.anthropic.com". */
  baseUrl: string;
  model: string;
  /** Sent as the protocol's credential only when given; never echoed in messages. */
  apiKey?: string;
  /** Most tokens the model may write; an answer cut off here cannot be parsed. Default 2000. */
  maxTokens?: number;
  /** Default 0: the same evidence should give the same draft. */
  temperature?: number;
  /** Per attempt, from sending the request to the last byte of the reply (streamed or not). */
  timeoutMs: number;
  /** Retries after network errors, 408, 429 and 5xx. */
  maxRetries: number;
  /** Stream when the caller asks for partial output (default); false never streams. */
  stream?: boolean;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Injectable so tests of backoff need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** The options with defaults filled in. */
export type ResolvedChatOptions = ChatComposerOptions & { maxTokens: number; temperature: number };

export const DEFAULT_MAX_TOKENS = 2000;
export const DEFAULT_TEMPERATURE = 0;

const RETRY_AFTER_CAP_MS = 30_000;
const FIRST_BACKOFF_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const SERVER_MESSAGE_LIMIT = 300;

/**
 * Fills defaults and checks every setting, so a bad configuration fails when the composer is
 * built rather than on the first question. `maxTemperature` differs by protocol (OpenAI allows
 * 2, Anthropic 1).
 */
export function resolveChatOptions(options: ChatComposerOptions, maxTemperature: number): ResolvedChatOptions {
  const resolved: ResolvedChatOptions = {
    ...options,
    maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
    temperature: options.temperature ?? DEFAULT_TEMPERATURE,
  };
  const problems: string[] = [];
  if (!isHttpUrl(resolved.baseUrl)) problems.push(`baseUrl ${JSON.stringify(resolved.baseUrl)} is not an http(s) URL`);
  if (resolved.model.trim() === '') problems.push('model is empty');
  if (!isWholeNumber(resolved.maxTokens, 1)) problems.push(`maxTokens must be a whole number ≥ 1, not ${resolved.maxTokens}`);
  if (!(resolved.temperature >= 0 && resolved.temperature <= maxTemperature)) {
    problems.push(`temperature must be between 0 and ${maxTemperature}, not ${resolved.temperature}`);
  }
  if (!(resolved.timeoutMs > 0)) problems.push(`timeoutMs must be positive, not ${resolved.timeoutMs}`);
  if (!isWholeNumber(resolved.maxRetries, 0)) problems.push(`maxRetries must be a whole number ≥ 0, not ${resolved.maxRetries}`);
  if (problems.length > 0) {
    throw new CitemedError('bad-config', `bad composer settings: ${problems.join('; ')}`, {
      hint: 'fix the composer settings (docs/configuration.md)',
    });
  }
  return resolved;
}

export function trimTrailingSlashes(url: string): string {
  return url.trim().replace(/\/+$/, '');
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

/** Thrown by readers when a stream ends before its protocol says the reply is complete. */
export class BrokenReply extends Error {
  override readonly name = 'BrokenReply';
}

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

/** How the client names its server and what it suggests, in messages. */
export interface EndpointDescription {
  url: string;
  /** "the chat server", "the Anthropic API": the subject of messages. */
  service: string;
  model: string;
}

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** What one attempt came to, before deciding whether to retry. */
type Attempt<T> =
  | { kind: 'done'; value: T }
  | { kind: 'answered'; status: number; retryAfter: string | null; text: string }
  | { kind: 'unreachable'; reason: string; cause: unknown };

/** One endpoint and its retry policy. */
export class ChatHttpClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: Sleep;

  constructor(
    readonly endpoint: EndpointDescription,
    private readonly options: ResolvedChatOptions,
  ) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init)); // late-bound: the global may be replaced
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** POSTs `body` until a 2xx reply has been read by `read`, or throws a CitemedError. */
  async post<T>(headers: Record<string, string>, body: string, signal: AbortSignal | undefined, read: ReplyReader<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.send(headers, body, signal, read);
      if (outcome.kind === 'done') return outcome.value;
      if (outcome.kind === 'answered' && !isRetryableStatus(outcome.status)) throw this.rejected(outcome);
      if (attempt >= this.options.maxRetries) throw this.gaveUp(outcome, attempt + 1);
      await pause(this.delayBefore(attempt, outcome), this.sleep, signal);
      if (signal?.aborted) throw this.interrupted(signal);
    }
  }

  private delayBefore(attempt: number, outcome: Attempt<unknown>): number {
    const asked = outcome.kind === 'answered' ? parseRetryAfter(outcome.retryAfter) : undefined;
    return asked ?? Math.min(FIRST_BACKOFF_MS * 2 ** attempt, BACKOFF_CAP_MS);
  }

  /** One request; its own timer covers reading the reply, streamed or not. */
  private async send<T>(headers: Record<string, string>, body: string, signal: AbortSignal | undefined, read: ReplyReader<T>): Promise<Attempt<T>> {
    if (signal?.aborted) throw this.interrupted(signal);
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
      const response = await this.fetch(this.endpoint.url, { method: 'POST', headers, body, signal: controller.signal });
      if (response.status < 200 || response.status >= 300) {
        const text = await response.text();
        return { kind: 'answered', status: response.status, retryAfter: response.headers.get('retry-after'), text };
      }
      return { kind: 'done', value: await read(response, progress) };
    } catch (error) {
      if (signal?.aborted) throw this.interrupted(signal);
      if (error instanceof CallerError) throw error.original;
      if (error instanceof CitemedError) throw error;
      const reason = timedOut ? `no complete answer within ${this.options.timeoutMs} ms` : describeNetworkError(error);
      if (progress.started) throw this.brokeOff(reason, timedOut, error);
      return { kind: 'unreachable', reason, cause: error };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
      controller.abort(); // releases the connection of a reply we stopped reading early
    }
  }

  /** A final answer from the server: the request itself or the settings are wrong. */
  private rejected(outcome: Extract<Attempt<unknown>, { kind: 'answered' }>): CitemedError {
    const { status } = outcome;
    const { service, url, model } = this.endpoint;
    const said = this.serverSaid(outcome.text);
    if (status === 401 || status === 403) {
      const what = this.options.apiKey ? 'refused the API key' : 'wants an API key';
      return new CitemedError('bad-config', `${service} at ${url} ${what} (HTTP ${status})${said}`, {
        hint: 'check the API key: answer.llm.apiKey, or CITEMED__ANSWER__LLM__API_KEY',
      });
    }
    if (status === 404) {
      return new CitemedError('bad-config', `${service} at ${url} answered 404 for model ${model}${said}`, {
        hint: 'check the setting answer.llm.baseUrl and that the model is available on the server',
      });
    }
    return new CitemedError('service-failed', `${service} at ${url} rejected the request (HTTP ${status})${said}`, {
      hint:
        status === 400 || status === 413
          ? "the prompt may not fit the model's context window; retrieve fewer passages or use a model with a larger context"
          : undefined,
    });
  }

  /** Retries are spent: the server is down, overloaded or rate-limiting us. */
  private gaveUp(outcome: Exclude<Attempt<unknown>, { kind: 'done' }>, attempts: number): CitemedError {
    const { service, url } = this.endpoint;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    if (outcome.kind === 'unreachable') {
      return new CitemedError('service-unavailable', `could not get an answer from ${service} at ${url} after ${tries}: ${this.redact(outcome.reason)}`, {
        hint: 'start the model server, check the setting answer.llm.baseUrl, or raise answer.llm.timeoutMs for a slow model',
        cause: outcome.cause,
      });
    }
    const { status } = outcome;
    const said = this.serverSaid(outcome.text);
    return new CitemedError('service-unavailable', `${service} at ${url} answered HTTP ${status} after ${tries}${said}`, {
      hint: status === 429 ? 'the server is rate-limiting; wait and try again' : 'the server is overloaded or failing; check its logs and try again',
    });
  }

  private brokeOff(reason: string, timedOut: boolean, cause: unknown): CitemedError {
    const { service, url } = this.endpoint;
    return new CitemedError('service-unavailable', `the streamed reply from ${service} at ${url} broke off: ${this.redact(reason)}`, {
      hint: timedOut ? 'raise answer.llm.timeoutMs for a slow model, or lower answer.llm.maxTokens' : 'try again; check the server logs if it keeps happening',
      cause,
    });
  }

  /** The reply arrived but cannot be used: not the protocol, or the model's output is unusable. */
  unusable(problem: string, hint?: string): CitemedError {
    const { service, url, model } = this.endpoint;
    return new CitemedError('service-failed', `${service} at ${url} (model ${model}) sent an unusable reply: ${this.redact(problem)}`, {
      hint: hint ?? 'check that the server speaks the protocol this composer expects',
    });
  }

  /** An error the server reported inside a 2xx reply (an error event in a stream). */
  reportedError(type: string, message: string): CitemedError {
    const { service, url } = this.endpoint;
    const transient = /overloaded|rate_limit|api_error|timeout|server/i.test(type);
    const text = `${service} at ${url} reported ${type === '' ? 'an error' : type} in its reply${this.serverSaid(message)}`;
    return transient
      ? new CitemedError('service-unavailable', text, { hint: 'the server is overloaded or failing; try again later' })
      : new CitemedError('service-failed', text);
  }

  interrupted(signal: AbortSignal): CitemedError {
    if (signal.reason instanceof CitemedError) return signal.reason;
    return new CitemedError('interrupted', `the request to ${this.endpoint.service} at ${this.endpoint.url} was cancelled`, { cause: signal.reason });
  }

  /** ": <server's message>", shortened, without the API key; '' when there is nothing to say. */
  private serverSaid(body: string): string {
    const message = this.redact(serverMessage(body));
    return message === '' ? '' : `: ${message}`;
  }

  redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

/** Statuses that say "not now" rather than "not like this" (Anthropic's 529 "overloaded" included). */
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
 * The human-readable part of an error body. OpenAI, vLLM and Anthropic send
 * `{error: {message}}`, Ollama `{error: "..."}`, FastAPI-based servers `{detail}`, some plain text.
 */
export function serverMessage(body: string): string {
  const text = extractMessage(body).replace(/\s+/g, ' ').trim();
  return text.length <= SERVER_MESSAGE_LIMIT ? text : `${text.slice(0, SERVER_MESSAGE_LIMIT - 1)}…`;
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON body or event, or throws the client's "unusable" error quoting how it starts. */
export function parseJsonBody(text: string, client: ChatHttpClient, what = 'the body'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw client.unusable(`${what} is not JSON (starts ${JSON.stringify(text.slice(0, 80))})`);
  }
}

/** Whether a 2xx reply is an event stream; servers that ignore `stream: true` answer with JSON. */
export function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');
}

/** One server-sent event: `event` is "message" unless the stream named it. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Incremental parser for `text/event-stream` (WHATWG HTML §9.2): feed it text as it arrives and
 * it returns the events completed so far, whatever the chunk boundaries. Lines may end in CRLF,
 * LF or CR; a CR at the end of a chunk may be half of a CRLF, so it waits for the next chunk.
 */
export class ServerSentEventParser {
  private buffer = '';
  private eventName = '';
  private dataLines: string[] = [];

  push(text: string): ServerSentEvent[] {
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    const lineEnd = /\r\n|\n|\r/g;
    let position = 0;
    for (;;) {
      lineEnd.lastIndex = position;
      const match = lineEnd.exec(this.buffer);
      if (!match) break;
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break; // maybe the first half of CRLF
      const event = this.takeLine(this.buffer.slice(position, match.index));
      position = match.index + match[0].length;
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(position);
    return events;
  }

  /**
   * At the end of the stream. The standard drops an event without its closing blank line; some
   * servers end with `data: [DONE]` and no blank line, so a pending event is kept instead.
   */
  end(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (this.buffer !== '') {
      const event = this.takeLine(this.buffer);
      if (event) events.push(event);
      this.buffer = '';
    }
    const last = this.dispatch();
    if (last) events.push(last);
    return events;
  }

  private takeLine(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // a comment, used as a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.dataLines.push(value);
    return undefined; // "id" and "retry" do not matter for a single reply
  }

  private dispatch(): ServerSentEvent | undefined {
    const event = this.dataLines.length === 0 ? undefined : { event: this.eventName || 'message', data: this.dataLines.join('\n') };
    this.eventName = '';
    this.dataLines = [];
    return event;
  }
}

/**
 * Calls `onEvent` for each event of the body as it arrives, until the body ends or `onEvent`
 * returns 'stop'. Returns whether it was stopped (the protocol's end marker was seen).
 */
export async function readServerSentEvents(
  response: Response,
  onEvent: (event: ServerSentEvent) => 'stop' | void,
): Promise<boolean> {
  if (!response.body) return false;
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = new ServerSentEventParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const events = done ? [...parser.push(decoder.decode()), ...parser.end()] : parser.push(decoder.decode(value, { stream: true }));
      for (const event of events) {
        if (onEvent(event) === 'stop') return true;
      }
      if (done) return false;
    }
  } finally {
    reader.releaseLock();
  }
}
