import { CitemedError } from '../../../domain/errors.js';
import type { TextWindow } from './text-window.js';

/** The root element of the file, found after the XML declaration, DOCTYPE and comments. */
export interface RootTag {
  name: string;
  /** Index just after the root's start tag. */
  end: number;
  /** `<PubmedArticleSet/>`: a set with no records. */
  empty: boolean;
}

// A prologue is a few hundred characters; more than this before the root means it is not a
// MEDLINE file (or the DOCTYPE holds a whole DTD, which MEDLINE files never do). Characters.
const PROLOGUE_LIMIT = 1 << 20;

const ROOT_START = /<([^\s/>]+)[^>]*>/y;
// A byte-order mark (U+FEFF) is skipped like the blanks around the prologue.
const XML_SPACE = /[\ufeff \t\r\n]*/y;

type Step = { kind: 'more' } | { kind: 'next'; index: number } | { kind: 'root'; root: RootTag };

/**
 * Reads the window until the root element's start tag, skipping the XML declaration, the
 * DOCTYPE (with any internal subset), comments and processing instructions.
 */
export async function readRoot(window: TextWindow, path: string): Promise<RootTag> {
  let index = 0;
  for (;;) {
    const step = prologueStep(window.text, index, path);
    if (step.kind === 'root') return step.root;
    if (step.kind === 'next') {
      index = step.index;
      continue;
    }
    if (window.text.length > PROLOGUE_LIMIT) {
      throw notMedline(path, `no root element in the first ${PROLOGUE_LIMIT} characters`);
    }
    if (!(await window.more())) {
      throw notMedline(path, window.text.trim() === '' ? 'the file is empty' : 'the file ends before its root element');
    }
  }
}

function prologueStep(text: string, from: number, path: string): Step {
  XML_SPACE.lastIndex = from;
  XML_SPACE.exec(text);
  const at = XML_SPACE.lastIndex;
  if (at >= text.length) return { kind: 'more' };
  if (text[at] !== '<') throw notMedline(path, `text before the first element: "${text.slice(at, at + 40)}"`);
  if (text.startsWith('<?', at)) return skipTo(text, at, '?>');
  if (text.startsWith('<!--', at)) return skipTo(text, at, '-->');
  if (text.startsWith('<!DOCTYPE', at)) return skipDoctype(text, at);
  if (text.startsWith('<!', at)) return skipTo(text, at, '>');
  if (text.indexOf('>', at) === -1) return { kind: 'more' };
  ROOT_START.lastIndex = at;
  const match = ROOT_START.exec(text);
  if (!match) throw notMedline(path, `malformed first element: "${text.slice(at, at + 40)}"`);
  const end = ROOT_START.lastIndex;
  return { kind: 'root', root: { name: match[1] ?? '', end, empty: text[end - 2] === '/' } };
}

function skipTo(text: string, at: number, terminator: string): Step {
  const end = text.indexOf(terminator, at);
  return end === -1 ? { kind: 'more' } : { kind: 'next', index: end + terminator.length };
}

function skipDoctype(text: string, at: number): Step {
  const close = text.indexOf('>', at);
  if (close === -1) return { kind: 'more' };
  const subset = text.indexOf('[', at);
  if (subset === -1 || subset > close) return { kind: 'next', index: close + 1 };
  // An internal subset holds declarations with their own '>'; the DOCTYPE ends at "]" then ">".
  const subsetEnd = text.indexOf(']', subset);
  if (subsetEnd === -1) return { kind: 'more' };
  return skipTo(text, subsetEnd, '>');
}

export function notMedline(path: string, problem: string): CitemedError {
  return new CitemedError('unsupported-format', `${path} is not a MEDLINE/PubMed XML file: ${problem}`, {
    hint: 'Give a PubMed baseline or update file (<PubmedArticleSet>) or an older MEDLINE file (<MedlineCitationSet>), decompressed or .xml.gz.',
  });
}
