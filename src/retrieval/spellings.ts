import type { QueryTerm } from './query.js';
import { MAX_NAME_WORDS, otherDrugNames } from './drug-names.js';
import { stem } from './tokens.js';

/**
 * British and American spellings of one word. Porter's stemmer keeps most pairs apart ("tumour"
 * tumour, "tumor" tumor; "randomised" randomis, "randomized" random; "oedema", "edema"), so a
 * question in one spelling missed every passage written in the other. A library mixes them:
 * PubMed abstracts are mostly American, British and Commonwealth guidelines and journals British
 * (docs/retrieval.md counts them in SciFact). The doubled l of "signalling" is not here: Porter
 * already stems it as "signaling".
 *
 * Each rule rewrites one pattern in one direction; a word gets every spelling its rules make. The
 * caller searches a spelling only when the library holds it, so a rule that overreaches to a
 * string no passage holds ("academic" → "acadaemic") costs one frequency look-up and matches
 * nothing. One that made another real word would match it, which is why -ise and -our are
 * limited to the words of those families below.
 */
export interface OtherSpelling {
  /** One word, or for a drug's other name possibly a phrase of plain words ("glyceryl trinitrate"). */
  word: string;
  /** Which spelling `word` is: British, American, or another generic name of the same drug (drug-names.ts). */
  variety: 'American' | 'British' | 'drug';
}

type Rule = readonly [pattern: RegExp, replacement: string];

/** Suffixes a -ise/-ize or -our/-or word takes. */
const IZE_ENDINGS = '(e|es|ed|ing|ation|ations|er|ers)';
const OUR_ENDINGS = '(s|al|ally|ed|ing|able|ably|ful|ite|ites|less)?';
/**
 * The -or words whose British spelling is -our, without the ending; other -or words ("factor",
 * "receptor") are not, nor is "rigor" (chills) the "rigour" of thoroughness.
 */
const OUR_WORDS = 'tum|behavi|col|fav|lab|od|vap|hum|hon|rum|neighb|flav|vig|endeav|harb|arm|sav|clam|splend|ard';
/** -re/-er words ("centre", "litre", "fibre"), and their compounds ("millimetre"). */
const RE_WORDS = 'cent|lit|met|fib|theat|calib|spect|lust|meag|somb|sab';

/**
 * Pituitary hormones, whose names Britain writes -trophin and -trophic ("gonadotrophin"); not
 * every -trophic word is one ("neurotrophic" is about nourishing nerves, "neurotropic" about
 * seeking them).
 */
const TROPHIN_HORMONES = 'gonado|cortico|thyro|somato|melano';

const ISE_TO_IZE: Rule = [new RegExp(`([a-z]{4})is${IZE_ENDINGS}$`), '$1iz$2'];

const TO_AMERICAN: readonly Rule[] = [
  [/aem/g, 'em'], // haematoma, anaemia, ischaemia, leukaemia, hypoglycaemia
  [/paed/g, 'ped'], // paediatric, orthopaedic
  [/^aetiol/, 'etiol'],
  [/^caes/, 'ces'],
  [/anaes/g, 'anes'],
  [/gynae/g, 'gyne'],
  [/faec/g, 'fec'],
  [/^oe(?=dem|sophag|str)/, 'e'], // oedema, oesophagus, oestrogen
  [/(rrh|pn)oea(l|s)?$/, '$1ea$2'], // diarrhoea, gonorrhoea, dyspnoea, apnoea
  [/^foet/, 'fet'],
  [/^coeliac/, 'celiac'],
  [/sulph/g, 'sulf'], // sulphate, sulphonylurea
  [/^leuc(?=o)/, 'leuk'], // leucocyte, leucopenia
  [/^(def|off)ence/, '$1ense'],
  [/^mould/, 'mold'],
  [/^aluminium/, 'aluminum'],
  [new RegExp(`(${TROPHIN_HORMONES})troph(in|ins|ic)$`), '$1trop$2'], // gonadotrophin, adrenocorticotrophic
  [/^(ana|cata|dia|homo|ortho|para)logue(s)?$/, '$1log$2'], // analogue, homologue, orthologue
  [/^programme(s)?$/, 'program$1'],
  [/^manoeuvr/, 'maneuver'], // manoeuvred, manoeuvring; then the e of manoeuvre(s):
  [/^maneuvere(s)?$/, 'maneuver$1'],
  [/^homoeo(?=path)/, 'homeo'],
  [/^aesthet/, 'esthet'],
  [/^amoeb/, 'ameb'], // amoeba, amoebic, amoebiasis
  [/^specialit(y|ies)$/, 'specialt$1'],
  [new RegExp(`^(${OUR_WORDS})our${OUR_ENDINGS}$`), '$1or$2'], // tumour, behavioural, favourable
  ISE_TO_IZE, // randomised, hospitalisation
  [/lys(e|ed|ing)$/, 'lyz$1'], // analysed, paralyse ("analyses" is also a plural noun)
  [new RegExp(`(${RE_WORDS})re(s)?$`), '$1er$2'], // centre, litre, fibre
];

