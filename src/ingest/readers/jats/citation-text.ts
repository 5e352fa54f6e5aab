import { normalizeSpace } from '../../../domain/text.js';
import { attribute, type JatsElement } from './events.js';

/**
 * The whole text of one citation, readable. Mixed citations carry their own punctuation between
 * fields ("Rich KM, Wanyoike F (2010) An assessment …"); element citations carry none
 * (`<surname>Avery</surname><given-names>SV</given-names><article-title>…`), so where one field
 * ends and the next begins with nothing between them, a separator fit for the pair is put in.
 */
export interface CitationText {
  open(element: JatsElement): void;
  close(element: JatsElement): void;
  text(text: string): void;
  value(): string;
}

/** Markup inside a field; never a field boundary. */
const INLINE = new Set([
  'italic',
  'bold',
  'sup',
  'sub',
  'sc',
  'underline',
  'overline',
  'monospace',
  'roman',
  'strike',
  'named-content',
  'styled-content',
  'inline-formula',
  'xref',
]);

const NAMES = new Set(['name', 'string-name', 'collab']);

/** Fields a full stop follows when nothing else does (Vancouver-like). */
const FULL_STOP_AFTER = new Set([
  'article-title',
  'chapter-title',
  'source',
  'trans-title',
  'trans-source',
  'part-title',
  'person-group',
  'year',
  'etal',
  'edition',
  'conf-name',
  ...NAMES,
]);

const DROPPED = new Set(['label', 'object-id', 'graphic', 'inline-graphic']);

const PUB_ID_PREFIXES: Readonly<Record<string, string>> = { pmid: 'PMID: ', doi: 'doi:', pmcid: '' };

interface Boundary {
  /** The element that just closed, when the boundary is a field's end. */
  after?: string;
  /** The first element that opened after the boundary. */
  before?: string;
}

export function createCitationText(): CitationText {
  const parts: string[] = [];
  let boundary: Boundary | undefined;
  let droppedDepth = 0;
  // Length of `parts` when an <etal> opened: an empty <etal/> is written "et al.".
  const etalStarts: number[] = [];

  const lastChar = (): string => {
    for (let i = parts.length - 1; i >= 0; i -= 1) {
      const part = parts[i] ?? '';
      if (part !== '') return part[part.length - 1] ?? '';
    }
    return '';
  };

  const write = (text: string) => {
    if (text === '') return;
    if (boundary) {
      const separator = separatorFor(boundary, lastChar(), text[0] ?? '');
      if (separator !== '') parts.push(separator);
      boundary = undefined;
    }
    parts.push(text);
  };

  return {
    open(element) {
      if (droppedDepth > 0 || isDropped(element)) {
        droppedDepth += 1;
        return;
      }
      if (element.name === 'break') return;
      if (!isInline(element.name) && parts.length > 0) {
        boundary ??= {};
        boundary.before ??= element.name;
      }
      if (element.name === 'etal') etalStarts.push(parts.length);
      if (element.name === 'pub-id') write(PUB_ID_PREFIXES[attribute(element, 'pub-id-type') ?? ''] ?? '');
    },
    close(element) {
      if (droppedDepth > 0) {
        droppedDepth -= 1;
        return;
      }
      if (element.name === 'break') {
        write(' ');
        return;
      }
      if (element.name === 'etal' && etalStarts.pop() === parts.length) write('et al.');
      if (!isInline(element.name)) boundary = { after: element.name };
    },
    text(text) {
      if (droppedDepth === 0) write(text);
    },
    value() {
      return normalizeSpace(parts.join(''));
    },
  };
}

function isInline(name: string): boolean {
  return INLINE.has(name) || name.startsWith('mml:') || name === 'ext-link' || name === 'uri';
}

function isDropped(element: JatsElement): boolean {
  if (DROPPED.has(element.name)) return true;
  if (element.name === 'pub-id') return !((attribute(element, 'pub-id-type') ?? '') in PUB_ID_PREFIXES);
  if (element.name === 'xref') return ['fn', 'table-fn'].includes(attribute(element, 'ref-type') ?? '');
  return false;
}

function separatorFor(boundary: Boundary, previous: string, next: string): string {
  if (previous === '' || /[\s([–—/-]/.test(previous)) return '';
  if (/\s/.test(next) || /^[,.;:)\]–—-]/.test(next)) return '';
  const separator = chooseSeparator(boundary);
  if (separator === '. ' && /[.?!]/.test(previous)) return ' ';
  return separator;
}

function chooseSeparator({ after, before }: Boundary): string {
  if (after === 'fpage' && before === 'lpage') return '–';
  // "2006;4:577–587", the Vancouver order element citations follow.
  if (after === 'year' && before === 'volume') return ';';
  if ((after === 'volume' || after === 'issue') && before === 'fpage') return ':';
  if (before === 'etal' || before === 'pub-id') return ' ';
  if (after !== undefined && NAMES.has(after) && before !== undefined && NAMES.has(before)) return ', ';
  if (after !== undefined && FULL_STOP_AFTER.has(after)) return '. ';
  return ' ';
}
