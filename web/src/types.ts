/**
 * The API's data and vocabularies as the web app uses them: the server's own domain modules,
 * which are pure (no Node imports), so the app and the API cannot drift apart.
 */
export type { Answer, AnswerSection, Audience, Evidence, EvidenceSource, Reference, Statement, Verdict } from '../../src/domain/answer.js';
export { AUDIENCES, headingOf, SECTION_TITLES, viaWorks } from '../../src/domain/answer.js';
export type { Article, ArticleStatus, ArticleVersion, ReReviewFlag, ReviewAction, ReviewDecision, StatementComment } from '../../src/domain/article.js';
export { ARTICLE_STATUSES, DISCLAIMER, publicStatus, REVIEW_ACTIONS, STATUS_LABELS } from '../../src/domain/article.js';
export type { EvidenceLevel } from '../../src/domain/evidence-level.js';
export { EVIDENCE_LEVELS, EVIDENCE_LEVEL_LABELS } from '../../src/domain/evidence-level.js';
export { INTEGRITY_LABELS } from '../../src/domain/integrity.js';
export type { AuditEntry } from '../../src/domain/audit.js';
export type { ApiKey } from '../../src/domain/accounts.js';

import type { Article } from '../../src/domain/article.js';
import type { Audience } from '../../src/domain/answer.js';

/** An article as the API returns it: the Article plus its page URL. */
export type ListedArticle = Article & { url: string };

/** How the "Which best describes you?" choice is worded. */
export const AUDIENCE_LABELS: Record<Audience, string> = {
  clinician: 'Physician or clinician',
  nurse: 'Nurse',
  pharmacist: 'Pharmacist',
  student: 'Medical student',
  patient: 'Patient or caregiver',
};
