import { REFERENCE_LABELS } from '../answer/references.js';
import type { Reference } from '../domain/answer.js';
import { INTEGRITY_LABELS } from '../domain/integrity.js';
import { JOURNAL_RECORD_FORMATS, type SourceFormat } from '../domain/source.js';

/**
 * An article's references for reference managers (Zotero, EndNote, Mendeley, LaTeX): RIS, BibTeX
 * and CSL-JSON. Pure: the answer's references in, the file's text out.
 *
 * Each reference is read once into a neutral item (names split, key chosen, kind decided) and
 * each format renders items. The kind follows what the work is:
 *
 *   - a work with a journal is a journal article: RIS `JOUR`, BibTeX `@article`, CSL `article-journal`;
 *   - an in-house overview is an unpublished document of this service, not a publication, so it
 *     is the generic type of each format (RIS `GEN`, `@misc`, CSL `document`) with a note saying
 *     what it is and whether a reviewer approved it;
 *   - a guideline without a journal is usually a body's report (NICE, WHO): RIS `RPRT`, CSL
 *     `report`, and `@misc` in BibTeX, whose `@techreport` would demand an institution we lack;
 *   - anything else is generic.
 */
export const CITE_FORMATS = ['ris', 'bibtex', 'csl-json'] as const;
export type CiteFormat = (typeof CITE_FORMATS)[number];

export const CITE_FORMAT_FILES: Readonly<Record<CiteFormat, { contentType: string; extension: string; label: string }>> = {
  ris: { contentType: 'application/x-research-info-systems', extension: 'ris', label: 'RIS' },
  bibtex: { contentType: 'application/x-bibtex', extension: 'bib', label: 'BibTeX' },
  'csl-json': { contentType: 'application/vnd.citationstyles.csl+json', extension: 'json', label: 'CSL-JSON' },
};

/** What an export needs of a reference. */
export type CitableReference = Pick<Reference, 'source' | 'links'>;

export function formatReferences(references: readonly CitableReference[], format: CiteFormat): string {
  const items = citeItems(references);
  if (format === 'ris') return toRis(items);
  if (format === 'bibtex') return bibtexEntries(items).map((entry) => entry.text).join('\n\n') + (items.length > 0 ? '\n' : '');
  return toCslJson(items);
}

// ---------------------------------------------------------------------------------------------
// Items

export type PersonName = { family: string; given?: string } | { literal: string };

type ItemKind = 'journal-article' | 'in-house' | 'report' | 'other';

export interface CiteItem {
  /** Unique in the export: first author's surname (or the title's first word), year, a letter. */
  key: string;
  kind: ItemKind;
  title: string;
  names: PersonName[];
  journal?: string;
  year?: number;
  /** Year, month, day as far as the source's publication date gives them. */
  date?: number[];
  doi?: string;
  pmid?: string;
  pmcid?: string;
  urls: string[];
  /** The evidence level, retraction status and review status: what a reader must not lose. */
  notes: string[];
}

export function citeItems(references: readonly CitableReference[]): CiteItem[] {
  const used = new Set<string>();
  return references.map((reference) => {
    const item = citeItem(reference);
    const key = uniqueKey(`${keyName(item)}${item.year ?? 'nd'}`, used);
    used.add(key);
    return { ...item, key };
  });
}

function citeItem({ source, links }: CitableReference): Omit<CiteItem, 'key'> {
  const kind: ItemKind = source.evidenceLevel === 'in-house' ? 'in-house' : source.journal ? 'journal-article' : source.evidenceLevel === 'guideline' ? 'report' : 'other';
  const notes = [`Evidence level: ${REFERENCE_LABELS[source.evidenceLevel]}`];
  if (source.integrity !== 'ok') notes.push(INTEGRITY_LABELS[source.integrity]);
  if (kind === 'in-house') {
    if (source.published) notes.push(`Updated ${source.published}`);
    notes.push(source.statusNote ?? (source.reviewStatus === 'approved' ? 'Approved by a medical reviewer' : 'Not medically reviewed'));
  } else if (source.statusNote) notes.push(source.statusNote);
  const date = dateParts(source.published, source.year);
  return {
    kind,
    title: oneLine(source.title),
    names: source.authors.map((name) => parseAuthorName(name, source.format)).filter((name) => ('literal' in name ? name.literal : name.family) !== ''),
    ...(source.journal ? { journal: oneLine(source.journal) } : {}),
    ...(source.year !== undefined ? { year: source.year } : {}),
    ...(date ? { date } : {}),
    ...(source.ids.doi ? { doi: source.ids.doi.trim() } : {}),
    ...(source.ids.pmid ? { pmid: source.ids.pmid.trim() } : {}),
    ...(source.ids.pmcid ? { pmcid: source.ids.pmcid.trim() } : {}),
    urls: links.map((link) => link.url),
    notes: notes.map(oneLine),
  };
}

