import type { ParagraphSpan, SectionOutline } from './source.js';

/**
 * Builds a source's canonical text from sections of paragraphs, remembering where each
 * paragraph and section lies. Layout: paragraphs and sections are separated by a blank line.
 *
 * Offsets are UTF-16 code-unit indices (JavaScript string indices), so
 * `text.slice(start, end)` always gives back the span.
 */
export interface TextBuilder {
  /** Adds a paragraph to the section `path`; consecutive paragraphs with an equal path share a section. */
  addParagraph(path: readonly string[], paragraph: string): void;
  build(): BuiltText;
}

export interface BuiltText {
  text: string;
  sections: SectionOutline[];
  paragraphs: ParagraphSpan[];
}

const PARAGRAPH_SEPARATOR = '\n\n';

export function createTextBuilder(): TextBuilder {
  const parts: string[] = [];
  const sections: SectionOutline[] = [];
  const paragraphs: ParagraphSpan[] = [];
  let length = 0;

  return {
    addParagraph(path, paragraph) {
      const clean = normalizeSpace(paragraph);
      if (clean === '') return;
      if (length > 0) {
        parts.push(PARAGRAPH_SEPARATOR);
        length += PARAGRAPH_SEPARATOR.length;
      }
      const start = length;
      parts.push(clean);
      length += clean.length;
      const last = sections[sections.length - 1];
      if (last && samePath(last.path, path)) {
        last.end = length;
      } else {
        sections.push({ path: path.map((p) => normalizeSpace(p)), start, end: length });
      }
      paragraphs.push({ section: sections.length - 1, start, end: length });
    },
    build() {
      return { text: parts.join(''), sections, paragraphs };
    },
  };
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === normalizeSpace(b[i] ?? ''));
}

/**
 * Collapses runs of ASCII whitespace (XML indentation, line breaks) to one space and trims.
 * Other Unicode spaces (no-break space, thin space in "5 mg") are content and are kept inside the
 * text; trim() still removes them at the ends, so a paragraph of only such spaces is empty.
 */
export function normalizeSpace(value: string): string {
  // Same result as replacing every run of [ \t\n\r\f\v]+ with ' ', but a single space (the
  // common case) is not matched and rewritten: ~7× faster on abstract-sized text.
  return value.replace(COLLAPSIBLE_SPACE, ' ').trim();
}

const COLLAPSIBLE_SPACE = /[\t\n\r\f\v][ \t\n\r\f\v]*| [ \t\n\r\f\v]+/g;
