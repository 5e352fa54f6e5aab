import { z } from 'zod';
import { ROLES } from '../domain/accounts.js';
import { AUDIENCES, SECTION_KINDS } from '../domain/answer.js';
import { ARTICLE_STATUSES, FLAG_KINDS } from '../domain/article.js';
import { isCitemedError } from '../domain/errors.js';
import { EVIDENCE_LEVELS } from '../domain/evidence-level.js';
import { INTEGRITY_STATUSES } from '../domain/integrity.js';
import { SOURCE_FORMATS } from '../domain/source.js';
import type { LiteratureServiceName } from '../ports/literature.js';

/**
 * Zod schemas shared by the routes. Requests are validated strictly (unknown body fields are
 * refused, so a misspelt "filter" is an error rather than silently ignored). Responses are
 * described for the OpenAPI document with their main fields typed and the rest passed through
 * (`looseObject`), so the engine's answers reach clients whole, whatever the schema lists.
 * Schemas with a `meta({ id })` become named components of /openapi.json.
 */

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('a citemed error code ("usage", "not-found", "service-unavailable", …) or the server\'s ("bad-request", "payload-too-large", "timeout", "internal", …)'),
      message: z.string(),
      hint: z.string().optional().describe('what to do about it, when there is something to do'),
    }),
  })
  .meta({ id: 'Error', description: 'Every error response has this shape.' });

/** The error responses a route documents besides its own. */
export const ERROR_RESPONSES = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  429: ErrorBodySchema,
  500: ErrorBodySchema,
  503: ErrorBodySchema,
} as const;

/**
 * The body of a route that takes no fields: none (fastify passes null), or `{}`. Strict like every
 * other body, so `{"x":1}` is refused rather than silently ignored.
 */
export const EmptyBody = z.object({}).strict().nullish();

/**
 * A text field read by one of the shared parsers (domain/filters.ts), so the API and the CLI
 * accept and refuse the same values with the same words; the parser's usage error becomes a
 * validation issue, its hint kept.
 */
export function parsedText<T>(parse: (value: string) => T) {
  return z.string().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (error) {
      if (!isCitemedError(error)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message, params: { hint: error.hint } });
      return z.NEVER;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Responses

const SourceSummarySchema = z
  .looseObject({
    id: z.string(),
    title: z.string(),
    journal: z.string().optional(),
    year: z.number().optional(),
    format: z.enum(SOURCE_FORMATS),
    evidenceLevel: z.enum(EVIDENCE_LEVELS),
    integrity: z.enum(INTEGRITY_STATUSES),
    reviewStatus: z.string().optional(),
    statusNote: z.string().optional(),
  })
  .meta({ id: 'SourceSummary' });

export const PassageSchema = z
  .looseObject({
    id: z.string(),
    sourceId: z.string(),
    ordinal: z.number(),
    section: z.string(),
    start: z.number().describe('UTF-16 offset into the source text'),
    end: z.number(),
    text: z.string(),
  })
  .meta({ id: 'Passage' });

export const HitSchema = z
  .looseObject({
    passage: PassageSchema,
    source: SourceSummarySchema,
    score: z.number(),
    fields: z.looseObject({ title: z.string(), section: z.string(), terms: z.string() }),
    explanation: z.looseObject({}).optional().describe('why the passage ranks where it does (with explain=true)'),
  })
  .meta({ id: 'Hit' });

const VerdictSchema = z.looseObject({
  support: z.enum(['supported', 'partial', 'unsupported']),
  score: z.number(),
  problems: z.array(z.string()),
});

export const StatementSchema = z
  .looseObject({
    text: z.string(),
    evidence: z.array(z.string()).describe('ids of the evidence passages it cites ("E1", …)'),
    verdict: VerdictSchema.optional(),
  })
  .meta({ id: 'Statement' });

export const AnswerSchema = z
  .looseObject({
    question: z.string(),
    searchedFor: z.string().describe('the question as searched, after a follow-up was read against its thread'),
    audience: z.enum(AUDIENCES),
    status: z.enum(['answered', 'insufficient']),
    bottomLine: z.array(StatementSchema),
    sections: z.array(z.looseObject({ kind: z.enum(SECTION_KINDS), title: z.string(), statements: z.array(StatementSchema) })),
    references: z.array(z.looseObject({ number: z.number(), citation: z.string(), label: z.string(), evidence: z.array(z.string()) })),
    evidence: z.array(z.looseObject({ id: z.string(), passageId: z.string(), section: z.string(), text: z.string(), score: z.number(), rank: z.number() })),
    summary: z.looseObject({}),
    notices: z.array(z.string()).describe('what the reader should know first'),
    followUps: z.array(z.string()),
    glossary: z.array(z.looseObject({ term: z.string(), meaning: z.string() })),
    removed: z.array(StatementSchema).describe('statements the verifier removed, with why'),
    provenance: z.looseObject({ composer: z.string(), generatedAt: z.string(), library: z.string() }),
    reviewStatus: z.literal('not-reviewed'),
  })
  .meta({ id: 'Answer', description: 'A cited, verified answer (see docs/answers.md).' });

export const ThreadSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    turns: z.array(
      z.object({
        question: z.string(),
        searchedFor: z.string(),
        answer: z.string().describe('the bottom line, as plain text'),
        askedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'Thread' });

export const AccountSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(ROLES)),
    credentials: z.string().optional().describe("a reviewer's qualifications, shown on approvals"),
    createdAt: z.string(),
    disabled: z.boolean(),
  })
  .meta({ id: 'Account' });

