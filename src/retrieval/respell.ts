import { otherDrugNames } from './drug-names.js';
import { analyzeQuery, type QueryTerm } from './query.js';
import { stem, wordTokens } from './tokens.js';

/**
 * A question word that no passage of the library holds scores nothing, and the search goes on
 * without it: "amoxicilin dose in children" would search "dose" and "children". So such a word
 * is looked for as the library spells it, in this order, and the first kind that finds one wins:
 *
 *   1. another form of the word ("drain" → "drainage", "asthmatic" → "asthma"): Porter's stemmer
 *      leaves some derived forms apart (drain/drainag);
 *   2. one typing slip ("amoxicilin" → "amoxicillin", "reatment" → "treatment", "casues" →
 *      "causes"): a letter left out, added, swapped with its neighbour or replaced, except the
 *      first letter replaced (a slip there makes another word: "tegmental" → "segmental"), and
 *      only in words of six letters or more (in shorter ones a slip makes another word too:
 *      "drain" → "brain"); the stem must move by one slip at most as well, unless the slip lies
 *      in the ending the stemmer takes off;
 *   3. a spelling that sounds the same ("ibuprophen" → "ibuprofen", "fenytoin" → "phenytoin",
 *      "kolitis" → "colitis"): ph and f, c and k, c and s before e, i or y, i and y exchanged once,
 *      anywhere in a word of six letters or more, the first letter too;
 *   4. a drug name the word is one of those slips away from, even a slip that moves the stem
 *      ("paracetamal", stem "paracetam", → "paracetamol"), or else another name of that drug
 *      ("sefalexin" sounds like "cefalexin", which a US library writes "cephalexin";
 *      "nitroglycerine" is one slip from "nitroglycerin", which a British library writes
 *      "glyceryl trinitrate", searched as a phrase; drug-names.ts), the kinds in the same order;
 *   5. two words run together ("panicprone" → "panic prone"), found side by side in some passage.
 *
 * Among the candidates of one kind, the one most passages hold wins. Candidates are only ever
 * words the library holds, so a correction never searches for nothing; the user is told what was
 * searched instead (retrieve.ts), and the corrected word is weighted like the user's own, times
 * `search.respellWeight`.
 */
export interface Respelling {
  /** The word as typed. */
  from: string;
  /** What was searched instead: one word, two for a run-together pair, or the words of a drug's other name (searched as a phrase). */
  to: string[];
  kind: 'form' | 'typing' | 'sound' | 'split';
  /** The drug name the word was that slip away from, when `to` is another name of that drug. */
  via?: string;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Shortest word respelled at all, shortest whose typing slips are tried, shortest part of a split. */
const MIN_RESPELL_LENGTH = 5;
const MIN_TYPING_LENGTH = 6;
const MIN_PART_LENGTH = 4;
/** Derivational endings tried on a word without its own ending, or taken off it. */
const ENDINGS = ['age', 'ation', 'ion', 'al', 'ic', 'ical', 'ity', 'ment', 'ia', 'ism', 'ive', 'ure'];

/**
 * Whether a term is one plain word that respelling may try: letters only, long enough, and not
 * typed with a capital after its first letter. Such a word is a symbol whose spelling was chosen
 * ("PtdIns", "ComYMV", "BRCA"): gene, protein and organism names, which a library may simply lack.
 * In a question typed all in capitals (`shouted`: "AMOXICILIN DOSE"), capitals tell nothing.
 */
export function respellable(term: QueryTerm, shouted = false): string | undefined {
  if (term.forms.length !== 1) return undefined;
  const form = term.forms[0];
  if (!form || form.length !== 1 || (!shouted && term.words.some((typed) => /\p{Lu}/u.test(typed.slice(1))))) return undefined;
  const word = form[0] ?? '';
  return word.length >= MIN_RESPELL_LENGTH && /^[a-z]+$/.test(word) ? word : undefined;
}

/**
 * The words of a compound term ("anti-inflamatory", "beta-blokers") that respelling may try, by
 * the same rule as a word on its own; none for a term of one word, or one with other forms than
 * its words joined ("TNF-α").
 */
export function respellableParts(term: QueryTerm, shouted = false): string[] {
  const [parts, ...more] = term.forms;
  if (!parts || parts.length < 2 || more.some((form) => form.length !== 1 || form[0] !== parts.join(''))) return [];
  if (term.words.length !== parts.length) return [];
  return parts.filter(
    (part, i) => part.length >= MIN_RESPELL_LENGTH && /^[a-z]+$/.test(part) && (shouted || !/\p{Lu}/u.test((term.words[i] ?? '').slice(1))),
  );
}

/** Whether a question is typed without a lower-case letter ("AMOXICILIN DOSE IN CHILDREN"). */
export function isShouted(text: string): boolean {
  return /\p{Lu}/u.test(text) && !/\p{Ll}/u.test(text);
}

/** Other forms of a word, by derivational endings added, taken off or exchanged. */
export function otherForms(word: string): string[] {
  const out = new Set<string>();
  const bases = new Set<string>([word]);
  for (const ending of ENDINGS) {
    if (word.endsWith(ending) && word.length - ending.length >= 4) bases.add(word.slice(0, -ending.length));
  }
  // "asthmatic" → "asthma": an ending that brings its own consonant ("-tic") after a vowel.
  if (/[aeiou]tic$/.test(word) && word.length >= 7) bases.add(word.slice(0, -3));
  // A final e goes before an ending: "ventilate" → "ventilation".
  for (const base of bases) {
    out.add(base);
    const stemless = base.endsWith('e') ? base.slice(0, -1) : base;
    for (const ending of ENDINGS) out.add(stemless + ending);
  }
  out.delete(word);
  return [...out];
}

/** Words one typing slip away (never the first letter replaced), for words of six letters or more. */
export function typingNeighbours(word: string): string[] {
  if (word.length < MIN_TYPING_LENGTH) return [];
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (i < word.length) out.add(head + tail.slice(1)); // left out
    if (i + 1 < word.length) out.add(head + (tail[1] ?? '') + (tail[0] ?? '') + tail.slice(2)); // neighbours swapped
    for (const letter of LETTERS) {
      out.add(head + letter + tail); // added
      if (i > 0 && i < word.length) out.add(head + letter + tail.slice(1)); // replaced, not the first
    }
  }
  out.delete(word);
  return [...out];
}

