import type { SourceInput } from '../../../domain/source.js';
import type { ReaderItem } from '../../reader.js';
import { readMedline } from './medline.js';

/** Helpers for this folder's tests: byte streams cut in chosen places, and records to feed. */

export const TEST_PATH = '/data/pubmed/test.xml';

export function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Yields `bytes` cut at the given byte offsets (any order, duplicates and 0 allowed). */
export async function* cutAt(bytes: Uint8Array, offsets: readonly number[]): AsyncGenerator<Uint8Array> {
  const cuts = [...new Set(offsets.filter((offset) => offset > 0 && offset < bytes.length))].sort((a, b) => a - b);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
}

/** Yields `bytes` in chunks of `size` bytes, which may split multi-byte UTF-8 characters. */
export async function* inChunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let from = 0; from < bytes.length; from += size) yield bytes.subarray(from, from + size);
}

export async function collect(bytes: AsyncIterable<Uint8Array>, path = TEST_PATH): Promise<ReaderItem[]> {
  const items: ReaderItem[] = [];
  for await (const item of readMedline({ bytes, path })) items.push(item);
  return items;
}

/** Reads a whole file given as text, in one chunk unless a chunk size is given. */
export function readText(xml: string, chunkSize?: number): Promise<ReaderItem[]> {
  const bytes = encode(xml);
  return collect(chunkSize === undefined ? cutAt(bytes, []) : inChunksOf(bytes, chunkSize));
}

export function sourcesOf(items: readonly ReaderItem[]): SourceInput[] {
  return items.flatMap((item) => (item.kind === 'source' ? [item.source] : []));
}

export function onlySource(items: readonly ReaderItem[]): SourceInput {
  const sources = sourcesOf(items);
  if (items.length !== 1 || sources.length !== 1) throw new Error(`expected one source, got ${JSON.stringify(items)}`);
  return sources[0] as SourceInput;
}

/** 1-based line of `text[index]`. */
export function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** 1-based line of the first occurrence of `needle` in `text` (which must contain it). */
export function lineOf(text: string, needle: string, from = 0): number {
  const index = text.indexOf(needle, from);
  if (index === -1) throw new Error(`"${needle}" is not in the text`);
  return lineAt(text, index);
}

export interface ArticleParts {
  pmid?: string;
  /** Raw XML inside <ArticleTitle>. */
  title?: string;
  /** Raw XML inside <Abstract>; defaults to one unlabelled AbstractText. */
  abstract?: string;
  /** Raw XML inside <PubDate>. */
  pubDate?: string;
  /** Raw XML added at the end of <MedlineCitation>. */
  citationExtra?: string;
  /** Raw XML added after </MedlineCitation> (e.g. <PubmedData>). */
  after?: string;
}

/** A small PubmedArticle, one element per line as NLM writes them. */
export function article(parts: ArticleParts = {}): string {
  const pmid = parts.pmid ?? '1';
  const pmidLine = pmid === '' ? '' : `    <PMID Version="1">${pmid}</PMID>\n`;
  return (
    `<PubmedArticle>\n` +
    `  <MedlineCitation Status="MEDLINE" Owner="NLM">\n` +
    pmidLine +
    `    <Article PubModel="Print">\n` +
    `      <Journal>\n` +
    `        <JournalIssue CitedMedium="Print"><PubDate>${parts.pubDate ?? '<Year>2020</Year>'}</PubDate></JournalIssue>\n` +
    `        <Title>Journal of Tests</Title>\n` +
    `      </Journal>\n` +
    `      <ArticleTitle>${parts.title ?? `Title of ${pmid}.`}</ArticleTitle>\n` +
    `      <Abstract>\n` +
    `        ${parts.abstract ?? `<AbstractText>Abstract of ${pmid}.</AbstractText>`}\n` +
    `      </Abstract>\n` +
    `      <AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Smith</LastName><Initials>JA</Initials></Author></AuthorList>\n` +
    `      <Language>eng</Language>\n` +
    `    </Article>\n` +
    (parts.citationExtra ?? '') +
    `  </MedlineCitation>\n` +
    (parts.after ?? '') +
    `</PubmedArticle>\n`
  );
}

export const PUBMED_HEAD =
  '<?xml version="1.0" ?>\n' +
  '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n' +
  '<PubmedArticleSet>\n';
export const PUBMED_TAIL = '</PubmedArticleSet>\n';

export function articleSet(...records: string[]): string {
  return PUBMED_HEAD + records.join('') + PUBMED_TAIL;
}
