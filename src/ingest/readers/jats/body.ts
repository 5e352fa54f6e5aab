import { createTextBuilder, normalizeSpace, type BuiltText } from '../../../domain/text.js';
import { attribute, type ArticleListener, type JatsElement } from './events.js';
import { createInlineCapture, type InlineCapture, type InlineOptions } from './inline.js';
import { figureParagraph, headingOf, pathLabel, tableHeading } from './layout.js';

/**
 * Builds the article's reading text: the abstract, the body's section tree, tables (caption, then
 * one paragraph per row), figure captions, and the back matter people read (acknowledgements,
 * back sections, appendices). Reference lists, footnote groups and supplementary-material
 * captions are left out.
 */
export interface TextListener extends ArticleListener {
  result(): BuiltText;
}

interface Paragraph {
  path: string[];
  text: string;
}

/** A heading level of the path: a `sec`, an abstract, a box, the acknowledgements. */
interface SectionFrame {
  kind: 'section';
  heading?: string;
  label?: string;
  /** Used when the element has neither title nor label ("Section"); none: adds no level. */
  fallback?: string;
  /** A name the element always has, whatever its title says ("Acknowledgements"). */
  fixed?: string;
  /** Set on the region's root (abstract, body, back, floats-group): the path when no section is open. */
  emptyPath?: string[];
}

interface TableFrame {
  kind: 'table';
  label?: string;
  caption?: string;
  basePath: string[];
  headed: boolean;
}

interface FigureFrame {
  kind: 'figure';
  label?: string;
  caption?: string;
  basePath: string[];
}

interface CaptureFrame {
  kind: 'capture';
  capture: InlineCapture;
  /** Whether tables, figures and lists may open inside (a paragraph) or are flattened (a table cell). */
  floats: boolean;
  done: (text: string) => void;
  /** Paragraphs of floats that opened inside this one; they follow it in the text. */
  deferred: Paragraph[];
}

type Frame =
  | SectionFrame
  | TableFrame
  | FigureFrame
  | CaptureFrame
  | { kind: 'row'; cells: string[] }
  | { kind: 'pass' }
  | { kind: 'skip' }
  | { kind: 'inline' };

/** Elements that may sit inside a paragraph but are laid out as blocks of their own. */
const FLOATS = new Set([
  'table-wrap',
  'table-wrap-group',
  'fig',
  'fig-group',
  'boxed-text',
  'list',
  'def-list',
  'disp-quote',
  'supplementary-material',
  'statement',
  'chem-struct-wrap',
  'table',
]);

const SKIPPED = new Set([
  'ref-list',
  'fn-group',
  'supplementary-material',
  'sec-meta',
  'glossary',
  'sub-article',
  'response',
  'object-id',
  'alt-text',
  'long-desc',
  'graphic',
  'media',
  'kwd-group',
  'bio',
  'trans-abstract',
]);

/** Paragraph-like elements: each becomes one paragraph of the section it is in. */
const PARAGRAPHS = new Set(['p', 'disp-formula', 'preformat', 'code', 'verse-group', 'speech', 'list-item', 'def-item', 'attrib']);

/** Abstract types that are not a summary of the article in words. */
const SKIPPED_ABSTRACT_TYPES = new Set(['toc', 'graphical']);

