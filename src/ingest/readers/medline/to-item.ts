import type { CorrectionLink } from '../../../domain/integrity.js';
import type { MeshHeading, SourceIdentifiers, SourceInput } from '../../../domain/source.js';
import { createTextBuilder, normalizeSpace } from '../../../domain/text.js';
import type { ReaderItem } from '../../reader.js';
import { firstDate, readFullDate } from './dates.js';
import type { MedlineRecord, RawAuthor } from './record.js';

const PMID = /^\d+$/;
const PMCID = /^PMC\d+/;

/** Turns a parsed record into a reader item: a source, a deletion, or a skip saying why not. */
export function recordToItem(record: MedlineRecord, origin: { path: string; line: number }): ReaderItem {
  if (record.kind === 'DeleteCitation') return deletionItem(record, origin.line);
  if (record.pmid === undefined || record.pmid === '') {
    return { kind: 'skip', line: origin.line, reason: `<${record.kind}> has no PMID, so it cannot be identified` };
  }
  if (!PMID.test(record.pmid)) {
    return { kind: 'skip', line: origin.line, reason: `<${record.kind}> has PMID "${record.pmid}", which is not a number` };
  }
  return { kind: 'source', source: toSourceInput(record, record.pmid, origin) };
}

function deletionItem(record: MedlineRecord, line: number): ReaderItem {
  const pmids = record.deletedPmids.filter((pmid) => PMID.test(pmid));
  if (pmids.length === 0) return { kind: 'skip', line, reason: '<DeleteCitation> lists no valid PMID' };
  return { kind: 'delete', sourceIds: pmids.map((pmid) => `pmid:${pmid}`), line };
}

function toSourceInput(record: MedlineRecord, pmid: string, origin: { path: string; line: number }): SourceInput {
  const isBook = record.kind === 'PubmedBookArticle';
  const articleTitle = clean(record.articleTitle);
  const date = firstDate(record.pubDate, record.articleDate, record.contributionDate, record.dateCompleted, record.dateCreated);
  const revised = readFullDate(record.dateRevised);
  const built = buildText(record);
  const source: SourceInput = {
    id: `pmid:${pmid}`,
    ids: identifiers(record, pmid),
    title: articleTitle ?? clean(record.vernacularTitle) ?? (isBook ? clean(record.bookTitle) : undefined) ?? '',
    authors: authorNames(isBook && record.authors.length === 0 ? record.bookAuthors : record.authors),
    publicationTypes: cleanList(record.publicationTypes),
    mesh: meshHeadings(record.mesh),
    keywords: cleanList(record.keywords),
    correctionLinks: correctionLinks(record.corrections),
    version: revised === undefined ? { number: versionNumber(record.pmidVersion) } : { number: versionNumber(record.pmidVersion), revised },
    references: [],
    origin: { format: 'medline', path: origin.path, line: origin.line },
    ...built,
  };
  // A book chapter's container is its book; a whole book's is its publisher.
  const journal = isBook ? (articleTitle === undefined ? clean(record.publisher) : clean(record.bookTitle)) : clean(record.journal);
  if (journal !== undefined) source.journal = journal;
  if (date) {
    source.year = date.year;
    source.published = date.iso;
  }
  const language = record.languages.find((value) => value !== '');
  if (language !== undefined) source.language = language;
  const licence = clean(record.copyright);
  if (licence !== undefined) source.licence = licence;
  return source;
}

function identifiers(record: MedlineRecord, pmid: string): SourceIdentifiers {
  const ids: SourceIdentifiers = { pmid };
  const pmcid =
    record.articleIds.find((id) => id.type === 'pmc' && PMCID.test(id.value))?.value.match(PMCID)?.[0] ??
    record.nlmOtherIds.find((id) => PMCID.test(id))?.match(PMCID)?.[0];
  if (pmcid !== undefined) ids.pmcid = pmcid;
  const doi = record.elocationDoi || record.articleIds.find((id) => id.type === 'doi' && id.value !== '')?.value;
  if (doi) ids.doi = doi;
  return ids;
}

