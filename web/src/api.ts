/**
 * The browser's client of citemed's HTTP API (docs/api.md): JSON in and out, the session cookie
 * sent by the browser itself, and the CSRF token added to every request that changes something.
 * Errors arrive in the API's one shape and are thrown as ApiError with the server's message and
 * hint, which pages show as they are; two are worded here instead, the same on every page: a
 * server that could not be reached, and a 401 (the session ended, or this needs an account).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** Remembered from sign-in and from GET /api/v1/session; sent back as X-CSRF-Token. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** What every page says when no answer came at all (the server is down, the network is gone). */
export const UNREACHABLE = 'the server could not be reached; check your connection and try again';
/** What every page says for a 401 while the app thought it was signed in. */
export const SESSION_ENDED = 'your session has ended — sign in again';

let signedIn = false;
const unauthorizedListeners = new Set<(sessionEnded: boolean) => void>();

/** Set by the session: whether a 401 means the session ended (true) or that nobody signed in. */
export function setSignedIn(value: boolean): void {
  signedIn = value;
}

/**
 * Called on every 401 from the API (but a refused sign-in), so the header can say signed out;
 * `sessionEnded` when the app was signed in until then.
 */
export function onUnauthorized(listener: (sessionEnded: boolean) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * fetch, with a failure to reach the server turned into an ApiError that says so in the words
 * every page uses; a request aborted on purpose still throws its AbortError.
 */
async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (e) {
    if (init.signal?.aborted) throw e;
    throw new ApiError(0, 'network', UNREACHABLE);
  }
}

/** Any failure as an ApiError, so pages show one kind of message (a network failure included). */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, 'network', UNREACHABLE);
}

/** A body that may not be JSON (a proxy's error page): its data, or undefined. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The error of a refused request. A 401 is for people here, not programs: the server's hint
 * (how an API client signs in) is dropped, and when the app was signed in it says the session
 * ended, and tells the session so the header stops showing a name.
 */
function refusal(method: Method, path: string, status: number, data: unknown): ApiError {
  const error = toApiError(status, data);
  if (status !== 401 || (method === 'POST' && path === '/api/v1/session')) return error;
  const ended = signedIn;
  signedIn = false;
  for (const listener of unauthorizedListeners) listener(ended);
  return ended ? new ApiError(401, 'session-ended', SESSION_ENDED) : new ApiError(401, error.code, error.message);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export async function api<T>(method: Method, path: string, body?: unknown, init: { signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await send(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data = parseBody(text);
  if (!response.ok) throw refusal(method, path, response.status, data);
  return data as T;
}

export function toApiError(status: number, data: unknown): ApiError {
  const error = (data as { error?: { code?: string; message?: string; hint?: string } } | undefined)?.error;
  return new ApiError(status, error?.code ?? `http-${status}`, error?.message ?? `the server answered ${status}`, error?.hint);
}

export const get = <T>(path: string, init?: { signal?: AbortSignal }) => api<T>('GET', path, undefined, init);
export const post = <T>(path: string, body?: unknown, init?: { signal?: AbortSignal }) => api<T>('POST', path, body ?? {}, init);

/** One server-sent event of POST /api/v1/ask: `draft` text as it is written, then `answer` or `error`. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/**
 * POSTs and reads the reply as server-sent events, calling `onEvent` for each as it arrives.
 * (EventSource cannot POST, so the stream is read from fetch.)
 */
export async function postStream(path: string, body: unknown, onEvent: (event: StreamEvent) => void, signal?: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream', 'content-type': 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await send(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', ...(signal ? { signal } : {}) });
  if (!response.ok || !response.body) throw refusal('POST', path, response.status, parseBody(await response.text()));
  // Bytes decoded here rather than through a TextDecoderStream: piping the body makes Chromium
  // report the finished request as aborted (net::ERR_ABORTED), which monitoring would count.
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read().catch((e: unknown) => {
      // The connection broke off mid-answer (the server stopped, the network went).
      if (signal?.aborted) throw e;
      throw new ApiError(0, 'network', UNREACHABLE);
    });
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.startsWith(':')) continue;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      onEvent({ event, data: data.length > 0 ? JSON.parse(data.join('\n')) : null });
    }
  }
}
