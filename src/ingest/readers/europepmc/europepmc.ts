import { CitemedError } from '../../../domain/errors.js';
import type { Reader, ReaderInput, ReaderItem } from '../../reader.js';
import { collectBytes } from '../bytes.js';
import { resultLines } from './result-lines.js';
import { resultToItem } from './to-item.js';

/**
 * Reads a saved reply of Europe PMC's REST search with `resultType=core` (`.europepmc.json`, as
 * `citemed fetch` saves it): one JSON object whose `resultList.result` holds the records. Each
 * result becomes one source, or one skip naming its index and why (not an object, no id, no
 * title and no abstract). See to-item.ts for the fields read.
 *
 * One JSON object cannot be read a record at a time without a streaming JSON parser, so the file
 * is held whole, up to EUROPEPMC_LIMIT_BYTES, and a larger one is refused with an error rather
 * than exhausting memory. A file that is not JSON, or JSON without `resultList.result`, fails as a
 * whole: it is not a Europe PMC reply, and reading it as "no records" would hide that.
 *
 * Source ids: `pmid:<PMID>` when the record has a PMID, so the same paper from PubMed (MEDLINE
 * XML) and from Europe PMC is one source, never two; else `pmc:<PMCID>`, the JATS reader's id for
 * the same paper; else `europepmc:<SOURCE>:<id>` (a preprint: `europepmc:PPR:PPR123456`).
 *
 * Versions, since a shared id means one record replaces the other (domain/versioning.ts: the
 * newer by version number, then by revision date; when they cannot be told apart, the incoming):
 * - Under a PMID with `dateOfRevision`: version 1 and that date. Europe PMC takes a MEDLINE
 *   record's `dateOfRevision` from MEDLINE's DateRevised, so the copy and a MEDLINE record are
 *   compared on one clock: a copy of a later revision (one that records a retraction, say)
 *   replaces an older MEDLINE record, and an older copy never replaces a newer MEDLINE record
 *   ("kept newer"). A MEDLINE record NLM re-versioned (PMID Version 2) always wins, since Europe
 *   PMC does not give that number. At equal dates the last one ingested stands, as for any
 *   re-ingest of the same revision.
 * - Under a PMID without `dateOfRevision`: version 0. Nothing shows which revision the copy is, so
 *   it ranks below every MEDLINE record of that PMID (version ≥ 1) and fills the library only
 *   where MEDLINE has not.
 * - Under a PMCID: version 0 (with the revision date when given). The id is the JATS reader's,
 *   and Europe PMC's result holds only the abstract: it never replaces a JATS full text
 *   (version 1), which always replaces it.
 * - `europepmc:` ids are Europe PMC's alone: version 1 and the revision date.
 */
export const EUROPEPMC_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * A reader that refuses files above `limitBytes`. 64 MiB is about six times the largest reply
 * the service sends (1,000 core results of about 10 KB); JSON.parse holds the text and the
 * parsed objects, several times the file's size, so a library server's memory bounds the cap.
 */
export function createEuropePmcReader(limitBytes: number): Reader {
  return (input) => readWithin(input, limitBytes);
}

export const readEuropePmc: Reader = createEuropePmcReader(EUROPEPMC_LIMIT_BYTES);

async function* readWithin({ bytes, path }: ReaderInput, limitBytes: number): AsyncIterable<ReaderItem> {
  const text = await wholeText(bytes, limitBytes);
  const results = resultsOf(text);
  const lines = resultLines(text);
  for (let index = 0; index < results.length; index++) {
    yield resultToItem(results[index], { path, index, line: lines[index] ?? 1 });
  }
}

async function wholeText(bytes: AsyncIterable<Uint8Array>, limitBytes: number): Promise<string> {
  let data: Uint8Array;
  try {
    data = await collectBytes(bytes, limitBytes);
  } catch (error) {
    // Only the size limit is about this file's content; an I/O error passes on as it is.
    if (!(error instanceof RangeError)) throw error;
    throw new CitemedError(
      'unreadable',
      `a Europe PMC reply larger than ${formatMiB(limitBytes)} cannot be read (the whole file is parsed at once): fetch it again in smaller pieces, such as citemed fetch saves (100 records each)`,
    );
  }
  return new TextDecoder('utf-8').decode(data).replace(/^\uFEFF/, '');
}

function resultsOf(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw notAReply(`the file is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw notAReply('the file is not one JSON object');
  const resultList = (parsed as Record<string, unknown>).resultList;
  if (typeof resultList !== 'object' || resultList === null || Array.isArray(resultList)) throw notAReply('it has no "resultList" object');
  const results = (resultList as Record<string, unknown>).result;
  if (!Array.isArray(results)) throw notAReply('its "resultList" has no "result" array');
  return results;
}

function notAReply(problem: string): CitemedError {
  return new CitemedError('unsupported-format', `not a Europe PMC search reply: ${problem}; save the reply of a search with format=json and resultType=core, as citemed fetch does`);
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
