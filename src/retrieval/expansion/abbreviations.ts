import type { AbbreviationForm, AbbreviationSense, ExpansionIndex } from './build-index.js';
import type { ExpansionOptions } from './options.js';
import { isLoneCommonWord, longestMatches, spanText, type AnalysedQuery, type QueryPiece } from './query-words.js';
import { COMMON_WORDS, fold, isUpperCase } from './text.js';
import type { Candidate } from './types.js';

/*
 * Scores used to choose between an abbreviation's meanings. A meaning word that also appears in
 * the query is the strongest sign; a shared clinical topic (topics.ts) is weaker; being a MeSH
 * heading only breaks ties between meanings the context scores alike. The single best score
 * wins; meanings tied at the top share the weight.
 */
const SHARED_WORD = 3;
const SHARED_TOPIC = 1;
const MESH_HEADING = 0.5;
const LISTED_OTHERS = 3; // meanings named in a reason before "and N more"

/** Abbreviations typed in the query → their meanings. */
export function expandAbbreviations(query: AnalysedQuery, index: ExpansionIndex, options: ExpansionOptions, notes: string[]): Candidate[] {
  const { pieces } = query;
  const out: Candidate[] = [];
  const matches = longestMatches(pieces, index.longest.abbreviation, 'folded', (key, from, to) => {
    const forms = index.abbreviations.get(key);
    if (forms === undefined) return undefined;
    const chosen = formsWrittenAs(forms, pieces.slice(from, to + 1), query.shouting);
    return chosen.length > 0 ? chosen : undefined;
  });

  for (const { from, to, value: forms } of matches) {
    const source = spanText(pieces, from, to);
    const senses = uniqueSenses(forms);
    if (senses.length === 0) {
      notes.push(`${source}: the glossary's meanings are definitions, not names to search for; not expanded`);
      continue;
    }
    const scored = scoreSenses(senses, pieces, from, to);
    const picked = pickSenses(scored, options.maxAbbreviationMeanings);
    if (picked.kind === 'none') {
      notes.push(
        picked.tied === senses.length && (scored[0]?.score ?? 0) === 0
          ? `${source}: ${senses.length} meanings and nothing in the query to choose between them; not expanded`
          : `${source}: ${picked.tied} of its ${senses.length} meanings fit the query equally well; not expanded`,
      );
      continue;
    }
    const weight = options.weights.abbreviation / picked.senses.length;
    for (const chosen of picked.senses) {
      const detail = explainChoice(picked.kind, chosen, picked.senses, scored);
      for (const phrase of chosen.sense.phrases) {
        out.push({
          text: phrase,
          weight,
          origin: 'abbreviation',
          source,
          reason: `${source} → ${chosen.sense.meaning} (abbreviation${detail})`,
          position: pieces[from]?.token ?? 0,
        });
      }
    }
  }
  return out;
}

/** Full forms spelled out in the query → their abbreviation, when that abbreviation is unambiguous. */
export function reverseAbbreviations(query: AnalysedQuery, index: ExpansionIndex, options: ExpansionOptions, notes: string[]): Candidate[] {
  const { pieces } = query;
  const out: Candidate[] = [];
  const matches = longestMatches(pieces, index.longest.fullForm, 'stem', (key, from, to) => {
    const forms = isLoneCommonWord(pieces, from, to) ? undefined : index.fullForms.get(key);
    return forms === undefined ? undefined : { forms, key };
  });
  for (const { from, to, value } of matches) {
    const { forms, key: meaningKey } = value;
    const source = spanText(pieces, from, to);
    for (const form of forms) {
      const folded = form.words.map(fold).join(' ');
      if (form.words.length === 1 && (folded.length < 2 || COMMON_WORDS.has(folded))) continue;
      // The index folds case, so "eGFR" and "EGFR" are one word there: weigh all their meanings.
      const senses = uniqueSenses(index.abbreviations.get(folded) ?? [form]);
      const others = senses.filter((s) => s.key !== meaningKey);
      let why: string;
      if (others.length === 0) {
        why = 'its only meaning in the glossary';
      } else if (senses.some((s) => s.key === meaningKey && s.meshHeading) && others.every((s) => !s.meshHeading)) {
        const plural = others.length > 1;
        why = `its other meaning${plural ? 's' : ''} (${listMeanings(others)}) ${plural ? 'are not MeSH headings' : 'is not a MeSH heading'}`;
      } else {
        notes.push(`${source}: abbreviation ${form.written} not added, it also means ${listMeanings(others)}`);
        continue;
      }
      out.push({
        text: form.written,
        weight: options.weights.abbreviationReverse,
        origin: 'abbreviation',
        source,
        reason: `${source} → ${form.written} (abbreviation; ${why})`,
        position: pieces[from]?.token ?? 0,
      });
    }
  }
  return out;
}

