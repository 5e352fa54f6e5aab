import type { CorrectionLink } from '../../../domain/integrity.js';
import { normalizeDoi, type SourceIdentifiers } from '../../../domain/source.js';
import { pubDateType, type PubDate } from './dates.js';
import { attribute, hasAncestor, parentName, startsWith, type ArticleListener, type JatsElement } from './events.js';
import { createCaptureStack } from './inline.js';
import { formatAuthor } from './names.js';

/** What the front matter says about the article (and the related-article links anywhere in it). */
export interface ArticleMetadata {
  ids: SourceIdentifiers;
  title?: string;
  authors: string[];
  journal?: string;
  pubDates: PubDate[];
  articleType?: string;
  language?: string;
  subjects: string[];
  keywords: string[];
  licence?: string;
  correctionLinks: CorrectionLink[];
}

export interface MetadataListener extends ArticleListener {
  result(): ArticleMetadata;
}

const META = ['article', 'front', 'article-meta'];

/** related-article-type → MEDLINE CommentsCorrections RefType, so integrity derivation is shared. */
const RELATIONS: Readonly<Record<string, string>> = {
  'retracted-article': 'RetractionOf',
  'corrected-article': 'ErratumFor',
  'retraction-forward': 'RetractionIn',
  'correction-forward': 'ErratumIn',
};

interface Contributor {
  depth: number;
  surname?: string;
  givenNames?: string;
  suffix?: string;
  stringName?: string;
  collab?: string;
}

