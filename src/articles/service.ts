import type { Account } from '../domain/accounts.js';
import type { Answer, Audience, EvidenceSource } from '../domain/answer.js';
import {
  canRevise,
  checkDecidedVersion,
  NEEDS_COMMENT,
  slugify,
  transition,
  publicStatus,
  type Article,
  type ArticleVersion,
  type ReReviewFlag,
  type ReviewAction,
  type StatementComment,
} from '../domain/article.js';
import type { AuditInput } from '../domain/audit.js';
import { CitemedError } from '../domain/errors.js';
import type { Source, SourceId } from '../domain/source.js';
import { PROFESSIONAL_NOTICE } from '../answer/audience.js';
import type { VerifyOptions } from '../answer/verify.js';
import type { ArticleStore } from '../ports/editorial.js';
import type { SearchFilters } from '../ports/store.js';
import { diffAnswers, type AnswerDiff } from './diff.js';
import { applyEdit, type AnswerEdit } from './edit.js';
import { reReviewReasons } from './recheck.js';
import { newArticleId } from './slug-id.js';
import { findStatement } from './statements.js';

/**
 * The editorial use cases: publish an answer as an article, revise it (by hand, re-verified, or by
 * asking again), review it, comment on its statements, and keep it alive: re-check it against the
 * library as the library changes. Who may call each is the policy's business (domain/policy.ts);
 * the rules that depend on the article itself (transitions, separation of duties) are enforced here.
 */
export interface ArticlesDeps {
  articles: ArticleStore;
  /** Composes a verified answer, as `citemed ask` does. */
  ask(request: { question: string; audience: Audience; filters?: SearchFilters }): Promise<Answer>;
  getSource(id: SourceId): Promise<Source | undefined>;
  /** The sources that best answer a question now, best first (for re-review checks). */
  findSources(question: string, limit: number): Promise<EvidenceSource[]>;
  verify: VerifyOptions;
  now: () => Date;
  random: (bytes: number) => Uint8Array;
}

const MAX_TITLE = 200;

function audit(actor: string, action: string, subjectId: string, at: string, extra: Partial<AuditInput> = {}): AuditInput {
  return { at, actor, action, subjectType: 'article', subjectId, ...extra };
}

/** What a status change looks like in the audit log. */
const view = (a: Article) => ({ status: a.status, currentVersion: a.currentVersion, approvedVersion: a.approvedVersion ?? null });

function titleFrom(question: string): string {
  const text = question.trim().replace(/\s+/g, ' ');
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return capital.length <= MAX_TITLE ? capital : `${capital.slice(0, MAX_TITLE - 1)}…`;
}

function checkTitle(title: string): string {
  const clean = title.trim().replace(/\s+/g, ' ');
  if (clean === '' || clean.length > MAX_TITLE) throw new CitemedError('usage', `a title has 1–${MAX_TITLE} characters`);
  return clean;
}

export interface PublishInput {
  question: string;
  audience: Audience;
  filters?: SearchFilters;
  title?: string;
  /** A note for reviewers: why this article, what to check. */
  note?: string;
}

/** Composes an answer to the question and publishes it as a new article, submitted for review. */
export async function publish(deps: ArticlesDeps, actor: Account, input: PublishInput): Promise<Article> {
  const answer = await deps.ask({ question: input.question, audience: input.audience, ...(input.filters ? { filters: input.filters } : {}) });
  if (answer.status !== 'answered') {
    throw new CitemedError('usage', 'the library does not hold enough evidence to answer this question, so there is nothing to publish', {
      hint: 'ingest the evidence first (guidelines, reviews, trials), then publish again',
    });
  }
  const title = input.title === undefined ? titleFrom(input.question) : checkTitle(input.title);
  const at = deps.now().toISOString();
  const id = newArticleId(deps.random);
  const article: Omit<Article, 'flags'> = {
    id,
    slug: slugify(title),
    title,
    question: input.question.trim(),
    audience: input.audience,
    status: 'submitted',
    currentVersion: 1,
    createdBy: actor.id,
    createdAt: at,
    updatedAt: at,
  };
  const version: ArticleVersion = {
    articleId: id,
    number: 1,
    title,
    answer,
    origin: 'published',
    ...(input.note?.trim() ? { note: input.note.trim() } : {}),
    createdBy: actor.id,
    createdAt: at,
  };
  return deps.articles.create(article, version, audit(actor.id, 'article.publish', id, at, { after: { ...view({ ...article, flags: [] }), title } }));
}

