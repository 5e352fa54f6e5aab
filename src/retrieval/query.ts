import { removeControlCharacters } from '../domain/control-characters.js';
import type { Respelling } from './respell.js';
import type { OtherSpelling } from './spellings.js';
import { stem, wordTokens } from './tokens.js';

/**
 * Query analysis that respects medical writing. A query is cut into terms; each term is a unit
 * the user meant as one thing ("IL-6", "TNF-α", "5mg", "beta-blocker", "Crohn's") and carries
 * the alternative spellings under which a passage may hold it, each as a run of index tokens
 * that must appear side by side:
 *
 *   "TNF-α"        → tnf α | tnf alpha | tnfα | tnfalpha
 *   "beta-blocker" → beta blocker | betablocker
 *   "5mg"          → 5mg | 5 mg
 *   "Crohn's"      → crohn
 *
 * Terms are plain data: the store quotes every token, so nothing typed here can reach the
 * index's query syntax (quotes, AND/OR/NOT/NEAR, brackets, `*`, `^`, column filters).
 */
export interface QueryTerm {
  /** As typed, for explanations. */
  text: string;
  /** Alternatives, each a sequence of folded, unstemmed index tokens. The first is the main one. */
  forms: string[][];
  /** Alternatives stemmed as the index stems them; parallel to `forms`. */
  stems: string[][];
  /** Position among the query's terms (after stop words are dropped), for proximity. */
  position: number;
  /** The words as typed (original case), for abbreviation look-up. */
  words: string[];
  /** Set when the library holds no passage with the typed word, and this term is how it spells it (respell.ts). */
  respelled?: Respelling;
  /** Set when the term is also searched in its other spelling, British or American (spellings.ts). */
  otherSpellings?: OtherSpelling[];
  /**
   * A compound's words' other spellings and drug names that the library holds, parallel to
   * `forms[0]` ("acetaminophen-induced": [[paracetamol], []]): its part clauses match them too.
   */
  partSpellings?: OtherSpelling[][];
}

