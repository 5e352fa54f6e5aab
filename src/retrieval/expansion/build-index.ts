import type { DrugNames, MeshDescriptor, TermResources } from '../../ports/resources.js';
import { COMMON_WORDS, fold, foldedKey, stemWord, words } from './text.js';
import { topicsOf } from './topics.js';

/**
 * Look-up tables for query expansion, built once from the term resources. Every table is keyed by
 * a normalised phrase (words joined by one space), so a query is matched by trying its word spans
 * as keys, longest first: a few Map look-ups per word.
 */
export interface ExpansionIndex {
  /** Abbreviations by folded key ("mi", "h pylori"); each entry is one written form. */
  abbreviations: ReadonlyMap<string, readonly AbbreviationForm[]>;
  /** Abbreviations by the stem key of a meaning ("myocardi infarct"), for the reverse direction. */
  fullForms: ReadonlyMap<string, readonly AbbreviationForm[]>;
  mesh: readonly MeshHeading[];
  /** Headings by the stem key of their name (as written and in natural order) and entry terms. */
  meshNames: ReadonlyMap<string, readonly MeshNameMatch[]>;
  meshByTreeNumber: ReadonlyMap<string, number>;
  /** Tree number → its children's tree numbers, in tree order. */
  meshChildren: ReadonlyMap<string, readonly string[]>;
  /** By folded key. */
  generics: ReadonlyMap<string, GenericEntry>;
  brands: ReadonlyMap<string, BrandEntry>;
  /** Longest key of each table, in words: spans longer than this cannot match. */
  longest: { abbreviation: number; fullForm: number; mesh: number; drug: number };
  /** What the resources were loaded from. */
  sources: readonly string[];
}

export interface AbbreviationForm {
  /** As the glossary writes it ("MI", "mg", "H. pylori"). */
  written: string;
  /** Its words, case kept ("H", "pylori"). */
  words: readonly string[];
  senses: readonly AbbreviationSense[];
}

export interface AbbreviationSense {
  /** As the glossary writes it. */
  meaning: string;
  /** What to search: the meaning without parentheses, then what stood inside them. May be empty
   *  when the meaning is a sentence-long definition rather than a name. */
  phrases: readonly string[];
  /** Stem key of the meaning: two rows with the same key are one meaning. */
  key: string;
  /** Stems of its content words, compared with the rest of the query. */
  stems: readonly string[];
  topics: readonly string[];
  /** The meaning is itself a MeSH heading: a mild hint that it is the clinical sense. */
  meshHeading: boolean;
}

export interface MeshHeading {
  id: string;
  /** As MeSH writes it ("Shock, Cardiogenic"). */
  name: string;
  /** Word order as in running text ("Cardiogenic Shock"), qualifiers in parentheses dropped. */
  natural: string;
  treeNumbers: readonly string[];
  entryTerms: readonly string[];
}

export interface MeshNameMatch {
  heading: number;
  /** The name or entry term that has this key. */
  term: string;
  preferred: boolean;
}

export interface BrandEntry {
  brand: string;
  /** More than one for a combination product. */
  generics: readonly string[];
}

export interface GenericEntry {
  generic: string;
  /** Its brands, single-ingredient ones first. */
  brands: readonly BrandEntry[];
}

const MAX_PHRASE_WORDS = 6; // a longer "meaning" is a definition, not a name to search for

export function buildExpansionIndex(resources: TermResources): ExpansionIndex {
  const stems = new Map<string, string>();
  const stemKey = (text: string): string => {
    let key = '';
    for (const word of words(fold(text))) {
      let stem = stems.get(word);
      if (stem === undefined) {
        stem = stemWord(word);
        stems.set(word, stem);
      }
      key = key === '' ? stem : `${key} ${stem}`;
    }
    return key;
  };

  const mesh = buildMesh(resources.mesh, stemKey);
  const abbreviations = buildAbbreviations(resources, stemKey, mesh.meshNames);
  const drugs = buildDrugs(resources.drugs);
  return {
    abbreviations: abbreviations.abbreviations,
    fullForms: abbreviations.fullForms,
    mesh: mesh.mesh,
    meshNames: mesh.meshNames,
    meshByTreeNumber: mesh.meshByTreeNumber,
    meshChildren: mesh.meshChildren,
    generics: drugs.generics,
    brands: drugs.brands,
    longest: {
      abbreviation: abbreviations.longestAbbreviation,
      fullForm: abbreviations.longestFullForm,
      mesh: mesh.longestMesh,
      drug: drugs.longestDrug,
    },
    sources: [...resources.sources],
  };
}

function buildAbbreviations(resources: TermResources, stemKey: (text: string) => string, meshNames: ReadonlyMap<string, unknown>) {
  const forms = new Map<string, { written: string; words: string[]; senses: AbbreviationSense[] }>();
  for (const { abbreviation, meaning } of resources.abbreviations) {
    const written = abbreviation.trim();
    const parts = words(written);
    if (parts.length === 0) continue;
    let form = forms.get(written);
    if (form === undefined) {
      form = { written, words: parts, senses: [] };
      forms.set(written, form);
    }
    const phrases = meaningPhrases(meaning);
    const key = stemKey(phrases[0] ?? meaning);
    if (key === '' || form.senses.some((s) => s.key === key)) continue;
    const content = words(fold(meaning)).filter((w) => !COMMON_WORDS.has(w));
    form.senses.push({
      meaning: meaning.trim(),
      phrases,
      key,
      stems: [...new Set(content.map(stemWord))],
      topics: [...new Set(content.flatMap(topicsOf))],
      meshHeading: meshNames.has(key),
    });
  }

  const byFolded = new Map<string, AbbreviationForm[]>();
  const byMeaning = new Map<string, AbbreviationForm[]>();
  let longestAbbreviation = 0;
  let longestFullForm = 0;
  for (const form of forms.values()) {
    const key = form.words.map(fold).join(' ');
    push(byFolded, key, form);
    longestAbbreviation = Math.max(longestAbbreviation, form.words.length);
    for (const sense of form.senses) {
      if (sense.phrases.length === 0) continue;
      push(byMeaning, sense.key, form);
      longestFullForm = Math.max(longestFullForm, wordCount(sense.key));
    }
  }
  return { abbreviations: byFolded, fullForms: byMeaning, longestAbbreviation, longestFullForm };
}

