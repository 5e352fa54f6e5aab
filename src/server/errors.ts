import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isCitemedError, type ErrorCode } from '../domain/errors.js';
import { SECURITY_HEADERS } from './security.js';

/**
 * One error shape for every failure the API reports, whoever raised it (validation, the answer
 * engine, fastify itself, a bug), so a client needs one code path:
 *
 *     { "error": { "code": "not-found", "message": "no source \"pmid:1\" in the library", "hint": "…" } }
 *
 * `code` is a citemed error code (domain/errors.ts) or one of the server's own (ServerErrorCode).
 * Messages about the client's input are passed on; messages about the server's insides (file
 * paths, settings, upstream URLs, stack traces) are logged and replaced by a safe sentence.
 */
export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

/** Codes the server adds to citemed's own. */
export type ServerErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'request-timeout'
  | 'uri-too-long'
  | 'request-header-fields-too-large'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'timeout'
  | 'shutting-down'
  | 'not-ready'
  | 'rate-limited'
  | 'internal';

/** An error the server raises itself, with the status it answers with. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

interface Mapping {
  status: number;
  /** Said instead of the error's own message, which may reveal the server's configuration. */
  safeMessage?: string;
  /** Seconds a client should wait before trying again (Retry-After), for passing troubles. */
  retryAfter?: number;
}

const DAMAGED = 'the library cannot be read; the server operator can see why in its log';

/** Citemed's error codes as HTTP. Exhaustive: a new code fails to compile until it is mapped. */
const CITEMED_STATUS: Readonly<Record<ErrorCode, Mapping>> = {
  usage: { status: 400 },
  'not-found': { status: 404 },
  'unsupported-format': { status: 400 },
  unreadable: { status: 500, safeMessage: 'the server could not read a file it needs; its operator can see why in its log' },
  'bad-config': { status: 500, safeMessage: 'the server is not configured correctly; its operator can see why in its log' },
  'database-locked': { status: 503, safeMessage: 'the library is busy (locked by another process); try again shortly', retryAfter: 5 },
  'database-corrupt': { status: 500, safeMessage: DAMAGED },
  'database-foreign': { status: 500, safeMessage: DAMAGED },
  'database-too-new': { status: 500, safeMessage: DAMAGED },
  'database-readonly': { status: 500, safeMessage: DAMAGED },
  'cannot-write': { status: 500, safeMessage: 'the server could not save a file; its operator can see why in its log' },
  // One wording for every outside service (the language model, the embedding server, PubMed or
  // Europe PMC): which one, and at what address, is the operator's to read in the log.
  'service-unavailable': {
    status: 503,
    safeMessage: 'an outside service this request needs (the language model, the embedding server, or PubMed or Europe PMC) did not answer; try again later',
    retryAfter: 30,
  },
  'service-failed': {
    status: 502,
    safeMessage: 'an outside service this request needs (the language model, the embedding server, or PubMed or Europe PMC) answered with an error; its operator can see which in the log',
  },
  interrupted: { status: 503, safeMessage: 'the request was interrupted before it finished; try again', retryAfter: 5 },
  conflict: { status: 409 },
  unauthenticated: { status: 401 },
  forbidden: { status: 403 },
};

/** What the client is told about an error: status, body and headers. */
export interface ErrorReply {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** Whether it is the server's fault, worth an entry in the log. */
  serverSide: boolean;
}

export function errorBody(code: string, message: string, hint?: string): ErrorBody {
  return { error: { code, message, ...(hint ? { hint } : {}) } };
}

/** Turns anything thrown into what the client is told. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof HttpProblem) {
    const headers: Record<string, string> = error.status === 503 ? { 'retry-after': '5' } : {};
    return { status: error.status, body: errorBody(error.code, error.message, error.hint), headers, serverSide: error.status >= 500 };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    return { status: 400, body: validationBody(error), headers: {}, serverSide: false };
  }
  if (isCitemedError(error)) {
    const mapping = CITEMED_STATUS[error.code];
    const body = mapping.safeMessage ? errorBody(error.code, mapping.safeMessage) : errorBody(error.code, error.message, error.hint);
    const headers: Record<string, string> = mapping.retryAfter ? { 'retry-after': String(mapping.retryAfter) } : {};
    return { status: mapping.status, body, headers, serverSide: mapping.status >= 500 };
  }
  const status = fastifyClientStatus(error);
  if (status !== undefined) {
    // fastify's own client errors (unreadable JSON, too large, wrong media type) say nothing secret.
    return { status, body: errorBody(httpCode(status), (error as Error).message), headers: {}, serverSide: false };
  }
  return { status: 500, body: errorBody('internal', 'something went wrong on the server; its operator can see what in its log'), headers: {}, serverSide: true };
}

/** The status of a fastify error caused by the request (4xx), if it is one. */
function fastifyClientStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || isResponseSerializationError(error as FastifyError)) return undefined;
  const status = (error as FastifyError).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** A short, stable code for an HTTP status: 413 → "payload-too-large". */
