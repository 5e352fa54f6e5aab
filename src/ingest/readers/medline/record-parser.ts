import { SaxesParser } from 'saxes';
import { addText, closeElement, newExtractState, openElement, type ExtractState } from './extract.js';
import { parseStrictSubset, type FastXmlHandler } from './fast-xml.js';
import { findBadReference, pruneUnreadRegions } from './prune.js';
import type { MedlineRecord } from './record.js';

export type ParseOutcome =
  | { ok: true; record: MedlineRecord }
  /** `line` is 1-based within the record's text. */
  | { ok: false; problem: string; line: number };

export interface RecordParser {
  /** Parses the XML of one record (its root element and nothing else). Never throws for bad XML. */
  parse(xml: string, kind: MedlineRecord['kind']): ParseOutcome;
}

/** saxes without namespace processing: tags carry plain string attributes. */
type PlainParser = SaxesParser<{ xmlns?: false; position: boolean }>;

interface XmlFailure {
  problem: string;
  line: number;
}

// Thrown from the saxes error handler to stop at the first error; what went wrong is kept aside.
const STOP = Symbol('stop parsing');

/**
 * A record parser with three stages, each used only when the one before cannot decide:
 * the strict-subset tokenizer (fast-xml.ts), which reads almost every real record; a saxes
 * parser that does not track positions; and a careful saxes parser that parses the record as
 * written and says where it breaks. The first two see the record with its unread regions cut out.
 *
 * `pruneUnreadRegions: false` parses records whole, and `fastPath: false` skips the tokenizer;
 * tests use them to show that neither changes anything the reader reads.
 */
export function createRecordParser(options: { pruneUnreadRegions?: boolean; fastPath?: boolean } = {}): RecordParser {
  const prune = options.pruneUnreadRegions ?? true;
  const useFastPath = options.fastPath ?? true;
  let state: ExtractState = newExtractState('PubmedArticle');
  let failure: XmlFailure | undefined;
  const fastHandler: FastXmlHandler = {
    open: (tag) => openElement(state, tag),
    text: (text) => addText(state, text),
    close: () => closeElement(state),
  };

  /** With `source`, the parser tracks positions and describes errors in that text. */
  function makeParser(source?: string): PlainParser {
    const parser: PlainParser = new SaxesParser({ position: source !== undefined });
    parser.on('opentag', (tag) => openElement(state, tag));
    parser.on('text', (text) => addText(state, text));
    parser.on('cdata', (text) => addText(state, text));
    parser.on('closetag', () => closeElement(state));
    parser.on('error', (error) => {
      failure =
        source === undefined
          ? { problem: error.message, line: 1 }
          : { problem: describe(error.message, source, parser.position, state.lastClosed), line: parser.line };
      throw STOP;
    });
    return parser;
  }

  let fast = makeParser();

  function run(parser: PlainParser, xml: string, kind: MedlineRecord['kind']): boolean {
    state = newExtractState(kind);
    failure = undefined;
    try {
      parser.write(xml).close();
      return true;
    } catch (error) {
      if (error !== STOP) throw error;
      return false;
    }
  }

  return {
    parse(xml, kind) {
      const bad = findBadReference(xml);
      if (bad) {
        const problem = bad.text.startsWith('&#')
          ? `malformed character reference ${bad.text}`
          : bad.text.endsWith(';')
          ? `undefined entity ${bad.text} (only &amp; &lt; &gt; &quot; &apos; and numeric references are defined)`
          : `a bare "&" in "${bad.text}…" (it must be written &amp;)`;
        return { ok: false, problem, line: lineOf(xml, bad.index) };
      }
      const readable = prune ? pruneUnreadRegions(xml) : xml;
      if (useFastPath) {
        state = newExtractState(kind);
        if (parseStrictSubset(readable, fastHandler)) return { ok: true, record: state.record };
      }
      try {
        if (run(fast, readable, kind)) return { ok: true, record: state.record };
      } finally {
        // A parser stopped mid-record keeps its half-read state; start the next one afresh.
        if (failure !== undefined || state.stack.length > 0) fast = makeParser();
      }
      const careful = makeParser(xml);
      if (run(careful, xml, kind)) return { ok: true, record: state.record };
      return { ok: false, problem: failure?.problem ?? 'malformed XML', line: failure?.line ?? 1 };
    },
  };
}

/** saxes's message, made specific where saxes is terse, without its "line:column: " prefix. */
function describe(message: string, xml: string, position: number, lastClosed: string | undefined): string {
  const bare = message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
  if (bare === 'unexpected close tag') {
    const closing = /^<\/([^\s>]*)/.exec(xml.slice(xml.lastIndexOf('</', position - 1)))?.[1];
    return `closing tag </${closing ?? '?'}> does not match the open <${lastClosed ?? '?'}>`;
  }
  const unclosed = /^unclosed tag: (.*)$/.exec(bare);
  if (unclosed) return `<${unclosed[1]}> is never closed`;
  return bare;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let next = text.indexOf('\n'); next !== -1 && next < index; next = text.indexOf('\n', next + 1)) line++;
  return line;
}
