import type { Disagreement, Evidence, EvidenceSummary, Reference, Statement } from '../domain/answer.js';
import { indexTokens } from '../retrieval/tokens.js';
import { STOP_WORDS } from '../retrieval/query.js';
import { verifyStatement } from './verify.js';
import { workKey } from '../domain/source.js';

/**
 * The evidence summary shown under an answer: how many sources of which levels back it, how
 * recent they are, which retrieved sources are flagged (retracted ones are never cited), and where
 * cited sources point different ways.
 */
export function summarizeEvidence(references: readonly Reference[], retrieved: readonly Evidence[], statements: readonly Statement[]): EvidenceSummary {
  const byLevel: EvidenceSummary['byLevel'] = {};
  const years: number[] = [];
  // Counted by work: the abstract and the full text of one trial are one trial, not two.
  const works = new Set<string>();
  for (const { source } of references) {
    const work = workKey(source.id, source.ids);
    if (works.has(work)) continue;
    works.add(work);
    byLevel[source.evidenceLevel] = (byLevel[source.evidenceLevel] ?? 0) + 1;
    if (source.year !== undefined) years.push(source.year);
  }
  const flagged = new Map<string, EvidenceSummary['flagged'][number]>();
  for (const { source } of retrieved) {
    if (source.integrity !== 'ok' && !flagged.has(source.id)) flagged.set(source.id, { sourceId: source.id, title: source.title, status: source.integrity });
  }
  const summary: EvidenceSummary = { byLevel, sources: works.size, flagged: [...flagged.values()], disagreements: findDisagreements(statements, retrieved) };
  if (years.length > 0) {
    summary.newestYear = Math.max(...years);
    summary.oldestYear = Math.min(...years);
  }
  return summary;
}

const MIN_SHARED = 3;

/**
 * Two statements from different sources (different works: not an abstract and its own full text) that share their subject (at least three content words)
 * and that the verifier's polarity check sets against each other — one says "reduced", the other
 * "did not reduce" — are shown side by side. A lexical test: it finds direct contradictions, not
 * subtler disagreements.
 */
export function findDisagreements(statements: readonly Statement[], evidence: readonly Evidence[]): Disagreement[] {
  const sourceOf = new Map(evidence.map((e) => [e.id, workKey(e.source.id, e.source.ids)]));
  const facts = statements.map((statement) => ({
    statement,
    sources: new Set(statement.evidence.map((id) => sourceOf.get(id))),
    words: new Set(indexTokens(statement.text).filter((w) => !STOP_WORDS.has(w) && !/^\d+$/.test(w))),
  }));
  const out: Disagreement[] = [];
  for (let i = 0; i < facts.length; i++) {
    for (let j = i + 1; j < facts.length; j++) {
      const a = facts[i]!;
      const b = facts[j]!;
      if ([...a.sources].some((s) => b.sources.has(s))) continue;
      const shared = [...a.words].filter((w) => b.words.has(w));
      if (shared.length < MIN_SHARED || !contradicts(a.statement, b.statement)) continue;
      out.push({ topic: shared.slice(0, 6).join(' '), sides: [a.statement, b.statement] });
    }
  }
  return out;
}

/** Whether the verifier, reading one statement as the passage the other cites, finds their polarity reversed. */
function contradicts(a: Statement, b: Statement): boolean {
  const as: Evidence = {
    id: 'OTHER',
    passageId: 'OTHER',
    source: { id: 'other', title: '', authors: [], ids: {}, format: 'markdown', evidenceLevel: 'unclassified', integrity: 'ok', publicationTypes: [], references: [] },
    section: '',
    text: b.text,
    score: 0,
    rank: 1,
  };
  const verdict = verifyStatement({ text: a.text, evidence: ['OTHER'] }, new Map([['OTHER', as]]));
  return verdict.problems.some((p) => p.startsWith('the statement says') && p.includes(' but OTHER says '));
}
