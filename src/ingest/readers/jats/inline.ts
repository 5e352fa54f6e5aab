import { normalizeSpace } from '../../../domain/text.js';
import { attribute, type JatsElement } from './events.js';

/**
 * Flattens the mixed content of one element (a paragraph, a title, a table cell) to plain text:
 * inline markup (italic, bold, sup, sub, xref, ext-link, formulas) keeps its text, footnote
 * markers and machine-only content (MathML annotations, alt text) are dropped, and block children
 * (a `p` inside a caption, a `label` before a list item's text) become separate pieces so their
 * words never run together.
 */
export interface InlineCapture {
  /** An element opened inside the captured element. */
  open(element: JatsElement): void;
  close(element: JatsElement): void;
  text(text: string): void;
  /** The flattened text: pieces normalised and joined. */
  value(): string;
}

export interface InlineOptions {
  /**
   * How block pieces are joined: `space`, or `sentence`, which ends a piece that has no final
   * punctuation with a full stop (a caption title followed by its paragraph).
   */
  joiner?: 'space' | 'sentence';
  /** Keep `fn` content (table footnotes are content; footnotes inside a sentence are not). */
  keepFootnotes?: boolean;
  /** More elements whose text to leave out (a collaboration's member list inside its name). */
  drop?: ReadonlySet<string>;
}

/** Children that start a new piece of text. */
const BLOCK_ELEMENTS = new Set([
  'p',
  'title',
  'label',
  'caption',
  'list',
  'list-item',
  'def-list',
  'def-item',
  'term',
  'def',
  'disp-formula',
  'disp-quote',
  'fn',
  'sec',
  'attrib',
  'table-wrap-foot',
  'tr',
]);

/** Elements whose text is never part of the reading text. */
const DROPPED_ELEMENTS = new Set([
  'alt-text',
  'long-desc',
  'object-id',
  'graphic',
  'inline-graphic',
  'media',
  'mml:annotation',
  'mml:annotation-xml',
  'annotation',
  'annotation-xml',
]);

const FOOTNOTE_XREF_TYPES = new Set(['fn', 'table-fn']);

export function createInlineCapture(options: InlineOptions = {}): InlineCapture {
  const pieces: string[] = [];
  let current: string[] = [];
  const names: string[] = [];
  let droppedDepth = 0;
  // TeX is collected apart so only the formula itself (not the LaTeX preamble PMC wraps it in) is kept.
  let tex: string[] | undefined;

  const endPiece = () => {
    const piece = normalizeSpace(current.join(''));
    if (piece !== '') pieces.push(piece);
    current = [];
  };

  const isDropped = (element: JatsElement): boolean => {
    if (DROPPED_ELEMENTS.has(element.name) || options.drop?.has(element.name)) return true;
    if (element.name === 'xref') return FOOTNOTE_XREF_TYPES.has(attribute(element, 'ref-type') ?? '');
    if (element.name === 'fn') return options.keepFootnotes !== true;
    // Inside <alternatives> a formula is given twice (MathML and TeX); keep the MathML text.
    if (element.name === 'tex-math') return names[names.length - 2] === 'alternatives';
    return false;
  };

  return {
    open(element) {
      names.push(element.name);
      if (droppedDepth > 0 || isDropped(element)) {
        droppedDepth += 1;
        return;
      }
      if (BLOCK_ELEMENTS.has(element.name)) endPiece();
      else if (element.name === 'break') current.push(' ');
      else if (element.name === 'tex-math') tex = [];
    },
    close(element) {
      names.pop();
      if (droppedDepth > 0) {
        droppedDepth -= 1;
        return;
      }
      if (BLOCK_ELEMENTS.has(element.name)) endPiece();
      else if (element.name === 'tex-math' && tex) {
        current.push(texFormula(tex.join('')));
        tex = undefined;
      }
    },
    text(text) {
      if (droppedDepth > 0) return;
      if (tex) tex.push(text);
      else current.push(text);
    },
    value() {
      endPiece();
      return options.joiner === 'sentence' ? joinSentences(pieces) : pieces.join(' ');
    },
  };
}

/** Joins pieces, giving a piece without final punctuation a full stop ("Figure title. Its legend"). */
export function joinSentences(pieces: readonly string[]): string {
  return pieces
    .map((piece, i) => (i < pieces.length - 1 && !/[.!?:;]$/.test(piece) ? `${piece}.` : piece))
    .join(' ');
}

/** The formula inside PMC's `\documentclass … \begin{document} $…$ \end{document}` wrapper. */
export function texFormula(source: string): string {
  const begin = source.indexOf('\\begin{document}');
  const end = source.lastIndexOf('\\end{document}');
  const body = begin >= 0 && end > begin ? source.slice(begin + '\\begin{document}'.length, end) : source;
  return normalizeSpace(body).replace(/^\$+\s*|\s*\$+$/g, '');
}

/**
 * Several captures open at once (a contributor's collab text inside the contributor). Every
 * element and text event is routed to all captures that enclose it; a capture ends when the
 * element that started it closes.
 */
export interface CaptureStack {
  /** Route an element opening; call `start` afterwards to capture this element itself. */
  open(element: JatsElement): void;
  /** Capture the element just opened; `done` receives its flattened text when it closes. */
  start(done: (text: string) => void, options?: InlineOptions): void;
  close(element: JatsElement): void;
  text(text: string): void;
}

export function createCaptureStack(): CaptureStack {
  const active: Array<{ depth: number; capture: InlineCapture; done: (text: string) => void }> = [];
  let depth = 0;

  return {
    open(element) {
      for (const entry of active) entry.capture.open(element);
      depth += 1;
    },
    start(done, options) {
      active.push({ depth, capture: createInlineCapture(options), done });
    },
    close(element) {
      while (active.length > 0 && active[active.length - 1]?.depth === depth) {
        const entry = active.pop();
        entry?.done(entry.capture.value());
      }
      for (const entry of active) entry.capture.close(element);
      depth -= 1;
    },
    text(text) {
      for (const entry of active) entry.capture.text(text);
    },
  };
}