const TO_BRITISH: readonly Rule[] = [
  [/^hem(?=[aoi])/, 'haem'], // hematoma, hemorrhage, hemoglobin
  [/([^aeiou])emi(a|as|c)$/, '$1aemi$2'], // anemia, ischemic, leukemia, hyperglycemia
  [/ped(?=iatr)/, 'paed'],
  [/orthoped/, 'orthopaed'],
  [/^etiol/, 'aetiol'],
  [/^ces(?=area|ium)/, 'caes'],
  [/anesth/, 'anaesth'],
  [/gyne(?=c)/, 'gynae'],
  [/^fec(?=al|es)/, 'faec'],
  [/^(edem|esophag|estr)/, 'o$1'],
  [/(rrh|pn)ea(l|s)?$/, '$1oea$2'],
  [/^fet(?=al|us)/, 'foet'],
  [/^celiac/, 'coeliac'],
  [/sulf/g, 'sulph'],
  [/^leuk(?=o)/, 'leuc'],
  [/^(def|off)ense/, '$1ence'],
  [/^mold(?=s|ed|ing|y)/, 'mould'],
  [/^aluminum/, 'aluminium'],
  [new RegExp(`(${TROPHIN_HORMONES})trop(in|ins|ic)$`), '$1troph$2'],
  [/^(ana|cata|dia|homo|ortho|para)log(s)?$/, '$1logue$2'],
  [/^program(s)?$/, 'programme$1'],
  [/^maneuver(s)?$/, 'manoeuvre$1'],
  [/^maneuver(ed|ing|able|ability)$/, 'manoeuvr$1'],
  [/^homeo(?=path)/, 'homoeo'],
  [/^esthet/, 'aesthet'],
  [/^ameb/, 'amoeb'],
  [/^specialt(y|ies)$/, 'specialit$1'],
  [new RegExp(`^(${OUR_WORDS})or${OUR_ENDINGS}$`), '$1our$2'],
  [new RegExp(`([a-z]{4})iz${IZE_ENDINGS}$`), '$1is$2'],
  [/lyz(e|ed|es|ing)$/, 'lys$1'],
  [new RegExp(`(${RE_WORDS})er(s)?$`), '$1re$2'],
];

/**
 * Words in -ise that are not the British spelling of an -ize word ("exercise", "expertise",
 * "promise"), by the whole word or by the ending that every such word shares.
 */
const NOT_IZE_WORDS = new Set(['promise', 'premise', 'compromise', 'demise', 'chemise', 'surmise', 'merchandise', 'paradise', 'treatise', 'mortise']);
const NOT_IZE_ENDINGS = ['wise', 'cise', 'vise', 'prise', 'guise', 'ruise', 'oise', 'aise', 'chise', 'rtise', 'rcise', 'spise'];

function isIseWord(word: string): boolean {
  const root = word.replace(new RegExp(`is${IZE_ENDINGS}$`), 'ise');
  return root !== word && !NOT_IZE_WORDS.has(root) && !NOT_IZE_ENDINGS.some((ending) => root.endsWith(ending));
}

/** Shortest word whose other spellings are tried. */
const MIN_LENGTH = 5;

/** The other spellings of a folded, lower-case word (letters only), each with its variety. */
export function otherSpellings(word: string): OtherSpelling[] {
  if (word.length < MIN_LENGTH || !/^[a-z]+$/.test(word)) return [];
  const out = new Map<string, OtherSpelling['variety']>();
  const apply = (rules: readonly Rule[], variety: OtherSpelling['variety']) => {
    let spelled = word;
    for (const rule of rules) if (rule !== ISE_TO_IZE || isIseWord(word)) spelled = spelled.replace(...rule);
    if (spelled !== word) out.set(spelled, variety);
  };
  apply(TO_AMERICAN, 'American');
  apply(TO_BRITISH, 'British');
  return [...out].map(([spelled, variety]) => ({ word: spelled, variety }));
}

/**
 * A word's other spellings and, for a drug, its other generic names: what a passage may write for
 * it. `spellings` and `drugs` choose which (the settings `search.otherSpellings` and
 * `search.otherDrugNames`).
 */
export function otherNames(word: string, which: { spellings: boolean; drugs: boolean } = { spellings: true, drugs: true }): OtherSpelling[] {
  return [
    ...(which.spellings ? otherSpellings(word) : []),
    ...(which.drugs ? otherDrugNames(word).map((name): OtherSpelling => ({ word: name, variety: 'drug' })) : []),
  ];
}

/** The index tokens of a spelling: one, a drug name's several, or a compound's ("tumor-associated"). */
export function spellingTokens(spelling: OtherSpelling): string[] {
  return spelling.word.split(/[\s-]+/);
}

