import { Parser } from 'htmlparser2';
import { normalizeSpace } from '../../../domain/text.js';
import { sectionLabel } from '../medline/to-item.js';

/**
 * Europe PMC's abstracts and titles are HTML fragments: section headings as `<h4>Background</h4>`
 * (how it shows MEDLINE's structured abstracts), paragraphs as `<p>`, and inline `<b>`, `<i>`,
 * `<sup>`, `<sub>` with character references (`&lt;`, `&#x2009;`). They become plain text the way
 * the MEDLINE reader flattens the same markup in AbstractText: inline elements keep their text
 * and lose their tags ("m<sup>2</sup>" → "m2"), so a record reads the same from either service.
 */
export interface AbstractParagraph {
  /** The heading the paragraph sits under ("Background"), as sectionLabel spells it; none before the first. */
  label?: string;
  text: string;
}

const HEADING = /^h[1-6]$/;
/** Elements that end a paragraph (a line break included: it separates what the markup kept apart). */
const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'section', 'blockquote', 'table', 'tr', 'dl', 'dt', 'dd', 'hr']);
/** Elements whose content is never text. */
const INVISIBLE = new Set(['script', 'style', 'template', 'noscript']);

/** The paragraphs of an abstract, each under the heading before it. */
export function abstractParagraphs(html: string): AbstractParagraph[] {
  const out: AbstractParagraph[] = [];
  let label: string | undefined;
  let heading: string[] | undefined;
  let parts: string[] = [];
  let invisible = 0;
  const flush = () => {
    const text = normalizeSpace(parts.join(''));
    parts = [];
    if (text !== '') out.push(label === undefined ? { text } : { label, text });
  };
  const parser = new Parser(
    {
      onopentagname(name) {
        if (INVISIBLE.has(name)) invisible++;
        else if (HEADING.test(name)) {
          flush();
          heading = [];
        } else if (BLOCK.has(name)) {
          if (heading) heading.push(' ');
          else flush();
        }
      },
      ontext(text) {
        if (invisible === 0) (heading ?? parts).push(text);
      },
      onclosetag(name, isImplied) {
        if (INVISIBLE.has(name)) invisible = Math.max(0, invisible - 1);
        else if (HEADING.test(name) && heading && isImplied) {
          // A heading never closed (the fragment ended inside it) is text, not lost.
          parts.push(...heading);
          heading = undefined;
        } else if (HEADING.test(name) && heading) {
          // "Background:" and "Background." are the same heading as "Background".
          const text = normalizeSpace(heading.join('')).replace(/\s*[:.]$/, '');
          heading = undefined;
          label = text === '' ? undefined : sectionLabel(text);
        } else if (BLOCK.has(name) && !heading) flush();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  flush();
  return out;
}

/** The text of a one-line fragment (a title, a keyword): tags dropped, references decoded, space collapsed. */
export function inlineText(html: string): string {
  if (!html.includes('<') && !html.includes('&')) return normalizeSpace(html);
  const parts: string[] = [];
  let invisible = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (INVISIBLE.has(name)) invisible++;
        else if (BLOCK.has(name) || HEADING.test(name)) parts.push(' ');
      },
      ontext(text) {
        if (invisible === 0) parts.push(text);
      },
      onclosetag(name) {
        if (INVISIBLE.has(name)) invisible = Math.max(0, invisible - 1);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return normalizeSpace(parts.join(''));
}
