/**
 * Retraction / correction status of a source, from MEDLINE publication types and
 * CommentsCorrections links (https://www.nlm.nih.gov/bsd/licensee/elements_descriptions.html#commentscorrections).
 */
export const INTEGRITY_STATUSES = [
  'retracted',
  'expression-of-concern',
  'superseded',
  'corrected',
  'retraction-notice',
  'correction-notice',
  'ok',
] as const;

/** Ordered from most to least serious; a source takes the most serious status that applies. */
export type IntegrityStatus = (typeof INTEGRITY_STATUSES)[number];

export const INTEGRITY_LABELS: Readonly<Record<IntegrityStatus, string>> = {
  retracted: 'Retracted',
  'expression-of-concern': 'Expression of concern',
  superseded: 'Superseded by a newer version',
  corrected: 'Corrected (erratum published)',
  'retraction-notice': 'Retraction notice',
  'correction-notice': 'Correction notice',
  ok: 'No known retraction or correction',
};

/** One CommentsCorrections link as MEDLINE gives it. */
export interface CorrectionLink {
  /** RefType attribute, e.g. "RetractionIn", "ErratumIn", "CommentOn". */
  relation: string;
  /** PMID of the linked article, when given. */
  pmid?: string;
  /** RefSource text, e.g. "Lancet. 2010 Feb 6;375(9713):445". */
  citation?: string;
}

export interface Integrity {
  status: IntegrityStatus;
  /** Only the links that bear on integrity (comments and reprints are dropped). */
  links: CorrectionLink[];
}

const STATUS_BY_RELATION: Readonly<Record<string, IntegrityStatus>> = {
  retractionin: 'retracted',
  retractionof: 'retraction-notice',
  expressionofconcernin: 'expression-of-concern',
  expressionofconcernfor: 'correction-notice',
  updatein: 'superseded',
  correctedandrepublishedin: 'superseded',
  erratumin: 'corrected',
  erratumfor: 'correction-notice',
  correctedandrepublishedfrom: 'correction-notice',
  updateof: 'ok',
  partialretractionin: 'corrected',
  partialretractionof: 'correction-notice',
};

const STATUS_BY_PUBLICATION_TYPE: Readonly<Record<string, IntegrityStatus>> = {
  'retracted publication': 'retracted',
  'retraction of publication': 'retraction-notice',
  'expression of concern': 'correction-notice',
  'published erratum': 'correction-notice',
  'corrected and republished article': 'ok',
};

export interface IntegrityInput {
  publicationTypes: readonly string[];
  links: readonly CorrectionLink[];
}

export function deriveIntegrity(input: IntegrityInput): Integrity {
  const statuses: IntegrityStatus[] = [];
  for (const type of input.publicationTypes) {
    const status = lookup(STATUS_BY_PUBLICATION_TYPE, type);
    if (status) statuses.push(status);
  }
  const links: CorrectionLink[] = [];
  for (const link of input.links) {
    const status = lookup(STATUS_BY_RELATION, link.relation);
    if (status === undefined) continue;
    links.push(link);
    statuses.push(status);
  }
  return { status: mostSerious(statuses), links };
}

// Own keys only: a plain-object lookup of "constructor" or "__proto__" (strings that come from
// files) would find Object.prototype members and, ranked as -1, hide a retraction.
function lookup(table: Readonly<Record<string, IntegrityStatus>>, name: string): IntegrityStatus | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function mostSerious(statuses: readonly IntegrityStatus[]): IntegrityStatus {
  let best = INTEGRITY_STATUSES.indexOf('ok');
  for (const status of statuses) best = Math.min(best, INTEGRITY_STATUSES.indexOf(status));
  return INTEGRITY_STATUSES[best] ?? 'ok';
}

/** A retracted paper supports nothing; a retraction or correction notice is about a paper, not a finding. */
const NEVER_SUPPORTS: ReadonlySet<IntegrityStatus> = new Set(['retracted', 'retraction-notice', 'correction-notice']);

/**
 * Whether a source of this status may back a statement. Composed answers and hand edits both ask
 * here, so they can never disagree on what may be cited.
 */
export function canSupport(status: IntegrityStatus): boolean {
  return !NEVER_SUPPORTS.has(status);
}

/**
 * What a source inherits from other sources of the same work (domain/source.ts `workKey`): a PMC
 * full text whose MEDLINE record says "Retracted" is a retracted work, even if its own file does
 * not say so. The most serious of the statuses that bear on a work wins; notices are documents of
 * their own and pass nothing on. Undefined when the siblings add nothing to `own`.
 */
export function inheritedIntegrity(own: IntegrityStatus, siblings: readonly IntegrityStatus[]): IntegrityStatus | undefined {
  if (own === 'retraction-notice' || own === 'correction-notice') return undefined;
  const rank = (status: IntegrityStatus) => (WORK_STATUSES.includes(status) ? INTEGRITY_STATUSES.indexOf(status) : Infinity);
  const worst = siblings.reduce<IntegrityStatus | undefined>((best, status) => (rank(status) < rank(best ?? own) ? status : best), undefined);
  return worst !== undefined && rank(worst) < rank(own) ? worst : undefined;
}

/** The statuses that describe a work, whichever of its sources records them. */
const WORK_STATUSES: readonly IntegrityStatus[] = ['retracted', 'expression-of-concern', 'superseded', 'corrected'];
