import type { MeshHeading } from '../../../domain/source.js';
import type { CorrectionLink } from '../../../domain/integrity.js';
import { emptyRecord, type MedlineRecord, type RawAbstractPart, type RawAuthor, type RawDate, type RawOtherAbstract } from './record.js';

/**
 * Turns the element events of one record into a MedlineRecord. Where an element name means
 * different things in different places (a PMID of the record or of a linked article, a Year of
 * the publication date or of a history entry), the parent element decides.
 *
 * Text of an element we read is collected with the text of every element inside it, so inline
 * markup (<i>, <sup>, <mml:math> …) is flattened to its text.
 */
export interface ExtractState {
  record: MedlineRecord;
  /** Names of the open elements, outermost first. */
  stack: string[];
  /** The field being collected, its element's depth, and the text so far. */
  field: Field | undefined;
  fieldDepth: number;
  fieldText: string;
  /** Depth of a MathML annotation inside the field, whose text is markup source, not content. */
  ignoreDepth: number;
  /** The date element being read and its name. */
  date: RawDate | undefined;
  dateElement: string | undefined;
  authorList: RawAuthor[] | undefined;
  author: RawAuthor | undefined;
  mesh: MeshHeading | undefined;
  link: CorrectionLink | undefined;
  otherAbstract: RawOtherAbstract | undefined;
  part: RawAbstractPart | undefined;
  articleIdType: string;
  /** Name of the element closed last; error messages name it. */
  lastClosed: string | undefined;
}

type Field =
  | 'pmid'
  | 'linkPmid'
  | 'deletedPmid'
  | 'year'
  | 'month'
  | 'day'
  | 'season'
  | 'medlineDate'
  | 'journal'
  | 'articleTitle'
  | 'vernacularTitle'
  | 'bookTitle'
  | 'publisher'
  | 'elocationDoi'
  | 'abstractText'
  | 'copyright'
  | 'lastName'
  | 'initials'
  | 'foreName'
  | 'collectiveName'
  | 'language'
  | 'publicationType'
  | 'descriptor'
  | 'qualifier'
  | 'keyword'
  | 'refSource'
  | 'otherId'
  | 'articleId';

/** The tag as saxes gives it without namespace processing. */
export interface PlainTag {
  name: string;
  attributes: Record<string, string>;
}

export function newExtractState(kind: MedlineRecord['kind']): ExtractState {
  return {
    record: emptyRecord(kind),
    stack: [],
    field: undefined,
    fieldDepth: 0,
    fieldText: '',
    ignoreDepth: 0,
    date: undefined,
    dateElement: undefined,
    authorList: undefined,
    author: undefined,
    mesh: undefined,
    link: undefined,
    otherAbstract: undefined,
    part: undefined,
    articleIdType: '',
    lastClosed: undefined,
  };
}

export function addText(state: ExtractState, text: string): void {
  if (state.field !== undefined && state.ignoreDepth === 0) state.fieldText += text;
}

