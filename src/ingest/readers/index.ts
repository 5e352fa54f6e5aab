import type { SourceFormat } from '../../domain/source.js';
import type { Reader } from '../reader.js';
import { readHtml } from './documents/html.js';
import { readMarkdown } from './documents/markdown.js';
import { createPdfReader } from './documents/pdf.js';
import { readEuropePmc } from './europepmc/europepmc.js';
import { readJats } from './jats/jats.js';
import { readJsonl } from './jsonl/jsonl.js';
import { readMedline } from './medline/medline.js';

/** One reader per format; the pipeline picks by detected format. */
export function createReaders(options: { maxPdfBytes: number }): Record<SourceFormat, Reader> {
  return {
    medline: readMedline,
    jats: readJats,
    markdown: readMarkdown,
    html: readHtml,
    pdf: createPdfReader(options.maxPdfBytes),
    jsonl: readJsonl,
    europepmc: readEuropePmc,
  };
}
