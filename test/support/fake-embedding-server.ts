/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI `/v1/embeddings` protocol, so tests of
 * anything that embeds exercise the same bytes, sockets and failure modes as a live server
 * without touching the network. Replies can be scripted to reproduce misbehaving servers.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendScripted, startLoopbackServer, type ScriptedReply as BaseScriptedReply } from './http-server.js';

/** One canned reply for the next request (see ScriptedReply in http-server.ts). */
export type ScriptedReply = BaseScriptedReply<EmbeddingsReply>;

/** The response shape of `POST /v1/embeddings`. */
export interface EmbeddingsReply {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** A running fake; `requests` lets tests assert on exactly what a client sent. */
export interface FakeEmbeddingServer {
  /** "http://127.0.0.1:<port>/v1" */
  baseUrl: string;
  /** Everything received, in order; `body` is parsed JSON, or the raw text when it was not JSON. */
  requests: { path: string; headers: IncomingHttpHeaders; body: unknown }[];
  /** Queue scripted replies for the next requests; when the queue is empty, the server embeds normally. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export interface FakeEmbeddingServerOptions {
  /** How a text becomes a vector; default `hashedBagOfWords` with `dimensions` buckets. */
  embed?: (text: string) => number[];
  /** Buckets of the default embedding; default 64. */
  dimensions?: number;
  /** Always answer with base64 float32, as some servers do whatever the client asked. */
  base64?: boolean;
}

const DEFAULT_DIMENSIONS = 64;

/**
 * A toy embedding that is deterministic and cheap yet behaves like a real one where tests need
 * it: texts sharing words are close, unrelated texts are not, and every vector has unit length.
 */
export function hashedBagOfWords(text: string, dimensions = DEFAULT_DIMENSIONS): number[] {
  return bagOfWords(words(text), dimensions);
}

/**
 * An embedding that knows some synonyms, so tests can show dense retrieval finding what lexical
 * search misses (e.g. `{ nac: 'acetylcysteine' }` makes "NAC" and "acetylcysteine" identical).
 */
export function withSynonyms(table: Record<string, string>, dimensions = DEFAULT_DIMENSIONS): (text: string) => number[] {
  const canonical = new Map(Object.entries(table).map(([word, meaning]) => [word.toLowerCase(), words(meaning)]));
  return (text) => bagOfWords(words(text).flatMap((word) => canonical.get(word) ?? [word]), dimensions);
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

function bagOfWords(tokens: readonly string[], dimensions: number): number[] {
  const counts = new Array<number>(dimensions).fill(0);
  for (const token of tokens) {
    const bucket = fnv1a(token) % dimensions;
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  const norm = Math.hypot(...counts);
  return norm === 0 ? counts : counts.map((count) => count / norm);
}

/** 32-bit FNV-1a over UTF-8: a spread-out hash with no dependencies. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Little-endian float32, base64-encoded: OpenAI's `encoding_format: 'base64'`. */
export function toBase64Float32(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/** Starts the fake on a random free port of 127.0.0.1. */
export async function startFakeEmbeddingServer(options: FakeEmbeddingServerOptions = {}): Promise<FakeEmbeddingServer> {
  const dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
  const embed = options.embed ?? ((text: string) => hashedBagOfWords(text, dimensions));
  const requests: FakeEmbeddingServer['requests'] = [];
  const queue: ScriptedReply[] = [];

  const server = await startLoopbackServer((request, response, body, later) => {
    requests.push({ path: request.url ?? '', headers: request.headers, body });
    const reply = queue.shift() ?? {};
    const answer = () => respond(response, reply, () => handle(request, body, { embed, base64: options.base64 ?? false }));
    if (reply.delayMs) later(reply.delayMs, answer);
    else answer();
  });

  return {
    baseUrl: `${server.origin}/v1`,
    requests,
    script: (...replies) => void queue.push(...replies),
    close: server.close,
  };
}

/** What the server would say on its own: a status and a JSON body. */
interface Outcome {
  status: number;
  body: unknown;
}

function respond(response: ServerResponse, reply: ScriptedReply, normal: () => Outcome): void {
  if (sendScripted(response, reply, 'text/plain')) return;
  const status = reply.status ?? 200;
  const headers = { ...reply.headers };
  if (status >= 200 && status < 300) {
    const outcome = normal();
    const body = reply.rewrite && outcome.status === 200 ? reply.rewrite(outcome.body as EmbeddingsReply) : outcome.body;
    return sendJson(response, reply.status ?? outcome.status, body, headers);
  }
  sendJson(response, status, errorBody(`scripted HTTP ${status}`, 'server_error'), headers);
}

function handle(request: IncomingMessage, body: unknown, how: { embed: (text: string) => number[]; base64: boolean }): Outcome {
  const path = (request.url ?? '').split('?')[0];
  if (path !== '/v1/embeddings') return { status: 404, body: errorBody(`no route for ${path}`, 'invalid_request_error') };
  if (request.method !== 'POST') return { status: 405, body: errorBody(`use POST on ${path}`, 'invalid_request_error') };
  const problem = requestProblem(body);
  if (problem) return { status: 400, body: errorBody(problem, 'invalid_request_error') };
  const { model, input, encoding_format, dimensions } = body as Record<string, unknown>;
  const texts = typeof input === 'string' ? [input] : (input as string[]);
  const vectors = texts.map((text) => how.embed(text));
  const wanted = typeof dimensions === 'number' ? dimensions : undefined;
  if (wanted !== undefined && vectors.some((vector) => vector.length < wanted)) {
    return { status: 400, body: errorBody(`dimensions must be at most ${vectors[0]?.length}`, 'invalid_request_error') };
  }
  const base64 = how.base64 || encoding_format === 'base64';
  return { status: 200, body: embeddingsReply(String(model), texts, vectors.map((vector) => shorten(vector, wanted)), base64) };
}

function requestProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const { model, input, dimensions } = body as Record<string, unknown>;
  if (typeof model !== 'string' || model === '') return "you must provide a model parameter";
  const inputOk = typeof input === 'string' || (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string'));
  if (!inputOk) return "'input' must be a string or a non-empty array of strings";
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && (dimensions as number) > 0)) return "'dimensions' must be a positive integer";
  return undefined;
}

/** What OpenAI does for `dimensions`: keep the leading components and renormalise. */
function shorten(vector: number[], dimensions: number | undefined): number[] {
  if (dimensions === undefined || dimensions === vector.length) return vector;
  const kept = vector.slice(0, dimensions);
  const norm = Math.hypot(...kept);
  return norm === 0 ? kept : kept.map((value) => value / norm);
}

function embeddingsReply(model: string, texts: string[], vectors: number[][], base64: boolean): EmbeddingsReply {
  const tokens = texts.reduce((sum, text) => sum + words(text).length, 0);
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64Float32(vector) : vector })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function errorBody(message: string, type: string): unknown {
  return { error: { message, type, param: null, code: null } };
}
