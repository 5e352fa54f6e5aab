import { expandAbbreviations, reverseAbbreviations } from './abbreviations.js';
import type { ExpansionIndex } from './build-index.js';
import { expandDrugs } from './drugs.js';
import { expandMesh } from './mesh.js';
import { resolveExpansionOptions, type ExpansionOptions, type ExpansionSettings } from './options.js';
import { analyseQuery, type AnalysedQuery } from './query-words.js';
import { foldedKey, stemKey } from './text.js';
import type { Candidate, Expansion, ExpansionOrigin, ExpansionReport, QueryWord } from './types.js';

const ORIGIN_ORDER: Readonly<Record<ExpansionOrigin, number>> = { abbreviation: 0, mesh: 1, drug: 2 };

/**
 * Words and phrases to search besides the query's own, each weighted below them and explained.
 * Pure and cheap: a few Map look-ups per query word. `words` are the query's words in order.
 */
export function expandQuery(words: readonly QueryWord[], index: ExpansionIndex, settings?: ExpansionSettings): Expansion[] {
  return explainExpansion(words, index, settings).expansions;
}

/** As expandQuery, plus notes on what was considered and left out (and why). */
export function explainExpansion(words: readonly QueryWord[], index: ExpansionIndex, settings?: ExpansionSettings): ExpansionReport {
  const options = resolveExpansionOptions(settings);
  const query = analyseQuery(words);
  const notes: string[] = [];
  const candidates: Candidate[] = [];
  if (options.abbreviations) {
    candidates.push(...expandAbbreviations(query, index, options, notes));
    if (options.reverseAbbreviations) candidates.push(...reverseAbbreviations(query, index, options, notes));
  }
  if (options.mesh) candidates.push(...expandMesh(query, index, options, notes));
  if (options.drugs) candidates.push(...expandDrugs(query, index, options));
  return { expansions: finish(candidates, query, options), notes };
}

/**
 * Drops expansions that add no word the query lacks (a term is never expanded into itself) and
 * duplicates (the heaviest copy stays), keeps the `maxExpansions` heaviest, and returns them in
 * query order: by the word that triggered them, then abbreviation, MeSH, drug, then as found.
 */
function finish(candidates: readonly Candidate[], query: AnalysedQuery, options: ExpansionOptions): Expansion[] {
  const ranked = candidates
    .map((candidate, seq) => ({ candidate, seq }))
    .filter(({ candidate }) => adds(candidate.text, query))
    .sort((a, b) => b.candidate.weight - a.candidate.weight || order(a, b));
  const seen = new Set<string>();
  const kept: { candidate: Candidate; seq: number }[] = [];
  for (const entry of ranked) {
    if (kept.length >= options.maxExpansions) break;
    const key = foldedKey(entry.candidate.text);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(entry);
  }
  return kept.sort(order).map(({ candidate: { position: _position, ...expansion } }) => expansion);
}

function order(a: { candidate: Candidate; seq: number }, b: { candidate: Candidate; seq: number }): number {
  return (
    a.candidate.position - b.candidate.position ||
    ORIGIN_ORDER[a.candidate.origin] - ORIGIN_ORDER[b.candidate.origin] ||
    a.seq - b.seq
  );
}

/** True when the text has a (stemmed) word the query does not already have. */
function adds(text: string, query: AnalysedQuery): boolean {
  const key = stemKey(text);
  return key !== '' && key.split(' ').some((stem) => !query.stems.has(stem));
}