/** The abstract, then any English other abstract; each AbstractText is one paragraph. */
function buildText(record: MedlineRecord): { text: string; sections: SourceInput['sections']; paragraphs: SourceInput['paragraphs'] } {
  const builder = createTextBuilder();
  for (const part of record.abstract) {
    builder.addParagraph(part.label === undefined ? ['Abstract'] : [sectionLabel(part.label)], part.text);
  }
  for (const other of record.otherAbstracts) {
    if (other.language !== 'eng') continue;
    const heading = other.type === 'plain-language-summary' ? 'Plain language summary' : 'Other abstract';
    for (const part of other.parts) {
      builder.addParagraph(part.label === undefined ? [heading] : [heading, sectionLabel(part.label)], part.text);
    }
  }
  return builder.build();
}

/** "BACKGROUND" → "Background", "METHODS AND RESULTS" → "Methods and results"; mixed case kept. */
export function sectionLabel(label: string): string {
  const text = normalizeSpace(label);
  const hasLowercase = text !== text.toUpperCase();
  const hasUppercase = text !== text.toLowerCase();
  if (hasLowercase || !hasUppercase) return text;
  return text.charAt(0) + text.slice(1).toLowerCase();
}

/** "LastName Initials" ("Smith JA"), or the group's name; authors marked invalid are dropped. */
function authorNames(authors: readonly RawAuthor[]): string[] {
  const names: string[] = [];
  for (const author of authors) {
    if (!author.valid) continue;
    const name = authorName(author);
    if (name !== '') names.push(name);
  }
  return names;
}

function authorName(author: RawAuthor): string {
  const lastName = clean(author.lastName);
  if (lastName === undefined) return clean(author.collectiveName) ?? '';
  const initials = clean(author.initials)?.replace(/[\s.]/g, '') ?? initialsOf(author.foreName);
  return initials === '' ? lastName : `${lastName} ${initials}`;
}

/** Initials from a fore name when the record gives none: "Jean-Paul" → "JP". */
function initialsOf(foreName: string | undefined): string {
  const words = clean(foreName)?.split(/[\s.-]+/) ?? [];
  return words.map((word) => word.charAt(0).toUpperCase()).join('');
}

function meshHeadings(headings: readonly MeshHeading[]): MeshHeading[] {
  const out: MeshHeading[] = [];
  for (const heading of headings) {
    const descriptor = normalizeFieldText(heading.descriptor);
    if (descriptor === '') continue;
    const cleaned: MeshHeading = { descriptor, majorTopic: heading.majorTopic, qualifiers: cleanList(heading.qualifiers) };
    if (heading.ui !== undefined) cleaned.ui = heading.ui.trim();
    out.push(cleaned);
  }
  return out;
}

function correctionLinks(links: readonly CorrectionLink[]): CorrectionLink[] {
  const out: CorrectionLink[] = [];
  for (const link of links) {
    const relation = normalizeFieldText(link.relation);
    // "Cites" is the 2016 DTD's reference list, not a comment or correction.
    if (relation === '' || relation === 'Cites') continue;
    const cleaned: CorrectionLink = { relation };
    const pmid = link.pmid?.trim();
    if (pmid) cleaned.pmid = pmid;
    const citation = clean(link.citation);
    if (citation !== undefined) cleaned.citation = citation;
    out.push(cleaned);
  }
  return out;
}

function versionNumber(version: string | undefined): number {
  const number = version === undefined ? NaN : Number(version);
  return Number.isInteger(number) && number >= 1 ? number : 1;
}

// Most field values (names, MeSH terms, ids) have no whitespace to fix; testing first is several
// times cheaper than always rebuilding the string, and a record has dozens of such values. It
// must agree with normalizeSpace, whose trim() also drops Unicode spaces (\s) at either end.
const NEEDS_NORMALIZING = /[\t\n\r\f\v]| {2}|^\s|\s$/;

/** Same result as normalizeSpace, faster on text that is already clean. */
export function normalizeFieldText(value: string): string {
  return NEEDS_NORMALIZING.test(value) ? normalizeSpace(value) : value;
}

/** Whitespace-normalised text, or undefined when there is none. */
function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = normalizeFieldText(value);
  return text === '' ? undefined : text;
}

function cleanList(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    const text = normalizeFieldText(value);
    if (text !== '') out.push(text);
  }
  return out;
}
