import type { DocumentBody } from './document-body.js';

/**
 * Turns htmlparser2 events into headings and paragraphs for the document body.
 *
 * h1–h6 are headings; p, li, blockquote, dd, dt, figcaption, caption, summary are paragraphs
 * (a nested block ends the text before it, so `<li>a<ul><li>b</li></ul></li>` gives "a", "b");
 * pre is one paragraph; each tr is one "cell | cell" paragraph. Text outside those elements
 * (straight in a div or the body) is a paragraph of its own, cut at block boundaries. Text in
 * page chrome and non-content elements (DROPPED) is never read.
 */
const DROPPED = new Set(['script', 'style', 'nav', 'header', 'footer', 'aside', 'noscript', 'template', 'svg', 'iframe', 'object']);
const PARAGRAPHS = new Set(['p', 'li', 'blockquote', 'dd', 'dt', 'figcaption', 'caption', 'summary']);
const HEADING = /^h([1-6])$/;
const BOUNDARIES = new Set([
  'html', 'body', 'main', 'article', 'section', 'div', 'table', 'thead', 'tbody', 'tfoot', 'td', 'th',
  'ul', 'ol', 'menu', 'dl', 'figure', 'hr', 'form', 'fieldset', 'legend', 'details', 'address', 'hgroup', 'center',
]);

export interface HtmlBlockCollector {
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  close(name: string): void;
  text(data: string): void;
  /** Emits whatever is still open (a file cut short) and returns the <title> text. */
  end(): { title?: string };
}

interface Frame {
  tag: string;
  parts: string[];
  listItem?: { depth: number; label?: string };
  /** Set once part of the frame's text went out, i.e. a nested block split it. */
  split: boolean;
  /** The list item a paragraph inside `<li>` belongs to: its text is the item's text. */
  item?: Frame;
}

/** A heading, pre or table row: read whole, nested blocks do not split it. */
interface Whole {
  tag: string;
  parts: string[];
  /** Cells of a table row. */
  cells?: string[][];
}

export function createHtmlBlockCollector(body: DocumentBody): HtmlBlockCollector {
  let droppedDepth = 0;
  let titleParts: string[] | undefined;
  let title: string | undefined;
  let whole: Whole | undefined;
  const frames: Frame[] = [];
  const loose: string[] = [];
  const lists: { ordered: boolean; next: number }[] = [];

  function target(): string[] | undefined {
    if (whole) return whole.cells ? whole.cells[whole.cells.length - 1] : whole.parts;
    return frames[frames.length - 1]?.parts ?? loose;
  }

  function emit(frame: Frame): void {
    const text = frame.parts.join('');
    frame.parts = [];
    if (text.trim() === '') return;
    const item = frame.item ?? frame;
    // Text after a nested block continues the item above it, so it is passed on one level deeper.
    const listItem = item.listItem && item.split ? { depth: item.listItem.depth + 1 } : item.listItem;
    body.paragraph(listItem ? { text, listItem } : { text });
    item.split = true;
  }

  /** Ends the text gathered so far, before a block starts or ends. */
  function flush(): void {
    const top = frames[frames.length - 1];
    if (top) emit(top);
    if (loose.length > 0) {
      body.paragraph({ text: loose.join('') });
      loose.length = 0;
    }
  }

  function finishWhole(done: Whole): void {
    const heading = HEADING.exec(done.tag);
    if (heading) body.heading(Number(heading[1]), done.parts.join(''));
    else if (done.cells) body.paragraph({ text: done.cells.map((cell) => cell.join('').trim()).join(' | ') });
    else body.paragraph({ text: done.parts.join('') });
  }

  function listItemPlace(attributes: Readonly<Record<string, string>>): Frame['listItem'] {
    const depth = frames.filter((frame) => frame.tag === 'li').length;
    const list = lists[lists.length - 1];
    if (!list?.ordered) return { depth };
    const value = Number.parseInt(attributes['value'] ?? '', 10);
    if (Number.isFinite(value)) list.next = value;
    return { depth, label: String(list.next++) };
  }

  return {
    open(name, attributes) {
      if (droppedDepth > 0 || DROPPED.has(name)) {
        if (DROPPED.has(name)) droppedDepth++;
        return;
      }
      if (name === 'title' && titleParts === undefined && title === undefined) {
        titleParts = [];
        return;
      }
      if (whole) {
        if (whole.cells && (name === 'td' || name === 'th')) whole.cells.push([]);
        // Blocks inside a cell or heading still separate words: <td><p>3 mg</p><p>daily</p></td>.
        else if (name === 'br' || PARAGRAPHS.has(name) || BOUNDARIES.has(name)) target()?.push(' ');
        return;
      }
      if (name === 'br') {
        target()?.push('\n');
        return;
      }
      if (HEADING.test(name) || name === 'pre' || name === 'tr') {
        flush();
        whole = name === 'tr' ? { tag: name, parts: [], cells: [] } : { tag: name, parts: [] };
        return;
      }
      if (PARAGRAPHS.has(name)) {
        flush();
        const frame: Frame = { tag: name, parts: [], split: false };
        const parent = frames[frames.length - 1];
        if (name === 'li') frame.listItem = listItemPlace(attributes);
        else if (parent?.item ?? parent?.listItem) frame.item = parent.item ?? parent;
        frames.push(frame);
        return;
      }
      if (name === 'ol' || name === 'ul') {
        flush();
        const start = Number.parseInt(attributes['start'] ?? '', 10);
        lists.push({ ordered: name === 'ol', next: Number.isFinite(start) ? start : 1 });
        return;
      }
      if (BOUNDARIES.has(name)) flush();
    },

    close(name) {
      if (droppedDepth > 0) {
        if (DROPPED.has(name)) droppedDepth--;
        return;
      }
      if (name === 'title' && titleParts !== undefined) {
        title = titleParts.join('').trim() || undefined;
        titleParts = undefined;
        return;
      }
      if (whole) {
        if (name === whole.tag) {
          const done = whole;
          whole = undefined;
          finishWhole(done);
        }
        return;
      }
      const at = frames.map((frame) => frame.tag).lastIndexOf(name);
      if (at >= 0) {
        while (frames.length > at) emit(frames.pop()!);
        return;
      }
      if (name === 'ol' || name === 'ul') {
        flush();
        lists.pop();
        return;
      }
      if (BOUNDARIES.has(name)) flush();
    },

    text(data) {
      if (droppedDepth > 0) return;
      if (titleParts) titleParts.push(data);
      else target()?.push(data);
    },

    end() {
      if (whole) {
        const done = whole;
        whole = undefined;
        finishWhole(done);
      }
      while (frames.length > 0) emit(frames.pop()!);
      flush();
      return title === undefined ? {} : { title };
    },
  };
}
