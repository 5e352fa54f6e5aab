/**
 * Europe PMC's REST API (https://europepmc.org/RestfulWebService): `searchPOST` with
 * `resultType=idlist` finds records, paging by cursor; `searchPOST` with `resultType=core` and a
 * query of `(EXT_ID:… AND SRC:…) OR …` returns their full metadata and abstracts as JSON, which is
 * handed on byte for byte to be saved as `.europepmc.json` and read by citemed's Europe PMC reader.
 *
 * Both are POSTed as forms: a query of a hundred ids is too long for a comfortable URL. Retries,
 * backoff, Retry-After and timeouts are ../http/post.ts's; this file adds Europe PMC's parameters
 * and a hard check of every reply, since a reply without its `resultList` taken for "no records"
 * would silently lose evidence. Europe PMC has been measured to answer some requests, for any
 * query, with HTTP 200 and `{"version":"6.9"}` alone (a genuine search without hits still holds
 * `"resultList":{"result":[]}`); such an incomplete reply is retried like a dropped connection,
 * and only a reply that is wrong in itself fails at once.
 *
 * With `fullText`, each `core` reply is followed by the open-access full text of its records
 * (`GET <base>/<PMCID>/fullTextXML`, JATS, see europepmc-fulltext.ts), one piece per article, so an
 * abstract and its full text are saved, and ingested, side by side.
 *
 * Ids are Europe PMC's own keys, "SOURCE:id": "MED:12345678" (a PubMed record), "PMC:PMC1234567"
 * (PMC without a PMID), "PPR:PPR123456" (a preprint), and likewise AGR, CBA, CTX, ETH, HIR, PAT.
 */
import { CitemedError } from '../../domain/errors.js';
import { describeHtmlPage, isHtmlPage } from '../../domain/markup.js';
import { inPieces } from '../../domain/pieces.js';
import type { FetchedPiece, LiteratureQuery, LiteratureSearch, LiteratureService } from '../../ports/literature.js';
import type { FailureWording } from '../http/errors.js';
import { isRecord, parseJson } from '../http/json.js';
import { HttpClient, type HttpClientOptions } from '../http/post.js';
import { endpointProblems, isWholeNumber, rejectBadSettings, retryProblems, trimTrailingSlashes } from '../http/settings.js';
import { JATS_EXTENSION, notJats, openAccessRecords } from './europepmc-fulltext.js';

/** EMBL-EBI's own service; callers use it unless a mirror or a test server is configured. */
export const EUROPEPMC_BASE_URL = 'https://www.ebi.ac.uk/europepmc/webservices/rest';

/** Largest `pageSize` Europe PMC accepts: ids per page of a search. */
export const EUROPEPMC_PAGE_SIZE = 1000;

/**
 * Ids per `core` request. 100 records of full metadata and abstracts are about 0.5–1 MB of JSON,
 * small enough that a failed piece costs little to fetch again, and the `EXT_ID` query of 100 ids
 * (about 3 KB) stays well inside what the service takes.
 */
export const EUROPEPMC_FETCH_PIECE_IDS = 100;

/**
 * A year range goes into the query as `PUB_YEAR:[from TO to]`; an open end is filled with a year
 * before the oldest record (PMC holds journals back to the 1600s) or far in the future.
 */
export const EUROPEPMC_OPEN_FROM_YEAR = 1000;
export const EUROPEPMC_OPEN_TO_YEAR = 9999;

/** The extension fetched pieces are saved under, which format detection reads them by. */
export const EUROPEPMC_EXTENSION = '.europepmc.json';

const SERVICE = 'Europe PMC';

export interface EuropePmcServiceOptions extends Omit<HttpClientOptions, 'apiKey'> {
  /** Usually EUROPEPMC_BASE_URL; "/searchPOST" is appended. */
  baseUrl: string;
  /** Sent as `email`, the contact address Europe PMC asks heavy users for; optional. */
  email?: string;
  /** Also fetch the open-access full text (JATS) of the records that have one; default false. */
  fullText?: boolean;
}

/** A record key, split: "MED:123" → { source: "MED", id: "123" }. */
interface RecordKey {
  source: string;
  id: string;
}