const INITIALS = /^\p{Lu}{1,4}$/u;
/** Words that make an author a group rather than a person ("GOUT Trial Group", "WHO Guideline Development Committee"). */
const GROUP_WORDS =
  /\b(group|consortium|collaborat\w*|committee|society|association|investigators|network|team|panel|organi[sz]ation|council|task force|trialists|college|institute|academy|federation|alliance|foundation|board|agency|working party)\b/iu;

/**
 * Authors as the library holds them: MEDLINE, JATS and Europe PMC give "Surname Initials" ("Smith JA",
 * "van der Berg K") or a group's name; documents give "Given Family" ("Ada Lovelace") or
 * "Family, Given". A journal record's name that does not end in initials is a group.
 */
export function parseAuthorName(name: string, format: SourceFormat): PersonName {
  const text = oneLine(name);
  if (GROUP_WORDS.test(text)) return { literal: text };
  const comma = text.indexOf(',');
  if (comma >= 0) {
    const family = text.slice(0, comma).trim();
    const given = text.slice(comma + 1).trim();
    return given ? { family, given } : { family };
  }
  const words = text.split(' ');
  const last = words.at(-1) ?? '';
  if (words.length === 1) return { family: text };
  if (INITIALS.test(last)) return { family: words.slice(0, -1).join(' '), given: spacedInitials(last) };
  if (JOURNAL_RECORD_FORMATS.has(format)) return { literal: text };
  return { family: last, given: words.slice(0, -1).join(' ') };
}

/** "JA" → "J. A.": how reference managers and BibTeX expect initials. */
function spacedInitials(initials: string): string {
  return Array.from(initials, (letter) => `${letter}.`).join(' ');
}

const TITLE_SKIP = new Set(['a', 'an', 'the', 'of', 'on', 'in', 'for', 'and', 'to']);

/** The surname part of a key: ASCII letters of the first author's surname, else of the title's first word. */
function keyName(item: Omit<CiteItem, 'key'>): string {
  const first = item.names[0];
  const word = first
    ? ('literal' in first ? first.literal.split(' ')[0] : first.family.split(' ').at(-1))
    : item.title.split(' ').find((w) => !TITLE_SKIP.has(w.toLowerCase()));
  const letters = (word ?? '').normalize('NFKD').toLowerCase().replace(/[^a-z]/g, '');
  return letters === '' ? 'ref' : letters;
}

/** base + "a", "b", … "z", "aa", …: the first not yet used. */
function uniqueKey(base: string, used: ReadonlySet<string>): string {
  for (let n = 0; ; n += 1) {
    const key = `${base}${suffix(n)}`;
    if (!used.has(key)) return key;
  }
}

function suffix(n: number): string {
  let out = '';
  for (let rest = n + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) out = String.fromCharCode(97 + ((rest - 1) % 26)) + out;
  return out;
}

/** [year, month?, day?] from "2020-05-12" or "2020-05", when it agrees with the year; else [year]. */
function dateParts(published: string | undefined, year: number | undefined): number[] | undefined {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(published ?? '');
  if (match && (year === undefined || Number(match[1]) === year)) {
    return [match[1], match[2], match[3]].filter((part): part is string => part !== undefined).map(Number);
  }
  return year === undefined ? undefined : [year];
}

/** Line breaks and runs of spaces collapsed: no value may break a format's line structure. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\s]+/gu, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// RIS: one "TAG  - value" per line, "ER  - " closing each record (CRLF, as RIS files are written
// by EndNote and read by every manager).

const RIS_TYPES: Readonly<Record<ItemKind, string>> = { 'journal-article': 'JOUR', 'in-house': 'GEN', report: 'RPRT', other: 'GEN' };

export function toRis(items: readonly CiteItem[]): string {
  return items.map(risRecord).join('\r\n');
}

function risRecord(item: CiteItem): string {
  const lines: [string, string][] = [['TY', RIS_TYPES[item.kind]], ['TI', item.title]];
  for (const name of item.names) lines.push(['AU', 'literal' in name ? name.literal : name.given ? `${name.family}, ${name.given}` : name.family]);
  if (item.journal) lines.push([item.kind === 'journal-article' ? 'JO' : 'T2', item.journal]);
  if (item.year !== undefined) lines.push(['PY', String(item.year)]);
  if (item.doi) lines.push(['DO', item.doi]);
  if (item.pmid) lines.push(['AN', item.pmid]);
  for (const url of item.urls) lines.push(['UR', url]);
  if (item.pmcid) lines.push(['N1', `PMCID: ${item.pmcid}`]);
  for (const note of item.notes) lines.push(['N1', note]);
  return [...lines.map(([tag, value]) => `${tag}  - ${value}`), 'ER  - ', ''].join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// BibTeX

const BIBTEX_TYPES: Readonly<Record<ItemKind, string>> = { 'journal-article': 'article', 'in-house': 'misc', report: 'misc', other: 'misc' };

/**
 * BibTeX's special characters written as commands. Braces become \textbraceleft{} and
 * \textbraceright{} rather than \{ and \}: BibTeX counts every brace, escaped or not, when it
 * finds where a value ends, so only these keep every entry balanced.
 */
