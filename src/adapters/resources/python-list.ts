/**
 * Reads the strings out of a Python list literal such as `[['zovirax', 'xerese']]`, nested to any
 * depth, without evaluating anything: only brackets, commas, whitespace and quoted strings are
 * accepted. Strings may use single or double quotes and Python's common backslash escapes.
 *
 * Returns the strings in order, flattened, or an error saying what was unexpected and where.
 */
export type ParsedStringList = { ok: true; strings: string[] } | { ok: false; reason: string };

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
};

export function parseStringList(literal: string): ParsedStringList {
  const strings: string[] = [];
  const text = literal.trim();
  let pos = 0;
  let depth = 0;
  // What may come next: a value (string or '[') or, after one, a ',' or ']'.
  let expectValue = true;
  const fail = (what: string): ParsedStringList => ({ ok: false, reason: `${what} at character ${pos + 1}` });

  if (text[0] !== '[') return fail('expected "["');
  while (pos < text.length) {
    const ch = text[pos] ?? '';
    if (/\s/.test(ch)) {
      pos += 1;
    } else if (ch === '[') {
      if (!expectValue || (depth === 0 && pos > 0)) return fail('unexpected "["');
      depth += 1;
      pos += 1;
    } else if (ch === ']') {
      if (depth === 0) return fail('unbalanced "]"');
      depth -= 1;
      pos += 1;
      expectValue = false;
    } else if (ch === ',') {
      if (expectValue) return fail('unexpected ","');
      pos += 1;
      expectValue = true;
    } else if (ch === "'" || ch === '"') {
      if (!expectValue || depth === 0) return fail('unexpected string');
      const read = readString(text, pos);
      if (typeof read === 'string') return fail(read);
      strings.push(read.value);
      pos = read.next;
      expectValue = false;
    } else {
      return fail(`unexpected ${JSON.stringify(ch)}`);
    }
  }
  if (depth !== 0) return fail('missing "]"');
  return { ok: true, strings };
}

/** A quoted string starting at `start`; a string result is the reason it could not be read. */
function readString(text: string, start: number): { value: string; next: number } | string {
  const quote = text[start];
  let value = '';
  let pos = start + 1;
  while (pos < text.length) {
    const ch = text[pos] ?? '';
    if (ch === quote) return { value, next: pos + 1 };
    if (ch === '\n') return 'line break inside a string';
    if (ch !== '\\') {
      value += ch;
      pos += 1;
      continue;
    }
    const code = text[pos + 1] ?? '';
    const simple = SIMPLE_ESCAPES[code];
    if (simple !== undefined) {
      value += simple;
      pos += 2;
      continue;
    }
    const width = code === 'x' ? 2 : code === 'u' ? 4 : code === 'U' ? 8 : 0;
    const hex = text.slice(pos + 2, pos + 2 + width);
    if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return `unsupported escape "\\${code}"`;
    const point = Number.parseInt(hex, 16);
    if (point > 0x10ffff) return `escape "\\${code}${hex}" is out of range`;
    value += String.fromCodePoint(point);
    pos += 2 + width;
  }
  return 'a string is never closed';
}