export function openElement(state: ExtractState, tag: PlainTag): void {
  const { stack, record } = state;
  const name = tag.name;
  const parent = stack[stack.length - 1];
  stack.push(name);
  if (state.field !== undefined) {
    if (state.ignoreDepth === 0 && isMathAnnotation(name)) state.ignoreDepth = stack.length;
    return;
  }
  const attributes = tag.attributes;
  switch (name) {
    case 'PMID':
      if (parent === 'CommentsCorrections') begin(state, 'linkPmid');
      else if (parent === 'DeleteCitation') begin(state, 'deletedPmid');
      else if ((parent === 'MedlineCitation' || parent === 'BookDocument') && record.pmid === undefined) {
        if (attributes.Version !== undefined) record.pmidVersion = attributes.Version;
        begin(state, 'pmid');
      }
      return;
    case 'PubDate':
      if ((parent === 'JournalIssue' || parent === 'Book') && !record.pubDate) openDate(state, name, (record.pubDate = {}));
      return;
    case 'ArticleDate':
      if (parent === 'Article' && !record.articleDate) openDate(state, name, (record.articleDate = {}));
      return;
    case 'DateCompleted':
      if (isCitation(parent) && !record.dateCompleted) openDate(state, name, (record.dateCompleted = {}));
      return;
    case 'DateCreated':
      if (isCitation(parent) && !record.dateCreated) openDate(state, name, (record.dateCreated = {}));
      return;
    case 'DateRevised':
      if (isCitation(parent) && !record.dateRevised) openDate(state, name, (record.dateRevised = {}));
      return;
    case 'ContributionDate':
      if (parent === 'BookDocument' && !record.contributionDate) openDate(state, name, (record.contributionDate = {}));
      return;
    case 'Year':
    case 'Month':
    case 'Day':
    case 'Season':
    case 'MedlineDate':
      if (state.date !== undefined && parent === state.dateElement) begin(state, DATE_FIELDS[name]);
      return;
    case 'Title':
      if (parent === 'Journal') begin(state, 'journal');
      return;
    case 'ArticleTitle':
      if (parent === 'Article' || parent === 'BookDocument') begin(state, 'articleTitle');
      return;
    case 'VernacularTitle':
      if (parent === 'Article' || parent === 'BookDocument') begin(state, 'vernacularTitle');
      return;
    case 'BookTitle':
      if (parent === 'Book') begin(state, 'bookTitle');
      return;
    case 'PublisherName':
      if (parent === 'Publisher') begin(state, 'publisher');
      return;
    case 'ELocationID':
      if (record.elocationDoi === undefined && attributes.EIdType === 'doi' && attributes.ValidYN !== 'N') {
        begin(state, 'elocationDoi');
      }
      return;
    case 'OtherAbstract':
      state.otherAbstract = { parts: [] };
      if (attributes.Language !== undefined) state.otherAbstract.language = attributes.Language;
      if (attributes.Type !== undefined) state.otherAbstract.type = attributes.Type;
      record.otherAbstracts.push(state.otherAbstract);
      return;
    case 'AbstractText':
      openAbstractText(state, parent, attributes.Label);
      return;
    case 'CopyrightInformation':
      if (parent === 'Abstract' && record.copyright === undefined) begin(state, 'copyright');
      return;
    case 'AuthorList':
      state.authorList =
        attributes.Type === 'editors'
          ? undefined
          : parent === 'Book'
            ? record.bookAuthors
            : parent === 'Article' || parent === 'BookDocument'
              ? record.authors
              : undefined;
      return;
    case 'Author':
      if (parent === 'AuthorList' && state.authorList) {
        state.author = { valid: attributes.ValidYN !== 'N' };
        state.authorList.push(state.author);
      }
      return;
    case 'LastName':
    case 'Initials':
    case 'ForeName':
    case 'CollectiveName':
      if (parent === 'Author' && state.author) begin(state, AUTHOR_FIELDS[name]);
      return;
    case 'Language':
      if (parent === 'Article' || parent === 'BookDocument') begin(state, 'language');
      return;
    case 'PublicationType':
      if (parent === 'PublicationTypeList' || parent === 'BookDocument') begin(state, 'publicationType');
      return;
    case 'MeshHeading':
      state.mesh = { descriptor: '', majorTopic: false, qualifiers: [] };
      record.mesh.push(state.mesh);
      return;
    case 'DescriptorName':
    case 'QualifierName':
      if (parent === 'MeshHeading' && state.mesh) {
        if (attributes.MajorTopicYN === 'Y') state.mesh.majorTopic = true;
        if (name === 'DescriptorName' && attributes.UI !== undefined) state.mesh.ui = attributes.UI;
        begin(state, name === 'DescriptorName' ? 'descriptor' : 'qualifier');
      }
      return;
    case 'Keyword':
      if (parent === 'KeywordList') begin(state, 'keyword');
      return;
    case 'CommentsCorrections':
      state.link = { relation: attributes.RefType ?? '' };
      record.corrections.push(state.link);
      return;
    case 'RefSource':
      if (parent === 'CommentsCorrections' && state.link) begin(state, 'refSource');
      return;
    case 'OtherID':
      if (parent === 'MedlineCitation' && attributes.Source === 'NLM') begin(state, 'otherId');
      return;
    case 'ArticleId':
      if (parent === 'ArticleIdList' && isRecordIdList(stack[stack.length - 3])) {
        state.articleIdType = attributes.IdType ?? '';
        begin(state, 'articleId');
      }
      return;
    default:
      return;
  }
}

