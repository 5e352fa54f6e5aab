import type { Answer, Audience } from './answer.js';
import type { SourceId } from './source.js';

/**
 * Articles: answers published under a stable id and slug, edited in versions, and reviewed by the
 * medical review board (Submitted → Under review → Approved, or Changes requested / Rejected).
 * Plain data and pure rules; storage is behind ports/editorial.ts, the use cases in src/articles.
 */

export const ARTICLE_STATUSES = ['submitted', 'under-review', 'changes-requested', 'approved', 'rejected'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<ArticleStatus, string>> = {
  submitted: 'Submitted',
  'under-review': 'Under review',
  'changes-requested': 'Changes requested',
  approved: 'Approved',
  rejected: 'Rejected',
};

export interface Article {
  /** Stable, short, URL-safe ("a7k2m9q4"); the slug may change with the title, the id never does. */
  id: string;
  slug: string;
  title: string;
  /** The question the article answers: what re-review checks search for again. */
  question: string;
  audience: Audience;
  status: ArticleStatus;
  /** The newest version's number (from 1). */
  currentVersion: number;
  /** The newest approved version, if any: what the public page shows while a newer one is reviewed. */
  approvedVersion?: number;
  /** Who approved `approvedVersion`, when. */
  approval?: Approval;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Open re-review flags: reasons the approved text may no longer hold. */
  flags: ReReviewFlag[];
}

/** One version: a frozen answer (statements, citations, evidence, verdicts) and who made it. */
export interface ArticleVersion {
  articleId: string;
  number: number;
  title: string;
  answer: Answer;
  /** 'published' (the first), 'edited' (by hand, re-verified) or 'regenerated' (asked again against the library as it now is). */
  origin: 'published' | 'edited' | 'regenerated';
  /** The editor's note on what changed and why. */
  note?: string;
  createdBy: string;
  createdAt: string;
}

export interface Approval {
  version: number;
  reviewerId: string;
  reviewerName: string;
  /** The reviewer's credentials at the time of approval. */
  credentials?: string;
  at: string;
}

export const REVIEW_ACTIONS = ['start-review', 'approve', 'request-changes', 'reject', 're-review'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** What a reviewer decided about one version. */
export interface ReviewDecision {
  articleId: string;
  version: number;
  action: ReviewAction;
  reviewerId: string;
  comment?: string;
  at: string;
}

/** A comment on one statement of one version ("the dose needs a renal adjustment"). */
export interface StatementComment {
  id: string;
  articleId: string;
  version: number;
  /** The statement's key in that version (see `statementKeys`): "bottom-line.1", "treatment.2". */
  statement: string;
  authorId: string;
  text: string;
  createdAt: string;
  resolvedAt?: string;
  resolvedBy?: string;
}

export const FLAG_KINDS = ['retracted-source', 'corrected-source', 'newer-evidence'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** Why an article needs another look, raised by the library changing under it. */
export interface ReReviewFlag {
  id: string;
  articleId: string;
  kind: FlagKind;
  sourceId: SourceId;
  /** What an editor reads: 'cited source [3] "…" (pmid:123) is now marked Retracted Publication'. */
  detail: string;
  /** The version whose citations or question raised it. */
  version: number;
  raisedAt: string;
  resolvedAt?: string;
  resolvedBy?: string;
}

/**
 * The review workflow as a table: from each status, the actions allowed and where they lead.
 * Anything not listed is refused. New versions (edits, regenerations) always go back to
 * `submitted` from any status but `rejected`, which is final: a rejected article is not revived,
 * a new one is published.
 */
export const TRANSITIONS: Readonly<Record<ArticleStatus, Partial<Record<ReviewAction, ArticleStatus>>>> = {
  submitted: { 'start-review': 'under-review' },
  'under-review': { approve: 'approved', 'request-changes': 'changes-requested', reject: 'rejected' },
  'changes-requested': {},
  // An approved article can be taken back under review: when it is flagged, or when a reviewer doubts it.
  approved: { 're-review': 'under-review' },
  rejected: {},
};

/** Actions whose decision must say why. */
export const NEEDS_COMMENT: ReadonlySet<ReviewAction> = new Set(['request-changes', 'reject', 're-review']);

/**
 * Decisions on the text itself, which must name the version the reviewer read: an approval puts
 * that text before readers under the reviewer's name, a rejection is final, a request for changes
 * is about words the editor will look for. Opening a review (start-review, re-review) decides
 * nothing about the text, so the version is optional there (checked when given).
 */
export const NEEDS_VERSION: ReadonlySet<ReviewAction> = new Set(['approve', 'request-changes', 'reject']);

export type VersionCheck = { ok: true } | { ok: false; code: 'usage' | 'conflict' | 'not-found'; reason: string; hint: string };

/**
 * Whether `action` may be taken on the article whose newest version is `current`, when the
 * reviewer says they decided on version `decided`: a decision on an older version is stale (a
 * newer version was made since the reviewer read it), so it must not be recorded against the new one.
 */
export function checkDecidedVersion(action: ReviewAction, current: number, decided: number | undefined): VersionCheck {
  if (decided === undefined) {
    if (!NEEDS_VERSION.has(action)) return { ok: true };
    return {
      ok: false,
      code: 'usage',
      reason: `"${action}" needs the version you reviewed`,
      hint: `send {"action": "${action}", "version": ${current}, …} with the number of the version you read`,
    };
  }
  if (decided === current) return { ok: true };
  if (decided > current) {
    return { ok: false, code: 'not-found', reason: `the article has no version ${decided}: its newest is version ${current}`, hint: 'reload the article' };
  }
  return {
    ok: false,
    code: 'conflict',
    reason: `version ${decided} is no longer the current one: a newer version exists (version ${current}), so "${action}" on version ${decided} was not recorded`,
    hint: `read version ${current} (compare it with version ${decided}), then decide on it`,
  };
}

export type TransitionResult = { ok: true; to: ArticleStatus } | { ok: false; reason: string };

/** Where `action` takes an article in `status`, or why it cannot. */
export function transition(status: ArticleStatus, action: ReviewAction): TransitionResult {
  const to = TRANSITIONS[status][action];
  if (to) return { ok: true, to };
  const allowed = Object.keys(TRANSITIONS[status]);
  return {
    ok: false,
    reason:
      `an article that is ${STATUS_LABELS[status].toLowerCase()} cannot take "${action}"` +
      (allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : status === 'rejected' ? '; a rejected article is final' : '; an editor must submit a new version first'),
  };
}

/**
 * Why a decision cannot be recorded on an article at version `current`, or undefined. Stores ask
 * it inside the transaction that checked the article is at `current`: a decision (and an approval)
 * is always recorded against the version it was made on, never against one made since.
 */
export function decisionVersionMismatch(current: number, decision: Pick<ReviewDecision, 'version'>, approvedVersion?: number, approval?: Pick<Approval, 'version'>): string | undefined {
  const named = [decision.version, approvedVersion, approval?.version].filter((n): n is number => n !== undefined);
  const other = named.find((n) => n !== current);
  return other === undefined ? undefined : `a decision on version ${other} cannot be recorded: the article is at version ${current}`;
}

/** Whether a new version may be made of an article in `status`. */
export function canRevise(status: ArticleStatus): boolean {
  return status !== 'rejected';
}

/**
 * A URL slug from a title: lower-case ASCII words joined by '-', at most 80 characters, cut at a
 * word. Accents are dropped ("Síndrome" → "sindrome"); a title with no letters or digits gives "article".
 */
export function slugify(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > 80) break;
    slug = next;
  }
  return slug === '' ? (words[0]?.slice(0, 80) ?? 'article') : slug;
}

/** The sources a version cites: what a retraction or a correction of theirs must flag. */
export function citedSourceIds(answer: Answer): SourceId[] {
  return answer.references.map((r) => r.source.id);
}

/**
 * Shown with every article, as on the reference product's pages: what the content is for and what
 * it is not.
 */
export const DISCLAIMER =
  'For education and to support, never to replace, the judgement of a qualified clinician who knows the patient. ' +
  'Statements cite the passages that back them; check the cited sources before acting on them. ' +
  'Content marked as pending human review has not been approved by the medical review board. ' +
  'In an emergency, call your local emergency number.';

/**
 * How an article stands for readers, worded once for its page, the API's public view and the web
 * app's list, so they cannot disagree: readers see the newest approved version when there is one,
 * so an approved article with a newer version under review is still "Approved"; an article never
 * approved is "pending human review", not yet reviewed by a clinician.
 */
export interface PublicStatus {
  /** Readers see a version the medical review board approved. */
  reviewed: boolean;
  /** The short label ("Approved", "Submitted", …). */
  label: string;
  /** What qualifies it: "a newer version is submitted", "pending human review". */
  detail?: string;
  /** Label and detail in one line: "Approved (a newer version is submitted)", "Submitted — pending human review". */
  line: string;
}

export function publicStatus(article: Pick<Article, 'status' | 'approvedVersion'>): PublicStatus {
  const label = STATUS_LABELS[article.status];
  if (article.status === 'rejected') return { reviewed: false, label, detail: 'withdrawn by the medical review board', line: `${label} — withdrawn by the medical review board` };
  if (article.approvedVersion !== undefined) {
    if (article.status === 'approved') return { reviewed: true, label, line: label };
    const detail = `a newer version is ${label.toLowerCase()}`;
    return { reviewed: true, label: STATUS_LABELS.approved, detail, line: `${STATUS_LABELS.approved} (${detail})` };
  }
  return { reviewed: false, label, detail: 'pending human review', line: `${label} — pending human review` };
}