export async function getArticle(deps: Pick<ArticlesDeps, 'articles'>, id: string): Promise<Article> {
  const article = await deps.articles.get(id);
  if (!article) throw new CitemedError('not-found', `no article "${id}"`);
  return article;
}

export async function getVersion(deps: Pick<ArticlesDeps, 'articles'>, id: string, number: number): Promise<ArticleVersion> {
  const version = await deps.articles.getVersion(id, number);
  if (!version) throw new CitemedError('not-found', `article "${id}" has no version ${number}`);
  return version;
}

export type ReviseInput =
  | { kind: 'edit'; edit: AnswerEdit; title?: string; note?: string }
  | { kind: 'regenerate'; title?: string; note?: string };

/**
 * Makes a new version and sends the article back to review. A hand edit is verified statement by
 * statement against the evidence it cites and refused whole when one statement is unsupported;
 * a regeneration asks the question again, against the library as it is now.
 */
export async function revise(deps: ArticlesDeps, actor: Account, id: string, input: ReviseInput): Promise<Article> {
  const article = await getArticle(deps, id);
  if (!canRevise(article.status)) {
    throw new CitemedError('conflict', `article "${id}" was rejected, and a rejected article is final`, { hint: 'publish the question again as a new article' });
  }
  const current = await getVersion(deps, id, article.currentVersion);
  let answer: Answer;
  if (input.kind === 'edit') {
    const result = applyEdit(current.answer, input.edit, { verify: deps.verify, now: deps.now() });
    if (!result.ok) {
      throw new CitemedError('usage', `the edit was not saved: ${result.problems.map((p) => `${p.where}: ${p.problem}`).join('; ')}`, {
        hint: 'every statement must cite evidence of this version that says it; change the statement or its citations',
      });
    }
    answer = result.answer;
  } else {
    answer = await deps.ask({ question: article.question, audience: article.audience });
    if (answer.status !== 'answered') {
      throw new CitemedError('usage', 'asked again, the library no longer holds enough evidence to answer this question; no version was made', {
        hint: 'check what was removed from the library (`citemed stats`), or edit the current version by hand',
      });
    }
  }
  const title = input.title === undefined ? current.title : checkTitle(input.title);
  const at = deps.now().toISOString();
  const version: ArticleVersion = {
    articleId: id,
    number: article.currentVersion + 1,
    title,
    answer,
    origin: input.kind === 'edit' ? 'edited' : 'regenerated',
    ...(input.note?.trim() ? { note: input.note.trim() } : {}),
    createdBy: actor.id,
    createdAt: at,
  };
  return deps.articles.addVersion(
    version,
    { status: article.status, currentVersion: article.currentVersion },
    { status: 'submitted', title, slug: slugify(title), updatedAt: at },
    audit(actor.id, `article.${version.origin === 'edited' ? 'edit' : 'regenerate'}`, id, at, {
      before: view(article),
      after: { ...view(article), status: 'submitted', currentVersion: version.number },
    }),
  );
}

export interface ReviewInput {
  action: ReviewAction;
  comment?: string;
  /**
   * The version the reviewer decided on: needed to approve, request changes or reject
   * (NEEDS_VERSION), optional to start or re-open a review. A stale one is refused (409).
   */
  version?: number;
}

/**
 * A reviewer's decision on the version they read. Approving needs credentials on the reviewer's
 * account (they are shown on the approval) and a version the reviewer did not make; requesting
 * changes, rejecting and taking an approved article back under review need a comment that says
 * why. A decision on a version that is no longer the newest is refused, so nobody approves (or
 * rejects) text they never opened. Approval resolves the article's open re-review flags: the
 * reviewer has seen the version they concern.
 */