export const ApiKeySchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'ApiKey', description: 'An API key as listed: its secret is shown once, when it is made.' });

const FlagSchema = z
  .object({
    id: z.string(),
    articleId: z.string(),
    kind: z.enum(FLAG_KINDS),
    sourceId: z.string(),
    detail: z.string(),
    version: z.number(),
    raisedAt: z.string(),
    resolvedAt: z.string().optional(),
    resolvedBy: z.string().optional(),
  })
  .meta({ id: 'ReReviewFlag', description: 'Why an article needs another look: the library changed under it.' });

export const ArticleSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    url: z.string().describe('the public page: /articles/<id>/<slug>'),
    title: z.string(),
    question: z.string(),
    audience: z.enum(AUDIENCES),
    status: z.enum(ARTICLE_STATUSES),
    currentVersion: z.number(),
    approvedVersion: z.number().optional(),
    approval: z
      .object({ version: z.number(), reviewerId: z.string().optional(), reviewerName: z.string(), credentials: z.string().optional(), at: z.string() })
      .optional(),
    createdBy: z.string().optional().describe('the account that published it (editors and reviewers only)'),
    createdAt: z.string(),
    updatedAt: z.string(),
    flags: z.array(FlagSchema).describe('open re-review flags'),
  })
  .meta({ id: 'Article' });

/** A type without its string index signatures, at every depth: the fields a schema names. */
type NamedFields<T> = T extends readonly (infer U)[]
  ? NamedFields<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: NamedFields<T[K]> }
    : T;

/**
 * Hands domain data (interfaces such as Answer or Passage) to a route as its response. Every
 * field the schema names is type-checked against the data; only the open index signature of
 * `looseObject`, which an interface cannot satisfy in TypeScript, is taken on trust.
 */
export function asResponse<S extends z.ZodType>(_schema: S, value: NamedFields<z.output<S>>): z.output<S> {
  return value as z.output<S>;
}

/** The postings index as built: `LibraryStats.postings` and part of the admin's PostingsIndex. */
export const PostingsStateSchema = z
  .object({
    builtAt: z.string(),
    passages: z.number().int().describe('passages the index covers'),
    newer: z.number().int().describe('passages added since the build; searches hold them in memory, up to newerLimit'),
    removed: z.number().int().describe('covered passages deleted since the build (skipped)'),
    newerLimit: z.number().int().describe('past this many newer passages, searches rank with the full-text index (FTS5) alone until a rebuild'),
  })
  .meta({ id: 'PostingsState', description: 'The postings index as built (`citemed stats` shows the same).' });

/** The most records one request to the server may fetch: a few seconds' work, not a bulk download (`citemed fetch` takes up to 10,000). */
export const SERVER_FETCH_MAX = 500;

const fetchYear = z.number().int().min(1000).max(9999);
const LITERATURE_SERVICES = ['pubmed', 'europepmc'] as const satisfies readonly LiteratureServiceName[];

export const LiteratureFetchRequestSchema = z
  .strictObject({
    service: z.enum(LITERATURE_SERVICES).describe('PubMed (NCBI E-utilities) or Europe PMC'),
    query: z.string().trim().min(1).max(1_000).describe("the search, in the service's own syntax; the web app sends the answer's searchedFor"),
    max: z.number().int().min(1).max(SERVER_FETCH_MAX).default(50).describe('most records to fetch, the service\'s best matches first'),
    fromYear: fetchYear.optional().describe('only records published in or after this year'),
    toYear: fetchYear.optional().describe('only records published in or before this year'),
  })
  .meta({ id: 'LiteratureFetchRequest' });

const fetchCount = z.number().int();

export const LiteratureFetchSchema = z
  .object({
    service: z.enum(LITERATURE_SERVICES),
    total: fetchCount.describe('records the service matched in all'),
    found: fetchCount.describe('record ids taken from the search (at most max)'),
    fetched: fetchCount.describe('records fetched by this request (0 when the same fetch earlier the same day saved them all)'),
    added: fetchCount.describe('sources new to the library'),
    updated: fetchCount.describe('sources replaced by a newer version'),
    unchanged: fetchCount.describe('records already in the library as they are'),
    skipped: fetchCount.describe('records not written for another reason (an older version, a malformed record)'),
    failedParts: fetchCount.describe("saved parts that could not be read (the others were ingested); the server's log says why"),
    recheck: z.object({ checked: fetchCount, raised: fetchCount }).optional().describe("the living articles' re-check, when the library changed"),
    searchedAt: z.string(),
    translation: z.string().nullable().describe('how the service read the query (PubMed\'s query translation), when it says'),
    warnings: z.array(z.string()).describe("the service's warnings about the query (phrases not found, terms ignored)"),
    resumed: z.boolean().describe('the same fetch was started earlier the same day: its search and saved parts were used again'),
    fetchedAs: z.string().describe('the fetch\'s folder by name only, e.g. "pubmed-2026-12-05-3f9c0a1b2e"; each source\'s origin names its part file in it'),
  })
  .meta({ id: 'LiteratureFetch', description: 'What a fetch from PubMed or Europe PMC added to the library.' });
