import { createGapChecker, type GapChecker } from './gap.js';
import { notMedline, readRoot } from './prologue.js';
import { createTextWindow, type TextWindow } from './text-window.js';

export type RecordName = 'MedlineCitation' | 'PubmedArticle' | 'PubmedBookArticle' | 'DeleteCitation';

/**
 * A piece of the file between record boundaries, found without parsing the XML:
 * - `record`: one whole record, from its start tag to its end tag;
 * - `unclosed`: a record whose end tag never came (another record, the end of the set or the
 *   end of the file came first), with the text it had;
 * - `stray`: non-blank text between records;
 * - `unterminated-set`: the file ended outside any record but before the root's end tag.
 */
export type Segment =
  | { kind: 'record'; name: RecordName; xml: string; line: number }
  | { kind: 'unclosed'; name: RecordName; xml: string; line: number; cutBy: 'next-record' | 'end-of-set' | 'end-of-file'; cutLine: number }
  | { kind: 'stray'; text: string; line: number }
  | { kind: 'unterminated-set'; root: string; line: number };

/** Which elements are records, by root element. Record elements never nest in one another. */
const RECORDS_BY_ROOT: Readonly<Record<string, readonly RecordName[]>> = {
  MedlineCitationSet: ['MedlineCitation', 'DeleteCitation'],
  PubmedArticleSet: ['PubmedArticle', 'PubmedBookArticle', 'DeleteCitation'],
  PubmedBookArticleSet: ['PubmedBookArticle', 'DeleteCitation'],
};

// Longer than any boundary token ("</PubmedBookArticleSet" plus the character after it), so a
// token cut by a chunk boundary is searched again whole once the next chunk arrives. Characters.
const TOKEN_OVERLAP = 64;

const CLOSE_TAG_END = /[ \t\r\n]*>/y;
const NOT_XML_SPACE = /[^ \t\r\n]/;

type Token = { at: number; end: number; closing: boolean; name: string };

/**
 * Splits a MEDLINE/PubMed XML text stream into records at top-level boundaries. It only looks
 * for the record tags (one regex over the text, no XML parsing), so a broken record cannot
 * derail the records after it, and the text is scanned once however it is chunked.
 *
 * Throws (a CitemedError) only when the file is not a MEDLINE/PubMed set at all.
 */
export async function* splitRecords(chunks: AsyncIterable<string>, path: string): AsyncGenerator<Segment> {
  const window = createTextWindow(chunks);
  const root = await readRoot(window, path);
  const recordNames = RECORDS_BY_ROOT[root.name];
  if (!recordNames) {
    throw notMedline(path, `its root element is <${root.name}>, expected <PubmedArticleSet> or <MedlineCitationSet>`);
  }
  const tokens = new RegExp(`<(/?)(${[...recordNames, root.name].join('|')})(?=[\\s/>])`, 'g');
  const gap = createGapChecker(window);

  let scan = root.end;
  let gapStart = root.end;
  let open: { name: RecordName; start: number; line: number } | undefined;
  let rootClosedAt = root.empty ? root.end : -1;

  while (rootClosedAt === -1) {
    const token = findToken(window.text, scan, tokens);
    if ('starvedFrom' in token) {
      // Nothing before `starvedFrom` can start a token: keep only the open record (or the
      // part of the gap not yet checked) and read on.
      if (!open) gapStart = gap.scan(gapStart, token.starvedFrom, false);
      const keep = open ? open.start : gapStart;
      window.drop(keep);
      scan = token.starvedFrom - keep;
      gapStart -= keep;
      if (open) open.start = 0;
      if (await window.more()) continue;
      break;
    }
    scan = token.end;
    if (token.name === root.name) {
      if (!token.closing) continue;
      if (open) yield unclosed(window, open, token.at, 'end-of-set');
      else yield* endOfGap(gap, gapStart, token.at, '');
      open = undefined;
      rootClosedAt = token.end;
    } else if (!token.closing) {
      if (open) yield unclosed(window, open, token.at, 'next-record');
      else yield* endOfGap(gap, gapStart, token.at, '');
      open = { name: token.name as RecordName, start: token.at, line: window.lineAt(token.at) };
    } else if (open && token.name === open.name) {
      yield { kind: 'record', name: open.name, xml: window.text.slice(open.start, token.end), line: open.line };
      open = undefined;
      gapStart = token.end;
    }
    // A closing tag of another record inside an open one is left to the record's XML parser.
  }

  if (rootClosedAt === -1) {
    const end = window.text.length;
    if (open) {
      yield unclosed(window, open, end, 'end-of-file');
    } else {
      yield* endOfGap(gap, gapStart, end, '');
      yield { kind: 'unterminated-set', root: root.name, line: window.lineAt(end) };
    }
    return;
  }
  // After the root's end tag only blanks may follow; read them all so the stream is drained.
  let from = rootClosedAt;
  for (;;) {
    const read = gap.scan(from, window.text.length, false);
    window.drop(read);
    from = 0;
    if (!(await window.more())) break;
  }
  yield* endOfGap(gap, 0, window.text.length, 'after the end of the set: ');
}

/** Checks the rest of a gap and reports what it held, if anything. */
function* endOfGap(gap: GapChecker, from: number, to: number, prefix: string): Generator<Segment> {
  gap.scan(from, to, true);
  const stray = gap.take();
  if (stray) yield { kind: 'stray', text: prefix + stray.excerpt, line: stray.line };
}

function findToken(text: string, from: number, tokens: RegExp): Token | { starvedFrom: number } {
  tokens.lastIndex = from;
  for (;;) {
    const match = tokens.exec(text);
    if (!match) return { starvedFrom: Math.max(from, text.length - TOKEN_OVERLAP) };
    const at = match.index;
    const nameEnd = at + match[0].length;
    const name = match[2] ?? '';
    if (match[1] === '') return { at, end: nameEnd, closing: false, name };
    CLOSE_TAG_END.lastIndex = nameEnd;
    if (CLOSE_TAG_END.exec(text)) return { at, end: CLOSE_TAG_END.lastIndex, closing: true, name };
    // "</PubmedArticle" then only blanks: the ">" is in the next chunk.
    if (!NOT_XML_SPACE.test(text.slice(nameEnd))) return { starvedFrom: at };
    // "</PubmedArticle junk": not a boundary; the record's parser will report it.
  }
}

function unclosed(
  window: TextWindow,
  open: { name: RecordName; start: number; line: number },
  cutAt: number,
  cutBy: 'next-record' | 'end-of-set' | 'end-of-file',
): Segment {
  return { kind: 'unclosed', name: open.name, xml: window.text.slice(open.start, cutAt), line: open.line, cutBy, cutLine: window.lineAt(cutAt) };
}
