import { normalizeDoi, type CitedReference } from '../../../domain/source.js';
import { parseYear } from './dates.js';
import { attribute, hasAncestor, parentName, type ArticleListener, type JatsElement } from './events.js';
import { createCaptureStack, type CaptureStack } from './inline.js';
import { createCitationText, type CitationText } from './citation-text.js';

export interface ReferencesListener extends ArticleListener {
  result(): CitedReference[];
}

/** The citation elements of JATS 1.x (element-, mixed-) and of the NLM 2.x DTDs (nlm-citation, citation). */
const CITATION_ELEMENTS = new Set(['element-citation', 'mixed-citation', 'nlm-citation', 'citation']);

interface RefState {
  /** ancestors.length of the <ref>: its own depth. */
  depth: number;
  label?: string;
  /** Inside <citation-alternatives> the same work is given several times; only the first is read. */
  alternativeTaken: boolean;
}

interface CitationState {
  depth: number;
  type: string;
  text: CitationText;
  captures: CaptureStack;
  articleTitle?: string;
  chapterTitle?: string;
  source?: string;
  year?: number;
  pmid?: string;
  doi?: string;
}

export function createReferencesListener(): ReferencesListener {
  const references: CitedReference[] = [];
  const labelCaptures = createCaptureStack();
  let ref: RefState | undefined;
  let citation: CitationState | undefined;

  const openInCitation = (c: CitationState, element: JatsElement) => {
    c.text.open(element);
    c.captures.open(element);
    switch (element.name) {
      case 'article-title':
        if (c.articleTitle === undefined) c.captures.start((t) => (c.articleTitle ??= nonEmpty(t)));
        return;
      case 'chapter-title':
        c.captures.start((t) => (c.chapterTitle ??= nonEmpty(t)));
        return;
      case 'source':
        c.captures.start((t) => (c.source ??= nonEmpty(t)));
        return;
      case 'year':
        c.captures.start((t) => (c.year ??= parseYear(t)));
        return;
      case 'label':
        c.captures.start((t) => {
          if (ref && ref.label === undefined) ref.label = nonEmpty(t);
        });
        return;
      case 'pub-id': {
        const type = attribute(element, 'pub-id-type')?.toLowerCase();
        if (type === 'pmid') c.captures.start((t) => (c.pmid ??= /^\d+$/.test(t) ? t : undefined));
        if (type === 'doi') c.captures.start((t) => (c.doi ??= normalizeDoi(t)));
        return;
      }
      case 'ext-link':
      case 'uri': {
        const linkType = attribute(element, 'ext-link-type')?.toLowerCase();
        const href = attribute(element, 'xlink:href');
        c.captures.start((t) => (c.doi ??= doiOfLink(linkType, href, t)));
        return;
      }
    }
  };

  return {
    open(element, ancestors) {
      labelCaptures.open(element);
      if (element.name === 'sub-article' || hasAncestor(ancestors, 'sub-article')) return;
      if (citation) {
        openInCitation(citation, element);
        return;
      }
      if (element.name === 'ref' && hasAncestor(ancestors, 'ref-list') && !ref) {
        ref = { depth: ancestors.length, alternativeTaken: false };
        return;
      }
      if (!ref) return;
      const parent = parentName(ancestors);
      if (element.name === 'label' && parent === 'ref') {
        const r = ref;
        labelCaptures.start((t) => (r.label ??= nonEmpty(t)));
      } else if (CITATION_ELEMENTS.has(element.name)) {
        if (parent === 'citation-alternatives') {
          if (ref.alternativeTaken) return;
          ref.alternativeTaken = true;
        }
        citation = {
          depth: ancestors.length,
          type: (attribute(element, 'publication-type') ?? attribute(element, 'citation-type') ?? '').toLowerCase(),
          text: createCitationText(),
          captures: createCaptureStack(),
        };
      }
    },
    text(text) {
      labelCaptures.text(text);
      if (citation) {
        citation.text.text(text);
        citation.captures.text(text);
      }
    },
    close(element, ancestors) {
      labelCaptures.close(element);
      if (citation && ancestors.length > citation.depth) {
        citation.text.close(element);
        citation.captures.close(element);
      } else if (citation && ancestors.length === citation.depth) {
        const reference = toReference(citation, ref?.label);
        if (reference) references.push(reference);
        citation = undefined;
      } else if (ref && element.name === 'ref' && ancestors.length === ref.depth) {
        ref = undefined;
      }
    },
    result() {
      return references;
    },
  };
}

function toReference(c: CitationState, label: string | undefined): CitedReference | undefined {
  const text = c.text.value();
  if (text === '') return undefined;
  const isJournal = c.type === 'journal' || (c.type === '' && c.articleTitle !== undefined);
  const title = isJournal ? c.articleTitle : (c.articleTitle ?? c.chapterTitle ?? c.source);
  const reference: CitedReference = {};
  if (label !== undefined) reference.label = label;
  if (title !== undefined) reference.title = title;
  if (isJournal && c.source !== undefined) reference.journal = c.source;
  if (c.year !== undefined) reference.year = c.year;
  if (c.pmid !== undefined) reference.pmid = c.pmid;
  if (c.doi !== undefined) reference.doi = c.doi;
  reference.text = text;
  return reference;
}

/** A DOI given as a link: ext-link-type="doi", a doi.org address, or link text "doi:10.…". */
function doiOfLink(linkType: string | undefined, href: string | undefined, text: string): string | undefined {
  if (linkType === 'doi') return normalizeDoi(href ?? text);
  if (href && /^https?:\/\/(?:dx\.)?doi\.org\//i.test(href)) return normalizeDoi(href);
  if (/^doi:\s*10\./i.test(text)) return normalizeDoi(text);
  return undefined;
}

function nonEmpty(text: string): string | undefined {
  return text === '' ? undefined : text;
}