/**
 * Letters written for one sound, each way: ph and f, i and y, c and k where c sounds as k (not
 * before e, i or y), c and s where it sounds as s ("sefalexin").
 */
const SOUND_ALIKE: readonly (readonly [pattern: string, to: string, before?: RegExp])[] = [
  ['ph', 'f'],
  ['f', 'ph'],
  ['c', 'k', /^(?![eiy])/],
  ['k', 'c', /^(?![eiy])/],
  ['c', 's', /^[eiy]/],
  ['s', 'c', /^[eiy]/],
  ['i', 'y'],
  ['y', 'i'],
];

/** Words one exchange of letters that sound alike away, for words of six letters or more. */
export function soundAlikes(word: string): string[] {
  if (word.length < MIN_TYPING_LENGTH) return [];
  const out = new Set<string>();
  for (const [pattern, to, before] of SOUND_ALIKE) {
    for (let i = word.indexOf(pattern); i >= 0; i = word.indexOf(pattern, i + 1)) {
      const tail = word.slice(i + pattern.length);
      // "ph" is one sound: its h is not an f's ("haph" → "hafh" is not tried).
      if (pattern === 'f' && word[i - 1] === 'p') continue;
      if (before && !before.test(tail)) continue;
      out.add(word.slice(0, i) + to + tail);
    }
  }
  out.delete(word);
  return [...out];
}

/** Whether two words are at most one typing slip apart (left out, added, swapped or replaced). */
export function oneSlipApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    const rest = (k: number) => a.slice(k) === b.slice(k);
    return i >= a.length || rest(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(i + 2));
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.slice(i) === long.slice(i + 1);
}

/**
 * The two words a run-together pair might be, each of four letters or more (a part of three is
 * as often an abbreviation: "overexpressors" is not "overexpress ORs").
 */
export function splits(word: string): [string, string][] {
  const out: [string, string][] = [];
  for (let i = MIN_PART_LENGTH; i <= word.length - MIN_PART_LENGTH; i++) out.push([word.slice(0, i), word.slice(i)]);
  return out;
}

/** How many passages hold each phrase (Store.frequencies, phrases as index tokens). */
export type PhraseFrequencies = (phrases: readonly { tokens: string[]; stems: string[] }[]) => Promise<number[]>;

/**
 * The respelling of each word (as typed, unstemmed, lower case) that the library does not hold,
 * from at most two rounds of frequency look-ups whatever the number of words: forms, slips and
 * sound-alikes together, then the drug names and the splits of words still not found.
 */
