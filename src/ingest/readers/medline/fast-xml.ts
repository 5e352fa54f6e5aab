/**
 * A fast path for parsing one MEDLINE record: a tokenizer for a strict subset of XML, driven by
 * indexOf and sticky regular expressions instead of a character-by-character state machine.
 * It is about 3× faster than saxes on PubMed records.
 *
 * It accepts only what it can check completely: one root element; start tags with quoted
 * attributes (no duplicates); end tags matching their start tag; text with the five predefined
 * entities and character references to valid XML characters. Anything else (comments, CDATA,
 * processing instructions, non-ASCII tag names, a stray "<" or "]]>", any error) makes it return
 * false, and the caller parses the record with saxes, which decides and explains. So every
 * record it accepts is well-formed XML, and saxes remains the authority on everything else.
 *
 * Events match saxes's (xmlns off): line ends normalised to "\n", whitespace in attribute values
 * normalised to spaces, entities decoded. The reader's tests compare the two on every record.
 */
export interface FastTag {
  name: string;
  attributes: Record<string, string>;
}

export interface FastXmlHandler {
  open(tag: FastTag): void;
  text(text: string): void;
  close(): void;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const START_TAG = new RegExp(`<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${NAME})\\s*>`, 'y');
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));|&/g;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Emits the record's events and returns true, or returns false (events so far are void) for saxes to handle. */
export function parseStrictSubset(xml: string, handler: FastXmlHandler): boolean {
  const stack: string[] = [];
  let rootSeen = false;
  let pos = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > pos) {
      const raw = xml.slice(pos, textEnd);
      if (stack.length === 0) {
        if (!isXmlSpace(raw)) return false;
      } else {
        const text = decodeText(raw);
        if (text === undefined) return false;
        handler.text(text);
      }
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x2f /* / */) {
      END_TAG.lastIndex = lt;
      const end = END_TAG.exec(xml);
      if (end === null || end[1] !== stack[stack.length - 1]) return false;
      stack.pop();
      handler.close();
      pos = END_TAG.lastIndex;
      continue;
    }
    if (rootSeen && stack.length === 0) return false; // a second root element
    START_TAG.lastIndex = lt;
    const start = START_TAG.exec(xml);
    if (start === null) return false; // comment, CDATA, PI, DOCTYPE, non-ASCII name, stray "<"
    const attributes = parseAttributes(start[2] ?? '');
    if (attributes === undefined) return false;
    handler.open({ name: start[1] ?? '', attributes });
    rootSeen = true;
    if (start[3] === '/') handler.close();
    else stack.push(start[1] ?? '');
    pos = START_TAG.lastIndex;
  }
  return rootSeen && stack.length === 0;
}

function parseAttributes(source: string): Record<string, string> | undefined {
  const attributes: Record<string, string> = {};
  if (source === '') return attributes;
  ATTRIBUTE.lastIndex = 0;
  for (let match = ATTRIBUTE.exec(source); match !== null; match = ATTRIBUTE.exec(source)) {
    const name = match[1] ?? '';
    if (Object.hasOwn(attributes, name)) return undefined;
    // XML attribute-value normalisation: each literal white-space character (after line-end
    // normalisation, so CR LF counts once) becomes a space; then references are decoded, so
    // "&#x9;" stays a tab.
    const raw = match[2] ?? match[3] ?? '';
    const value = decodeReferences(/[\t\n\r]/.test(raw) ? raw.replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' ') : raw);
    if (value === undefined) return undefined;
    attributes[name] = value;
  }
  return attributes;
}

function decodeText(raw: string): string | undefined {
  if (raw.includes(']]>')) return undefined; // not allowed in XML text
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  return text.includes('&') ? decodeReferences(text) : text;
}

/** Decodes predefined entities and character references; undefined for anything else. */
function decodeReferences(value: string): string | undefined {
  if (!value.includes('&')) return value;
  let ok = true;
  REFERENCE.lastIndex = 0;
  const decoded = value.replace(REFERENCE, (whole, named: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (named !== undefined) return PREDEFINED[named] ?? '';
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : hex !== undefined ? Number.parseInt(hex, 16) : Number.NaN;
    if (!isXmlChar(code)) {
      ok = false;
      return whole;
    }
    return String.fromCodePoint(code);
  });
  return ok ? decoded : undefined;
}

/** The XML 1.0 Char production. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function isXmlSpace(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text);
}
