import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ingestJobsFor, isFinished, JOB_STATUSES, type IngestJob, type IngestJobs } from '../../config/ingest-jobs.js';
import { CitemedError } from '../../domain/errors.js';
import { accountOf } from '../auth.js';
import type { RouteDeps } from '../context.js';
import { logServerError } from '../errors.js';
import { ERROR_RESPONSES, ErrorBodySchema } from '../schemas.js';
import { EVENT_STREAM_HEADERS, EventStream } from '../sse.js';

const count = z.number().int();

const IngestJobSchema = z
  .object({
    id: z.string(),
    paths: z.array(z.string()).describe('as the administrator gave them'),
    force: z.boolean(),
    status: z.enum(JOB_STATUSES),
    createdAt: z.string(),
    startedBy: z.string().describe('the account id of the administrator who started it'),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    progress: z.object({
      filesTotal: count,
      filesDone: count,
      bytesTotal: count,
      bytesDone: count,
      records: count.describe('records (and deletes, and skipped records) handled so far'),
      recordsPerSecond: z.number(),
      bytesPerSecond: z.number(),
      etaSeconds: z.number().optional(),
      currentFile: z.string().optional().describe('the file being read, by name only'),
    }),
    totals: z
      .object({
        added: count,
        updated: count,
        deleted: count,
        skipped: count,
        skippedRecords: z
          .array(
            z.object({
              file: z.string().describe('by name only'),
              line: z.number().int().optional(),
              sourceId: z.string().optional(),
              reason: z.string().describe('older-version, deleted-earlier, id-collision, nothing-to-delete, repeated-id or malformed'),
              text: z.string().describe('the reason in words, with the detail: "malformed or unreadable record — not valid JSON"'),
            }),
          )
          .optional()
          .describe('the first records skipped for a reason worth a look (not unchanged ones), up to 20, as `citemed ingest` lists them'),
      })
      .optional(),
    error: z.string().optional(),
    recheck: z.object({ checked: count, raised: count }).optional().describe('the living-article re-check after a job that changed the library'),
  })
  .meta({
    id: 'IngestJob',
    description:
      'An ingest of files on the server, started by an administrator. With the embedded (SQLite) library, kept in the server\'s memory: a restart forgets jobs. ' +
      'With PostgreSQL, kept in the database and run by the work queue: every server lists the same jobs.',
  });

const IdParams = z.object({ id: z.string().min(1).max(64) });

const EVENTS_DESCRIPTION = [
  'Server-sent events: `progress` (an IngestJob) at once and as the job advances, at most about four a second;',
  'then `done` (the finished IngestJob), and the stream ends. A finished job sends `done` at once.',
].join(' ');

/**
 * Ingest jobs for administrators: ingest files already on the server (inside `ingest.serverRoots`),
 * and watch them. The jobs are the server's own (or the container's, when it brings one): in its
 * memory with SQLite, in the database and the work queue with PostgreSQL (config/ingest-jobs.ts).
 * On shutdown a job running here stops after its batch and is waited for.
 */
export const ingestJobRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container }) => {
  const jobs: IngestJobs =
    container.ingestJobs ??
    ingestJobsFor(container, {
      onServerError: (error) => logServerError(app.log, error),
      log: (line) => app.log.info(line),
    });
  // Stopping starts before the server waits for its connections, so event streams get their
  // `done` and end; awaiting happens in onClose, which (unlike preClose) has no time limit: a
  // batch of large PDFs may take longer than fastify's hook timeout.
  let closing: Promise<void> | undefined;
  app.addHook('preClose', async () => {
    closing ??= jobs.close();
  });
  app.addHook('onClose', async () => {
    await (closing ??= jobs.close());
  });

  const found = async (id: string): Promise<IngestJob> => {
    const job = await jobs.get(id);
    if (!job) {
      throw new CitemedError('not-found', `no ingest job "${id}"`, {
        hint: 'the newest 100 jobs are kept; with the embedded library they are kept in memory, and a restarted server has forgotten earlier ones',
      });
    }
    return job;
  };

  app.post(
    '/ingest-jobs',
    {
      config: { action: 'manage-library' },
      schema: {
        summary: 'Start an ingest of files or folders on the server (inside ingest.serverRoots); jobs run one at a time',
        tags: ['sources'],
        body: z
          .object({
            paths: z.array(z.string().min(1).max(1_000)).min(1).max(100).describe('files or folders, relative to the server\'s working directory or absolute'),
            force: z.boolean().default(false).describe('read files again even if they were ingested to the end before'),
          })
          .strict(),
        response: { 202: IngestJobSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      // The jobs write the audit entries of their start, cancel and end (ingest/job-audit.ts).
      const job = await jobs.start({ paths: request.body.paths, force: request.body.force, startedBy: accountOf(request).id });
      return reply.code(202).send(job);
    },
  );

  app.get(
    '/ingest-jobs',
    {
      config: { action: 'manage-library' },
      schema: { summary: 'Ingest jobs, newest first (the newest 100 are kept)', tags: ['sources'], response: { 200: z.object({ jobs: z.array(IngestJobSchema) }), ...ERROR_RESPONSES } },
    },
    async () => ({ jobs: await jobs.list() }),
  );

  app.get(
    '/ingest-jobs/:id',
    {
      config: { action: 'manage-library' },
      schema: { summary: 'One ingest job', tags: ['sources'], params: IdParams, response: { 200: IngestJobSchema, ...ERROR_RESPONSES } },
    },
    async (request) => found(request.params.id),
  );

  app.get(
    '/ingest-jobs/:id/events',
    {
      config: { action: 'manage-library' },
      schema: {
        summary: "An ingest job's progress as server-sent events, until it finishes",
        tags: ['sources'],
        params: IdParams,
        response: { 200: { description: EVENTS_DESCRIPTION, content: { 'text/event-stream': { schema: z.string() } } }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const stream = watchJob(jobs, await found(request.params.id));
      // fastify pipes a stream body as it is written; the response types cannot express a stream.
      return reply.code(200).headers(EVENT_STREAM_HEADERS).send(stream.body as never);
    },
  );

  app.delete(
    '/ingest-jobs/:id',
    {
      config: { action: 'manage-library' },
      schema: {
        summary: 'Cancel a queued or running job (a running one stops after its current batch, which is kept)',
        tags: ['sources'],
        params: IdParams,
        response: { 200: IngestJobSchema, ...ERROR_RESPONSES, 409: ErrorBodySchema },
      },
    },
    async (request) => {
      await found(request.params.id); // a missing job: the same 404 as GET's
      return jobs.cancel(request.params.id, accountOf(request).id);
    },
  );
};

/**
 * The job's events into a new stream: where it stands now, its progress, and `done`. The
 * listener goes when the stream closes, whether it ended or the client went away (fastify
 * destroys a stream body whose connection closed), so no listener outlives its client. A server
 * that stops following an unfinished job (it is closing; a worker elsewhere goes on) ends the
 * stream without `done`, and the client's EventSource reconnects, to another server if there is one.
 */
function watchJob(jobs: Pick<IngestJobs, 'watch'>, job: IngestJob): EventStream {
  const stream = new EventStream();
  if (isFinished(job)) {
    stream.send('done', job);
    stream.end();
    return stream;
  }
  stream.send('progress', job);
  const stop = jobs.watch(
    job.id,
    (event) => {
      stream.send(event.type, event.job);
      if (event.type === 'done') stream.end();
    },
    () => stream.end(),
  );
  stream.body.once('close', stop);
  return stream;
}
