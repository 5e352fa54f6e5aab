import { hash } from 'node:crypto';
import { deriveEvidenceLevel, type EvidenceLevel } from './evidence-level.js';
import { deriveIntegrity, type CorrectionLink, type Integrity } from './integrity.js';

/**
 * Source: one citable work. Plain data; readers build a SourceInput, `buildSource` derives the
 * rest (evidence level, integrity, content hash).
 *
 * Source ids are namespaced strings: `pmid:12345`, `pmc:PMC123456`, `doc:overview-gout-flare`.
 */
export type SourceId = string;

/** Where a source came from; also the "collection" searches can be narrowed to. `jsonl` is a
 * JSON-lines corpus of {id, title, text} records, such as a BEIR benchmark's; `europepmc` a
 * saved reply of Europe PMC's REST search (`resultType=core`). */
export const SOURCE_FORMATS = ['medline', 'jats', 'markdown', 'html', 'pdf', 'jsonl', 'europepmc'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** Formats whose id comes from the file itself (front matter or file name), not a registry. */
export const DOCUMENT_FORMATS: ReadonlySet<string> = new Set<SourceFormat>(['markdown', 'html', 'pdf']);

/**
 * Formats of journal records: authors are "Surname Initials" or a group's name, and a title may
 * name the study design when the record has not been indexed yet.
 */
export const JOURNAL_RECORD_FORMATS: ReadonlySet<string> = new Set<SourceFormat>(['medline', 'jats', 'europepmc']);

export interface SourceIdentifiers {
  pmid?: string;
  pmcid?: string;
  doi?: string;
}

export interface MeshHeading {
  descriptor: string;
  /** MeSH unique id, e.g. "D000001". */
  ui?: string;
  majorTopic: boolean;
  qualifiers: string[];
}

/** A heading path and the span of the source text it covers: text.slice(start, end). */
export interface SectionOutline {
  path: string[];
  start: number;
  end: number;
}

/** A work this source cites (JATS reference list, in-house overview reference list). */
export interface CitedReference {
  label?: string;
  title?: string;
  journal?: string;
  year?: number;
  pmid?: string;
  doi?: string;
  kind?: 'guideline' | 'research';
  /** Free text of the reference when it cannot be split into fields. */
  text?: string;
}

/** Whether a qualified reviewer approved the content (in-house documents only). */
export const REVIEW_STATUSES = ['not-reviewed', 'submitted', 'under-review', 'approved'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * Which version of a record this is. MEDLINE re-issues a PMID in update files; the newer
 * (by version number, then revision date) replaces the older and never the reverse.
 */
export interface RecordVersion {
  /** PMID Version attribute (1 unless NLM re-versioned the record). */
  number: number;
  /** Date the record was last revised, ISO "YYYY-MM-DD", when the format gives one. */
  revised?: string;
}

export interface SourceOrigin {
  format: SourceFormat;
  /** File the source was read from (as given on the command line, made absolute). */
  path: string;
  /** 1-based line in the file where the record starts. */
  line?: number;
}

/** What a reader produces. Everything citable about the work, and its text. */
export interface SourceInput {
  id: SourceId;
  ids: SourceIdentifiers;
  title: string;
  /** The clinical question an in-house overview answers, when it states one. */
  question?: string;
  authors: string[];
  journal?: string;
  year?: number;
  /** Publication date as precise as the record gives, "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  published?: string;
  language?: string;
  publicationTypes: string[];
  mesh: MeshHeading[];
  keywords: string[];
  correctionLinks: CorrectionLink[];
  /** Set by formats that state their level (in-house overviews, guideline documents). */
  evidenceLevel?: EvidenceLevel;
  reviewStatus?: ReviewStatus;
  /** Human-readable status line to show wherever the source is shown. */
  statusNote?: string;
  licence?: string;
  version: RecordVersion;
  references: CitedReference[];
  origin: SourceOrigin;
  /** Canonical plain text of the work; passages and sections are spans of it. */
  text: string;
  sections: SectionOutline[];
  /** Paragraph spans of `text` with the index of their section; chunking starts from these. */
  paragraphs: ParagraphSpan[];
}

export interface ParagraphSpan {
  section: number;
  start: number;
  end: number;
}

export interface Source extends Omit<SourceInput, 'paragraphs' | 'correctionLinks' | 'evidenceLevel'> {
  evidenceLevel: EvidenceLevel;
  integrity: Integrity;
  /** Hash of everything but the origin: equal hashes mean re-ingest changes nothing. */
  contentHash: string;
}

export function buildSource(input: SourceInput): Source {
  const { paragraphs: _paragraphs, correctionLinks, evidenceLevel, ...rest } = input;
  const level =
    evidenceLevel ??
    deriveEvidenceLevel({
      publicationTypes: input.publicationTypes,
      meshDescriptors: input.mesh.map((m) => m.descriptor),
      // Journal records only: a benchmark corpus or a local document is not classified by title.
      ...(JOURNAL_RECORD_FORMATS.has(input.origin.format) ? { title: input.title } : {}),
    });
  const integrity = deriveIntegrity({ publicationTypes: input.publicationTypes, links: correctionLinks });
  const withoutHash = { ...rest, evidenceLevel: level, integrity };
  return { ...withoutHash, contentHash: hashContent(withoutHash) };
}

function hashContent(source: Omit<Source, 'contentHash'>): string {
  // The text and the section outline are most of a source, and their shape is fixed, so they are
  // hashed as they are; only the small, reader-built metadata needs key-sorted JSON. (Sorting the
  // whole source was 40 µs of a MEDLINE record's ~300 µs of preparation.) One string, hashed at
  // once: the same bytes as feeding the parts to one hash in turn, without a call per section.
  const { origin: _origin, text, sections, ...metadata } = source;
  let outline = '';
  for (const section of sections) outline += `${section.start},${section.end},${JSON.stringify(section.path)};`;
  return hash('sha256', `${stableJson(metadata)}\u0000${text}\u0000${outline}`, 'hex').slice(0, 32);
}

/**
 * JSON with object keys sorted, so equal content always hashes the same. Written out by hand: it
 * gives exactly what `JSON.stringify` gives for a copy of `value` with every object's keys sorted
 * (`toJSON` honoured, undefined and function values left out of objects and null in arrays,
 * array-index keys first in numeric order, as JavaScript enumerates them), without building
 * that copy, which was most of the cost.
 */
export function stableJson(value: unknown): string {
  return writeJson(value) as string;
}

function writeJson(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string | undefined;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + (writeJson(value[i]) ?? 'null');
    return `${out}]`;
  }
  let out = '';
  for (const key of sortedKeys(value)) {
    const written = writeJson((value as Record<string, unknown>)[key]);
    if (written === undefined) continue;
    out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${written}`;
  }
  return `{${out}}`;
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** Keys sorted by code unit, then array indices (below 2^32 − 1) moved first in numeric order. */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value).sort();
  const isIndex = (key: string) => ARRAY_INDEX.test(key) && Number(key) < 4294967295;
  if (!keys.some(isIndex)) return keys;
  const indices = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  return [...indices, ...keys.filter((key) => !isIndex(key))];
}

/**
 * The published work a source is a version of: a MEDLINE abstract, the PMC full text of the same
 * article and a Europe PMC copy are three sources of one work. The PMID when there is one (the
 * MEDLINE, JATS and Europe PMC readers all record it), else the DOI (lower case: DOIs are
 * case-insensitive), else the source's own id. Searches cap results per work and answers count
 * works, so one study is neither shown nor counted twice.
 */
export function workKey(id: SourceId, ids: SourceIdentifiers): string {
  if (ids.pmid !== undefined && ids.pmid !== '') return `pmid:${ids.pmid}`;
  if (ids.doi !== undefined && ids.doi !== '') return `doi:${ids.doi.toLowerCase()}`;
  return id;
}

/** Normalise a user-typed reference to a source id: "12345" → "pmid:12345", "PMC42" → "pmc:PMC42". */
/**
 * A DOI without the resolver or "doi:" prefix that files and people add ("doi:10.1/x",
 * "https://doi.org/10.1/x", "https://dx.doi.org/10.1%2Fx"); undefined when it is not a DOI.
 */
export function normalizeDoi(value: string): string | undefined {
  let doi = value.trim();
  const resolver = /^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i;
  if (resolver.test(doi)) {
    doi = doi.replace(resolver, '');
    try {
      doi = decodeURIComponent(doi);
    } catch {
      // A stray "%" is part of the DOI.
    }
  }
  doi = doi.replace(/^doi:\s*/i, '');
  return /^10\.\S+\/\S+$/.test(doi) ? doi : undefined;
}

export function normalizeSourceRef(ref: string): SourceId {
  const trimmed = ref.trim();
  if (/^\d+$/.test(trimmed)) return `pmid:${trimmed}`;
  if (/^pmid:\s*\d+$/i.test(trimmed)) return `pmid:${trimmed.slice(5).trim()}`;
  if (/^pmc\d+$/i.test(trimmed)) return `pmc:${trimmed.toUpperCase()}`;
  if (/^pmc:pmc\d+$/i.test(trimmed)) return `pmc:${trimmed.slice(4).toUpperCase()}`;
  return trimmed;
}