const BIBTEX_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '{': '\\textbraceleft{}',
  '}': '\\textbraceright{}',
  '%': '\\%',
  '&': '\\&',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

export function bibtexEscape(text: string): string {
  return text.replace(/[\\{}%&$#_~^]/g, (c) => BIBTEX_ESCAPES[c] ?? c);
}

/**
 * DOIs and URLs are read verbatim by biblatex and by \url, where a command would be taken
 * literally: they go as they are, but for braces and backslashes (which no real DOI or link of
 * ours holds), percent-encoded so the entry stays balanced.
 */
function bibtexVerbatim(text: string): string {
  return text.replace(/\s+/g, '').replace(/[{}\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function bibtexEntries(items: readonly CiteItem[]): { key: string; text: string }[] {
  return items.map((item) => {
    const fields: [string, string][] = [];
    if (item.names.length > 0) fields.push(['author', item.names.map(bibtexName).join(' and ')]);
    // Double braces keep the title's capitals (HIV, COVID-19) from being lowered by styles.
    fields.push(['title', `{${bibtexEscape(item.title)}}`]);
    if (item.journal) fields.push(['journal', bibtexEscape(item.journal)]);
    if (item.kind === 'in-house') fields.push(['howpublished', 'In-house overview']);
    if (item.year !== undefined) fields.push(['year', String(item.year)]);
    if (item.doi) fields.push(['doi', bibtexVerbatim(item.doi)]);
    const url = primaryUrl(item);
    if (url) fields.push(['url', bibtexVerbatim(url)]);
    if (item.pmid) fields.push(['pmid', bibtexEscape(item.pmid)]);
    if (item.pmcid) fields.push(['pmcid', bibtexEscape(item.pmcid)]);
    fields.push(['note', bibtexEscape(item.notes.join('. '))]);
    const body = fields.map(([name, value]) => `  ${name} = {${value}}`).join(',\n');
    return { key: item.key, text: `@${BIBTEX_TYPES[item.kind]}{${item.key},\n${body}\n}` };
  });
}

/** "Family, Given"; a group's name in braces, so BibTeX neither splits it at "and" nor inverts it. */
function bibtexName(name: PersonName): string {
  if ('literal' in name) return `{${bibtexEscape(name.literal)}}`;
  const protect = (part: string) => (/\sand\s/i.test(part) ? `{${bibtexEscape(part)}}` : bibtexEscape(part));
  return name.given ? `${protect(name.family)}, ${protect(name.given)}` : protect(name.family);
}

/** The one link a single-URL field gets: the DOI's when there is one (it outlives publishers' pages). */
function primaryUrl(item: CiteItem): string | undefined {
  return item.urls.find((url) => url.startsWith('https://doi.org/')) ?? item.urls[0];
}

// ---------------------------------------------------------------------------------------------
// CSL-JSON (https://github.com/citation-style-language/schema, csl-data.json): what citeproc
// processors, Zotero and pandoc read.

const CSL_TYPES: Readonly<Record<ItemKind, string>> = { 'journal-article': 'article-journal', 'in-house': 'document', report: 'report', other: 'document' };

export function toCslJson(items: readonly CiteItem[]): string {
  return `${JSON.stringify(items.map(cslItem), null, 2)}\n`;
}

function cslItem(item: CiteItem): Record<string, unknown> {
  const url = primaryUrl(item);
  return {
    id: item.key,
    type: CSL_TYPES[item.kind],
    title: item.title,
    ...(item.names.length > 0 ? { author: item.names.map((name) => ({ ...name })) } : {}),
    ...(item.journal ? { 'container-title': item.journal } : {}),
    ...(item.kind === 'in-house' ? { genre: 'In-house overview' } : {}),
    ...(item.date ? { issued: { 'date-parts': [item.date] } } : {}),
    ...(item.doi ? { DOI: item.doi } : {}),
    ...(item.pmid ? { PMID: item.pmid } : {}),
    ...(item.pmcid ? { PMCID: item.pmcid } : {}),
    ...(url ? { URL: url } : {}),
    note: item.notes.join('. '),
  };
}