/** Builds the service; options are checked here so a bad configuration fails at start-up. */
export function createEuropePmcService(options: EuropePmcServiceOptions): LiteratureService {
  checkOptions(options);
  const base = trimTrailingSlashes(options.baseUrl).replace(/\/searchPOST$/, '');
  const endpoint = new Endpoint(`${base}/searchPOST`, options);
  const common: [string, string][] = options.email ? [['email', options.email]] : [];

  return {
    name: 'europepmc',
    description: `Europe PMC (REST API, ${base}${options.fullText ? ', with open-access full text' : ''})`,
    ...(options.fullText ? { variant: 'full-text' } : {}),
    async search(query, signal) {
      const text = searchText(query);
      const ids: string[] = [];
      const seen = new Set<string>();
      let cursor = '*';
      let total = 0;
      let ended = false;
      while (!ended) {
        // Always at least one id: a search for max 0 still learns the total.
        const pageSize = Math.min(EUROPEPMC_PAGE_SIZE, Math.max(query.max - ids.length, 1));
        const fields: [string, string][] = [
          ['query', text],
          ['format', 'json'],
          ['resultType', 'idlist'],
          ['pageSize', String(pageSize)],
          ['cursorMark', cursor],
          ...common,
        ];
        const page = await endpoint.post(fields, signal, async (response) => parseIdPage(await response.text(), endpoint));
        total = page.total;
        let added = 0;
        for (const id of page.ids) {
          if (ids.length >= query.max || seen.has(id)) continue;
          seen.add(id);
          ids.push(id);
          added++;
        }
        // The last page repeats the cursor it was asked with (Solr's cursors do); a page that adds
        // nothing new would only repeat itself.
        ended = ids.length >= query.max || ids.length >= total || added === 0 || page.next === undefined || page.next === cursor;
        if (page.next !== undefined) cursor = page.next;
      }
      const search: LiteratureSearch = { total, ids, warnings: [] };
      const expected = Math.min(query.max, total);
      if (ids.length < expected) {
        search.warnings.push(`Europe PMC counted ${total} matches but its pages ended after ${ids.length} records`);
      }
      return search;
    },
    async *fetch(ids, signal) {
      const keys = uniqueKeys(ids);
      for (const piece of inPieces(keys, EUROPEPMC_FETCH_PIECE_IDS)) {
        const fields: [string, string][] = [
          ['query', idQuery(piece.map((entry) => entry.key))],
          ['format', 'json'],
          ['resultType', 'core'],
          ['pageSize', String(EUROPEPMC_FETCH_PIECE_IDS)],
          ['cursorMark', '*'],
          ...common,
        ];
        const { bytes, results } = await endpoint.post(fields, signal, async (response) => {
          const body = new Uint8Array(await response.arrayBuffer());
          return { bytes: body, results: coreResults(body, endpoint) };
        });
        const fetched: FetchedPiece = { ids: piece.map((entry) => entry.given), bytes, extension: EUROPEPMC_EXTENSION, records: results.length };
        yield fetched;
        if (!options.fullText) continue;
        for (const { key, pmcid } of openAccessRecords(results)) {
          const article = await fetchFullText(new Endpoint(`${base}/${pmcid}/fullTextXML`, options), signal);
          if (article !== undefined) yield { ids: [key], bytes: article, extension: JATS_EXTENSION, records: 1 };
        }
      }
    },
  };
}

function checkOptions(options: EuropePmcServiceOptions): void {
  // endpointProblems also checks a model name; Europe PMC has none, the service's name stands in.
  const problems = endpointProblems({ baseUrl: options.baseUrl, model: 'europepmc' });
  problems.push(...retryProblems(options));
  if (options.email && !/^[^\s@]+@[^\s@]+$/.test(options.email)) problems.push(`email ${JSON.stringify(options.email)} is not an email address`);
  rejectBadSettings('Europe PMC', problems);
}

/** The query as sent: the user's, and the year range in Europe PMC's own syntax. */
export function searchText(query: LiteratureQuery): string {
  const text = query.query.trim();
  if (text === '') throw usage('the Europe PMC query is empty', "type the terms to search for, in Europe PMC's query syntax");
  if (!isWholeNumber(query.max, 0)) throw usage(`the most records to fetch must be a whole number, not ${query.max}`, 'give a number like 100');
  const { fromYear, toYear } = query;
  if (fromYear === undefined && toYear === undefined) return text;
  checkYear('fromYear', fromYear);
  checkYear('toYear', toYear);
  if (fromYear !== undefined && toYear !== undefined && fromYear > toYear) {
    throw usage(`the years run backwards: from ${fromYear} to ${toYear}`, 'give the earlier year first');
  }
  return `(${text}) AND (PUB_YEAR:[${fromYear ?? EUROPEPMC_OPEN_FROM_YEAR} TO ${toYear ?? EUROPEPMC_OPEN_TO_YEAR}])`;
}

