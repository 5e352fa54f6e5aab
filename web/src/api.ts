/**
 * The browser's client of citemed's HTTP API (docs/api.md): JSON in and out, the session cookie
 * sent by the browser itself, and the CSRF token added to every request that changes something.
 * Errors arrive in the API's one shape and are thrown as ApiError with the server's message and
 * hint, which pages show as they are.
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

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export async function api<T>(method: Method, path: string, body?: unknown, init: { signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) throw toApiError(response.status, data);
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
  const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', ...(signal ? { signal } : {}) });
  if (!response.ok || !response.body) {
    const text = await response.text();
    throw toApiError(response.status, text ? JSON.parse(text) : undefined);
  }
  // Bytes decoded here rather than through a TextDecoderStream: piping the body makes Chromium
  // report the finished request as aborted (net::ERR_ABORTED), which monitoring would count.
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
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
