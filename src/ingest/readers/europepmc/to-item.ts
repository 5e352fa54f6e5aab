import type { CorrectionLink } from '../../../domain/integrity.js';
import { normalizeDoi, type MeshHeading, type RecordVersion, type SourceIdentifiers, type SourceInput } from '../../../domain/source.js';
import { createTextBuilder, normalizeSpace } from '../../../domain/text.js';
import type { ReaderItem } from '../../reader.js';
import { publicationTypeOfArticleType, publicationTypeOfSubject } from '../jats/publication-types.js';
import { abstractParagraphs, inlineText } from './abstract.js';

/** Where a result sits in its file. */
export interface ResultOrigin {
  path: string;
  /** Its index in `resultList.result`, from 0. */
  index: number;
  /** 1-based line where it starts. */
  line: number;
}

/** Shown wherever a preprint is: the library must not present it as peer-reviewed evidence. */
export const PREPRINT_STATUS_NOTE = 'Preprint: not peer reviewed';

const PMID = /^\d+$/;
const PMCID = /^PMC\d+$/i;
const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * One `core` result as a source, or a skip saying why not. Fields of the wrong type are read as
 * absent: a record is kept whenever it has an id and a title or an abstract.
 */
export function resultToItem(result: unknown, origin: ResultOrigin): ReaderItem {
  const where = `resultList.result[${origin.index}]`;
  if (!isObject(result)) return { kind: 'skip', line: origin.line, reason: `${where} is not a JSON object` };
  const ids = identifiers(result);
  const key = sourceKey(result, ids);
  if (key === undefined) return { kind: 'skip', line: origin.line, reason: `${where} has no PMID, no PMCID and no source and id` };
  const title = inlineText(text(result.title) ?? '');
  const paragraphs = abstractParagraphs(text(result.abstractText) ?? '');
  if (title === '' && paragraphs.length === 0) {
    return { kind: 'skip', line: origin.line, recordId: key.id, reason: `${where} has no title and no abstract` };
  }

  const builder = createTextBuilder();
  for (const paragraph of paragraphs) builder.addParagraph([paragraph.label ?? 'Abstract'], paragraph.text);
  const publicationTypes = publicationTypesOf(result);
  const source: SourceInput = {
    id: key.id,
    ids,
    title,
    authors: authorsOf(result),
    publicationTypes,
    mesh: meshOf(result),
    keywords: unique(listOf(result.keywordList, 'keyword').map((keyword) => inlineText(text(keyword) ?? '')).filter((keyword) => keyword !== '')),
    correctionLinks: correctionLinksOf(result),
    version: versionOf(key.kind, result),
    references: [],
    origin: { format: 'europepmc', path: origin.path, line: origin.line },
    ...builder.build(),
  };
  const journal = journalOf(result);
  if (journal !== undefined) source.journal = journal;
  const { year, published } = datesOf(result);
  if (year !== undefined) source.year = year;
  if (published !== undefined) source.published = published;
  const language = text(result.language);
  if (language !== undefined) source.language = language;
  const licence = text(result.license);
  if (licence !== undefined) source.licence = licence;
  if (publicationTypes.some((type) => type.toLowerCase() === 'preprint')) source.statusNote = PREPRINT_STATUS_NOTE;
  return { kind: 'source', source };
}

type KeyKind = 'pmid' | 'pmc' | 'europepmc';

/**
 * `pmid:<PMID>` when the record has one, so a paper fetched from PubMed and from Europe PMC is one
 * source; else `pmc:<PMCID>`, the id the JATS reader gives the same paper's full text; else
 * `europepmc:<SOURCE>:<id>` (preprints, Agricola, patents, theses …).
 */
function sourceKey(result: Record<string, unknown>, ids: SourceIdentifiers): { kind: KeyKind; id: string } | undefined {
  if (ids.pmid !== undefined) return { kind: 'pmid', id: `pmid:${ids.pmid}` };
  if (ids.pmcid !== undefined) return { kind: 'pmc', id: `pmc:${ids.pmcid}` };
  const source = text(result.source)?.toUpperCase();
  const id = idText(result.id);
  if (source === undefined || id === undefined || !/^[A-Z]+$/.test(source) || /\s/.test(id)) return undefined;
  return { kind: 'europepmc', id: `europepmc:${source}:${id}` };
}