export function closeElement(state: ExtractState): void {
  const depth = state.stack.length;
  if (state.field !== undefined) {
    if (depth === state.ignoreDepth) state.ignoreDepth = 0;
    if (depth === state.fieldDepth) {
      deliver(state, state.field, state.fieldText);
      state.field = undefined;
      state.fieldText = '';
    }
  }
  const name = state.stack.pop();
  state.lastClosed = name;
  if (name === state.dateElement) {
    state.date = undefined;
    state.dateElement = undefined;
  } else if (name === 'AuthorList') {
    state.authorList = undefined;
  } else if (name === 'OtherAbstract') {
    state.otherAbstract = undefined;
  }
}

const DATE_FIELDS = { Year: 'year', Month: 'month', Day: 'day', Season: 'season', MedlineDate: 'medlineDate' } as const;
const AUTHOR_FIELDS = { LastName: 'lastName', Initials: 'initials', ForeName: 'foreName', CollectiveName: 'collectiveName' } as const;

function begin(state: ExtractState, field: Field): void {
  state.field = field;
  state.fieldDepth = state.stack.length;
  state.fieldText = '';
}

function openDate(state: ExtractState, name: string, date: RawDate): void {
  state.date = date;
  state.dateElement = name;
}

function openAbstractText(state: ExtractState, parent: string | undefined, label: string | undefined): void {
  let parts: RawAbstractPart[] | undefined;
  if (parent === 'Abstract') {
    const grandparent = state.stack[state.stack.length - 3];
    if (grandparent === 'Article' || grandparent === 'BookDocument') parts = state.record.abstract;
  } else if (parent === 'OtherAbstract') {
    parts = state.otherAbstract?.parts;
  }
  if (!parts) return;
  state.part = label === undefined ? { text: '' } : { label, text: '' };
  parts.push(state.part);
  begin(state, 'abstractText');
}

function deliver(state: ExtractState, field: Field, text: string): void {
  const { record } = state;
  switch (field) {
    case 'pmid':
      record.pmid = text.trim();
      return;
    case 'linkPmid':
      if (state.link) state.link.pmid = text.trim();
      return;
    case 'deletedPmid':
      record.deletedPmids.push(text.trim());
      return;
    case 'year':
    case 'month':
    case 'day':
    case 'season':
    case 'medlineDate':
      if (state.date) state.date[field] = text.trim();
      return;
    case 'journal':
      record.journal = text;
      return;
    case 'articleTitle':
      record.articleTitle = text;
      return;
    case 'vernacularTitle':
      record.vernacularTitle = text;
      return;
    case 'bookTitle':
      record.bookTitle = text;
      return;
    case 'publisher':
      record.publisher = text;
      return;
    case 'elocationDoi':
      record.elocationDoi = text.trim();
      return;
    case 'abstractText':
      if (state.part) state.part.text = text;
      return;
    case 'copyright':
      record.copyright = text;
      return;
    case 'lastName':
    case 'initials':
    case 'foreName':
    case 'collectiveName':
      if (state.author) state.author[field] = text;
      return;
    case 'language':
      record.languages.push(text.trim());
      return;
    case 'publicationType':
      record.publicationTypes.push(text);
      return;
    case 'descriptor':
      if (state.mesh) state.mesh.descriptor = text;
      return;
    case 'qualifier':
      state.mesh?.qualifiers.push(text);
      return;
    case 'keyword':
      record.keywords.push(text);
      return;
    case 'refSource':
      if (state.link) state.link.citation = text;
      return;
    case 'otherId':
      record.nlmOtherIds.push(text.trim());
      return;
    case 'articleId':
      record.articleIds.push({ type: state.articleIdType, value: text.trim() });
      return;
  }
}

function isCitation(name: string | undefined): boolean {
  return name === 'MedlineCitation' || name === 'BookDocument';
}

/** ArticleIdLists naming the record itself, not one of its references. */
function isRecordIdList(name: string | undefined): boolean {
  return name === 'PubmedData' || name === 'BookDocument' || name === 'PubmedBookData';
}

function isMathAnnotation(name: string): boolean {
  return name.endsWith('annotation') || name.endsWith('annotation-xml');
}
