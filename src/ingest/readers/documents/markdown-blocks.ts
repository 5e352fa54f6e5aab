import { Lexer, type Token, type Tokens } from 'marked';
import type { DocumentBody } from './document-body.js';
import { decodeEntities, fragmentText } from './entities.js';

/**
 * Lexes one stretch of Markdown (a section, or a bounded part of a long one) with marked and
 * hands its headings and paragraphs, as plain text, to the document body.
 *
 * Paragraphs: each paragraph, each list item (nested items separately, after their parent),
 * each blockquote paragraph, each table row as "cell | cell" (the header row too), each code
 * block and each raw HTML block's text.
 */
export function addMarkdownBlocks(markdown: string, body: DocumentBody): void {
  // A fresh lexer per stretch: link definitions apply within the stretch they are written in.
  const tokens = new Lexer({ gfm: true }).lex(markdown);
  addBlocks(tokens, body, { listDepth: 0, nested: false });
}

interface Place {
  /** How many list items enclose the block. */
  listDepth: number;
  /** Inside a list item or blockquote, where a heading is content, not structure. */
  nested: boolean;
}

function addBlocks(tokens: readonly Token[], body: DocumentBody, place: Place): void {
  for (const token of tokens) addBlock(token, body, place);
}

function addBlock(token: Token, body: DocumentBody, place: Place): void {
  switch (token.type) {
    case 'heading': {
      const heading = token as Tokens.Heading;
      if (!place.nested) body.heading(heading.depth, inlineText(heading.tokens));
      else body.paragraph({ text: inlineText(heading.tokens) });
      return;
    }
    case 'paragraph':
    case 'text': {
      const block = token as Tokens.Paragraph | Tokens.Text;
      body.paragraph({ text: block.tokens ? inlineText(block.tokens) : decodeEntities(block.text) });
      return;
    }
    case 'list':
      addList(token as Tokens.List, body, place.listDepth);
      return;
    case 'blockquote':
      addBlocks((token as Tokens.Blockquote).tokens, body, { ...place, nested: true });
      return;
    case 'table': {
      const table = token as Tokens.Table;
      for (const row of [table.header, ...table.rows]) {
        body.paragraph({ text: row.map((cell) => inlineText(cell.tokens).trim()).join(' | ') });
      }
      return;
    }
    case 'code':
      body.paragraph({ text: (token as Tokens.Code).text });
      return;
    case 'html':
      body.paragraph({ text: fragmentText((token as Tokens.HTML).text) });
      return;
    case 'space':
    case 'hr':
    case 'def':
      return;
    default: {
      // Tokens from extensions: keep their text rather than lose it.
      const other = token as Tokens.Generic;
      if (Array.isArray(other.tokens)) addBlocks(other.tokens, body, place);
      else if (typeof other['text'] === 'string') body.paragraph({ text: decodeEntities(other['text']) });
    }
  }
}

function addList(list: Tokens.List, body: DocumentBody, listDepth: number): void {
  const start = typeof list.start === 'number' ? list.start : 1;
  list.items.forEach((item, index) => {
    // The number the writer put on the item: Markdown renders 1., 1., 1. as 1, 2, 3, but a
    // reference list numbered by hand means the numbers written.
    const written = /^\s*(\d{1,9})[.)]/.exec(item.raw)?.[1];
    const label = list.ordered ? (written === undefined ? String(start + index) : String(Number(written))) : undefined;
    // The item's own words (its first paragraphs) make one paragraph; nested blocks follow it.
    const own: string[] = [];
    const nested: Token[] = [];
    for (const child of item.tokens) {
      if (nested.length === 0 && (child.type === 'text' || child.type === 'paragraph')) {
        const block = child as Tokens.Text | Tokens.Paragraph;
        own.push(block.tokens ? inlineText(block.tokens) : decodeEntities(block.text));
      } else if (child.type !== 'checkbox' && child.type !== 'space') {
        nested.push(child);
      }
    }
    body.paragraph({ text: own.join(' '), listItem: label === undefined ? { depth: listDepth } : { depth: listDepth, label } });
    addBlocks(nested, body, { listDepth: listDepth + 1, nested: true });
  });
}

/** A citation marker written as a reference-style link, "[1]" or "[1, 2]": kept with its brackets. */
const CITATION_MARKER = /^\d+(?:\s*[,–-]\s*\d+)*$/;

/** Plain text of inline tokens: markup dropped, link and image text kept, entities decoded. */
export function inlineText(tokens: readonly Token[]): string {
  return tokens.map(inlineTokenText).join('');
}

function inlineTokenText(token: Token): string {
  switch (token.type) {
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inlineText(text.tokens) : decodeEntities(text.text);
    }
    case 'escape':
    case 'codespan':
      return (token as Tokens.Escape | Tokens.Codespan).text;
    case 'link': {
      const link = token as Tokens.Link;
      const words = inlineText(link.tokens);
      const referenceStyle = link.raw.startsWith('[') && !link.raw.includes('](');
      return referenceStyle && CITATION_MARKER.test(words.trim()) ? `[${words}]` : words;
    }
    case 'image':
      return decodeEntities((token as Tokens.Image).text);
    case 'br':
      return ' ';
    case 'html':
      // Inline tags are dropped; a <br> still separates the words around it.
      return /^<br\b/i.test((token as Tokens.Tag).text) ? ' ' : '';
    case 'checkbox':
      return '';
    default: {
      const other = token as Tokens.Generic;
      if (Array.isArray(other.tokens)) return inlineText(other.tokens);
      return typeof other['text'] === 'string' ? decodeEntities(other['text']) : '';
    }
  }
}