export async function respellWords(words: readonly string[], frequencies: PhraseFrequencies, isStopWord: (word: string) => boolean): Promise<Map<string, Respelling>> {
  const found = new Map<string, Respelling>();
  if (words.length === 0) return found;
  // One candidate word per stem: the index counts stems, so other spellings of one stem add nothing.
  const byStem = new Map<string, string>();
  const kinds = words.map((word) => {
    const own = stem(word);
    // The candidate words of each kind, kept for the drug names among them (the second round).
    const tried = { form: otherForms(word), typing: typingNeighbours(word), sound: soundAlikes(word) };
    return {
      word,
      tried,
      forms: distinctStems(tried.form, byStem, isStopWord),
      // A slip in the word is a slip in its stem too, or it lies in the ending the stemmer takes
      // off (the word still starts with the stem: "resistnce" → "resistance", stem "resist"). One
      // that moves the stem further is another word ("statins" → "statings", whose stem is "state").
      typing: distinctStems(tried.typing, byStem, isStopWord).filter((s) => oneSlipApart(own, s) || word.startsWith(s)),
      sound: distinctStems(tried.sound, byStem, isStopWord),
    };
  });
  const stems = [...byStem.keys()];
  const counts = await frequencies(stems.map((s) => ({ tokens: [byStem.get(s) ?? s], stems: [s] })));
  const df = new Map(stems.map((s, i) => [s, counts[i] ?? 0]));
  const best = (candidates: readonly string[]): string | undefined => {
    let chosen: string | undefined;
    let most = 0;
    for (const s of candidates) {
      const n = df.get(s) ?? 0;
      if (n > most) [chosen, most] = [s, n];
    }
    return chosen === undefined ? undefined : byStem.get(chosen);
  };
  const rest: (typeof kinds)[number][] = [];
  for (const entry of kinds) {
    const { word, forms, typing, sound } = entry;
    const form = best(forms);
    const slip = form === undefined ? best(typing) : undefined;
    const alike = form === undefined && slip === undefined ? best(sound) : undefined;
    if (form !== undefined) found.set(word, { from: word, to: [form], kind: 'form' });
    else if (slip !== undefined) found.set(word, { from: word, to: [slip], kind: 'typing' });
    else if (alike !== undefined) found.set(word, { from: word, to: [alike], kind: 'sound' });
    else rest.push(entry);
  }

  // The second round, in one look-up: the drug names the words still not found were a slip away
  // from, under each of the drug's names, and those words' splits. A slip that lands on a drug
  // name is taken even where it moves the stem further ("paracetamal", stem "paracetam", →
  // "paracetamol"), for a drug name is not another word.
  const names = rest.flatMap(({ word, tried }) =>
    (['form', 'typing', 'sound'] as const).flatMap((kind) =>
      tried[kind].flatMap((name) => {
        const others = otherDrugNames(name);
        return others.length === 0 ? [] : [name, ...others].map((other) => ({ word, kind, name, other, words: other.split(' ') }));
      }),
    ),
  );
  const pairs = rest.flatMap(({ word }) => splits(word).filter(([a, b]) => !isStopWord(a) && !isStopWord(b)).map((pair) => ({ word, pair })));
  if (names.length + pairs.length === 0) return found;
  const counted = await frequencies([
    ...names.map(({ words }) => ({ tokens: words, stems: words.map(stem) })),
    ...pairs.map(({ pair }) => ({ tokens: pair, stems: pair.map(stem) })),
  ]);
  // The first kind that finds one wins; within it the drug name itself, then the other name most
  // passages hold.
  const named = new Map<string, { name: (typeof names)[number]; n: number }>();
  names.forEach((name, i) => {
    const n = counted[i] ?? 0;
    const held = named.get(name.word);
    const own = name.other === name.name;
    const better = !held || (held.name.kind === name.kind && held.name.other !== held.name.name && (own || n > held.n));
    if (n > 0 && better) named.set(name.word, { name, n });
  });
  for (const [word, { name }] of named) {
    found.set(word, name.other === name.name ? { from: word, to: [name.name], kind: name.kind } : { from: word, to: name.words, kind: name.kind, via: name.name });
  }
  const most = new Map<string, { pair: [string, string]; n: number }>();
  pairs.forEach(({ word, pair }, i) => {
    const n = counted[names.length + i] ?? 0;
    if (!named.has(word) && n > (most.get(word)?.n ?? 0)) most.set(word, { pair, n });
  });
  for (const [word, { pair }] of most) found.set(word, { from: word, to: pair, kind: 'split' });
  return found;
}

/**
 * The candidates' stems, each stem standing for the first candidate word that has it (forms, then
 * slips left out and swapped before added and replaced: "suppresss" → "suppress"). Only the stem is
 * searched; that word may be a spelling the library does not use ("adventitia" → "adventitie",
 * with the stem of "adventitial"), so what the user is shown comes from the library's text
 * (librarySpelling). Stop words are never candidates.
 */