/** PMID and PMCID from their fields, or from `id` when the record's source is MED or PMC. */
function identifiers(result: Record<string, unknown>): SourceIdentifiers {
  const source = text(result.source)?.toUpperCase();
  const id = idText(result.id);
  const ids: SourceIdentifiers = {};
  const pmid = idText(result.pmid) ?? (source === 'MED' ? id : undefined);
  if (pmid !== undefined && PMID.test(pmid)) ids.pmid = pmid;
  const pmcid = idText(result.pmcid) ?? (source === 'PMC' ? id : undefined);
  if (pmcid !== undefined && PMCID.test(pmcid)) ids.pmcid = pmcid.toUpperCase();
  const doi = normalizeDoi(text(result.doi) ?? '');
  if (doi !== undefined) ids.doi = doi;
  return ids;
}

/**
 * Which version of the record this is; see the reader's comment (europepmc.ts) for why.
 * `dateOfRevision` of a MEDLINE record is MEDLINE's DateRevised, so under a PMID it is compared
 * with the MEDLINE reader's record on the same clock; without it, and always under a PMCID, the
 * copy ranks below any record that has a version of its own (number 0).
 */
function versionOf(kind: KeyKind, result: Record<string, unknown>): RecordVersion {
  const revised = text(result.dateOfRevision);
  const dated = revised !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(revised) ? revised : undefined;
  if (kind === 'pmc' || (kind === 'pmid' && dated === undefined)) return dated === undefined ? { number: 0 } : { number: 0, revised: dated };
  return dated === undefined ? { number: 1 } : { number: 1, revised: dated };
}

/**
 * NLM publication types as the domain reads them: MEDLINE records carry NLM's names already;
 * records known only to PMC carry JATS article types ("review-article"), mapped as the JATS
 * reader maps them. A preprint always says so, whether or not the record listed it.
 */
function publicationTypesOf(result: Record<string, unknown>): string[] {
  const types: string[] = [];
  for (const value of listOf(result.pubTypeList, 'pubType')) {
    const raw = text(value);
    if (raw === undefined) continue;
    const mapped = publicationTypeOfSubject(raw) ?? publicationTypeOfArticleType(raw);
    types.push(mapped);
  }
  if (text(result.source)?.toUpperCase() === 'PPR' && !types.some((type) => type.toLowerCase() === 'preprint')) types.push('Preprint');
  return unique(types);
}

