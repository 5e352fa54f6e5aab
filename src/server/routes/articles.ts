import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addComment,
  compareVersions,
  dismissFlags,
  getArticle,
  getVersion,
  publicVersion,
  publish,
  recheck,
  resolveComment,
  review,
  revise,
  statusLine,
} from '../../articles/service.js';
import { statementKeys } from '../../articles/statements.js';
import { AUDIENCES, SECTION_KINDS } from '../../domain/answer.js';
import { ARTICLE_STATUSES, DISCLAIMER, NEEDS_VERSION, REVIEW_ACTIONS, type Article } from '../../domain/article.js';
import { CitemedError } from '../../domain/errors.js';
import { decide } from '../../domain/policy.js';
import { accountOf } from '../auth.js';
import type { RouteDeps } from '../context.js';
import { AnswerSchema, ArticleSchema, asResponse, EmptyBody, ERROR_RESPONSES, StatementSchema } from '../schemas.js';
import { FiltersBody, toSearchFilters } from './ask.js';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const VersionParams = IdParams.extend({ number: z.coerce.number().int().min(1).max(100_000) });

/** The public page of an article. */
export function articleUrl(article: Pick<Article, 'id' | 'slug'>): string {
  return `/articles/${article.id}/${article.slug}`;
}

export function articleView(article: Article) {
  return asResponse(ArticleSchema, { ...article, url: articleUrl(article) });
}

const PublicArticle = z
  .object({
    article: ArticleSchema,
    shown: z.object({
      version: z.number(),
      reviewed: z.boolean().describe('false: no reviewer has approved this text; say so wherever it is shown'),
      statusLine: z.string(),
      lastUpdated: z.string(),
    }),
    reviewers: z.array(z.object({ name: z.string(), credentials: z.string().optional(), approvedAt: z.string(), version: z.number() })),
    answer: AnswerSchema,
    editorialPolicyUrl: z.string(),
    disclaimer: z.string(),
  })
  .meta({ id: 'PublicArticle', description: 'An article as readers see it: the approved version, or the current one marked unreviewed.' });

