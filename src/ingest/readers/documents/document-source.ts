import type { SourceFormat, SourceIdentifiers, SourceInput } from '../../../domain/source.js';
import type { DocumentMeta } from './document-meta.js';
import type { BodyResult } from './document-body.js';
import { documentIdFromPath, fileStem } from './file-name.js';

/**
 * Status lines shown with a document that no qualified reviewer approved. Markdown files are
 * mostly the starter library's sample overviews (library/FORMAT.md); HTML and PDF files are
 * documents someone imported, so "sample content" would misdescribe them.
 */
export const SAMPLE_STATUS_NOTE = 'Sample content — not medically reviewed';
export const IMPORTED_STATUS_NOTE = 'Imported document — not medically reviewed';

export interface DocumentSourceParts {
  format: SourceFormat;
  path: string;
  meta: DocumentMeta;
  body: BodyResult;
  /** Status note when the document is not approved and states none. */
  defaultStatusNote: string;
}

/** A document's SourceInput from its metadata and body; the metadata wins where both say something. */
export function documentSource({ format, path, meta, body, defaultStatusNote }: DocumentSourceParts): SourceInput {
  const reviewStatus = meta.reviewStatus ?? 'not-reviewed';
  const ids: SourceIdentifiers = {};
  if (meta.pmid !== undefined) ids.pmid = meta.pmid;
  if (meta.doi !== undefined) ids.doi = meta.doi;
  const source: SourceInput = {
    id: meta.id === undefined ? documentIdFromPath(path) : `doc:${meta.id}`,
    ids,
    title: meta.title ?? body.firstHeading ?? fileStem(path),
    authors: meta.authors,
    publicationTypes: meta.publicationTypes,
    mesh: [],
    keywords: meta.keywords,
    correctionLinks: [],
    reviewStatus,
    version: meta.revised === undefined ? { number: 1 } : { number: 1, revised: meta.revised },
    references: meta.references ?? body.references,
    origin: { format, path, line: 1 },
    text: body.text,
    sections: body.sections,
    paragraphs: body.paragraphs,
  };
  const statusNote = meta.statusNote ?? (reviewStatus === 'approved' ? undefined : defaultStatusNote);
  if (statusNote !== undefined) source.statusNote = statusNote;
  if (meta.evidenceLevel !== undefined) source.evidenceLevel = meta.evidenceLevel;
  if (meta.question !== undefined) source.question = meta.question;
  if (meta.journal !== undefined) source.journal = meta.journal;
  if (meta.year !== undefined) source.year = meta.year;
  if (meta.published !== undefined) source.published = meta.published;
  if (meta.language !== undefined) source.language = meta.language;
  if (meta.licence !== undefined) source.licence = meta.licence;
  return source;
}
