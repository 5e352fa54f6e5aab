import { z } from 'zod';
import { EVIDENCE_LEVELS, type EvidenceLevel } from '../../../domain/evidence-level.js';
import { REVIEW_STATUSES, type CitedReference, type ReviewStatus } from '../../../domain/source.js';
import { choice, date, doi, pmid, text, textList, year } from './meta-values.js';

/**
 * Metadata a document states about itself: Markdown YAML front matter, or HTML <meta> tags
 * mapped onto the same keys. Keys are the front-matter spelling (library/FORMAT.md); unknown
 * keys are allowed and ignored, so a file can carry fields citemed does not use (audience).
 */


const SOURCE_ID_PART = /^[\p{L}\p{N}._-]+$/u;

// A reference is a mapping, or one line of free text (kept as its `text`).
const referenceSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { text: value } : value),
  z.object(
    { n: text, kind: choice(['guideline', 'research']), title: text, journal: text, year, pmid, doi, text },
    { error: 'must be a reference: a mapping with n, kind, title, journal, year, pmid, doi, or one line of text' },
  ),
);

export const documentMetaSchema = z.object({
  id: text.refine((value) => value === undefined || SOURCE_ID_PART.test(value), {
    message: 'must be letters, digits, ".", "_" or "-" only (it becomes part of the source id doc:<id>)',
  }),
  title: text,
  question: text,
  // Only "overview" and "guideline" mean something to citemed; other types are allowed and ignored.
  type: z.unknown().optional(),
  evidence_level: choice(EVIDENCE_LEVELS),
  review_status: choice(REVIEW_STATUSES),
  status_note: text,
  last_updated: date,
  date,
  year,
  authors: textList('semicolon'),
  author: textList('semicolon'),
  journal: text,
  publisher: text,
  licence: text,
  license: text,
  topics: textList('comma-too'),
  keywords: textList('comma-too'),
  language: text,
  doi,
  pmid,
  references: z.array(referenceSchema, { error: 'must be a list of references' }).nullish(),
});

export type RawDocumentMeta = z.input<typeof documentMetaSchema>;

/** Document metadata after validation, in the names SourceInput uses. */
export interface DocumentMeta {
  id?: string;
  title?: string;
  question?: string;
  evidenceLevel?: EvidenceLevel;
  publicationTypes: string[];
  reviewStatus?: ReviewStatus;
  statusNote?: string;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  published?: string;
  year?: number;
  /** The last_updated date alone: it is the document's revision date, `date` and `year` are not. */
  revised?: string;
  authors: string[];
  journal?: string;
  licence?: string;
  keywords: string[];
  language?: string;
  doi?: string;
  pmid?: string;
  /** Undefined when the metadata has no reference list (then the body's References section is used). */
  references?: CitedReference[];
}

/** What a `type` value says about the document: its evidence level and publication type. */
const DOCUMENT_TYPES: Readonly<Record<string, { level: EvidenceLevel; publicationType: string }>> = {
  overview: { level: 'in-house', publicationType: 'In-house Overview' },
  guideline: { level: 'guideline', publicationType: 'Practice Guideline' },
};

export type MetaValidation =
  | { ok: true; meta: DocumentMeta }
  | { ok: false; issues: { path: PropertyKey[]; message: string }[] };

export function validateDocumentMeta(raw: unknown): MetaValidation {
  const parsed = documentMetaSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })) };
  }
  const value = parsed.data;
  const typeName = typeof value.type === 'string' ? value.type.trim().toLowerCase() : undefined;
  const documentType = typeName === undefined ? undefined : DOCUMENT_TYPES[typeName];
  const published = value.last_updated ?? value.date ?? (value.year === undefined ? undefined : String(value.year));
  return {
    ok: true,
    meta: {
      id: value.id,
      title: value.title,
      question: value.question,
      evidenceLevel: value.evidence_level ?? documentType?.level,
      publicationTypes: documentType ? [documentType.publicationType] : [],
      reviewStatus: value.review_status,
      statusNote: value.status_note,
      published,
      year: published === undefined ? undefined : Number(published.slice(0, 4)),
      revised: value.last_updated,
      authors: [...value.authors, ...value.author],
      journal: value.journal ?? value.publisher,
      licence: value.licence ?? value.license,
      keywords: unique([...value.topics, ...value.keywords]),
      language: value.language,
      doi: value.doi,
      pmid: value.pmid,
      references: value.references?.map(toCitedReference),
    },
  };
}

function toCitedReference(reference: z.output<typeof referenceSchema>, index: number): CitedReference {
  const cited: CitedReference = { label: reference.n ?? String(index + 1) };
  if (reference.kind !== undefined) cited.kind = reference.kind;
  if (reference.title !== undefined) cited.title = reference.title;
  if (reference.journal !== undefined) cited.journal = reference.journal;
  if (reference.year !== undefined) cited.year = reference.year;
  if (reference.pmid !== undefined) cited.pmid = reference.pmid;
  if (reference.doi !== undefined) cited.doi = reference.doi;
  if (reference.text !== undefined) cited.text = reference.text;
  return cited;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** "references[2].pmid" from a zod issue path, for messages. */
export function formatMetaPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`)).join('');
}
