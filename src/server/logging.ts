import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * The request log, written so that nothing a user typed reaches it. A search travels in the query
 * string and a question in the body, and either can carry personal health information, so a
 * request line holds the method, the route pattern ("/api/v1/sources/:id", not the path with its
 * ids), the status and the time, and fastify's own lines that would include the URL are replaced.
 * `server.logQuestions` adds the text deliberately, in the routes, for debugging.
 */
export class PrivateLogController extends LogController {
  override incomingRequest(): void {
    // One line per request, when it completes, is enough.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = requestLine(request, reply);
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request');
  }

  override routeNotFound(): void {
    // requestCompleted logs the 404 with route "unmatched", without the path.
  }

  override defaultErrorLog(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    reply.log.error({ err: error }, 'unhandled error');
  }

  override writeHeadError(error: Error, _request: FastifyRequest, reply: FastifyReply): void {
    reply.log.warn({ err: error }, 'could not write the response head');
  }
}

/** Route patterns only: the paths of unknown routes are whatever a client sent. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

function requestLine(request: FastifyRequest, reply: FastifyReply) {
  return { method: request.method, route: routeOf(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
}

/** Serializers for anything that still logs a request: method and path, never the query string. */
export const LOG_SERIALIZERS = {
  req: (request: { method?: string; url?: string }) => ({ method: request.method, path: (request.url ?? '').split('?')[0] }),
};