function distinctStems(candidates: readonly string[], byStem: Map<string, string>, isStopWord: (word: string) => boolean): string[] {
  const out = new Set<string>();
  for (const word of candidates) {
    const s = stem(word);
    if (isStopWord(word) || isStopWord(s)) continue;
    if (!byStem.has(s)) byStem.set(s, word);
    out.add(s);
  }
  return [...out];
}

/**
 * A respelling as the library writes it, from the text of a few passages that hold its stem, or
 * undefined when those passages do not bear it out. Only a stem is searched, and the candidate
 * that stood for it may be no word at all ("antibiotcs" → "antibiots", whose stem is that of
 * "antibiotics"), so the word shown is:
 *
 *   - for a typing slip, the passages' word one slip from the typed word ("antibiotics"); a slip
 *     that lay in the ending the stemmer takes off needs one ("resistnce" → "resistance"), for
 *     otherwise the word's start alone matched a shorter stem ("adventitia" → "advent");
 *   - else the candidate itself when the passages write it;
 *   - else their word with the stem nearest the typed word ("depresents" → "depressants", not
 *     the commoner "depression"), the commonest of those on a tie.
 *
 * A split is two words as typed, and a drug's other name of several words is the table's phrase:
 * both are kept as they are (`keptAsFound`).
 */
export function asWritten(respelling: Respelling, texts: readonly string[]): Respelling | undefined {
  const [candidate] = respelling.to;
  if (keptAsFound(respelling) || candidate === undefined) return respelling;
  const target = stem(candidate);
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of wordTokens(text)) {
      if (word[0] === target[0] && stem(word) === target) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const typed = respelling.from;
  const distance = new Map([...counts.keys()].map((word) => [word, editDistance(word, typed)]));
  const ranked = [...counts]
    .sort(([a, m], [b, n]) => (distance.get(a) ?? 0) - (distance.get(b) ?? 0) || n - m || (a < b ? -1 : 1))
    .map(([word]) => word);
  const shown = (word: string | undefined) => (word === undefined || word === candidate ? respelling : { ...respelling, to: [word] });
  // A drug's other name is not a slip away from the typed word; its name was.
  if (respelling.kind === 'typing' && respelling.via === undefined) {
    const slip = ranked.find((word) => oneSlipApart(word, typed));
    if (slip !== undefined) return shown(slip);
    if (!oneSlipApart(stem(typed), target)) return undefined;
  }
  return shown(counts.has(candidate) ? candidate : ranked[0]);
}

/** A respelling of several words (a split, or a drug's name of several words): shown as found, never as a passage writes it. */
export function keptAsFound(respelling: Respelling): boolean {
  return respelling.to.length !== 1;
}

/** Levenshtein distance between two words (letters left out, added or replaced). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** A term as the library spells it: the corrected words stand where the typed one stood. */
export function respelledTerm(term: QueryTerm, respelling: Respelling): QueryTerm {
  return { ...term, forms: [respelling.to], stems: [respelling.to.map(stem)], words: respelling.to, respelled: respelling };
}

/**
 * A compound as the library spells its words ("anti-inflamatory" → "anti-inflammatory"), from the
 * respellings of its words, with the respellings it used; undefined when none of its words was
 * respelled into one word. It is the compound analysed again, so it keeps its joined form
 * ("betablockers") and its parts; it stands for the whole compound as typed.
 */
export function compoundRespelled(
  term: QueryTerm,
  parts: readonly string[],
  shown: ReadonlyMap<string, Respelling | undefined>,
): { term: QueryTerm; used: Respelling[] } | undefined {
  let text = term.text;
  const used: Respelling[] = [];
  for (const part of parts) {
    const respelling = shown.get(part);
    const [word, ...more] = respelling?.to ?? [];
    if (!respelling || word === undefined || more.length > 0) continue;
    text = text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${part}(?![\\p{L}\\p{N}])`, 'iu'), word);
    used.push(respelling);
  }
  const [first] = used;
  if (first === undefined) return undefined;
  const [again] = analyzeQuery(text);
  if (!again) return undefined;
  return { term: { ...again, position: term.position, respelled: { from: term.text, to: [text], kind: first.kind } }, used };
}

/** The note a user reads about one respelled word. */
export function respellingNote({ from, to, kind, via }: Respelling): string {
  if (via !== undefined) {
    const near = { form: 'another form of', typing: 'one slip from', sound: 'which sounds like', split: 'beside' }[kind];
    return `no passage holds "${from}" (${near} "${via}"): searched "${to.join(' ')}" instead, another name of the same drug`;
  }
  const why = {
    form: 'the form the library uses',
    typing: 'the nearest spelling the library holds',
    sound: 'a spelling that sounds the same',
    split: 'two words the library holds side by side',
  }[kind];
  return `no passage holds "${from}": searched "${to.join(' ')}" instead (${why})`;
}
