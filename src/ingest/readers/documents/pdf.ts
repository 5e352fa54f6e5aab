import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { SourceInput } from '../../../domain/source.js';
import { createTextBuilder } from '../../../domain/text.js';
import type { Reader, ReaderInput, ReaderItem } from '../../reader.js';
import { collectBytes } from '../bytes.js';
import { IMPORTED_STATUS_NOTE } from './document-source.js';
import { documentIdFromPath, fileStem } from './file-name.js';
import { isoDate } from './meta-values.js';

/**
 * Reads one PDF (`.pdf`) with unpdf (pdf.js): the text of each page in a section ["Page N"],
 * split into paragraphs on blank lines, or on line breaks when a page has no blank line.
 * PDF cannot be parsed incrementally, so the file is held whole, up to PDF_LIMIT_BYTES.
 * Yields one source, or one skip for a file that is too large, password-protected, damaged
 * or without a text layer.
 */
export const PDF_LIMIT_BYTES = 256 * 1024 * 1024;

export const NO_TEXT_REASON = 'no extractable text — scanned PDF? run OCR first';

/** A PDF reader that refuses files above `limitBytes` (settings: ingest.maxPdfMiB). */
export function createPdfReader(limitBytes: number): Reader {
  return (input) => readPdfWithin(input, limitBytes);
}

export const readPdf: Reader = createPdfReader(PDF_LIMIT_BYTES);

async function* readPdfWithin({ bytes, path }: ReaderInput, limitBytes: number): AsyncIterable<ReaderItem> {
  const id = documentIdFromPath(path);
  let data: Uint8Array;
  try {
    data = await collectBytes(bytes, limitBytes);
  } catch (error) {
    // Only the size limit is about this record; an I/O error means the file cannot be read at all.
    if (!(error instanceof RangeError)) throw error;
    const reason = `PDF larger than ${Math.round(limitBytes / (1024 * 1024))} MiB: split it or save it as text, then ingest that (or raise ingest.maxPdfMiB)`;
    yield { kind: 'skip', line: 1, reason, recordId: id };
    return;
  }
  const extracted = await extractPdf(data);
  if ('reason' in extracted) {
    yield { kind: 'skip', line: 1, reason: extracted.reason, recordId: id };
    return;
  }
  const source = pdfSource(path, extracted);
  if (source.text === '') {
    yield { kind: 'skip', line: 1, reason: NO_TEXT_REASON, recordId: id };
    return;
  }
  yield { kind: 'source', source };
}

interface ExtractedPdf {
  pages: string[];
  info: Record<string, unknown>;
}

async function extractPdf(data: Uint8Array): Promise<ExtractedPdf | { reason: string }> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  try {
    // verbosity 0: pdf.js would otherwise print repair warnings for damaged files to the console.
    // isEvalSupported false: never compile font programs from the file into JavaScript.
    pdf = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false });
    const { text } = await extractText(pdf, { mergePages: false });
    const { info } = await getMeta(pdf);
    return { pages: text, info };
  } catch (error) {
    return { reason: unreadableReason(error) };
  } finally {
    await pdf?.destroy();
  }
}

/** A skip reason for a PDF pdf.js refused, by the pdf.js exception name. */
function unreadableReason(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') {
    return 'password-protected PDF: save an unprotected copy (or print it to PDF) and ingest that';
  }
  return `damaged or invalid PDF (${detail}): re-download or re-export it from the original`;
}

function pdfSource(path: string, { pages, info }: ExtractedPdf): SourceInput {
  const builder = createTextBuilder();
  pages.forEach((pageText, index) => {
    for (const paragraph of pageParagraphs(pageText)) builder.addParagraph([`Page ${index + 1}`], paragraph);
  });
  const { text, sections, paragraphs } = builder.build();
  const source: SourceInput = {
    id: documentIdFromPath(path),
    ids: {},
    title: infoText(info['Title']) ?? fileStem(path),
    authors: authorsOf(infoText(info['Author'])),
    publicationTypes: [],
    mesh: [],
    keywords: [],
    correctionLinks: [],
    reviewStatus: 'not-reviewed',
    statusNote: IMPORTED_STATUS_NOTE,
    version: { number: 1 },
    references: [],
    origin: { format: 'pdf', path, line: 1 },
    text,
    sections,
    paragraphs,
  };
  const published = pdfDate(infoText(info['CreationDate']));
  if (published !== undefined) {
    source.published = published;
    source.year = Number(published.slice(0, 4));
  }
  return source;
}

export function pageParagraphs(pageText: string): string[] {
  const separator = /\n[ \t]*\n/.test(pageText) ? /\n[ \t]*\n/ : /\n/;
  return pageText.split(separator).filter((paragraph) => paragraph.trim() !== '');
}

function infoText(value: unknown): string | undefined {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed === '' ? undefined : trimmed;
}

/** PDF Author is free text; several people are usually separated by ";". */
function authorsOf(author: string | undefined): string[] {
  if (author === undefined) return [];
  return author.split(';').map((name) => name.trim()).filter((name) => name !== '');
}

/** "D:20200513120000Z" (PDF 1.7, 7.9.4) → "2020-05-13"; as precise as the string is. */
export function pdfDate(value: string | undefined): string | undefined {
  const match = value === undefined ? null : /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(value);
  if (!match) return undefined;
  return isoDate([match[1], match[2], match[3]].filter((part) => part !== undefined).join('-'));
}