export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can could did do does doing down during each either few for from further had has have
  having he her here hers him his how however i if in into is it its itself just me more most my neither no
  nor not now of off on once only or other our ours out over own per same she should so some such than that
  the their theirs them then there these they this those through thus to too under until up upon very via
  was we were what whats when where whether which while who whom whose why will with within without would
  you your yours please tell explain describe know known regarding`.split(/\s+/),
);

const GREEK: Readonly<Record<string, string>> = {
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ζ: 'zeta', η: 'eta', θ: 'theta',
  ι: 'iota', κ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi', ο: 'omicron', π: 'pi', ρ: 'rho',
  σ: 'sigma', ς: 'sigma', τ: 'tau', υ: 'upsilon', φ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega',
};
const SPELLED_GREEK = new Map(Object.entries(GREEK).map(([letter, name]) => [name, letter]));
const GREEK_LETTER = /[α-ω]/u;
/**
 * Characters that join the parts of one term: hyphens, slashes, a decimal point between digits;
 * and a name's bracketed part of one or two characters typed against it ("Lp(a)", "HbA(1c)",
 * "25(OH)D"), but not a plural's ("chaperone(s)").
 */
const CHUNK = /[\p{L}\p{N}]+(?:(?:[-‐‑‒–/+]|\.(?=\p{N})|['’](?=\p{L}))[\p{L}\p{N}]+)*(?:\((?!e?s\))[\p{L}\p{N}]{1,2}\+?\)[\p{L}\p{N}]*)?/gu;
const MAX_FORMS = 4;
const MAX_TERMS = 32;

/** A query as it is read: as ingest does with passages, "can\u0001cer" is "cancer", not "can" and "cer"; NFKC-normalised. */
function asRead(text: string): string {
  return removeControlCharacters(text).normalize('NFKC');
}

export function analyzeQuery(text: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const seen = new Map<string, QueryTerm>();
  for (const match of asRead(text).matchAll(CHUNK)) {
    const term = analyzeChunk(match[0]);
    if (!term) continue;
    const key = term.stems[0]?.join(' ') ?? '';
    if (seen.has(key)) continue;
    if (terms.length === MAX_TERMS) break;
    const added = { ...term, position: terms.length };
    seen.set(key, added);
    terms.push(added);
  }
  return terms;
}

function analyzeChunk(chunk: string): Omit<QueryTerm, 'position'> | undefined {
  // "Crohn's" and "Alzheimer’s": the possessive adds nothing a passage must contain.
  const typed = chunk.replace(/['’]s$/iu, '');
  const parts = wordTokens(typed.replace(/['’]/gu, ''));
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && STOP_WORDS.has(parts[0] ?? '')) return undefined;
  const forms: string[][] = [];
  const add = (form: string[]): void => {
    if (form.length === 0 || forms.length >= MAX_FORMS) return;
    if (!forms.some((f) => f.join(' ') === form.join(' '))) forms.push(form);
  };
  add(parts);
  const greek = withGreekSpelled(parts);
  if (greek) add(greek);
  const greekLetters = withGreekLetters(parts);
  if (greekLetters) add(greekLetters);
  // "CDK4/6", "BRCA1/2", "ERK1/2": a name with two close numbers is either name ("cdk4", "cdk6");
  // "F4/80", whose numbers are far apart, is one name.
  const either = /^([\p{L}]+)(\d+)\/(\d+)$/u.exec(typed.toLowerCase());
  const gap = either ? Number(either[3]) - Number(either[2]) : 0;
  if (either && gap >= 1 && gap <= 3) {
    add([`${either[1]}${either[2]}`]);
    add([`${either[1]}${either[3]}`]);
  }
  // "covid19", "il6", "betablocker"; never "7.5" → "75", nor "Lp(a)" → "lpa" (another name).
  if (parts.length === 2 && !parts.every((p) => /^\d+$/.test(p)) && !typed.includes('(')) {
    add([parts.join('')]);
    if (greek) add([greek.join('')]);
  }
  // "IL6", "GATA3", "PD1" are one index token; text often writes "IL-6", "GATA-3", "PD-1".
  const symbol = parts.length === 1 ? /^(\p{L}{2,})(\d[\p{L}\p{N}]*)$/u.exec(parts[0] ?? '') : null;
  if (symbol) add([symbol[1] ?? '', symbol[2] ?? '']);
  // "5mg" is one index token; text often writes "5 mg", and "0.5 mg/kg" for "0.5mg/kg".
  const measured = parts.flatMap((part) => {
    const measure = /^(\d+)([a-zµμ]+)$/u.exec(part);
    return measure ? [measure[1] ?? '', measure[2] ?? ''] : [part];
  });
  if (measured.length > parts.length) add(measured);
  return {
    text: chunk,
    forms,
    stems: forms.map((form) => form.map(stem)),
    words: typed.split(/[^\p{L}\p{N}]+/u).filter(Boolean),
  };
}

function withGreekSpelled(parts: string[]): string[] | undefined {
  if (!parts.some((p) => GREEK_LETTER.test(p))) return undefined;
  return parts.map((p) => [...p].map((ch) => GREEK[ch] ?? ch).join(''));
}

function withGreekLetters(parts: string[]): string[] | undefined {
  // Only a whole spelled-out part next to others ("tnf alpha"), so "beta-blocker" stays English.
  if (parts.length < 2 || !parts.some((p, i) => i > 0 && SPELLED_GREEK.has(p))) return undefined;
  return parts.map((p, i) => (i > 0 ? SPELLED_GREEK.get(p) ?? p : p));
}

/** Words a question opens with, when it is asked without its question mark ("does metformin cause lactic acidosis"). */
const QUESTION_OPENING = /^[\s"'“‘(\[]*(?:what|whats|how|why|when|where|which|who|whom|whose|is|are|was|were|am|do|does|did|can|could|should|would|will|may|might|must|has|have|had|shall)(?![\p{L}\p{N}'’-])/iu;
/** A verb that makes a run of words a sentence: to be, to have, and the auxiliaries. */
const FINITE_VERBS: ReadonlySet<string> = new Set('is are was were has have had can cannot could may might must should will would does do did'.split(' '));
/** A verb after these opens a clause inside a noun phrase ("patients who are pregnant"), not the sentence's own. */
const RELATIVES: ReadonlySet<string> = new Set(['who', 'which', 'that', 'whose']);

/**
 * Whether a query is a statement rather than a question or a run of keywords: "Statins reduce
 * mortality in heart failure.", "NAC is associated with lower cocaine relapse". A statement is
 * something to check, and the words a passage uses for it count differently (rescore.ts): a
 * source that says it, or most of it, is what is looked for. A statement is not asked ("…?", or
 * opening as a question does), and either ends with a full stop after four words or more (half
 * of SciFact's training claims have no verb but their own: "A deficiency of folate increases
 * blood levels of homocysteine."), or has three words or more and a verb of its own: to be, to
 * have or an auxiliary, outside a relative clause. Keywords ("first-line treatment of
 * community-acquired pneumonia") have neither; typed with a full stop, they are read as a
 * statement, and the search says so.
 */
export function isStatement(text: string): boolean {
  const typed = asRead(text).trim();
  if (/\?[\s"'”’)\]]*$/u.test(typed) || QUESTION_OPENING.test(typed)) return false;
  // Words as letters and digits only ("is," is "is"; "can't" is "cant", not "can").
  const words = typed.split(/\s+/u).map((word) => word.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase()).filter(Boolean);
  if (words.length >= 4 && /[.!][\s"'”’)\]]*$/u.test(typed)) return true;
  return words.length >= 3 && words.some((word, i) => FINITE_VERBS.has(word) && !RELATIVES.has(words[i - 1] ?? ''));
}