export function createTextListener(): TextListener {
  const builder = createTextBuilder();
  const frames: Frame[] = [];
  let inRegion = false;
  // frames.length with the region's root on top; the region ends when its root closes.
  let regionDepth = 0;
  let region: 'abstract' | 'body' | 'back' | 'floats-group' | undefined;
  const seenFloats = new Set<string>();
  /** Section path where a figure or table is first cited, for floats given apart in <floats-group>. */
  const firstMention = new Map<string, string[]>();

  const push = (frame: Frame) => frames.push(frame);
  const top = (): Frame | undefined => frames[frames.length - 1];

  const activeCapture = (): CaptureFrame | undefined => {
    for (let i = frames.length - 1; i >= 0; i -= 1) {
      const frame = frames[i];
      if (frame?.kind === 'inline') continue;
      return frame?.kind === 'capture' ? frame : undefined;
    }
    return undefined;
  };

  const nearest = <K extends Frame['kind']>(kind: K): Extract<Frame, { kind: K }> | undefined => {
    for (let i = frames.length - 1; i >= 0; i -= 1) {
      const frame = frames[i];
      if (frame?.kind === kind) return frame as Extract<Frame, { kind: K }>;
    }
    return undefined;
  };

  const sectionPath = (): string[] => {
    const path: string[] = [];
    let emptyPath: string[] = [];
    for (const frame of frames) {
      if (frame.kind !== 'section') continue;
      if (frame.emptyPath) emptyPath = frame.emptyPath;
      const name = frame.fixed ?? frame.heading ?? frame.label ?? frame.fallback;
      if (name !== undefined && name !== '') path.push(name);
    }
    return path.length > 0 ? path : emptyPath;
  };

  /** Adds a paragraph, or holds it until the paragraph it sits inside is complete. */
  const emit = (path: string[], text: string) => {
    if (normalizeSpace(text) === '') return;
    const holder = nearest('capture');
    if (holder) holder.deferred.push({ path, text });
    else builder.addParagraph(path, text);
  };

  const capture = (done: (text: string) => void, options: InlineOptions & { floats?: boolean } = {}) => {
    push({ kind: 'capture', capture: createInlineCapture(options), floats: options.floats ?? false, done, deferred: [] });
  };

  const tablePath = (table: TableFrame) => [...table.basePath, pathLabel(table.label) ?? 'Table'];

  const headTable = (table: TableFrame) => {
    if (table.headed) return;
    table.headed = true;
    const heading = tableHeading(table.label, table.caption);
    if (heading !== undefined) emit(tablePath(table), heading);
  };

  const floatBasePath = (element: JatsElement, ancestors: readonly JatsElement[]): string[] => {
    if (!ancestors.some((a) => a.name === 'floats-group')) return sectionPath();
    const id = attribute(element, 'id');
    return (id !== undefined ? firstMention.get(id) : undefined) ?? ['Figures and tables'];
  };

  const noteMention = (element: JatsElement) => {
    const type = attribute(element, 'ref-type');
    // Only the body places floats: a table cited first in the abstract still belongs to the results.
    if (region !== 'body' || (type !== 'fig' && type !== 'table')) return;
    for (const id of (attribute(element, 'rid') ?? '').split(/\s+/)) {
      if (id !== '' && !firstMention.has(id)) firstMention.set(id, sectionPath());
    }
  };

  const openRegion = (element: JatsElement, ancestors: readonly JatsElement[]): boolean => {
    const parent = ancestors.map((a) => a.name).join('/');
    if (element.name === 'abstract' && parent === 'article/front/article-meta') {
      const type = attribute(element, 'abstract-type')?.toLowerCase();
      if (type !== undefined && SKIPPED_ABSTRACT_TYPES.has(type)) return false;
      push(
        type === undefined || type === 'abstract'
          ? { kind: 'section', fixed: 'Abstract' }
          : { kind: 'section', fallback: abstractName(type) },
      );
      region = 'abstract';
      return true;
    }
    if (parent !== 'article') return false;
    if (element.name === 'body') push({ kind: 'section', emptyPath: ['Body'] });
    else if (element.name === 'back') push({ kind: 'section', emptyPath: ['Back matter'] });
    else if (element.name === 'floats-group') push({ kind: 'section', emptyPath: ['Figures and tables'] });
    else return false;
    region = element.name;
    return true;
  };

  const openStructure = (element: JatsElement, ancestors: readonly JatsElement[]) => {
    const parent = top();
    const name = element.name;
    if (SKIPPED.has(name)) return push({ kind: 'skip' });
    switch (name) {
      case 'sec':
        return push({ kind: 'section', fallback: 'Section' });
      case 'ack':
        return push({ kind: 'section', fixed: 'Acknowledgements' });
      case 'app-group':
        return push({ kind: 'section', fixed: 'Appendix' });
      case 'app':
        return push({ kind: 'section' });
      case 'notes':
        return push({ kind: 'section', fallback: 'Notes' });
      case 'boxed-text':
        return push({ kind: 'section', fallback: 'Box' });
      case 'title':
        if (parent?.kind === 'section') {
          if (parent.fixed !== undefined) return push({ kind: 'skip' });
          return capture((t) => (parent.heading = headingOf(t)));
        }
        return capture((t) => emit(sectionPath(), t));
      case 'label':
        if (parent?.kind === 'section' || parent?.kind === 'table' || parent?.kind === 'figure') {
          return capture((t) => (parent.label = t === '' ? undefined : t));
        }
        return push({ kind: 'skip' });
      case 'caption':
        if (parent?.kind === 'table') {
          return capture(
            (t) => {
              parent.caption = t === '' ? undefined : t;
              headTable(parent);
            },
            { joiner: 'sentence' },
          );
        }
        if (parent?.kind === 'figure') return capture((t) => (parent.caption = t === '' ? undefined : t), { joiner: 'sentence' });
        return capture((t) => emit(sectionPath(), t), { joiner: 'sentence', floats: true });
      case 'table-wrap':
      case 'fig': {
        const id = attribute(element, 'id');
        // PMC repeats floats placed in the body in <floats-group>; read each once.
        if (id !== undefined && seenFloats.has(id)) return push({ kind: 'skip' });
        if (id !== undefined) seenFloats.add(id);
        const basePath = floatBasePath(element, ancestors);
        if (name === 'fig') return push({ kind: 'figure', basePath });
        return push({ kind: 'table', basePath, headed: false });
      }
      case 'table':
        if (nearest('table')) return push({ kind: 'pass' });
        return push({ kind: 'table', basePath: sectionPath(), headed: false });
      case 'tr':
        return push(nearest('table') ? { kind: 'row', cells: [] } : { kind: 'skip' });
      case 'th':
      case 'td': {
        const row = nearest('row');
        if (!row) return push({ kind: 'skip' });
        return capture((t) => row.cells.push(t));
      }
      case 'table-wrap-foot': {
        const table = nearest('table');
        if (!table) return push({ kind: 'skip' });
        return capture(
          (t) => {
            headTable(table);
            emit(tablePath(table), t);
          },
          { keepFootnotes: true },
        );
      }
    }
    if (PARAGRAPHS.has(name)) return capture((t) => emit(sectionPath(), t), { floats: true });
    return push({ kind: 'pass' });
  };

  const closeFrame = (frame: Frame, element: JatsElement) => {
    switch (frame.kind) {
      case 'inline':
        activeCapture()?.capture.close(element);
        return;
      case 'capture':
        frame.done(frame.capture.value());
        for (const paragraph of frame.deferred) emit(paragraph.path, paragraph.text);
        return;
      case 'row': {
        const table = nearest('table');
        if (!table || frame.cells.every((cell) => cell.trim() === '')) return;
        headTable(table);
        emit(tablePath(table), frame.cells.join(' | '));
        return;
      }
      case 'table':
        headTable(frame);
        return;
      case 'figure': {
        const text = figureParagraph(frame.label, frame.caption);
        if (text !== undefined) emit(frame.basePath, text);
        return;
      }
    }
  };

  return {
    open(element, ancestors) {
      if (!inRegion) {
        inRegion = openRegion(element, ancestors);
        if (inRegion) regionDepth = frames.length;
        else push({ kind: 'skip' });
        return;
      }
      if (top()?.kind === 'skip') return push({ kind: 'skip' });
      const active = activeCapture();
      if (active && !(active.floats && FLOATS.has(element.name))) {
        if (element.name === 'xref') noteMention(element);
        active.capture.open(element);
        return push({ kind: 'inline' });
      }
      openStructure(element, ancestors);
    },
    text(text) {
      activeCapture()?.capture.text(text);
    },
    close(element) {
      const frame = frames.pop();
      if (frame) closeFrame(frame, element);
      if (inRegion && frames.length < regionDepth) inRegion = false;
    },
    result() {
      return builder.build();
    },
  };
}

/** "author-summary" → "Author summary". */
function abstractName(type: string): string {
  const words = type.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
