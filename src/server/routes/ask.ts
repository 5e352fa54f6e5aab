import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AskRequest } from '../../answer/ask.js';
import { AUDIENCES, type Answer } from '../../domain/answer.js';
import { CitemedError } from '../../domain/errors.js';
import { EVIDENCE_LEVELS } from '../../domain/evidence-level.js';
import { yearsInOrder } from '../../domain/filters.js';
import { SOURCE_FORMATS } from '../../domain/source.js';
import type { SearchFilters } from '../../ports/store.js';
import type { Thread } from '../../ports/threads.js';
import { requireSearchable } from '../../retrieval/searchable.js';
import { Cancellation } from '../cancellation.js';
import type { RouteDeps } from '../context.js';
import { logServerError, toErrorReply } from '../errors.js';
import { EVENT_STREAM_HEADERS, EventStream, wantsEventStream } from '../sse.js';
import { AnswerSchema, asResponse, ERROR_RESPONSES, ErrorBodySchema } from '../schemas.js';
import { findThread } from './threads.js';

const year = z.number().int().min(1000).max(9999);

/**
 * The filters of `citemed search`/`ask`, as JSON: lists are arrays here rather than
 * comma-separated text, checked against the same lists of values (domain/evidence-level.ts,
 * domain/source.ts) and the same year range as the CLI's parsers.
 */
export const FiltersBody = z.strictObject({
  level: z.array(z.enum(EVIDENCE_LEVELS)).min(1).optional().describe('only these evidence levels'),
  type: z.array(z.string().trim().min(1)).min(1).optional().describe('only these publication types, e.g. "Randomized Controlled Trial"'),
  collection: z.array(z.enum(SOURCE_FORMATS)).min(1).optional().describe('only sources of these collections'),
  from: year.optional().describe('only sources published in or after this year'),
  to: year.optional().describe('only sources published in or before this year'),
});

const AskBody = z
  .strictObject({
    question: z.string().trim().min(1).max(2_000),
    audience: z.enum(AUDIENCES).default('clinician').describe('who the answer is for'),
    evidence: z.number().int().min(1).max(100).optional().describe('passages retrieved as evidence (default: answer.evidence)'),
    filters: FiltersBody.optional(),
    threadId: z.string().min(1).max(200).optional().describe('a thread from POST /api/v1/threads: the question is read as a follow-up of its last turn, and added to it'),
  })
  .meta({ id: 'AskRequest' });

const EVENT_STREAM_DESCRIPTION = [
  'With `Accept: text/event-stream`: server-sent events, each with one line of JSON data.',
  '`draft` ({"text": "…"}): the composer\'s draft as it is written (language-model composers only; unverified).',
  '`answer`: the verified Answer. `error`: an Error; either ends the stream.',
].join(' ');

/**
 * Answers a question from the library: the Answer as JSON, or, when the client accepts an event
 * stream, the composer's draft as it is written followed by the verified answer. A draft is only
 * a draft: statements in it may be removed by the verifier, and the `answer` event is what counts.
 */
export const askRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container, settings, metrics }) => {
  app.post(
    '/ask',
    {
      config: { action: 'ask' },
      schema: {
        summary: 'Answer a question: every statement cited and verified',
        tags: ['answers'],
        body: AskBody,
        response: {
          200: {
            description: `The answer. ${EVENT_STREAM_DESCRIPTION}`,
            content: { 'application/json': { schema: AnswerSchema }, 'text/event-stream': { schema: z.string() } },
          },
          ...ERROR_RESPONSES,
          502: ErrorBodySchema,
          504: ErrorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (settings.logQuestions) request.log.info({ question: body.question, audience: body.audience }, 'ask');
      requireSearchable(body.question, 'answer');
      const thread = body.threadId === undefined ? undefined : await findThread(container.threads, body.threadId);
      const askRequest: AskRequest = {
        question: body.question,
        audience: body.audience,
        // Each turn is continued from what it searched for, so "and in children?" then "what dose?" keeps the topic.
        thread: thread?.turns.map((turn) => ({ question: turn.searchedFor, answer: turn.answer })) ?? [],
        ...(body.evidence === undefined ? {} : { evidence: body.evidence }),
        ...(body.filters ? { filters: toSearchFilters(body.filters) } : {}),
      };
      const cancellation = new Cancellation(reply, settings.answerTimeoutMs);
      const answerFor = async (extra: Partial<AskRequest>): Promise<Answer> => {
        const answer = await cancellation.run(
          container.ask({ ...askRequest, ...extra, signal: cancellation.signal, checkpoint: () => cancellation.confirm() }),
        );
        metrics.answers.inc({ status: answer.status });
        if (thread) await recordTurn(container.threads, thread, answer);
        return answer;
      };

      if (!wantsEventStream(request.headers.accept)) {
        try {
          return asResponse(AnswerSchema, await answerFor({}));
        } finally {
          cancellation.dispose();
        }
      }

      const stream = new EventStream();
      void streamAnswer(stream, cancellation, request.log, () => answerFor({ onText: (text) => stream.send('draft', { text }) }));
      // fastify pipes a stream body as it is written; the response types cannot express a stream.
      return reply.code(200).headers(EVENT_STREAM_HEADERS).send(stream.body as never);
    },
  );
};

/** Runs the answer into the event stream: drafts as they come, then the answer or the error. */
async function streamAnswer(stream: EventStream, cancellation: Cancellation, log: FastifyBaseLogger, answer: () => Promise<Answer>): Promise<void> {
  try {
    stream.send('answer', await answer());
  } catch (error) {
    if (cancellation.clientGone) return;
    const reply = toErrorReply(error);
    if (reply.serverSide) logServerError(log, error);
    stream.send('error', reply.body);
  } finally {
    cancellation.dispose();
    stream.end();
  }
}

async function recordTurn(threads: RouteDeps['container']['threads'], thread: Thread, answer: Answer): Promise<void> {
  await threads.append(thread.id, {
    question: answer.question,
    searchedFor: answer.searchedFor,
    answer: answer.bottomLine.map((s) => s.text).join(' '),
    askedAt: answer.provenance.generatedAt,
  });
}

export function toSearchFilters(filters: z.output<typeof FiltersBody>): SearchFilters {
  if (!yearsInOrder(filters.from, filters.to)) {
    throw new CitemedError('usage', `filters.from ${filters.from} is after filters.to ${filters.to}`, { hint: 'swap the two years' });
  }
  return {
    ...(filters.level ? { evidenceLevels: filters.level } : {}),
    ...(filters.type ? { publicationTypes: filters.type } : {}),
    ...(filters.collection ? { formats: filters.collection } : {}),
    ...(filters.from !== undefined ? { yearFrom: filters.from } : {}),
    ...(filters.to !== undefined ? { yearTo: filters.to } : {}),
  };
}
