import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Reader, ReaderItem } from '../../reader.js';
import { decodeUtf8 } from '../bytes.js';
import { createArticleReader, type ArticleReader } from './article.js';
import { NAMED_ENTITIES } from './entities.js';

/**
 * Reads a PMC JATS full-text file (`.nxml`, `.xml`): one `<article>`, or a `<pmc-articleset>` of
 * several as PMC's efetch returns them. The XML is streamed through a strict parser in one pass;
 * only the article being read is held in memory.
 *
 * A file that is not well-formed yields a skip with the line of the first error: nothing read from
 * it is trusted, except articles of a set that were complete before the error.
 */
export const readJats: Reader = async function* readJats({ bytes, path }) {
  const items: ReaderItem[] = [];
  const document = createJatsDocument(path, (item) => items.push(item));
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  Object.assign(parser.ENTITIES, NAMED_ENTITIES);

  let failure: { line: number; message: string } | undefined;
  parser.on('error', (error) => {
    const message = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const { open, lastClosed } = document.position();
    // On a mismatched end tag the parser has just closed the element left open: name that one.
    const where =
      message === 'unexpected close tag' && lastClosed !== undefined
        ? ` (<${lastClosed}> was not closed)`
        : open === undefined
          ? ''
          : ` (inside <${open}>)`;
    failure ??= { line: parser.line, message: `${message} at column ${parser.column + 1}${where}` };
    // Stop the parser at the first error: what follows a well-formedness error is guesswork.
    throw error;
  });
  parser.on('opentagstart', () => document.tagStart(parser.line));
  parser.on('opentag', (tag) => document.open(tag));
  parser.on('text', (text) => document.text(text));
  parser.on('cdata', (text) => document.text(text));
  parser.on('closetag', (tag) => document.close(tag));

  const run = (step: () => void): boolean => {
    try {
      step();
      return true;
    } catch (error) {
      // Not an XML error: a failure of the reader itself, which must not pass for a bad file.
      if (failure === undefined) throw error;
      return false;
    }
  };
  const notWellFormed = (): ReaderItem => ({
    kind: 'skip',
    reason: `not well-formed XML: ${failure?.message ?? 'unknown error'} (fix the file or fetch it again from PMC)`,
    line: failure?.line ?? 1,
  });

  for await (const chunk of decodeUtf8(bytes)) {
    const ok = run(() => parser.write(chunk));
    yield* items.splice(0);
    if (!ok) {
      yield notWellFormed();
      return;
    }
  }
  if (!run(() => parser.close())) {
    yield* items.splice(0);
    yield notWellFormed();
    return;
  }
  document.end();
  yield* items.splice(0);
};

interface JatsDocument {
  tagStart(line: number): void;
  open(tag: SaxesTagPlain): void;
  text(text: string): void;
  close(tag: SaxesTagPlain): void;
  /** The document ended well-formed. */
  end(): void;
  /** The innermost open element and the last one closed, to say where an error is. */
  position(): { open?: string; lastClosed?: string };
}

/**
 * Finds the `<article>` elements of a document and hands each one's events to an article reader.
 * An article that is the whole document is only given out once the document has ended
 * well-formed; articles of a set are given out as each one ends.
 */
function createJatsDocument(path: string, emit: (item: ReaderItem) => void): JatsDocument {
  const open: string[] = [];
  let lastClosed: string | undefined;
  let depth = 0;
  let rootName: string | undefined;
  let startLine = 1;
  let articles = 0;
  let current: { reader: ArticleReader; depth: number } | undefined;
  let rootArticle: ReaderItem | undefined;

  return {
    tagStart(line) {
      startLine = line;
    },
    open(tag) {
      if (depth === 0) rootName = tag.name;
      if (!current && tag.name === 'article') {
        articles += 1;
        const reader = createArticleReader({ path, originLine: depth === 0 ? 1 : startLine, startLine });
        current = { reader, depth };
      }
      current?.reader.open({ name: tag.name, attributes: tag.attributes });
      open.push(tag.name);
      depth += 1;
    },
    text(text) {
      current?.reader.text(text);
    },
    close(tag) {
      open.pop();
      lastClosed = tag.name;
      depth -= 1;
      if (!current) return;
      current.reader.close({ name: tag.name, attributes: tag.attributes });
      if (depth !== current.depth) return;
      const item = current.reader.finish();
      if (depth === 0) rootArticle = item;
      else emit(item);
      current = undefined;
    },
    position() {
      return { open: open[open.length - 1], lastClosed };
    },
    end() {
      if (rootArticle) emit(rootArticle);
      if (articles === 0) {
        emit({
          kind: 'skip',
          reason: `no <article> element (the root element is <${rootName ?? '?'}>): this is not a JATS article file`,
          line: 1,
        });
      }
    },
  };
}
