import type { Reader, ReaderItem } from '../../reader.js';
import { decodeUtf8 } from '../bytes.js';
import { createDocumentBody } from './document-body.js';
import type { DocumentMeta } from './document-meta.js';
import { documentSource, SAMPLE_STATUS_NOTE } from './document-source.js';
import { documentIdFromPath } from './file-name.js';
import { FRONT_MATTER_CLOSE, FRONT_MATTER_OPEN, parseFrontMatter } from './front-matter.js';
import { splitLines } from './lines.js';
import { addMarkdownBlocks } from './markdown-blocks.js';
import { createMarkdownChunker } from './markdown-chunks.js';

/**
 * Reads one Markdown document (`.md`, `.markdown`): optional YAML front matter, then the body
 * streamed line by line and lexed one section at a time. Yields one source, or one skip when
 * the front matter is bad or the body has no text.
 */

/** Front matter larger than this (characters) is taken as a missing closing `---`, not read on. */
export const FRONT_MATTER_LIMIT_CHARS = 1024 * 1024;

const NO_META: DocumentMeta = { publicationTypes: [], authors: [], keywords: [] };

export const readMarkdown: Reader = async function* ({ bytes, path }): AsyncIterable<ReaderItem> {
  const fallbackId = documentIdFromPath(path);
  let meta = NO_META;
  const body = createDocumentBody({ statusNote: () => meta.statusNote ?? (meta.reviewStatus === 'approved' ? undefined : SAMPLE_STATUS_NOTE) });
  const chunker = createMarkdownChunker();
  let state: 'start' | 'front-matter' | 'body' = 'start';
  let frontMatter: string[] = [];
  let frontMatterChars = 0;
  let lineNumber = 0;

  for await (const rawLine of splitLines(decodeUtf8(bytes))) {
    lineNumber++;
    const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (state === 'start') {
      state = FRONT_MATTER_OPEN.test(line) ? 'front-matter' : 'body';
      if (state === 'front-matter') continue;
    }
    if (state === 'front-matter') {
      if (FRONT_MATTER_CLOSE.test(line)) {
        const parsed = parseFrontMatter(frontMatter.join('\n'), 2);
        if (!parsed.ok) {
          yield { kind: 'skip', line: parsed.line, reason: parsed.reason, recordId: fallbackId };
          return;
        }
        meta = parsed.meta;
        frontMatter = [];
        state = 'body';
        continue;
      }
      frontMatter.push(line);
      frontMatterChars += line.length + 1;
      if (frontMatterChars > FRONT_MATTER_LIMIT_CHARS) break;
      continue;
    }
    const stretch = chunker.push(line);
    if (stretch !== undefined) addMarkdownBlocks(stretch, body);
  }

  if (state === 'front-matter') {
    yield {
      kind: 'skip',
      line: 1,
      reason: `front matter opened with "---" on line 1 is never closed (no "---" line within ${FRONT_MATTER_LIMIT_CHARS} characters): add a "---" line after the last key`,
      recordId: fallbackId,
    };
    return;
  }
  const last = chunker.end();
  if (last !== undefined) addMarkdownBlocks(last, body);

  const source = documentSource({ format: 'markdown', path, meta, body: body.finish(), defaultStatusNote: SAMPLE_STATUS_NOTE });
  if (source.text === '') {
    yield { kind: 'skip', line: 1, reason: 'the document has no body text (only front matter or headings)', recordId: source.id };
    return;
  }
  yield { kind: 'source', source };
};
