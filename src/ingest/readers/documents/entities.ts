import { Parser } from 'htmlparser2';

/**
 * Decodes HTML character references ("&amp;", "&eacute;", "&#8804;") in plain text, using
 * htmlparser2's complete HTML5 entity table. "<" is escaped first so the text is never read as markup.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return fragmentText(text.replace(/</g, '&lt;'));
}

/** Elements whose content is never text a reader should see. */
const INVISIBLE = new Set(['script', 'style', 'template', 'noscript']);

/** The text of an HTML fragment (a raw HTML block inside Markdown): tags, comments and scripts dropped, entities decoded. */
export function fragmentText(html: string): string {
  const parts: string[] = [];
  let invisibleDepth = 0;
  const parser = new Parser({
    onopentagname(name) {
      if (INVISIBLE.has(name)) invisibleDepth++;
      // Block and line-break tags separate words that the markup alone kept apart.
      else if (name === 'br' || name === 'p' || name === 'div' || name === 'li' || name === 'td') parts.push(' ');
    },
    onclosetag(name) {
      if (INVISIBLE.has(name) && invisibleDepth > 0) invisibleDepth--;
    },
    ontext(text) {
      if (invisibleDepth === 0) parts.push(text);
    },
  });
  parser.end(html);
  return parts.join('');
}
