import type { SourceInput } from '../../../domain/source.js';
import type { ReaderItem } from '../../reader.js';
import { createTextListener } from './body.js';
import { choosePubDate } from './dates.js';
import type { ArticleListener, JatsElement } from './events.js';
import { createMetadataListener, type ArticleMetadata } from './metadata.js';
import { publicationTypeOfArticleType, publicationTypeOfSubject } from './publication-types.js';
import { createReferencesListener } from './references.js';

/** Reads one `<article>` element, from its start tag to its end tag, into a reader item. */
export interface ArticleReader {
  open(element: JatsElement): void;
  text(text: string): void;
  close(element: JatsElement): void;
  /** Call once the article's end tag has been seen. */
  finish(): ReaderItem;
}

export interface ArticleOrigin {
  path: string;
  /** Line recorded as the source's origin (1 when the article is the whole file). */
  originLine: number;
  /** Line of the article's start tag, for skips. */
  startLine: number;
}

export function createArticleReader(origin: ArticleOrigin): ArticleReader {
  const metadata = createMetadataListener();
  const text = createTextListener();
  const references = createReferencesListener();
  const listeners: ArticleListener[] = [metadata, text, references];
  const ancestors: JatsElement[] = [];

  return {
    open(element) {
      for (const listener of listeners) listener.open(element, ancestors);
      ancestors.push(element);
    },
    text(value) {
      for (const listener of listeners) listener.text(value);
    },
    close(element) {
      ancestors.pop();
      for (const listener of listeners) listener.close(element, ancestors);
    },
    finish() {
      const meta = metadata.result();
      const built = text.result();
      const id = meta.ids.pmcid ? `pmc:${meta.ids.pmcid}` : meta.ids.doi ? `doi:${meta.ids.doi}` : undefined;
      if (id === undefined) {
        return skip(
          origin,
          'article has no PMCID or DOI (article-meta/article-id with pub-id-type "pmc", "pmcid" or "doi"), so it cannot be given a stable id',
        );
      }
      if (meta.title === undefined) return skip(origin, `article ${id} has no article-title`, id);
      if (built.paragraphs.length === 0) {
        return skip(origin, `article ${id} has no abstract or body text to cite (PMC gives some articles as scanned pages only)`, id);
      }
      const source: SourceInput = {
        id,
        ids: meta.ids,
        title: meta.title,
        authors: meta.authors,
        publicationTypes: publicationTypes(meta),
        mesh: [],
        keywords: meta.keywords,
        correctionLinks: meta.correctionLinks,
        version: { number: 1 },
        references: references.result(),
        origin: { format: 'jats', path: origin.path, line: origin.originLine },
        ...built,
      };
      if (meta.journal !== undefined) source.journal = meta.journal;
      const date = choosePubDate(meta.pubDates);
      if (date) {
        source.year = date.year;
        source.published = date.published;
      }
      if (meta.language !== undefined) source.language = meta.language;
      if (meta.licence !== undefined) source.licence = meta.licence;
      return { kind: 'source', source };
    },
  };
}

function publicationTypes(meta: ArticleMetadata): string[] {
  const types: string[] = [];
  if (meta.articleType !== undefined) types.push(publicationTypeOfArticleType(meta.articleType));
  for (const subject of meta.subjects) {
    const type = publicationTypeOfSubject(subject);
    if (type !== undefined) types.push(type);
  }
  return [...new Set(types)];
}

function skip(origin: ArticleOrigin, reason: string, recordId?: string): ReaderItem {
  return recordId === undefined
    ? { kind: 'skip', reason, line: origin.startLine }
    : { kind: 'skip', reason, line: origin.startLine, recordId };
}
