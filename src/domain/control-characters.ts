import type { SourceInput } from './source.js';
import { createTextBuilder } from './text.js';

/**
 * Control characters are not text: NUL, bell, escape and their kind come from a PDF's text
 * extraction, a UTF-16 file read as UTF-8, or a careless export. PostgreSQL's `text` refuses NUL
 * outright, so a source holding one would fail there while SQLite stored it; and an escape
 * character printed to a terminal can change what it shows. They are removed from what readers
 * produce before passages are cut, so both backends store the same text and passages get the
 * same content-hash ids. The C0 controls that are whitespace (tab, line feed, vertical tab, form
 * feed, carriage return) stay: the text layout turns them into spaces.
 */
const CONTROL = /[\u0000-\u0008\u000e-\u001f]/;
// With the spaces either side, so that "a \0 b" becomes "a b", not "a  b".
const CONTROL_RUN = /( ?)[\u0000-\u0008\u000e-\u001f]+( ?)/g;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

/** `value` without control characters; a run of them with a space on either side leaves one space. */
export function removeControlCharacters(value: string): string {
  if (!CONTROL.test(value)) return value;
  return value.replace(CONTROL_RUN, (_run, before: string, after: string) => (before !== '' || after !== '' ? ' ' : ''));
}

/**
 * A reader's SourceInput with no control characters in any string. The text is laid out again
 * from its paragraphs when it held any, so every section and paragraph span (and so every
 * passage's offsets) fits the text that is stored. The origin is left alone: it names a file on
 * disk, whose name cannot hold NUL and must stay what it is.
 */
export function withoutControlCharacters(input: SourceInput): SourceInput {
  const { text, sections, paragraphs, origin, ...metadata } = input;
  // Looking costs a few µs a record, copying several times that; nearly every record is clean.
  if (!holdsControlCharacters(metadata) && !holdsControlCharacters(sections) && !hasControlCharacters(text)) return input;
  const cleaned = { ...cleanStrings(metadata), origin, text, sections: cleanStrings(sections), paragraphs };
  // Also when only a heading held one: "Re\0sults" and then "Results" are one section once cleaned.
  return hasControlCharacters(text) || holdsControlCharacters(sections) ? { ...cleaned, ...relayText(cleaned) } : cleaned;
}

/** The text built again, paragraph by paragraph, without control characters. */
function relayText(input: Pick<SourceInput, 'text' | 'sections' | 'paragraphs'>): Pick<SourceInput, 'text' | 'sections' | 'paragraphs'> {
  const builder = createTextBuilder();
  for (const paragraph of input.paragraphs) {
    const path = input.sections[paragraph.section]?.path ?? [];
    builder.addParagraph(path, removeControlCharacters(input.text.slice(paragraph.start, paragraph.end)));
  }
  return builder.build();
}

/** Whether any string in `value`, at any depth, holds a control character. */
function holdsControlCharacters(value: unknown): boolean {
  if (typeof value === 'string') return CONTROL.test(value);
  if (Array.isArray(value)) return value.some(holdsControlCharacters);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsControlCharacters);
  return false;
}

/** Every string in `value`, at any depth, without control characters. */
function cleanStrings<T>(value: T): T {
  if (typeof value === 'string') return removeControlCharacters(value) as T;
  if (Array.isArray(value)) return value.map(cleanStrings) as T;
  if (value !== null && typeof value === 'object') {
    // fromEntries defines each key as data, so even a "__proto__" key stays a plain field.
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, cleanStrings(field)])) as T;
  }
  return value;
}