export function createMetadataListener(): MetadataListener {
  const captures = createCaptureStack();
  const ids: SourceIdentifiers = {};
  const authors: string[] = [];
  const pubDates: PubDate[] = [];
  const subjects: string[] = [];
  const keywords: string[] = [];
  const correctionLinks: CorrectionLink[] = [];
  let title: string | undefined;
  let journal: string | undefined;
  let articleType: string | undefined;
  let language: string | undefined;
  let licenceSeen = false;
  let licence: { href?: string; ref?: string; type?: string; text?: string } | undefined;
  let contributor: Contributor | undefined;
  let pubDate: PubDate | undefined;

  const openContributorPart = (element: JatsElement, ancestors: readonly JatsElement[]) => {
    if (!contributor || hasAncestor(ancestors.slice(contributor.depth + 1), 'collab')) return;
    const c = contributor;
    if (element.name === 'surname') captures.start((t) => (c.surname ??= nonEmpty(t)));
    else if (element.name === 'given-names') captures.start((t) => (c.givenNames ??= nonEmpty(t)));
    else if (element.name === 'suffix') captures.start((t) => (c.suffix ??= nonEmpty(t)));
    else if (element.name === 'string-name') captures.start((t) => (c.stringName ??= nonEmpty(t)));
    else if (element.name === 'collab') {
      captures.start((t) => (c.collab ??= nonEmpty(t)), { drop: new Set(['contrib-group', 'xref']) });
    }
  };

  const openMeta = (element: JatsElement, ancestors: readonly JatsElement[]) => {
    const parent = parentName(ancestors);
    switch (element.name) {
      case 'article-id':
        if (parent === 'article-meta') {
          const type = attribute(element, 'pub-id-type');
          captures.start((t) => setId(ids, type, t));
        }
        return;
      case 'article-title':
        if (parent === 'title-group' && title === undefined) captures.start((t) => (title ??= nonEmpty(t)));
        return;
      case 'contrib': {
        const type = attribute(element, 'contrib-type')?.toLowerCase();
        const isAuthor = type === undefined || type === 'author';
        if (isAuthor && !contributor && !hasAncestor(ancestors, 'collab')) contributor = { depth: ancestors.length };
        return;
      }
      case 'pub-date':
        if (parent === 'article-meta') {
          pubDate = {
            type: pubDateType({
              pubType: attribute(element, 'pub-type'),
              dateType: attribute(element, 'date-type'),
              publicationFormat: attribute(element, 'publication-format'),
            }),
          };
        }
        return;
      case 'year':
      case 'month':
      case 'day':
        if (parent === 'pub-date' && pubDate) {
          const date = pubDate;
          const part = element.name as 'year' | 'month' | 'day';
          captures.start((t) => (date[part] ??= nonEmpty(t)));
        }
        return;
      case 'subject':
        if (hasAncestor(ancestors, 'article-categories')) captures.start((t) => pushNonEmpty(subjects, t));
        return;
      case 'kwd':
        if (parent === 'kwd-group') captures.start((t) => pushNonEmpty(keywords, t));
        return;
      case 'license':
        if (parent === 'permissions' && !licenceSeen) {
          licenceSeen = true;
          licence = { href: attribute(element, 'xlink:href'), type: attribute(element, 'license-type') };
        }
        return;
      default:
        openContributorPart(element, ancestors);
        if (licence && parent === 'license' && hasAncestor(ancestors, 'permissions')) openLicencePart(element);
    }
  };

  const openLicencePart = (element: JatsElement) => {
    const l = licence;
    if (!l) return;
    // JATS 1.1+ gives the licence URL as <ali:license_ref>; JATS 2.3 files use <p> for license-p.
    if (element.name.endsWith('license_ref')) captures.start((t) => (l.ref ??= nonEmpty(t)));
    else if (element.name === 'license-p' || element.name === 'p') captures.start((t) => (l.text ??= nonEmpty(t)));
  };

  const openRelatedArticle = (element: JatsElement) => {
    const relation = RELATIONS[attribute(element, 'related-article-type')?.toLowerCase() ?? ''];
    if (!relation) return;
    const linkType = attribute(element, 'ext-link-type')?.toLowerCase();
    const href = attribute(element, 'xlink:href');
    const pmid = linkType === 'pubmed' && href && /^\d+$/.test(href) ? href : undefined;
    captures.start((text) => {
      const citation = nonEmpty(text) ?? (pmid === undefined && href ? href : undefined);
      if (pmid === undefined && citation === undefined) return;
      const link: CorrectionLink = { relation };
      if (pmid !== undefined) link.pmid = pmid;
      if (citation !== undefined) link.citation = citation;
      if (!correctionLinks.some((l) => l.relation === link.relation && l.pmid === link.pmid && l.citation === link.citation)) {
        correctionLinks.push(link);
      }
    });
  };

  return {
    open(element, ancestors) {
      captures.open(element);
      if (ancestors.length === 0) {
        articleType = attribute(element, 'article-type');
        language = attribute(element, 'xml:lang');
        return;
      }
      // Sub-articles (peer review, translations) have front matter of their own.
      if (element.name === 'sub-article' || hasAncestor(ancestors, 'sub-article')) return;
      if (element.name === 'related-article') {
        openRelatedArticle(element);
        return;
      }
      if (element.name === 'journal-title' && startsWith(ancestors, ['article', 'front', 'journal-meta'])) {
        if (journal === undefined) captures.start((t) => (journal ??= nonEmpty(t)));
        return;
      }
      if (startsWith(ancestors, META)) openMeta(element, ancestors);
    },
    text(text) {
      captures.text(text);
    },
    close(element, ancestors) {
      captures.close(element);
      if (element.name === 'contrib' && contributor?.depth === ancestors.length) {
        const c = contributor;
        const name = formatAuthor(c.surname, c.givenNames, c.suffix) ?? c.stringName ?? c.collab;
        if (name !== undefined) authors.push(name);
        contributor = undefined;
      } else if (element.name === 'pub-date' && pubDate && parentName(ancestors) === 'article-meta') {
        pubDates.push(pubDate);
        pubDate = undefined;
      }
    },
    result() {
      const metadata: ArticleMetadata = { ids, authors, pubDates, subjects, keywords: unique(keywords), correctionLinks };
      if (title !== undefined) metadata.title = title;
      if (journal !== undefined) metadata.journal = journal;
      if (articleType !== undefined) metadata.articleType = articleType;
      if (language !== undefined) metadata.language = language;
      const licenceText = licence && (licence.href ?? licence.ref ?? licence.type ?? licence.text);
      if (licenceText !== undefined) metadata.licence = licenceText;
      return metadata;
    },
  };
}

function setId(ids: SourceIdentifiers, type: string | undefined, value: string): void {
  switch (type?.toLowerCase()) {
    case 'pmc':
    case 'pmcid':
    case 'pmc-uid': {
      const pmcid = normalizePmcid(value);
      if (pmcid !== undefined) ids.pmcid ??= pmcid;
      return;
    }
    case 'pmid':
      if (/^\d+$/.test(value)) ids.pmid ??= value;
      return;
    case 'doi': {
      const doi = normalizeDoi(value);
      if (doi !== undefined) ids.doi ??= doi;
      return;
    }
  }
}

/** "3166277" or "PMC3166277" → "PMC3166277"; anything else is not a PMCID. */
export function normalizePmcid(value: string): string | undefined {
  const match = value.trim().match(/^(?:pmc)?(\d+)$/i);
  return match?.[1] ? `PMC${match[1]}` : undefined;
}


function nonEmpty(text: string): string | undefined {
  return text === '' ? undefined : text;
}

function pushNonEmpty(list: string[], text: string): void {
  if (text !== '') list.push(text);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
