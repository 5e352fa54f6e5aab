/**
 * The 1-based line on which each element of `resultList.result` starts in a Europe PMC reply, so
 * skips and origins can point into the file like the other readers' do. The service writes its
 * JSON on one line; a reply saved pretty-printed (`jq .`) has one line per field.
 *
 * A single pass over the text that tracks only nesting and object keys: the reader has already
 * parsed the text, so it is known to be valid JSON. A raw line break can only be whitespace
 * between tokens (JSON strings hold theirs escaped).
 */
type Role = 'root' | 'resultList' | 'results' | 'other';

interface Frame {
  role: Role;
  array: boolean;
  /** In an object: the key of the member being read. */
  key?: string;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

export function resultLines(text: string): number[] {
  const lines: number[] = [];
  const stack: Frame[] = [];
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === COLON || c === 0xfeff) continue;
    const top = stack[stack.length - 1];
    if (c === COMMA) {
      expectKey = top !== undefined && !top.array;
      continue;
    }
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectKey = false;
      continue;
    }
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey && top && !top.array) top.key = text.slice(i + 1, end);
      else if (top?.role === 'results') lines.push(line);
      expectKey = false;
      i = end;
      continue;
    }
    if (top?.role === 'results') lines.push(line);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      const array = c === OPEN_ARRAY;
      stack.push({ role: roleOf(top, array), array });
      expectKey = !array;
      continue;
    }
    // A number, true, false or null: skip to its end.
    while (i + 1 < text.length && !isDelimiter(text.charCodeAt(i + 1))) i++;
  }
  return lines;
}

function roleOf(parent: Frame | undefined, array: boolean): Role {
  if (parent === undefined) return array ? 'other' : 'root';
  if (parent.role === 'root' && !array && parent.key === 'resultList') return 'resultList';
  if (parent.role === 'resultList' && array && parent.key === 'result') return 'results';
  return 'other';
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    i += c === BACKSLASH ? 2 : 1;
  }
  return text.length;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === NEWLINE || c === 0x20 || c === 0x09 || c === 0x0d;
}