export async function review(deps: ArticlesDeps, actor: Account, id: string, input: ReviewInput): Promise<Article> {
  const { action, comment } = input;
  const article = await getArticle(deps, id);
  const step = transition(article.status, action);
  if (!step.ok) throw new CitemedError('conflict', step.reason);
  const versionCheck = checkDecidedVersion(action, article.currentVersion, input.version);
  if (!versionCheck.ok) throw new CitemedError(versionCheck.code, versionCheck.reason, { hint: versionCheck.hint });
  const note = comment?.trim() ?? '';
  if (NEEDS_COMMENT.has(action) && note === '') throw new CitemedError('usage', `"${action}" needs a comment that says why`);
  if (note.length > 5_000) throw new CitemedError('usage', 'a comment has at most 5,000 characters');
  const at = deps.now().toISOString();
  const changes: Parameters<ArticleStore['decide']>[2] = { status: step.to, updatedAt: at };
  if (action === 'approve') {
    const version = await getVersion(deps, id, article.currentVersion);
    if (version.createdBy === actor.id) {
      throw new CitemedError('forbidden', 'a reviewer cannot approve a version they made', { hint: 'another member of the review board must approve it' });
    }
    if (!actor.credentials) {
      throw new CitemedError('forbidden', 'approvals show the reviewer\'s credentials, and this account has none', {
        hint: 'an administrator can add them: `citemed accounts update <username> --credentials "MD, …"`',
      });
    }
    changes.approvedVersion = article.currentVersion;
    changes.approval = {
      version: article.currentVersion,
      reviewerId: actor.id,
      reviewerName: actor.displayName,
      credentials: actor.credentials,
      at,
    };
  }
  const decided = await deps.articles.decide(
    id,
    { status: article.status, currentVersion: article.currentVersion },
    changes,
    { articleId: id, version: article.currentVersion, action, reviewerId: actor.id, ...(note ? { comment: note } : {}), at },
    // `version`: the version decided on, as the reviewer named it (or the current one, for a review opened without it).
    audit(actor.id, `article.${action}`, id, at, {
      before: view(article),
      after: { ...view(article), status: step.to, ...(changes.approvedVersion ? { approvedVersion: changes.approvedVersion } : {}), version: article.currentVersion },
    }),
  );
  if (action === 'approve' && decided.flags.length > 0) {
    await deps.articles.resolveFlags(id, at, actor.id, audit(actor.id, 'flag.resolve', id, at, { subjectType: 'flag', after: { resolvedBy: 'approval', count: decided.flags.length } }));
    return getArticle(deps, id);
  }
  return decided;
}

export interface CommentInput {
  version: number;
  statement: string;
  text: string;
}

/** A rejected article is final and kept as the record of why: it is read, no longer worked on. */
async function refuseIfRejected(deps: ArticlesDeps, id: string, what: string): Promise<void> {
  if ((await getArticle(deps, id)).status === 'rejected') {
    throw new CitemedError('conflict', `article "${id}" was rejected, and a rejected article is final: ${what}`, {
      hint: 'publish the question again as a new article',
    });
  }
}

export async function addComment(deps: ArticlesDeps, actor: Account, id: string, input: CommentInput): Promise<StatementComment> {
  await refuseIfRejected(deps, id, 'it takes no new comments');
  const version = await getVersion(deps, id, input.version);
  if (!findStatement(version.answer, input.statement)) {
    throw new CitemedError('not-found', `version ${input.version} of article "${id}" has no statement "${input.statement}"`, {
      hint: 'statements are named by section and position: "bottom-line.1", "treatment.2"; GET the version to see them',
    });
  }
  const text = input.text.trim();
  if (text === '' || text.length > 5_000) throw new CitemedError('usage', 'a comment has 1–5,000 characters');
  const at = deps.now().toISOString();
  const comment: StatementComment = {
    id: newArticleId(deps.random),
    articleId: id,
    version: input.version,
    statement: input.statement,
    authorId: actor.id,
    text,
    createdAt: at,
  };
  await deps.articles.addComment(comment, audit(actor.id, 'comment.add', comment.id, at, { subjectType: 'comment', after: { articleId: id, version: input.version, statement: input.statement } }));
  return comment;
}

export async function resolveComment(deps: ArticlesDeps, actor: Account, id: string, commentId: string): Promise<StatementComment> {
  await refuseIfRejected(deps, id, 'its comments stay as they were');
  const at = deps.now().toISOString();
  const resolved = await deps.articles.resolveComment(id, commentId, at, actor.id, audit(actor.id, 'comment.resolve', commentId, at, { subjectType: 'comment' }));
  if (!resolved) throw new CitemedError('not-found', `article "${id}" has no comment "${commentId}"`);
  return resolved;
}

