import type { Reader, ReaderInput, ReaderItem } from '../../reader.js';
import { decodeUtf8 } from '../bytes.js';
import { createRecordParser, type RecordParser } from './record-parser.js';
import { splitRecords, type Segment } from './splitter.js';
import { recordToItem } from './to-item.js';

/**
 * Reads MEDLINE/PubMed citation XML: PubMed baseline and update files and efetch output
 * (<PubmedArticleSet> of <PubmedArticle>, <PubmedBookArticle>, <DeleteCitation>) and the
 * older MEDLINE files (<MedlineCitationSet> of <MedlineCitation>, <DeleteCitation>).
 *
 * The text is split into records by a scanner that only looks for record tags, then each
 * record is parsed on its own, so a malformed record costs only itself: it becomes a `skip`
 * and the next record is read normally. Memory is bounded by the largest record.
 *
 * Choices worth knowing: the skip line of malformed XML is the line of the error (the reason
 * gives the record's first line); "Cites" CommentsCorrections (the 2016 DTD's reference list)
 * are not correction links; regions never read (affiliations, grants, reference lists…) are
 * cut out before parsing, so only their entities are checked (see prune.ts).
 */
export const readMedline: Reader = (input) => readItems(input);

async function* readItems(input: ReaderInput): AsyncGenerator<ReaderItem> {
  const parser = createRecordParser();
  for await (const segment of splitRecords(decodeUtf8(input.bytes), input.path)) {
    yield segmentToItem(segment, parser, input.path);
  }
}

function segmentToItem(segment: Segment, parser: RecordParser, path: string): ReaderItem {
  switch (segment.kind) {
    case 'record':
      return readRecord(segment, parser, path);
    case 'unclosed':
      return unclosedItem(segment);
    case 'stray':
      return { kind: 'skip', line: segment.line, reason: `unexpected text between records: "${segment.text}"` };
    case 'unterminated-set':
      return {
        kind: 'skip',
        line: segment.line,
        reason: `file ends without </${segment.root}>; it may be truncated (the records before this line were read)`,
      };
  }
}

function readRecord(segment: Extract<Segment, { kind: 'record' }>, parser: RecordParser, path: string): ReaderItem {
  let outcome: ReturnType<RecordParser['parse']>;
  try {
    outcome = parser.parse(segment.xml, segment.name);
  } catch (error) {
    // Not bad XML (that is reported below) but a failure reading it: still only this record's.
    const message = error instanceof Error ? error.message : String(error);
    return withRecordId({ kind: 'skip', line: segment.line, reason: `could not read <${segment.name}>${pmidNote(segment)}: ${message}` }, segment);
  }
  if (!outcome.ok) {
    return withRecordId(
      {
        kind: 'skip',
        line: segment.line + outcome.line - 1,
        reason: `malformed XML in <${segment.name}>${pmidNote(segment)} starting at line ${segment.line}: ${outcome.problem}`,
      },
      segment,
    );
  }
  return recordToItem(outcome.record, { path, line: segment.line });
}

function unclosedItem(segment: Extract<Segment, { kind: 'unclosed' }>): ReaderItem {
  const record = `<${segment.name}>${pmidNote(segment)} starting at line ${segment.line}`;
  const reason =
    segment.cutBy === 'end-of-file'
      ? `truncated record at end of file: ${record} has no </${segment.name}>`
      : segment.cutBy === 'next-record'
        ? `${record} has no </${segment.name}> before the next record at line ${segment.cutLine}`
        : `${record} has no </${segment.name}> before the end of the set at line ${segment.cutLine}`;
  return withRecordId({ kind: 'skip', line: segment.line, reason }, segment);
}

const FIRST_PMID = /<PMID\b[^>]*>\s*(\d+)\s*<\/PMID>/;

/** The record's PMID read straight from the text, for records the parser could not read. */
function pmidOf(segment: { name: string; xml: string }): string | undefined {
  if (segment.name === 'DeleteCitation') return undefined;
  // The record's own PMID comes before any linked article's.
  return FIRST_PMID.exec(segment.xml)?.[1];
}

function pmidNote(segment: { name: string; xml: string }): string {
  const pmid = pmidOf(segment);
  return pmid === undefined ? '' : ` PMID ${pmid}`;
}

function withRecordId(item: Extract<ReaderItem, { kind: 'skip' }>, segment: { name: string; xml: string }): ReaderItem {
  const pmid = pmidOf(segment);
  return pmid === undefined ? item : { ...item, recordId: `pmid:${pmid}` };
}
