import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { postingsJobsFor, type PostingsJob, type PostingsJobs } from '../../config/postings-jobs.js';
import { CitemedError } from '../../domain/errors.js';
import { POSTINGS_JOB_ACTIONS, POSTINGS_JOB_STATUSES, postingsAdvice, postingsInUse } from '../../domain/postings.js';
import { accountOf } from '../auth.js';
import type { RouteDeps } from '../context.js';
import { logServerError } from '../errors.js';
import { ERROR_RESPONSES, PostingsStateSchema } from '../schemas.js';
import { EVENT_STREAM_HEADERS, EventStream } from '../sse.js';

const count = z.number().int();

const PostingsJobSchema = z
  .object({
    id: z.string(),
    action: z.enum(POSTINGS_JOB_ACTIONS),
    status: z.enum(POSTINGS_JOB_STATUSES),
    startedBy: z.string().describe('the account id of the administrator who started it'),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    progress: z
      .object({
        done: count,
        total: count.describe('0 until the build knows it'),
        terms: count,
        elapsedMs: count.describe("time from the job's start to this report, by the server's clock"),
      })
      .describe('a build\'s progress in token occurrences read from the full-text index; zeros for a drop'),
    built: z.object({ passages: count, terms: count, bytes: count, elapsedMs: count }).optional().describe('what a finished build built'),
    error: z.string().optional(),
  })
  .meta({
    id: 'PostingsJob',
    description: "An administrator's build or drop of the postings index, run by the server in a worker thread, one at a time; kept in its memory (the latest only).",
  });

const PostingsIndexSchema = z
  .object({
    available: z.boolean().describe('whether the library keeps a postings index at all: the embedded (SQLite) library does; PostgreSQL does not, and the other postings routes answer 404 there'),
    state: PostingsStateSchema.optional().describe('absent while none is built'),
    enabled: z.boolean().describe('the setting store.usePostings: whether searches may rank from the index at all'),
    inUse: z.boolean().describe('searches rank from it now: built, enabled, and no more newer passages than newerLimit'),
    advice: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('build'), passages: count }),
        z.object({ kind: z.literal('rebuild'), newer: count, removed: count, fallenBack: z.boolean() }),
      ])
      .optional()
      .describe('why building it would help now, as `citemed ingest` advises: a large library without one, or one that changed much since'),
    job: PostingsJobSchema.optional().describe('the running job, or else the last one to finish since the server started'),
  })
  .meta({ id: 'PostingsIndex', description: "The library's postings index: a faster first stage for large SQLite libraries (`citemed index`)." });

const IdParams = z.object({ id: z.string().min(1).max(64) });

const EVENTS_DESCRIPTION = [
  'Server-sent events: `progress` (a PostingsJob) at once and as the build advances, at most about four a second;',
  'then `done` (the finished PostingsJob), and the stream ends. A finished job sends `done` at once.',
].join(' ');

/**
 * The postings index for administrators: its state and advice, and building or dropping it
 * without a shell (`citemed index`, `citemed index --drop`). The work runs in a worker thread with
 * its own connection (the store's `worker` option), one job at a time (ingest/postings-jobs.ts);
 * the server goes on answering meanwhile. A library without a postings index (PostgreSQL) says
 * `available: false` (the admin page then shows nothing) and answers 404 on the job routes. On
 * shutdown a running build is stopped and waited for.
 */
export const postingsIndexRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container }) => {
  const jobs: PostingsJobs | undefined = container.postingsJobs ?? postingsJobsFor(container, { onServerError: (error) => logServerError(app.log, error) });
  let closing: Promise<void> | undefined;
  app.addHook('preClose', async () => {
    closing ??= jobs?.close();
  });
  app.addHook('onClose', async () => {
    await (closing ??= jobs?.close());
  });

  const available = (): PostingsJobs => {
    if (!jobs || !container.store.postings) {
      throw new CitemedError('not-found', 'this library has no postings index: it is for the embedded (SQLite) library', {
        hint: 'a PostgreSQL library ranks in the database; there is nothing to build',
      });
    }
    return jobs;
  };
  const found = (id: string): PostingsJob => {
    const job = available().get(id);
    if (!job) throw new CitemedError('not-found', `no postings job "${id}"`, { hint: 'the server keeps its latest job only, in memory' });
    return job;
  };

  app.get(
    '/library/postings-index',
    {
      config: { action: 'manage-library' },
      schema: {
        summary: 'The postings index: when it was built, what it covers, whether searches use it, advice, and the latest build or drop',
        tags: ['sources'],
        response: { 200: PostingsIndexSchema, ...ERROR_RESPONSES },
      },
    },
    async () => {
      const enabled = container.settings.store.usePostings;
      const postings = container.store.postings;
      if (!jobs || !postings) return { available: false, enabled, inUse: false };
      const latest = jobs.latest();
      const state = await postings.state();
      const passages = state ? state.passages : (await container.store.corpusStats()).passages;
      const advice = postingsAdvice(state, passages);
      return {
        available: true,
        ...(state ? { state } : {}),
        enabled,
        inUse: postingsInUse(state, enabled),
        ...(advice ? { advice } : {}),
        ...(latest ? { job: latest } : {}),
      };
    },
  );

  app.post(
    '/library/postings-index/jobs',
    {
      config: { action: 'manage-library' },
      schema: {
        summary: 'Build the postings index (again), or drop it; one job at a time (409 while one runs)',
        tags: ['sources'],
        body: z.object({ action: z.enum(POSTINGS_JOB_ACTIONS).describe('build: from the whole library, replacing the index in service at the end; drop: remove it') }).strict(),
        response: { 202: PostingsJobSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      // The jobs write the audit entries of their start, cancel and end.
      const job = await available().start({ action: request.body.action, startedBy: accountOf(request).id });
      return reply.code(202).send(job);
    },
  );

  app.get(
    '/library/postings-index/jobs/:id/events',
    {
      config: { action: 'manage-library' },
      schema: {
        summary: "A postings job's progress as server-sent events, until it finishes",
        tags: ['sources'],
        params: IdParams,
        response: { 200: { description: EVENTS_DESCRIPTION, content: { 'text/event-stream': { schema: z.string() } } }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const stream = watchJob(available(), found(request.params.id));
      // fastify pipes a stream body as it is written; the response types cannot express a stream.
      return reply.code(200).headers(EVENT_STREAM_HEADERS).send(stream.body as never);
    },
  );

  app.delete(
    '/library/postings-index/jobs/:id',
    {
      config: { action: 'manage-library' },
      schema: {
        summary: 'Cancel a running build; it stops within moments and the index in service stays as it was (a drop cannot be cancelled)',
        tags: ['sources'],
        params: IdParams,
        response: { 200: PostingsJobSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      found(request.params.id); // a missing job: the same 404 as the events'
      return available().cancel(request.params.id, accountOf(request).id);
    },
  );
};

/**
 * The job's events into a new stream: where it stands now, its progress, and `done`. The listener
 * goes when the stream closes, whether it ended or the client went away.
 */
function watchJob(jobs: Pick<PostingsJobs, 'watch'>, job: PostingsJob): EventStream {
  const stream = new EventStream();
  if (job.status !== 'running') {
    stream.send('done', job);
    stream.end();
    return stream;
  }
  stream.send('progress', job);
  const stop = jobs.watch(job.id, (event) => {
    stream.send(event.type, event.job);
    if (event.type === 'done') stream.end();
  });
  stream.body.once('close', stop);
  return stream;
}
