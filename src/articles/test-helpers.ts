import { SECTION_TITLES, type Answer, type Evidence, type EvidenceSource, type SectionKind, type Statement } from '../domain/answer.js';
import type { IntegrityStatus } from '../domain/integrity.js';
import type { Source } from '../domain/source.js';
import { buildReferences } from '../answer/references.js';
import { summarizeEvidence } from '../answer/summary.js';

/**
 * Test support for src/articles: small answers built by hand. The passages are invented for the
 * tests; none is quoted from a real source.
 */

export function testSource(id: string, patch: Partial<EvidenceSource> = {}): EvidenceSource {
  return {
    id,
    title: `Title of ${id}`,
    authors: ['Doe J'],
    ids: id.startsWith('pmid:') ? { pmid: id.slice(5) } : {},
    format: 'medline',
    year: 2020,
    evidenceLevel: 'randomized-trial',
    integrity: 'ok',
    publicationTypes: [],
    references: [],
    ...patch,
  };
}

export function testEvidence(id: string, source: EvidenceSource, text: string): Evidence {
  return { id, passageId: `passage-${id}`, source, section: 'Results', text, score: 1, rank: Number(id.slice(1)) || 1 };
}

export function st(text: string, ...evidence: string[]): Statement {
  return { text, evidence };
}

export interface AnswerSpec {
  bottomLine: Statement[];
  sections?: { kind: SectionKind; statements: Statement[] }[];
  evidence: Evidence[];
  question?: string;
}

/** An answer as `ask` would assemble it: references in first-citation order, the summary computed. */
export function testAnswer(spec: AnswerSpec): Answer {
  const sections = (spec.sections ?? []).map((s) => ({ kind: s.kind, title: SECTION_TITLES[s.kind], statements: s.statements }));
  const kept = [...spec.bottomLine, ...sections.flatMap((s) => s.statements)];
  const byId = new Map(spec.evidence.map((e) => [e.id, e]));
  const references = buildReferences(
    kept.flatMap((s) => s.evidence.flatMap((id) => {
      const found = byId.get(id);
      return found ? [{ evidenceId: id, source: found.source }] : [];
    })),
  );
  return {
    question: spec.question ?? 'How is a psoas abscess treated?',
    searchedFor: spec.question ?? 'How is a psoas abscess treated?',
    audience: 'clinician',
    status: 'answered',
    bottomLine: spec.bottomLine,
    sections,
    references,
    evidence: spec.evidence,
    summary: summarizeEvidence(references, spec.evidence, kept),
    notices: ['Professional notice.'],
    followUps: ['What if drainage fails?'],
    glossary: [],
    removed: [],
    provenance: { composer: 'extractive', retrieval: { passages: 20 }, generatedAt: '2024-03-01T10:00:00.000Z', library: 'test library' },
    reviewStatus: 'not-reviewed',
  };
}

/** The library's record of a cited source, with the integrity status it has now. */
export function librarySource(source: EvidenceSource, status: IntegrityStatus = source.integrity): Source {
  return {
    id: source.id,
    ids: source.ids,
    title: source.title,
    authors: source.authors,
    ...(source.year !== undefined ? { year: source.year } : {}),
    publicationTypes: source.publicationTypes,
    mesh: [],
    keywords: [],
    version: { number: 1 },
    references: [],
    origin: { format: 'medline', path: '/library/test.xml' },
    text: source.title,
    sections: [],
    evidenceLevel: source.evidenceLevel,
    integrity: { status, links: [] },
    contentHash: `hash-${source.id}`,
  };
}