export function httpCode(status: number): string {
  const names: Record<number, ServerErrorCode> = {
    400: 'bad-request',
    404: 'not-found',
    413: 'payload-too-large',
    415: 'unsupported-media-type',
    504: 'timeout',
  };
  return names[status] ?? (STATUS_CODES[status] ?? `http-${status}`).toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

interface ValidationIssue {
  instancePath: string;
  message?: string;
  /** The zod issue's other fields; a custom issue's own `params` carry the shared parsers' hint. */
  params?: { params?: { hint?: unknown } };
}

/**
 * One message for all of a request's validation failures, each naming its field:
 * "body.audience: Invalid option: expected one of …; body.question: Too small …".
 */
function validationBody(error: FastifyError): ErrorBody {
  const issues = (error.validation ?? []) as ValidationIssue[];
  const where = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'request');
  const parts = issues.map((issue) => {
    const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const message = issue.message ?? 'is not valid';
    // The shared parsers (domain/filters.ts) already start with the field's name.
    if (field !== '' && message.startsWith(`${field} `)) return `${where}.${message}`;
    return field === '' ? `${where}: ${message}` : `${where}.${field}: ${message}`;
  });
  const hints = issues.map((issue) => issue.params?.params?.hint).filter((hint): hint is string => typeof hint === 'string');
  return errorBody('bad-request', parts.join('; '), hints[0]);
}

/**
 * What the operator needs of a failure the client was told little about: citemed's message
 * (which names the setting, file or server at fault) or, for a bug, the error with its stack.
 */
export function logServerError(log: FastifyBaseLogger, error: unknown): void {
  if (isCitemedError(error)) log.error({ code: error.code, detail: error.message, hint: error.hint }, 'request failed');
  else if (error instanceof HttpProblem) log.warn({ code: error.code, status: error.status }, error.message);
  else log.error({ err: error }, 'unexpected error');
}

/**
 * Installs the error and not-found handlers. The log gets server-side failures only, by code and
 * message (never the request body or query string); client mistakes are the client's business.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, headers, serverSide } = toErrorReply(error);
    if (serverSide) logServerError(request.log, error);
    return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return reply.code(404).send(errorBody('not-found', `no route for ${request.method} ${path}`, 'see /openapi.json for the routes'));
  });
}

/** The longest path parameter (an id: a DOI, percent-encoded, can be long), in characters. */
export const MAX_PARAM_LENGTH = 500;

/**
 * Fastify's `frameworkErrors`: failures its router meets before any route or hook runs (a path
 * parameter over MAX_PARAM_LENGTH, a path that is not valid percent-encoding), in the one shape and
 * with the security headers, which no onSend hook adds here. The path is not echoed back: it may
 * hold a search.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, body] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, errorBody('uri-too-long', `a part of the path is longer than ${MAX_PARAM_LENGTH} characters`, 'check the id: ids are shorter than that')]
      : error.code === 'FST_ERR_BAD_URL'
        ? [400, errorBody('bad-request', 'the path is not valid percent-encoding', 'encode each part of the path with encodeURIComponent')]
        : [500, errorBody('internal', 'something went wrong on the server; its operator can see what in its log')];
  if (status >= 500) reply.log.error({ err: error }, 'unexpected error');
  void reply.code(status).headers(SECURITY_HEADERS).type('application/json; charset=utf-8').send(body);
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before fastify sees them (an
 * unknown method, a malformed request line, headers and URL over Node's 16 KiB, a request not
 * received within server.requestTimeoutMs). There is no reply object, so the response is written
 * to the socket by hand, in the one shape and with the security headers, and the connection closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to tell.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, errorBody('request-timeout', 'the request did not arrive in full in time', 'send it again')]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, errorBody('request-header-fields-too-large', 'the URL and headers together are larger than the server accepts (16 KiB)', 'shorten the query string')]
        : [400, errorBody('bad-request', 'the request is not valid HTTP/1.1 (unknown method, or a malformed request line or header)')];
  const text = JSON.stringify(body);
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    connection: 'close',
    ...SECURITY_HEADERS,
  };
  if (socket.writable) {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}\r\n${text}`);
  }
  // As Node's own handler does: what the client sent after the error cannot be read as HTTP.
  socket.destroy(error);
}