/**
 * The glossary forms the typed words stand for. Written exactly as listed wins ("Mg" is
 * magnesium, "mg" milligram); otherwise capitals match any listing ("EGFR" finds "eGFR"), and a
 * several-word form with lower-case in it ("H. pylori") matches in any case. A lone everyday word
 * ("am", "it") counts only in capitals, and not when the whole query is in capitals.
 */
function formsWrittenAs(forms: readonly AbbreviationForm[], typed: readonly QueryPiece[], shouting: boolean): AbbreviationForm[] {
  const text = typed.map((p) => p.text).join(' ');
  if (typed.length === 1) {
    const only = typed[0];
    if (only === undefined || only.text.length < 2) return [];
    if (COMMON_WORDS.has(only.folded) && (shouting || !isUpperCase(only.text))) return [];
  }
  const exact = forms.filter((form) => form.words.join(' ') === text);
  if (exact.length > 0) return exact;
  return forms.filter(
    (form) =>
      (isUpperCase(text) && form.words.join(' ').toUpperCase() === text) ||
      (form.words.length > 1 && /\p{Ll}/u.test(form.written)),
  );
}

function uniqueSenses(forms: readonly AbbreviationForm[]): AbbreviationSense[] {
  const seen = new Set<string>();
  const senses: AbbreviationSense[] = [];
  for (const form of forms) {
    for (const sense of form.senses) {
      if (sense.phrases.length === 0 || seen.has(sense.key)) continue;
      seen.add(sense.key);
      senses.push(sense);
    }
  }
  return senses;
}

interface ScoredSense {
  sense: AbbreviationSense;
  /** From the rest of the query only. */
  context: number;
  /** Context plus the MeSH-heading hint. */
  score: number;
  /** Query words that supported it, as typed. */
  evidence: string[];
}

function scoreSenses(senses: readonly AbbreviationSense[], pieces: readonly QueryPiece[], from: number, to: number): ScoredSense[] {
  const context = pieces.filter((p, i) => (i < from || i > to) && p.folded.length > 1 && !COMMON_WORDS.has(p.folded));
  const scored = senses.map((sense) => {
    const evidence = new Set<string>();
    let shared = 0;
    const topics = new Set<string>();
    for (const piece of context) {
      if (sense.stems.includes(piece.stem)) {
        shared += 1;
        evidence.add(piece.text);
      }
      for (const topic of piece.topics) {
        if (!sense.topics.includes(topic)) continue;
        topics.add(topic);
        evidence.add(piece.text);
      }
    }
    const fromContext = SHARED_WORD * shared + SHARED_TOPIC * topics.size;
    return { sense, context: fromContext, score: fromContext + (sense.meshHeading ? MESH_HEADING : 0), evidence: [...evidence] };
  });
  // Stable: equal scores keep the glossary's order.
  return scored.sort((a, b) => b.score - a.score);
}

type Picked = { kind: 'only' | 'chosen' | 'split'; senses: ScoredSense[] } | { kind: 'none'; tied: number };

function pickSenses(scored: readonly ScoredSense[], maxMeanings: number): Picked {
  if (scored.length === 1) return { kind: 'only', senses: [...scored] };
  const best = scored[0]?.score ?? 0;
  const top = scored.filter((s) => s.score === best);
  if (top.length === 1) return { kind: 'chosen', senses: top };
  return top.length <= maxMeanings ? { kind: 'split', senses: top } : { kind: 'none', tied: top.length };
}

function explainChoice(
  kind: 'only' | 'chosen' | 'split',
  chosen: ScoredSense,
  picked: readonly ScoredSense[],
  scored: readonly ScoredSense[],
): string {
  if (kind === 'only') return '';
  if (kind === 'split') {
    const partners = picked.filter((s) => s !== chosen).map((s) => s.sense);
    const evidence = chosen.evidence.length > 0 ? ` (context: ${quoteList(chosen.evidence)})` : '';
    return `; tied with ${listMeanings(partners)} among ${scored.length} meanings${evidence}, weight shared`;
  }
  const others = scored.filter((s) => s !== chosen);
  const named = listMeanings(others.map((s) => s.sense));
  if (others.every((s) => s.context < chosen.context)) return `; chosen over ${named} by context: ${quoteList(chosen.evidence)}`;
  return `; chosen over ${named} as the only meaning that is a MeSH heading`;
}

function listMeanings(senses: readonly AbbreviationSense[]): string {
  const named = quoteList(senses.slice(0, LISTED_OTHERS).map((s) => s.meaning));
  return senses.length > LISTED_OTHERS ? `${named} and ${senses.length - LISTED_OTHERS} more` : named;
}

function quoteList(items: readonly string[]): string {
  return items.map((item) => `'${item}'`).join(', ');
}