function checkYear(name: string, year: number | undefined): void {
  if (year === undefined || (Number.isInteger(year) && year >= 1000 && year <= 9999)) return;
  throw usage(`${name} must be a year of four digits, not ${year}`, 'give years like 2015');
}

const KEY = /^([A-Za-z]{2,10}):(\S+)$/;

/** The ids as keys, each once, in their order; a usage error names every id that is not "SOURCE:id". */
function uniqueKeys(ids: readonly string[]): { given: string; key: RecordKey }[] {
  const bad: string[] = [];
  const out: { given: string; key: RecordKey }[] = [];
  const seen = new Set<string>();
  for (const given of ids) {
    const match = KEY.exec(given.trim());
    if (!match) {
      bad.push(given);
      continue;
    }
    const key = { source: (match[1] ?? '').toUpperCase(), id: match[2] ?? '' };
    const canonical = `${key.source}:${key.id}`;
    if (seen.has(canonical)) continue;
    seen.add(canonical);
    out.push({ given, key });
  }
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map((id) => JSON.stringify(id)).join(', ');
    throw usage(
      `Europe PMC ids are "SOURCE:id" (MED:12345678, PMC:PMC1234567, PPR:PPR123456); not ${shown}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}`,
      'pass the ids a Europe PMC search gave',
    );
  }
  return out;
}

/** `(EXT_ID:123 AND SRC:MED) OR (EXT_ID:PPR456 AND SRC:PPR)`; ids other than letters and digits quoted. */
export function idQuery(keys: readonly RecordKey[]): string {
  return keys.map(({ source, id }) => `(EXT_ID:${/^[A-Za-z0-9]+$/.test(id) ? id : `"${id.replace(/["\\]/g, '\\$&')}"`} AND SRC:${source})`).join(' OR ');
}

function usage(message: string, hint: string): CitemedError {
  return new CitemedError('usage', message, { hint });
}

/**
 * One full text, byte for byte, or undefined when Europe PMC has none (404: not every open-access
 * record has XML). A reply that is not a JATS article is an error, never saved as one.
 */
async function fetchFullText(endpoint: Endpoint, signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
  return endpoint.get(signal, async (response) => {
    const body = new Uint8Array(await response.arrayBuffer());
    const problem = notJats(body);
    if (problem !== undefined) throw endpoint.malformed(problem);
    return body;
  });
}

/** One resource of the REST API (`searchPOST`, a full text): its client, and the errors that name it. */
class Endpoint {
  private readonly http: HttpClient;

  constructor(
    readonly url: string,
    options: EuropePmcServiceOptions,
  ) {
    this.http = new HttpClient({ url, service: SERVICE }, options, europePmcWording(url));
  }

  post<T>(fields: [string, string][], signal: AbortSignal | undefined, read: (response: Response) => Promise<T>): Promise<T> {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    return this.http.post(headers, new URLSearchParams(fields).toString(), signal, read);
  }

  /** GETs the resource; a 404 resolves to undefined. */
  get<T>(signal: AbortSignal | undefined, read: (response: Response) => Promise<T>): Promise<T | undefined> {
    return this.http.get({ accept: 'application/xml' }, signal, read, () => undefined);
  }

  /** A 2xx reply that cannot be read as what was asked for. */
  malformed(problem: string): CitemedError {
    return new CitemedError('service-failed', `${SERVICE} at ${this.url} sent an unusable reply: ${problem}`, {
      hint: 'Europe PMC may be having trouble; try again later, or check literature.europepmc.baseUrl',
    });
  }

  /** An error Europe PMC reported inside a 2xx reply. */
  reported(message: string): CitemedError {
    return new CitemedError('service-failed', `${SERVICE} at ${this.url} reported an error: ${message.replace(/\s+/g, ' ').trim().slice(0, 300)}`, {
      hint: QUERY_HINT,
    });
  }
}

const QUERY_HINT = "check the query's syntax: Europe PMC's fields (TITLE:, ABSTRACT:, MESH:…), AND, OR, NOT, quotes and brackets";

