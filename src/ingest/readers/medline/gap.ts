import { normalizeSpace } from '../../../domain/text.js';
import type { TextWindow } from './text-window.js';

/** Non-blank text found between records (or after the set), and the line where it starts. */
export interface StrayText {
  line: number;
  /** The first few dozen characters, whitespace collapsed. */
  excerpt: string;
}

/**
 * Checks the text between records, which may only be blanks, comments and processing
 * instructions. The text arrives in pieces (whatever the chunks were); the checker keeps what it
 * found across pieces, so one gap gives at most one report, the same for every chunking.
 */
export interface GapChecker {
  /**
   * Reads window.text[from, to). Returns how far it read: a comment or processing instruction
   * not yet ended by `to` is left for the next call, unless `final` (no more gap text follows).
   */
  scan(from: number, to: number, final: boolean): number;
  /** What the gap held, if anything; resets for the next gap. */
  take(): StrayText | undefined;
}

// Characters of stray text quoted in the report.
const EXCERPT_LENGTH = 60;
const NOT_BLANK = /[^ \t\r\n]/g;
const BLANK_MARKUP = [
  ['<!--', '-->'],
  ['<?', '?>'],
] as const;

export function createGapChecker(window: TextWindow): GapChecker {
  let found: { line: number; raw: string } | undefined;

  return {
    scan(from, to, final) {
      const text = window.text;
      let at = from;
      while (at < to) {
        if (found) {
          found.raw += text.slice(at, Math.min(to, at + EXCERPT_LENGTH - found.raw.length));
          return to;
        }
        NOT_BLANK.lastIndex = at;
        const next = NOT_BLANK.exec(text);
        if (next === null || next.index >= to) return to;
        const start = next.index;
        const markupEnd = endOfBlankMarkup(text, start, to, final);
        if (markupEnd === 'wait') return start;
        if (markupEnd !== undefined) {
          at = markupEnd;
          continue;
        }
        found = { line: window.lineAt(start), raw: '' };
        at = start;
      }
      return to;
    },
    take() {
      if (!found) return undefined;
      const stray = { line: found.line, excerpt: normalizeSpace(found.raw) };
      found = undefined;
      return stray;
    },
  };
}

/**
 * If a comment or processing instruction starts at `start`: the index after it, or 'wait' when
 * it may still end in text not yet read. Otherwise undefined.
 */
function endOfBlankMarkup(text: string, start: number, to: number, final: boolean): number | 'wait' | undefined {
  for (const [open, close] of BLANK_MARKUP) {
    const available = text.slice(start, Math.min(to, start + open.length));
    if (available.length < open.length) {
      if (!final && open.startsWith(available)) return 'wait';
      continue;
    }
    if (available !== open) continue;
    const end = text.indexOf(close, start + open.length);
    if (end !== -1 && end + close.length <= to) return end + close.length;
    return final ? undefined : 'wait';
  }
  return undefined;
}