/** A reviewer's judgement that an article's flags need no new version ("the retracted trial supported nothing we say"). */
export async function dismissFlags(deps: ArticlesDeps, actor: Account, id: string, reason: string): Promise<number> {
  const article = await getArticle(deps, id);
  if (reason.trim() === '') throw new CitemedError('usage', 'dismissing flags needs a reason');
  const at = deps.now().toISOString();
  return deps.articles.resolveFlags(article.id, at, actor.id, audit(actor.id, 'flag.dismiss', id, at, { subjectType: 'flag', after: { reason: reason.trim(), count: article.flags.length } }));
}

/** Two versions compared statement by statement. */
export async function compareVersions(deps: ArticlesDeps, id: string, from: number, to: number): Promise<AnswerDiff> {
  const [before, after] = await Promise.all([getVersion(deps, id, from), getVersion(deps, id, to)]);
  return diffAnswers(before.answer, after.answer);
}

/**
 * What a reader is shown: the newest approved version when there is one (a newer version under
 * review does not replace reviewed text), otherwise the current version, marked unreviewed.
 * Rejected articles are not shown, whatever was approved before.
 */
export async function publicVersion(deps: Pick<ArticlesDeps, 'articles'>, id: string): Promise<{ article: Article; version: ArticleVersion; reviewed: boolean }> {
  const article = await getArticle(deps, id);
  // A rejected article is withdrawn, even one approved before: the board found it wrong.
  if (article.status === 'rejected') throw new CitemedError('not-found', `no article "${id}"`);
  const number = article.approvedVersion ?? article.currentVersion;
  const version = await getVersion(deps, id, number);
  if (article.approvedVersion === undefined) return { article, version, reviewed: false };
  // The composer's "not reviewed by a qualified clinician" no longer holds once the board approved
  // this version; every other notice (unreviewed sources, patient advice) still does.
  const notices = version.answer.notices.filter((n) => n !== PROFESSIONAL_NOTICE);
  return { article, version: { ...version, answer: { ...version.answer, notices } }, reviewed: true };
}

export interface RecheckReport {
  checked: number;
  raised: ReReviewFlag[];
}

/**
 * Living articles: looks at every article that is not rejected against the library as it is now
 * (retracted or corrected cited sources, newer higher-level evidence for its question) and raises
 * a flag for each new reason. Flags already open are not raised twice.
 */
export async function recheck(deps: ArticlesDeps, actor: string, onProgress?: (done: number, total: number) => void): Promise<RecheckReport> {
  const entries = await deps.articles.citations();
  const raised: ReReviewFlag[] = [];
  let done = 0;
  for (const { articleId } of entries) {
    const article = await deps.articles.get(articleId);
    if (article) {
      const number = article.approvedVersion ?? article.currentVersion;
      const version = await getVersion(deps, articleId, number);
      const cited = new Map<SourceId, Source | undefined>();
      for (const reference of version.answer.references) cited.set(reference.source.id, await deps.getSource(reference.source.id));
      const found = await deps.findSources(article.question, 10);
      const at = deps.now().toISOString();
      // A reason already raised for this version, open or dismissed, is not raised again.
      const known = new Set((await deps.articles.listFlags(articleId)).filter((f) => f.version === number).map((f) => `${f.kind} ${f.sourceId}`));
      const drafts = reReviewReasons({ version, cited, found }).filter((d) => !known.has(`${d.kind} ${d.sourceId}`));
      const flags: ReReviewFlag[] = drafts.map((draft) => ({
        id: newArticleId(deps.random),
        articleId,
        kind: draft.kind,
        sourceId: draft.sourceId,
        detail: draft.detail,
        version: number,
        raisedAt: at,
      }));
      raised.push(
        ...(await deps.articles.raiseFlags(flags, (flag) =>
          audit(actor, 'flag.raise', flag.id, at, { subjectType: 'flag', after: { articleId, kind: flag.kind, sourceId: flag.sourceId } }),
        )),
      );
    }
    onProgress?.((done += 1), entries.length);
  }
  return { checked: entries.length, raised };
}

/**
 * "Approved", "Under review", … with "pending human review" where a reader must be warned; worded
 * by domain/article.ts's publicStatus, as the web app's article list is. `reviewed`: publicVersion's.
 */
export function statusLine(article: Article, reviewed: boolean): string {
  return publicStatus(reviewed ? article : { status: article.status }).line;
}
