import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CitemedError } from '../../domain/errors.js';
import type { Thread, ThreadStore } from '../../ports/threads.js';
import type { RouteDeps } from '../context.js';
import { EmptyBody, ERROR_RESPONSES, ThreadSchema } from '../schemas.js';

export const ThreadParams = z.object({ id: z.string().min(1).max(200) });

/** Follow-up threads: create one, then pass its id as `threadId` to /api/v1/ask. */
export const threadRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { threads } }) => {
  app.post(
    '/threads',
    {
      config: { action: 'ask' },
      schema: {
        summary: 'Start a thread for follow-up questions',
        tags: ['threads'],
        body: EmptyBody,
        response: { 201: ThreadSchema, ...ERROR_RESPONSES },
      },
    },
    async (_request, reply) => reply.code(201).send(await threads.create()),
  );

  app.get(
    '/threads/:id',
    {
      config: { action: 'ask' },
      schema: {
        summary: "A thread's turns, oldest first",
        tags: ['threads'],
        params: ThreadParams,
        response: { 200: ThreadSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => findThread(threads, request.params.id),
  );
};

/** The thread, or a 404 that says why threads go missing. */
export async function findThread(threads: ThreadStore, id: string): Promise<Thread> {
  const thread = await threads.get(id);
  if (!thread) throw missingThread(id);
  return thread;
}

export function missingThread(id: string): CitemedError {
  return new CitemedError('not-found', `no thread "${id}"`, {
    hint: 'threads are kept in the library, but beyond server.threads.maxThreads the least recently continued are deleted (and an id from another library is unknown here); start one with POST /api/v1/threads',
  });
}
