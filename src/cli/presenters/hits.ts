import { EVIDENCE_LEVEL_LABELS } from '../../domain/evidence-level.js';
import { INTEGRITY_LABELS } from '../../domain/integrity.js';
import type { PassageHit, SourceSummary } from '../../ports/store.js';
import type { QueryPlan } from '../../retrieval/plan.js';
import type { Explanation } from '../../retrieval/rank.js';
import type { RetrievalResult } from '../../retrieval/retrieve.js';
import { truncate, wrap } from '../format.js';

const SNIPPET_CHARS = 420;

/** Ranked passages as text: rank, evidence level, title, journal and year, id, section, snippet, warnings. */
export function presentHits(
  query: string,
  hits: readonly (PassageHit & { explanation?: Explanation })[],
  columns: number,
  options: { explain?: boolean } = {},
): string {
  if (hits.length === 0) return `No passages match ${quoted(echo(query))}. Try other words, or ingest more literature.`;
  const width = Math.max(60, Math.min(columns, 120)) - 6;
  const blocks = hits.map((hit, i) => {
    const s = hit.source;
    const lines = [
      `${String(i + 1).padStart(2)}. [${EVIDENCE_LEVEL_LABELS[s.evidenceLevel]}] ${s.title}`,
      `    ${citation(s)} · ${s.id} · score ${hit.score.toFixed(hit.explanation?.fusion ? 4 : 2)}`,
    ];
    if (hit.passage.section) lines.push(`    § ${hit.passage.section}`);
    lines.push(wrap(truncate(hit.passage.text.replace(/\s+/g, ' '), SNIPPET_CHARS), width, '    '));
    for (const warning of warnings(s)) lines.push(`    ⚠ ${warning}`);
    if (options.explain && hit.explanation) lines.push(...explainLines(hit.explanation).map((l) => `    │ ${l}`));
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

/** The query in quotes, unless it holds its own: `"unbalanced"` typed as a phrase is not shown as `""unbalanced""`. */
function quoted(text: string): string {
  return text.includes('"') ? text : `"${text}"`;
}

/**
 * What was typed, as it is shown back: control characters (a pasted escape sequence would recolour
 * or move the terminal) as "?", and a very long query cut short.
 */
function echo(text: string): string {
  // eslint-disable-next-line no-control-regex
  return truncate(text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'), 300);
}

export function citation(s: Pick<SourceSummary, 'journal' | 'year'>): string {
  return [s.journal, s.year].filter((v) => v !== undefined && v !== '').join(', ') || 'no journal or year';
}

/** What a reader must know before relying on a source. */
export function warnings(s: SourceSummary): string[] {
  const out: string[] = [];
  if (s.integrity !== 'ok') out.push(INTEGRITY_LABELS[s.integrity].toUpperCase());
  if (s.reviewStatus !== undefined && s.reviewStatus !== 'approved') out.push(s.statusNote ?? 'Not medically reviewed');
  return out;
}

/** A search result: what the query became (terms and expansions), then the ranked passages. */
export function presentResult(result: RetrievalResult, columns: number, options: { explain?: boolean } = {}): string {
  const header = [...planLines(result.plan), ...result.notes.map((n) => `Note: ${n}`)].join('\n');
  return `${header}\n\n${presentHits(result.plan.text, result.hits, columns, options)}`;
}

function planLines(plan: QueryPlan): string[] {
  const own = plan.clauses.filter((c) => c.origin === 'query').map((c) => c.label);
  const lines = [`Searched for: ${echo(own.join(' · ')) || '(nothing)'}`];
  const expansions = plan.clauses.filter((c) => c.origin !== 'query' && c.origin !== 'part' && c.origin !== 'phrase');
  if (expansions.length > 0) {
    lines.push(`Also, weighted lower: ${expansions.map((c) => `${c.label} (${c.origin}, ×${c.weight.toFixed(2)})`).join(' · ')}`);
  }
  if (plan.statement) lines.push('Read as a statement to check: a source that says it, in its words or in others, ranks higher (--explain shows how)');
  return lines;
}

function explainLines(e: Explanation): string[] {
  const lines = e.clauses.map((c) => {
    const fields = Object.entries(c.matches).map(([field, n]) => `${field}×${n}`).join(' ');
    // A question word has a reason only when it was respelled ("for "drain", which no passage holds")
    // or is searched in its other spelling too ("also as "tumour", the British spelling").
    const why = c.reason ? ` [${c.reason}]` : c.origin === 'query' ? '' : ` [${c.origin}]`;
    return `${c.label}: ${fields} → ${c.score.toFixed(2)}${why}`;
  });
  if (e.source > 0) lines.push(`source as a whole → ${e.source.toFixed(2)}`);
  for (const p of e.proximity) lines.push(`"${p.pair[0]}" near "${p.pair[1]}" ×${p.count} → ${p.score.toFixed(2)}`);
  const priors = [`evidence ×${e.priors.evidence.toFixed(2)}`, `recency ×${e.priors.recency.toFixed(2)}`];
  if (e.priors.integrity !== 1) priors.push(`retracted ×${e.priors.integrity.toFixed(2)}`);
  if (e.coverage !== 1) priors.push(`terms covered ×${e.coverage.toFixed(2)}`);
  lines.push(`${priors.join(', ')}; index BM25 ${e.firstStage.toFixed(2)}`);
  if (e.rescore) {
    const s = e.rescore;
    const via = s.associated.map((a) => `"${a.term}" via "${a.via}" ${a.share.toFixed(2)}`).join(', ');
    if (s.statement) {
      // The likelihood is a mean log ratio per word: as a factor, the geometric mean of how much likelier each word is here.
      const likelier = `its words ${formatFactor(Math.exp(s.likelihood))} as likely in the source as in the library`;
      const lacking = via ? `words it lacks, said otherwise: ${via} (${(s.coverage * 100).toFixed(0)}% of the statement's weight)` : 'nothing credited for words it lacks';
      lines.push(`top of the ranking, as a statement: ${likelier}; ${lacking} → +${s.bonus.toFixed(2)}`);
    } else {
      lines.push(`top of the ranking: source covers ${(s.coverage * 100).toFixed(0)}% of the question's words the library holds${via ? ` (${via})` : ''} → +${s.bonus.toFixed(2)}`);
    }
  }
  if (e.fusion) {
    const f = e.fusion;
    if (e.clauses.length === 0) lines.push('no word of the question matched: found by meaning (embedding) alone');
    const lexical = f.lexicalRank !== undefined ? `lexical rank ${f.lexicalRank} (score ${f.lexicalScore.toFixed(2)})` : 'no lexical rank';
    const vector = f.vectorRank !== undefined ? `vector rank ${f.vectorRank} (cosine ${(f.similarity ?? 0).toFixed(3)})` : 'not among the nearest by vector';
    lines.push(`hybrid: ${lexical}, ${vector} → fused ${f.rrf.toFixed(4)}`);
  }
  return lines;
}

/** A ratio for reading: "71×", "2.4×", "0.52×". */
function formatFactor(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;
}
