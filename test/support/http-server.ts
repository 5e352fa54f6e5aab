/**
 * What the fake servers of the tests share: a real HTTP server on a random free port of
 * 127.0.0.1 that reads each request body before handing the request on, helpers to reply, timers
 * for delayed replies that are cancelled on close, and a close that does not wait for keep-alive
 * connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** "http://127.0.0.1:<port>" */
  origin: string;
  close(): Promise<void>;
}

/** Runs `run` after `ms`, unless the server has been closed by then. */
export type Later = (ms: number, run: () => void) => void;

/** `body` is the request body parsed as JSON, or the raw text when it is not JSON. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse, body: unknown, later: Later) => void;

/** Starts a server that hands each request, with its body read, to `handle`. */
export async function startLoopbackServer(handle: RequestHandler): Promise<LoopbackServer> {
  const timers = new Set<NodeJS.Timeout>();
  const later: Later = (ms, run) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server = createServer((request, response) => {
    void readBody(request).then(
      (raw) => handle(request, response, parseOrRaw(raw), later),
      () => response.destroy(),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
      }),
  };
}

/** Whether the client gave up (timed out, aborted) while a delayed reply was waiting. */
export function clientGone(response: ServerResponse): boolean {
  return response.destroyed || !response.socket || response.socket.destroyed;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  send(response, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

export function send(response: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  response.writeHead(status, headers).end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseOrRaw(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * One canned reply of a fake, for the next request. Without `body` or `text`, a 2xx status gets
 * the fake's normal reply (through `rewrite` when given); other statuses get the protocol's error.
 */
export interface ScriptedReply<Normal = unknown> {
  /** Default 200. */
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent verbatim (wins over `body`), for non-JSON or broken replies. */
  text?: string;
  /** The content type of `text`, where the fake lets it be chosen. */
  contentType?: string;
  /** Turns the normal reply into a faulty one (shuffled, missing entries, wrong values) before it is sent. */
  rewrite?: (normal: Normal) => unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering, to provoke client timeouts. */
  delayMs?: number;
}

/**
 * Sends what a scripted reply fixes by itself (its `text` or its `body`), or nothing when the
 * client has gone; returns false when the fake must answer in its own way (normal or error reply).
 */
export function sendScripted(response: ServerResponse, reply: Omit<ScriptedReply, 'rewrite'>, textType: string): boolean {
  if (clientGone(response)) return true;
  const status = reply.status ?? 200;
  if (reply.text !== undefined) {
    send(response, status, reply.text, { 'content-type': reply.contentType ?? textType, ...reply.headers });
    return true;
  }
  if (reply.body !== undefined) {
    sendJson(response, status, reply.body, { ...reply.headers });
    return true;
  }
  return false;
}