/**
 * The words of a compound term ("tumour-associated": tumour, associated), if it is one, as typed
 * or as respelling corrected it ("acetaminophn-induced" → acetaminophen, induced).
 */
export function compoundWords(term: QueryTerm): string[] | undefined {
  const parts = term.forms[0] ?? [];
  return parts.length >= 2 && parts.every((part) => /^[a-z]+$/.test(part)) ? parts : undefined;
}

/**
 * A compound written with one of its words spelled or named otherwise ("tumour-associated" →
 * "tumor-associated", "acetaminophen-induced" → "paracetamol-induced"), one word at a time, from
 * each word's other names (`otherNames` of each of `parts`).
 */
export function otherCompounds(parts: readonly string[], partOthers: readonly (readonly OtherSpelling[])[]): OtherSpelling[] {
  return parts.flatMap((_, i) =>
    (partOthers[i] ?? []).map((other): OtherSpelling => ({ word: [...parts.slice(0, i), other.word, ...parts.slice(i + 1)].join('-'), variety: other.variety })),
  );
}

/** The stems of a spelling's index tokens, as the index stems them. */
export function spellingStems(spelling: OtherSpelling): string[] {
  return spellingTokens(spelling).map(stem);
}

/**
 * The one plain word a term is, when it is one index token with no other forms: the terms whose
 * other spellings and names are looked up. A word respelled into one word counts as that word
 * ("acetaminophn" → "acetaminophen", also searched as "paracetamol"); a split or a compound does not.
 */
export function plainWord(term: QueryTerm): string | undefined {
  const [form, ...more] = term.forms;
  const respelledIntoOne = !term.respelled || term.respelled.to.length === 1;
  return form?.length === 1 && more.length === 0 && respelledIntoOne ? form[0] : undefined;
}

/** A term that matches its other spellings too: one term, each spelling one more form of it. */
export function withOtherSpellings(term: QueryTerm, spellings: readonly OtherSpelling[]): QueryTerm {
  return {
    ...term,
    forms: [...term.forms, ...spellings.map(spellingTokens)],
    stems: [...term.stems, ...spellings.map(spellingStems)],
    otherSpellings: [...spellings],
  };
}

/** A drug named in several words of the question ("glyceryl trinitrate"), with its other names. */
export interface DrugPhrase {
  /** Index of its first term. */
  start: number;
  /** How many terms it spans. */
  length: number;
  others: OtherSpelling[];
}

/**
 * Runs of the question's plain words that together name a drug with other names ("glyceryl
 * trinitrate" → "nitroglycerin"), longest first, never overlapping; and compounds that name one
 * ("co-trimoxazole" → "trimethoprim sulfamethoxazole"), each a run of one term.
 */
export function drugPhrases(terms: readonly QueryTerm[]): DrugPhrase[] {
  const usable = (term: QueryTerm | undefined) => term !== undefined && !term.respelled && (term.forms[0] ?? []).every((token) => /^[a-z]+$/.test(token));
  const plain = terms.map((term) => (usable(term) ? plainWord(term) : undefined));
  const named = (name: string) => otherDrugNames(name).map((word): OtherSpelling => ({ word, variety: 'drug' }));
  const out: DrugPhrase[] = [];
  for (let start = 0; start < terms.length; start++) {
    const term = terms[start];
    // Not a name the compound already has as a form ("coamoxiclav" for "co-amoxiclav").
    const own = new Set(term?.stems.map((form) => form.join(' ')));
    const compound =
      usable(term) && (term?.forms[0]?.length ?? 0) >= 2
        ? named(term?.forms[0]?.join(' ') ?? '').filter((other) => !own.has(spellingStems(other).join(' ')))
        : [];
    if (compound.length > 0) {
      out.push({ start, length: 1, others: compound });
      continue;
    }
    for (let length = Math.min(MAX_NAME_WORDS, terms.length - start); length >= 2; length--) {
      const words = plain.slice(start, start + length);
      if (words.some((word) => word === undefined)) continue;
      const others = named(words.join(' '));
      if (others.length === 0) continue;
      out.push({ start, length, others });
      start += length - 1;
      break;
    }
  }
  return out;
}

/**
 * Terms that name one thing together, joined into one term as a compound is ("beta-blocker"): the
 * words side by side are its form, and each word still counts on its own as a part of it (plan.ts
 * `partClauses`).
 */
export function joinedTerm(terms: readonly QueryTerm[]): QueryTerm {
  const [first] = terms;
  if (first === undefined) throw new Error('joinedTerm needs at least one term');
  return {
    text: terms.map((term) => term.text).join(' '),
    forms: [terms.flatMap((term) => term.forms[0] ?? [])],
    stems: [terms.flatMap((term) => term.stems[0] ?? [])],
    position: first.position,
    words: terms.flatMap((term) => term.words),
  };
}
