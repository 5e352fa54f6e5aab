import type { MeshHeading } from '../../../domain/source.js';
import type { CorrectionLink } from '../../../domain/integrity.js';

/**
 * The fields of one MEDLINE/PubMed record as the XML gives them, before any interpretation
 * (dates unparsed, text not yet whitespace-normalised). The record parser fills it; `toItem`
 * turns it into a reader item.
 */
export interface MedlineRecord {
  /** Name of the record's root element. */
  kind: 'MedlineCitation' | 'PubmedArticle' | 'PubmedBookArticle' | 'DeleteCitation';
  /** The record's own PMID (not the PMIDs of linked records). */
  pmid?: string;
  /** PMID Version attribute, as written. */
  pmidVersion?: string;
  /** PMIDs listed by a DeleteCitation. */
  deletedPmids: string[];
  articleTitle?: string;
  vernacularTitle?: string;
  /** Book/BookTitle of a PubmedBookArticle. */
  bookTitle?: string;
  /** Book/Publisher/PublisherName of a PubmedBookArticle. */
  publisher?: string;
  /** Journal/Title. */
  journal?: string;
  pubDate?: RawDate;
  articleDate?: RawDate;
  dateCompleted?: RawDate;
  dateCreated?: RawDate;
  dateRevised?: RawDate;
  /** BookDocument/ContributionDate. */
  contributionDate?: RawDate;
  languages: string[];
  publicationTypes: string[];
  /** Authors of the article, or of the chapter of a book. */
  authors: RawAuthor[];
  /** Book/AuthorList authors (not editors) of a PubmedBookArticle. */
  bookAuthors: RawAuthor[];
  abstract: RawAbstractPart[];
  copyright?: string;
  otherAbstracts: RawOtherAbstract[];
  mesh: MeshHeading[];
  keywords: string[];
  corrections: CorrectionLink[];
  /** MedlineCitation/OtherID[Source=NLM] texts, e.g. "PMC4380289" or "NIHMS672708". */
  nlmOtherIds: string[];
  /** ArticleIdList ids of the record itself (PubmedData, BookDocument, PubmedBookData). */
  articleIds: { type: string; value: string }[];
  /** First ELocationID with EIdType="doi" that is not marked invalid. */
  elocationDoi?: string;
}

export interface RawDate {
  year?: string;
  month?: string;
  day?: string;
  season?: string;
  medlineDate?: string;
}

export interface RawAuthor {
  valid: boolean;
  lastName?: string;
  initials?: string;
  foreName?: string;
  collectiveName?: string;
}

export interface RawAbstractPart {
  label?: string;
  text: string;
}

export interface RawOtherAbstract {
  language?: string;
  type?: string;
  parts: RawAbstractPart[];
}

export function emptyRecord(kind: MedlineRecord['kind']): MedlineRecord {
  return {
    kind,
    deletedPmids: [],
    languages: [],
    publicationTypes: [],
    authors: [],
    bookAuthors: [],
    abstract: [],
    otherAbstracts: [],
    mesh: [],
    keywords: [],
    corrections: [],
    nlmOtherIds: [],
    articleIds: [],
  };
}