function europePmcWording(url: string): FailureWording {
  return {
    hints: {
      apiKey: 'Europe PMC needs no key; check that literature.europepmc.baseUrl points at Europe PMC and not at a proxy that wants one',
      notFound: `check literature.europepmc.baseUrl; Europe PMC's is ${EUROPEPMC_BASE_URL}`,
      tooLarge: QUERY_HINT,
      rateLimited: 'Europe PMC is limiting requests; wait a minute and run the command again',
      unreachable: 'check the network connection and literature.europepmc.baseUrl, then try again; incomplete replies from Europe PMC usually pass within minutes',
    },
    // Said of network failures and of incomplete replies alike, once the retries are spent.
    unreachable: 'could not get a complete reply from',
    timedOut: 'no answer',
    cancelledRequest: `the request to ${SERVICE} at ${url}`,
  };
}

/** One page of an idlist search. */
interface IdPage {
  total: number;
  ids: string[];
  /** `nextCursorMark`, when the reply has one. */
  next: string | undefined;
}

/** The JSON of an idlist page, checked field by field: a malformed reply must never read as "no records". */
function parseIdPage(text: string, endpoint: Endpoint): IdPage {
  const { parsed, results } = replyResults(parseBody(text, endpoint), endpoint);
  const fail = (problem: string) => endpoint.malformed(problem);
  const total = parsed.hitCount;
  if (typeof total !== 'number' || !isWholeNumber(total, 0)) throw fail(`"hitCount" is ${JSON.stringify(total)}, not a count`);
  const next = parsed.nextCursorMark;
  if (next !== undefined && typeof next !== 'string') throw fail(`"nextCursorMark" is ${JSON.stringify(next)}, not a string`);
  const ids = results.map((result, position) => recordKey(result, position, fail));
  return { total, ids, next: next === '' ? undefined : next };
}

/**
 * Not a CitemedError, so the HTTP client tries again (post.ts): a JSON object without
 * `resultList`, and without an error message, is the incomplete reply Europe PMC sends at times.
 */
class IncompleteReply extends Error {}

/** The reply as an object and its `resultList.result`, or the error it reported, or why it is unusable. */
function replyResults(parsed: unknown, endpoint: Endpoint): { parsed: Record<string, unknown>; results: unknown[] } {
  if (!isRecord(parsed)) throw endpoint.malformed('the body is not a JSON object');
  const resultList = parsed.resultList;
  if (resultList === undefined) {
    const said = [parsed.errMsg, parsed.error, parsed.message].find((value): value is string => typeof value === 'string' && value.trim() !== '');
    if (said !== undefined) throw endpoint.reported(said);
    throw new IncompleteReply(`the reply has no "resultList" (${JSON.stringify(parsed).slice(0, 80)})`);
  }
  if (!isRecord(resultList)) throw endpoint.malformed('"resultList" is not an object');
  const results = resultList.result;
  if (!Array.isArray(results)) throw endpoint.malformed('"resultList" has no "result" array');
  return { parsed, results };
}

/** "SOURCE:id" of one result. */
function recordKey(result: unknown, position: number, fail: (problem: string) => CitemedError): string {
  if (!isRecord(result)) throw fail(`result[${position}] is not an object`);
  const { source, id } = result;
  if (typeof source !== 'string' || !/^[A-Z]{2,10}$/.test(source)) throw fail(`result[${position}] has source ${JSON.stringify(source)}, not a source code like "MED"`);
  if (typeof id !== 'string' || !/^\S+$/.test(id)) throw fail(`result[${position}] has id ${JSON.stringify(id)}, not an id`);
  return `${source}:${id}`;
}

/** Checks that a core reply is a whole Europe PMC result list, and returns its results. */
function coreResults(bytes: Uint8Array, endpoint: Endpoint): unknown[] {
  const { results } = replyResults(parseBody(new TextDecoder('utf-8').decode(bytes), endpoint), endpoint);
  results.forEach((result, position) => recordKey(result, position, (problem) => endpoint.malformed(problem)));
  return results;
}

/** JSON, or an error saying what came instead: an HTML page (a proxy's, a maintenance notice) is named by its title. */
function parseBody(text: string, endpoint: Endpoint): unknown {
  const head = text.slice(0, 16 * 1024);
  if (isHtmlPage(head)) throw endpoint.malformed(`${describeHtmlPage(head)} instead of JSON`);
  return parseJson(text, (problem) => endpoint.malformed(problem));
}
