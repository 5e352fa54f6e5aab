import type { EvidenceLevel } from './evidence-level.js';
import type { IntegrityStatus } from './integrity.js';
import type { CitedReference, ReviewStatus, SourceFormat, SourceId, SourceIdentifiers } from './source.js';

/**
 * An answer to a clinical question, in which every statement cites evidence: passages retrieved
 * from the library. Plain data; composers draft it, the verifier judges each statement against
 * the passages it cites, and presenters render it (terminal, Markdown, JSON).
 */

export const AUDIENCES = ['clinician', 'nurse', 'pharmacist', 'student', 'patient'] as const;
export type Audience = (typeof AUDIENCES)[number];

export function isAudience(value: string): value is Audience {
  return (AUDIENCES as readonly string[]).includes(value);
}

/** What a reference needs of its source: enough to cite it in AMA style and to warn about it. */
export interface EvidenceSource {
  id: SourceId;
  title: string;
  authors: string[];
  journal?: string;
  year?: number;
  /** ISO date or partial date ("2020-05") when known. */
  published?: string;
  ids: SourceIdentifiers;
  format: SourceFormat;
  evidenceLevel: EvidenceLevel;
  integrity: IntegrityStatus;
  /** In-house documents: whether a qualified reviewer approved them. */
  reviewStatus?: ReviewStatus;
  statusNote?: string;
  publicationTypes: string[];
  /** The works an in-house overview cites by number ("[1]"), so its sentences can be traced on. */
  references: CitedReference[];
}

/**
 * A passage retrieved for the question: what statements may cite. `id` ("E1", "E2", …) is
 * stable within one answer and is what a composer sees and cites.
 */
export interface Evidence {
  id: string;
  passageId: string;
  source: EvidenceSource;
  section: string;
  text: string;
  /** Retrieval score (higher is better) and rank, from the retriever. */
  score: number;
  rank: number;
}

export type Support = 'supported' | 'partial' | 'unsupported';

/** The verifier's judgement of one statement against the passages it cites. */
export interface Verdict {
  support: Support;
  /** 0–1: how much of the statement's content the cited passages hold. */
  score: number;
  /** What failed, in words a reader understands: 'the dose "500 mg" is in no cited passage'. */
  problems: string[];
}

/** Where in a cited passage a statement comes from (extractive statements quote it exactly). */
export interface QuotedSpan {
  evidenceId: string;
  /** UTF-16 offsets into the evidence text. */
  start: number;
  end: number;
}

export interface Statement {
  text: string;
  /** Evidence ids the statement cites, in order. Never empty in a finished answer. */
  evidence: string[];
  quote?: QuotedSpan;
  verdict?: Verdict;
  /**
   * When the cited passage is an in-house overview's sentence with its own markers ("[1, 2]"), the
   * published works those markers point to: a reader can go past the overview to its evidence.
   */
  via?: CitedReference[];
}

/** Section kinds follow the reference product's answer pages; a composer fills those the evidence supports. */
export const SECTION_KINDS = [
  'diagnosis',
  'treatment',
  'special-considerations',
  'monitoring',
  'pitfalls',
  'prognosis',
  'background',
] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];

export const SECTION_TITLES: Readonly<Record<SectionKind, string>> = {
  diagnosis: 'Diagnostic approach',
  treatment: 'Treatment',
  'special-considerations': 'Special considerations',
  monitoring: 'Monitoring and follow-up',
  pitfalls: 'Pitfalls to avoid',
  prognosis: 'Prognosis',
  background: 'Background',
};

export interface AnswerSection {
  kind: SectionKind;
  title: string;
  statements: Statement[];
}

/** One entry of the reference list: a source cited by at least one statement. */
export interface Reference {
  /** The citation number shown in the text, from 1, in order of first citation. */
  number: number;
  source: EvidenceSource;
  /** AMA-style citation text. */
  citation: string;
  /** "Guideline", "Randomized trial", … */
  label: string;
  links: { label: string; url: string }[];
  /** Evidence ids of this source that statements cite. */
  evidence: string[];
}

export interface EvidenceSummary {
  /** Works cited, by evidence level (an abstract and the full text of one article count once). */
  byLevel: Partial<Record<EvidenceLevel, number>>;
  /** Works cited: sources that are versions of one work (domain/source.ts `workKey`) count once. */
  sources: number;
  newestYear?: number;
  oldestYear?: number;
  /** Retrieved sources that are retracted (never cited as support) or otherwise flagged. */
  flagged: { sourceId: SourceId; title: string; status: IntegrityStatus }[];
  /** Places where cited sources point different ways, each side cited. */
  disagreements: Disagreement[];
}

export interface Disagreement {
  topic: string;
  sides: Statement[];
}

/**
 * `answered`: statements backed by the library. `insufficient`: the library does not hold enough
 * evidence for an answer; `found` shows what was retrieved instead, and nothing is composed.
 */
export type AnswerStatus = 'answered' | 'insufficient';

export interface Answer {
  question: string;
  /** The question as searched, after a follow-up was resolved against its thread. */
  searchedFor: string;
  audience: Audience;
  status: AnswerStatus;
  bottomLine: Statement[];
  sections: AnswerSection[];
  references: Reference[];
  /** Every passage retrieved, cited or not, so a reader can check what was left out. */
  evidence: Evidence[];
  summary: EvidenceSummary;
  /** What the reader should know first: patient red flags, unreviewed sources, removed statements. */
  notices: string[];
  followUps: string[];
  /** Plain-language meanings of the medical words used (patient answers). */
  glossary: { term: string; meaning: string }[];
  /** Statements the verifier removed, with why: kept so nothing is silently lost. */
  removed: Statement[];
  /** How the answer was made, so it can be reproduced. */
  provenance: { composer: string; retrieval: Record<string, unknown>; generatedAt: string; library: string };
  /** No qualified reviewer has approved a generated answer: it says so wherever it is shown. */
  reviewStatus: 'not-reviewed';
}

/**
 * The subsection a statement was quoted from ("Why opioids are a last resort" of "Treatment › Why
 * opioids are a last resort"), shown beside it: a sentence may leave its subject to its heading ("In
 * a meta-analysis of 20 placebo-controlled trials …"), and read alone it could be taken to be about
 * the question's drug. Top-level sections ("Treatment", "Abstract") say nothing more than the
 * answer's own section does, and are left out.
 */
export function headingOf(answer: Answer): (s: Statement) => string {
  const sections = new Map(answer.evidence.map((e) => [e.id, e.section]));
  return (s) => {
    const section = sections.get(s.quote?.evidenceId ?? s.evidence[0] ?? '') ?? '';
    const parts = section.split('›').map((part) => part.trim());
    return parts.length > 1 ? (parts.at(-1) ?? '') : '';
  };
}

/** The published works behind an overview's sentence, short: "Archives of Surgery 2009; …". */
export function viaWorks(s: Statement): string {
  const works = (s.via ?? []).map((r) => [r.journal, r.year].filter((x) => x !== undefined).join(' ') || r.title || r.text || '').filter(Boolean);
  return works.join('; ');
}