/** "acetylsalicylic acid (aspirin)" → ["acetylsalicylic acid", "aspirin"]; "antibiotic(s)" → ["antibiotic"]. */
export function meaningPhrases(meaning: string): string[] {
  const cleaned = meaning.replace(/\(s\)/gi, '');
  const inside = [...cleaned.matchAll(/\(([^()]*)\)/g)].map((m) => (m[1] ?? '').trim());
  const main = cleaned.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const seen = new Set<string>();
  return [main, ...inside].filter((phrase) => {
    const key = foldedKey(phrase);
    const count = key === '' ? 0 : key.split(' ').length;
    if (count === 0 || count > MAX_PHRASE_WORDS || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function buildMesh(descriptors: readonly MeshDescriptor[], stemKey: (text: string) => string) {
  const mesh: MeshHeading[] = [];
  const meshNames = new Map<string, MeshNameMatch[]>();
  const meshByTreeNumber = new Map<string, number>();
  const meshChildren = new Map<string, string[]>();
  let longestMesh = 0;

  const addKey = (key: string, match: MeshNameMatch) => {
    if (key === '') return;
    const list = meshNames.get(key);
    if (list === undefined) {
      meshNames.set(key, [match]);
      longestMesh = Math.max(longestMesh, wordCount(key));
    } else if (!list.some((m) => m.heading === match.heading)) {
      list.push(match);
    }
  };
  const addName = (heading: number, term: string, preferred: boolean) => {
    const match = { heading, term, preferred };
    const plain = withoutQualifier(term);
    const natural = naturalOrder(term);
    addKey(stemKey(plain), match);
    if (natural !== plain) addKey(stemKey(natural), match);
  };

  for (const descriptor of descriptors) {
    const index = mesh.length;
    const natural = naturalOrder(descriptor.name);
    const treeNumbers = descriptor.treeNumbers.length > 1 ? [...new Set(descriptor.treeNumbers)].sort() : descriptor.treeNumbers;
    mesh.push({
      id: descriptor.id,
      name: descriptor.name,
      natural,
      treeNumbers,
      entryTerms: descriptor.entryTerms,
    });
    addName(index, descriptor.name, true);
    for (const term of descriptor.entryTerms) addName(index, term, false);
    for (const treeNumber of treeNumbers) {
      meshByTreeNumber.set(treeNumber, index);
      const dot = treeNumber.lastIndexOf('.');
      if (dot > 0) push(meshChildren, treeNumber.slice(0, dot), treeNumber);
    }
  }
  for (const children of meshChildren.values()) children.sort();
  return { mesh, meshNames, meshByTreeNumber, meshChildren, longestMesh };
}

/** "Retention (Psychology)" → "Retention". */
function withoutQualifier(name: string): string {
  if (!name.includes('(')) return name.trim();
  return name.replace(/\s*\([^()]*\)/g, '').trim();
}

/** MeSH inverts names at ", ": "Diabetes Mellitus, Type 2" → "Type 2 Diabetes Mellitus". */
export function naturalOrder(name: string): string {
  const plain = withoutQualifier(name);
  return plain.includes(', ') ? plain.split(', ').reverse().join(' ').trim() : plain;
}

function buildDrugs(drugs: readonly DrugNames[]) {
  const merged = new Map<string, { generic: string; brands: string[] }>();
  const brands = new Map<string, { brand: string; generics: string[] }>();
  let longestDrug = 0;
  for (const drug of drugs) {
    const key = foldedKey(drug.generic);
    if (key === '') continue;
    const entry = merged.get(key) ?? { generic: drug.generic.trim(), brands: [] };
    merged.set(key, entry);
    longestDrug = Math.max(longestDrug, wordCount(key));
    for (const raw of drug.brands) {
      const brand = raw.trim();
      const brandKey = foldedKey(brand);
      if (brandKey === '' || brandKey === key) continue;
      if (!entry.brands.includes(brand)) entry.brands.push(brand);
      const known = brands.get(brandKey) ?? { brand, generics: [] };
      if (!known.generics.includes(entry.generic)) known.generics.push(entry.generic);
      brands.set(brandKey, known);
      longestDrug = Math.max(longestDrug, wordCount(brandKey));
    }
  }
  // Brands of this generic alone first, then combination products; each group in the list's order.
  const generics = new Map<string, GenericEntry>();
  for (const [key, { generic, brands: names }] of merged) {
    const choices = names.map((brand) => brands.get(foldedKey(brand)) ?? { brand, generics: [generic] });
    generics.set(key, {
      generic,
      brands: [...choices.filter((b) => b.generics.length <= 1), ...choices.filter((b) => b.generics.length > 1)],
    });
  }
  return { generics, brands, longestDrug };
}

function wordCount(key: string): number {
  let count = 1;
  for (let i = key.indexOf(' '); i !== -1; i = key.indexOf(' ', i + 1)) count += 1;
  return count;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