const VersionSchema = z
  .object({
    articleId: z.string(),
    number: z.number(),
    title: z.string(),
    origin: z.enum(['published', 'edited', 'regenerated']),
    note: z.string().optional(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'ArticleVersionInfo' });

const RecheckResponse = z.object({ checked: z.number(), raised: ArticleSchema.shape.flags });
const DiffResponse = z
  .looseObject({ sections: z.array(z.looseObject({ section: z.string(), title: z.string(), changes: z.array(z.looseObject({ kind: z.string() })) })), counts: z.looseObject({}) })
  .meta({ id: 'VersionDiff', description: 'Statement-by-statement changes between two versions, with word-level changes inside edited statements.' });

/** A statement of a version with its key, as reviewers' comments name it, and what it cites. */
const KeyedStatementSchema = StatementSchema.extend({ key: z.string(), section: z.string() });

const EditedStatement = z.object({ text: z.string().min(1).max(1_000), evidence: z.array(z.string().min(1).max(20)).min(1).max(20) }).strict();

/**
 * Articles: published answers, their versions and the review workflow. Readers (and anonymous
 * visitors, when settings allow) see the public view; editors and reviewers work on the rest.
 */
export const articleRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { container: { articles }, settings }) => {
  const staff = (principal: Parameters<typeof decide>[0]) => decide(principal, 'read-workspace', settings.anonymous) === 'allow';

  app.get(
    '/articles',
    {
      config: { action: 'read-articles' },
      schema: {
        summary: 'Browse and search articles (editors and reviewers may filter by status and flags)',
        tags: ['articles'],
        querystring: z
          .object({
            q: z.string().max(500).optional().describe('words that must all appear in the title or question'),
            status: z.string().max(200).optional().describe(`comma-separated: ${ARTICLE_STATUSES.join(', ')} (editors and reviewers)`),
            flagged: z.enum(['true', 'false']).optional().describe('only articles with (or without) open re-review flags (editors and reviewers)'),
            limit: z.coerce.number().int().min(1).max(100).default(20),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          })
          .strict(),
        response: { 200: z.object({ total: z.number(), articles: z.array(ArticleSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { q, status, flagged, limit, offset } = request.query;
      const isStaff = staff(request.principal);
      if (!isStaff && (status !== undefined || flagged !== undefined)) {
        throw new CitemedError('forbidden', 'only editors and reviewers may filter by status or flags');
      }
      // Readers never see rejected articles; editors and reviewers see all unless they filter.
      const statuses = status !== undefined ? parseStatuses(status) : isStaff ? undefined : ARTICLE_STATUSES.filter((s) => s !== 'rejected');
      const found = await articles.articles.list({
        ...(statuses ? { status: statuses } : {}),
        ...(flagged !== undefined ? { flagged: flagged === 'true' } : {}),
        ...(q?.trim() ? { text: q.trim() } : {}),
        limit,
        offset,
      });
      return { total: found.total, articles: found.articles.map((a) => (isStaff ? articleView(a) : publicArticle(a))) };
    },
  );

  app.post(
    '/articles',
    {
      config: { action: 'publish-article' },
      schema: {
        summary: 'Publish an answer to a question as an article (submitted for review)',
        tags: ['articles'],
        body: z
          .object({
            question: z.string().trim().min(3).max(2_000),
            audience: z.enum(AUDIENCES).default('clinician'),
            title: z.string().max(200).optional(),
            note: z.string().max(5_000).optional().describe('for the reviewers'),
            filters: FiltersBody.optional(),
          })
          .strict(),
        response: { 201: ArticleSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { question, audience, title, note, filters } = request.body;
      const article = await publish(articles, accountOf(request), {
        question,
        audience,
        ...(title !== undefined ? { title } : {}),
        ...(note !== undefined ? { note } : {}),
        ...(filters ? { filters: toSearchFilters(filters) } : {}),
      });
      return reply.code(201).send(articleView(article));
    },
  );

  app.post(
    '/articles/recheck',
    {
      config: { action: 'recheck-articles' },
      schema: {
        summary: 'Check every article against the library now: retractions, corrections, newer evidence',
        tags: ['articles'],
        body: EmptyBody,
        response: { 200: RecheckResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => asResponse(RecheckResponse, await recheck(articles, accountOf(request).id)),
  );

  app.get(
    '/articles/:id',
    {
      config: { action: 'read-articles' },
      schema: { summary: 'An article as readers see it', tags: ['articles'], params: IdParams, response: { 200: PublicArticle, ...ERROR_RESPONSES } },
    },
    async (request) => {
      const { article, version, reviewed } = await publicVersion(articles, request.params.id);
      const approval = reviewed ? article.approval : undefined;
      return {
        article: staff(request.principal) ? articleView(article) : publicArticle(article),
        shown: { version: version.number, reviewed, statusLine: statusLine(article, reviewed), lastUpdated: version.createdAt },
        reviewers: approval
          ? [{ name: approval.reviewerName, ...(approval.credentials ? { credentials: approval.credentials } : {}), approvedAt: approval.at, version: approval.version }]
          : [],
        answer: asResponse(AnswerSchema, version.answer),
        editorialPolicyUrl: settings.editorialPolicyUrl,
        disclaimer: DISCLAIMER,
      };
    },
  );

  app.get(
    '/articles/:id/workspace',
    {
      config: { action: 'read-workspace' },
      schema: {
        summary: 'An article as the review desk sees it, whatever its status (a rejected one too, which readers cannot see)',
        tags: ['articles'],
        params: IdParams,
        response: { 200: z.object({ article: ArticleSchema }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ article: articleView(await getArticle(articles, request.params.id)) }),
  );

  app.get(
    '/articles/:id/versions',
    {
      config: { action: 'read-workspace' },
      schema: { summary: "An article's versions, oldest first", tags: ['articles'], params: IdParams, response: { 200: z.object({ versions: z.array(VersionSchema) }), ...ERROR_RESPONSES } },
    },
    async (request) => {
      await getArticle(articles, request.params.id);
      return { versions: await articles.articles.listVersions(request.params.id) };
    },
  );

  app.get(
    '/articles/:id/versions/:number',
    {
      config: { action: 'read-workspace' },
      schema: {
        summary: 'One version in full, with the keys reviewers comment on',
        tags: ['articles'],
        params: VersionParams,
        response: {
          200: z.object({
            version: VersionSchema,
            answer: AnswerSchema,
            statements: z
              .array(KeyedStatementSchema)
              .describe('every statement by key ("bottom-line.1", "treatment.2"), with the evidence it cites and its verdict'),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { answer, ...version } = await getVersion(articles, request.params.id, request.params.number);
      return {
        version,
        answer: asResponse(AnswerSchema, answer),
        statements: statementKeys(answer).map((s) => asResponse(KeyedStatementSchema, { ...s.statement, key: s.key, section: s.section })),
      };
    },
  );

  app.get(
    '/articles/:id/diff',
    {
      config: { action: 'read-workspace' },
      schema: {
        summary: 'Two versions compared statement by statement',
        tags: ['articles'],
        params: IdParams,
        querystring: z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }).strict(),
        response: { 200: DiffResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => asResponse(DiffResponse, await compareVersions(articles, request.params.id, request.query.from, request.query.to)),
  );

  app.post(
    '/articles/:id/versions',
    {
      config: { action: 'revise-article' },
      schema: {
        summary: 'A new version: a hand edit (every statement re-verified) or the question asked again; back to Submitted',
        tags: ['articles'],
        params: IdParams,
        body: z.union([
          z
            .object({
              edit: z.object({
                bottomLine: z.array(EditedStatement).min(1).max(20),
                sections: z.array(z.object({ kind: z.enum(SECTION_KINDS), statements: z.array(EditedStatement).max(50) }).strict()).max(SECTION_KINDS.length),
              }).strict(),
              title: z.string().max(200).optional(),
              note: z.string().max(5_000).optional(),
            })
            .strict(),
          z.object({ regenerate: z.literal(true), title: z.string().max(200).optional(), note: z.string().max(5_000).optional() }).strict(),
        ]),
        response: { 201: ArticleSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const extra = { ...(body.title !== undefined ? { title: body.title } : {}), ...(body.note !== undefined ? { note: body.note } : {}) };
      const input = 'edit' in body ? { kind: 'edit' as const, edit: body.edit, ...extra } : { kind: 'regenerate' as const, ...extra };
      return reply.code(201).send(articleView(await revise(articles, accountOf(request), request.params.id, input)));
    },
  );

  app.post(
    '/articles/:id/review',
    {
      config: { action: 'review-article' },
      schema: {
        summary: 'A review decision: start-review, approve, request-changes, reject, or re-review an approved article',
        tags: ['articles'],
        params: IdParams,
        body: z
          .object({
            action: z.enum(REVIEW_ACTIONS),
            comment: z.string().max(5_000).optional(),
            version: z
              .number()
              .int()
              .min(1)
              .max(100_000)
              .optional()
              .describe(`the version decided on: required to ${[...NEEDS_VERSION].join(', ')}; optional otherwise. 409 when a newer version exists`),
          })
          .strict(),
        response: { 200: ArticleSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { action, comment, version } = request.body;
      return articleView(await review(articles, accountOf(request), request.params.id, { action, ...(comment !== undefined ? { comment } : {}), ...(version !== undefined ? { version } : {}) }));
    },
  );

  app.get(
    '/articles/:id/reviews',
    {
      config: { action: 'read-workspace' },
      schema: {
        summary: 'Every review decision on the article, oldest first',
        tags: ['articles'],
        params: IdParams,
        response: {
          200: z.object({
            decisions: z.array(z.object({ articleId: z.string(), version: z.number(), action: z.enum(REVIEW_ACTIONS), reviewerId: z.string(), comment: z.string().optional(), at: z.string() })),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      await getArticle(articles, request.params.id);
      return { decisions: await articles.articles.listDecisions(request.params.id) };
    },
  );

  const CommentSchema = z.object({
    id: z.string(),
    articleId: z.string(),
    version: z.number(),
    statement: z.string(),
    authorId: z.string(),
    text: z.string(),
    createdAt: z.string(),
    resolvedAt: z.string().optional(),
    resolvedBy: z.string().optional(),
  });

  app.get(
    '/articles/:id/comments',
    {
      config: { action: 'read-workspace' },
      schema: {
        summary: "Comments on the article's statements",
        tags: ['articles'],
        params: IdParams,
        querystring: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
        response: { 200: z.object({ comments: z.array(CommentSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await getArticle(articles, request.params.id);
      return { comments: await articles.articles.listComments(request.params.id, request.query.version) };
    },
  );

  app.post(
    '/articles/:id/comments',
    {
      config: { action: 'comment' },
      schema: {
        summary: 'Comment on one statement of one version',
        tags: ['articles'],
        params: IdParams,
        body: z.object({ version: z.number().int().min(1), statement: z.string().min(1).max(100), text: z.string().min(1).max(5_000) }).strict(),
        response: { 201: CommentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(201).send(await addComment(articles, accountOf(request), request.params.id, request.body)),
  );

  app.post(
    '/articles/:id/comments/:commentId/resolve',
    {
      config: { action: 'comment' },
      schema: {
        summary: 'Mark a comment resolved',
        tags: ['articles'],
        params: IdParams.extend({ commentId: z.string().min(1).max(64) }),
        response: { 200: CommentSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => resolveComment(articles, accountOf(request), request.params.id, request.params.commentId),
  );

  app.get(
    '/articles/:id/flags',
    {
      config: { action: 'read-workspace' },
      schema: {
        summary: 'Re-review flags of the article, open and resolved',
        tags: ['articles'],
        params: IdParams,
        response: { 200: z.object({ flags: ArticleSchema.shape.flags }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await getArticle(articles, request.params.id);
      return { flags: await articles.articles.listFlags(request.params.id) };
    },
  );

  app.post(
    '/articles/:id/flags/dismiss',
    {
      config: { action: 'resolve-flags' },
      schema: {
        summary: "A reviewer's judgement that the open flags need no new version, with why",
        tags: ['articles'],
        params: IdParams,
        body: z.object({ reason: z.string().min(1).max(5_000) }).strict(),
        response: { 200: z.object({ resolved: z.number() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ resolved: await dismissFlags(articles, accountOf(request), request.params.id, request.body.reason) }),
  );
};

function parseStatuses(text: string): Article['status'][] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = parts.filter((p) => !(ARTICLE_STATUSES as readonly string[]).includes(p));
  if (unknown.length > 0 || parts.length === 0) {
    throw new CitemedError('usage', `status: unknown value(s) ${unknown.join(', ') || '(none given)'}`, { hint: `use ${ARTICLE_STATUSES.join(', ')}` });
  }
  return parts as Article['status'][];
}

/** What a reader may see of an article: no account ids (open flags have no resolver). */
function publicArticle(article: Article) {
  const { createdBy: _author, approval, ...rest } = article;
  if (!approval) return asResponse(ArticleSchema, { ...rest, url: articleUrl(article) });
  const { reviewerId: _reviewer, ...shown } = approval;
  return asResponse(ArticleSchema, { ...rest, approval: shown, url: articleUrl(article) });
}