/** "LastName Initials" ("Smith JA") as the MEDLINE reader writes them, or the group's name. */
function authorsOf(result: Record<string, unknown>): string[] {
  const listed = listOf(result.authorList, 'author');
  if (listed.length > 0) return unique(listed.map(authorName).filter((name) => name !== ''));
  // Only the one-line form: "Smith JA, Doe B." (a group's name with a comma in it would be split).
  const line = text(result.authorString);
  if (line === undefined) return [];
  return line
    .replace(/\.$/, '')
    .split(/,\s+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

function authorName(author: unknown): string {
  if (!isObject(author)) return '';
  const lastName = text(author.lastName);
  if (lastName !== undefined) {
    const initials = text(author.initials)?.replace(/[\s.]/g, '') ?? initialsOf(text(author.firstName));
    return initials === '' ? lastName : `${lastName} ${initials}`;
  }
  return text(author.collectiveName) ?? text(author.fullName) ?? '';
}

/** Initials from a first name when the record gives none: "Jean-Paul" → "JP". */
function initialsOf(firstName: string | undefined): string {
  const words = firstName?.split(/[\s.-]+/).filter((word) => word !== '') ?? [];
  return words.map((word) => word.charAt(0).toUpperCase()).join('');
}

/** The descriptor, major when it or any of its qualifiers is (as the MEDLINE reader reads MajorTopicYN). */
function meshOf(result: Record<string, unknown>): MeshHeading[] {
  const out: MeshHeading[] = [];
  for (const heading of listOf(result.meshHeadingList, 'meshHeading')) {
    if (!isObject(heading)) continue;
    const descriptor = text(heading.descriptorName);
    if (descriptor === undefined) continue;
    const qualifiers = listOf(heading.meshQualifierList, 'meshQualifier').filter(isObject);
    const majorTopic = heading.majorTopic_YN === 'Y' || qualifiers.some((qualifier) => qualifier.majorTopic_YN === 'Y');
    const names = qualifiers.map((qualifier) => text(qualifier.qualifierName)).filter((name): name is string => name !== undefined);
    out.push({ descriptor, majorTopic, qualifiers: names });
  }
  return out;
}

/**
 * Comments and corrections as MEDLINE's CommentsCorrections links: Europe PMC writes the RefType
 * in words ("Retraction in", "Erratum for"), MEDLINE as one word ("RetractionIn"), which is
 * what the domain's integrity rules read.
 */
function correctionLinksOf(result: Record<string, unknown>): CorrectionLink[] {
  const links: CorrectionLink[] = [];
  for (const entry of listOf(result.commentCorrectionList, 'commentCorrection')) {
    if (!isObject(entry)) continue;
    const relation = refType(text(entry.type) ?? '');
    if (relation === '' || relation === 'Cites') continue;
    const link: CorrectionLink = { relation };
    const id = idText(entry.id);
    if (id !== undefined && text(entry.source)?.toUpperCase() === 'MED' && PMID.test(id)) link.pmid = id;
    const citation = text(entry.reference) ?? text(entry.note);
    if (citation !== undefined) link.citation = citation;
    links.push(link);
  }
  return links;
}

/** "Retraction in" → "RetractionIn", "Expression of concern for" → "ExpressionOfConcernFor". */
export function refType(words: string): string {
  return words
    .split(/[\s_-]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join('');
}

/** The journal's full title, as the MEDLINE reader takes Journal/Title; a preprint's server. */
function journalOf(result: Record<string, unknown>): string | undefined {
  const info = isObject(result.journalInfo) ? result.journalInfo : {};
  const journal = isObject(info.journal) ? info.journal : {};
  const book = isObject(result.bookOrReportDetails) ? result.bookOrReportDetails : {};
  const name = text(journal.title) ?? text(journal.isoabbreviation) ?? text(journal.medlineAbbreviation) ?? text(result.journalTitle) ?? text(book.publisher);
  return name === undefined ? undefined : inlineText(name);
}

/** The year of publication, and the date as precisely as the record gives it (the issue's, else the first). */
function datesOf(result: Record<string, unknown>): { year?: number; published?: string } {
  const info = isObject(result.journalInfo) ? result.journalInfo : {};
  const dates = [info.printPublicationDate, result.firstPublicationDate, result.electronicPublicationDate]
    .map((value) => isoDate(text(value)))
    .filter((value): value is string => value !== undefined);
  const year = yearOf(result.pubYear) ?? yearOf(info.yearOfPublication) ?? yearOf(dates[0]?.slice(0, 4));
  // A date from another year than pubYear (an early online date) would contradict the year shown.
  const published = dates.find((date) => year === undefined || date.startsWith(String(year))) ?? (year === undefined ? undefined : String(year));
  return { ...(year === undefined ? {} : { year }), ...(published === undefined ? {} : { published }) };
}

/** "YYYY-MM-DD" as far as it is a date: "2019-07-00" (no day known) is "2019-07". */
function isoDate(value: string | undefined): string | undefined {
  const match = value === undefined ? null : ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, year = '', month, day] = match;
  if (month === undefined || !(Number(month) >= 1 && Number(month) <= 12)) return year;
  if (day === undefined || !(Number(day) >= 1 && Number(day) <= 31)) return `${year}-${month}`;
  return `${year}-${month}-${day}`;
}

function yearOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{4}$/.test(value.trim()) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1000 && n <= 9999 ? n : undefined;
}

/**
 * The items of a list such as `{"keywordList": {"keyword": [...]}}`. Europe PMC's JSON always
 * writes an array; a single value (from a converter of its XML) is taken as a list of one.
 */
function listOf(holder: unknown, item: string): unknown[] {
  if (!isObject(holder)) return [];
  const items = holder[item];
  if (Array.isArray(items)) return items;
  return items === undefined || items === null ? [] : [items];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, whitespace collapsed; anything else is absent. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = normalizeSpace(value);
  return trimmed === '' ? undefined : trimmed;
}

/** An identifier: a string, or a whole number (some converters write PMIDs as numbers). */
function idText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return text(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
