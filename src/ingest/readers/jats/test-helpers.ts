import type { SourceInput } from '../../../domain/source.js';
import type { ReaderItem } from '../../reader.js';
import { readJats } from './jats.js';

/** Test support for the JATS reader: build small articles, read them, look at their paragraphs. */

export const TEST_PATH = '/data/test-article.nxml';

/** Splits bytes at the given offsets (any order, out-of-range ignored), as a file read in chunks would. */
export function splitBytes(bytes: Uint8Array, cuts: readonly number[] = []): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

export async function readItems(content: string | Uint8Array, cuts: readonly number[] = []): Promise<ReaderItem[]> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  async function* chunks() {
    for (const chunk of splitBytes(bytes, cuts)) yield chunk;
  }
  const items: ReaderItem[] = [];
  for await (const item of readJats({ bytes: chunks(), path: TEST_PATH })) items.push(item);
  return items;
}

/** Reads content that must give exactly one source, and returns it. */
export async function readSource(content: string | Uint8Array): Promise<SourceInput> {
  const items = await readItems(content);
  const item = items[0];
  if (items.length !== 1 || item?.kind !== 'source') {
    throw new Error(`expected one source, got ${JSON.stringify(items.map((i) => (i.kind === 'skip' ? i : i.kind)))}`);
  }
  return item.source;
}

export interface ParagraphView {
  path: string;
  text: string;
}

/** Each paragraph with its section path joined by " > ". */
export function paragraphsOf(source: SourceInput): ParagraphView[] {
  return source.paragraphs.map((p) => ({
    path: source.sections[p.section]?.path.join(' > ') ?? '?',
    text: source.text.slice(p.start, p.end),
  }));
}

export interface ArticleParts {
  /** Attributes of <article>. */
  attributes?: string;
  /** Elements of article-meta after the ids (default: title, one author, a pub-date). */
  meta?: string;
  /** article-id elements (default: a PMCID, a PMID and a DOI). */
  ids?: string;
  abstract?: string;
  body?: string;
  back?: string;
  floats?: string;
}

export const DEFAULT_IDS =
  '<article-id pub-id-type="pmid">111</article-id><article-id pub-id-type="pmc">222</article-id><article-id pub-id-type="doi">10.1000/test.1</article-id>';

const DEFAULT_META =
  '<title-group><article-title>A test article</article-title></title-group>' +
  '<contrib-group><contrib contrib-type="author"><name><surname>Doe</surname><given-names>Jane A</given-names></name></contrib></contrib-group>' +
  '<pub-date pub-type="epub"><day>5</day><month>6</month><year>2020</year></pub-date>';

/** A small JATS article written for the tests; each part replaces the default. */
export function jatsArticle(parts: ArticleParts = {}): string {
  const body = parts.body ?? '<sec><title>Introduction</title><p>Some text.</p></sec>';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.0 20120330//EN" "JATS-archivearticle1.dtd">',
    `<article xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:mml="http://www.w3.org/1998/Math/MathML" ${parts.attributes ?? 'article-type="research-article"'}>`,
    '<front><journal-meta><journal-title-group><journal-title>Journal of Tests</journal-title></journal-title-group></journal-meta>',
    `<article-meta>${parts.ids ?? DEFAULT_IDS}${parts.meta ?? DEFAULT_META}${parts.abstract ?? ''}</article-meta></front>`,
    `<body>${body}</body>`,
    parts.back === undefined ? '' : `<back>${parts.back}</back>`,
    parts.floats === undefined ? '' : `<floats-group>${parts.floats}</floats-group>`,
    '</article>',
  ].join('\n');
}
