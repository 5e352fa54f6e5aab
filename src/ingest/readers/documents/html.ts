import { Parser } from 'htmlparser2';
import type { Reader, ReaderItem } from '../../reader.js';
import { decodeUtf8 } from '../bytes.js';
import { createDocumentBody } from './document-body.js';
import { formatMetaPath, validateDocumentMeta } from './document-meta.js';
import { documentSource, IMPORTED_STATUS_NOTE } from './document-source.js';
import { documentIdFromPath } from './file-name.js';
import { createHtmlBlockCollector } from './html-blocks.js';
import { createHtmlMetaCollector } from './html-meta.js';
import { createLineTracker } from './line-tracker.js';

/**
 * Reads one HTML document (`.html`, `.htm`), streaming it through htmlparser2 chunk by chunk.
 * Metadata comes from <meta name> tags (html-meta.ts); the title from citation_title or
 * DC.title, else <title>, else the first <h1>, else the file name. Yields one source, or one
 * skip when a citemed or citation <meta> value is invalid or the page has no body text.
 */
export const readHtml: Reader = async function* ({ bytes, path }): AsyncIterable<ReaderItem> {
  const body = createDocumentBody();
  const blocks = createHtmlBlockCollector(body);
  const metaTags = createHtmlMetaCollector();
  const lines = createLineTracker();

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        // Asked at every tag, so the tracker can forget the text behind it.
        const line = lines.lineAt(parser.startIndex);
        if (name === 'meta' && attributes['name'] !== undefined) {
          metaTags.add(attributes['name'], attributes['content'] ?? '', line);
        } else if (name === 'html' && attributes['lang'] !== undefined) {
          metaTags.addFallback('language', attributes['lang'], { tag: '<html lang>', line });
        }
        blocks.open(name, attributes);
      },
      onclosetag(name) {
        blocks.close(name);
      },
      ontext(data) {
        blocks.text(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );

  for await (const chunk of decodeUtf8(bytes)) {
    lines.append(chunk);
    parser.write(chunk);
  }
  parser.end();
  const { title } = blocks.end();

  const { raw, origins } = metaTags.result();
  if (title !== undefined && raw['title'] === undefined) raw['title'] = title;
  const validation = validateDocumentMeta(raw);
  if (!validation.ok) {
    const issue = validation.issues[0]!;
    const origin = origins.get(String(issue.path[0] ?? ''));
    const where = origin === undefined ? formatMetaPath(issue.path) : `${origin.tag} content`;
    yield {
      kind: 'skip',
      line: origin?.line ?? 1,
      reason: `${where} ${issue.message}`,
      recordId: documentIdFromPath(path),
    };
    return;
  }
  const source = documentSource({
    format: 'html',
    path,
    meta: validation.meta,
    body: body.finish(),
    defaultStatusNote: IMPORTED_STATUS_NOTE,
  });
  if (source.text === '') {
    yield {
      kind: 'skip',
      line: 1,
      reason: 'the page has no body text outside navigation, headers, footers and scripts',
      recordId: source.id,
    };
    return;
  }
  yield { kind: 'source', source };
};
