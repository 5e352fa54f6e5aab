/**
 * PubMed through NCBI's E-utilities: `esearch.fcgi` finds PMIDs, `efetch.fcgi` returns their
 * MEDLINE XML, which is handed on byte for byte to be saved and read by citemed's MEDLINE reader.
 *
 * Both are POSTed as forms (NCBI asks for POST when a request carries many ids, and it keeps the
 * API key out of URLs and proxy logs). Retries, backoff, Retry-After and timeouts are
 * ../http/post.ts's; this file adds NCBI's rate limit, its parameters and a hard check of every
 * reply, since NCBI answers some failures with HTTP 200 (an HTML page, `<eFetchResult><ERROR>`,
 * `{"error": …}`) and a failure taken for "no records" would silently lose evidence.
 */
import { CitemedError } from '../../domain/errors.js';
import { describeHtmlPage, isHtmlPage, xmlRootElement } from '../../domain/markup.js';
import { inPieces } from '../../domain/pieces.js';
import type { FetchedPiece, LiteratureQuery, LiteratureSearch, LiteratureService } from '../../ports/literature.js';
import type { FailureWording } from '../http/errors.js';
import { isRecord, parseJson } from '../http/json.js';
import { HttpClient, type HttpClientOptions } from '../http/post.js';
import { abortableSleep, pause, type Sleep } from '../http/retry.js';
import { endpointProblems, isWholeNumber, rejectBadSettings, retryProblems, trimTrailingSlashes } from '../http/settings.js';

/** NCBI's own service; callers use it unless a mirror or a test server is configured. */
export const PUBMED_BASE_URL = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';

/**
 * Most ids one search may return: since 2022 E-utilities give at most the first 10,000 PMIDs of a
 * PubMed search (retstart + retmax ≤ 10,000, with or without the history server). A larger `max`
 * is refused rather than quietly cut, so nobody believes they fetched everything.
 */
export const PUBMED_MAX_SEARCH_IDS = 10_000;

/**
 * Ids per efetch request. NCBI asks for POST above about 200 ids; 200 abstracts are 1–3 MB of
 * XML, small enough that a failed piece costs little to fetch again.
 */
export const PUBMED_FETCH_PIECE_IDS = 200;

/**
 * E-utilities filter by date only when both mindate and maxdate are sent, so an open end of a
 * year range is filled with a year before PubMed's oldest records and one far in the future.
 */
export const PUBMED_OPEN_FROM_YEAR = 1800;
export const PUBMED_OPEN_TO_YEAR = 3000;

/** NCBI's rule for eutils.ncbi.nlm.nih.gov: requests a second without an API key, and with one. */
const NCBI_RATE_WITHOUT_KEY = 3;
const NCBI_RATE_WITH_KEY = 10;
const NCBI_HOST = 'eutils.ncbi.nlm.nih.gov';

const SERVICE = 'PubMed (NCBI E-utilities)';

export interface PubmedServiceOptions extends HttpClientOptions {
  /** Usually PUBMED_BASE_URL; "/esearch.fcgi" and "/efetch.fcgi" are appended. */
  baseUrl: string;
  /** An NCBI API key: sent only as the `api_key` form field, never shown in a message. */
  apiKey?: string;
  /** Sent as `email` so NCBI can write before blocking a misbehaving client. */
  email?: string;
  /** Sent as `tool`: the name NCBI knows the client by ("citemed"). */
  tool: string;
  /**
   * Most request starts in any second, retries included: NCBI allows 3 without an API key and 10
   * with one (a larger number is refused for NCBI's own host). Shared by every request of this
   * service object, not across processes.
   */
  requestsPerSecond: number;
  /** Waits of backoff and of the rate limit; injectable so tests need not wait. */
  sleep?: Sleep;
  /** Milliseconds of a monotonic clock, for the rate limit; injectable for tests. */
  now?: () => number;
}

/** Builds the service; options are checked here so a bad configuration fails at start-up. */
export function createPubmedService(options: PubmedServiceOptions): LiteratureService {
  checkOptions(options);
  const base = trimTrailingSlashes(options.baseUrl);
  const sleep = options.sleep ?? abortableSleep;
  const wait = pacer(options.requestsPerSecond, options.now ?? (() => performance.now()), sleep);
  const fetchOnce = options.fetch ?? ((input, init) => fetch(input, init)); // late-bound: the global may be replaced
  // The wait sits inside fetch so every attempt, retries included, keeps to the rate. It counts
  // against the attempt's timeoutMs, which one interval (≤ 334 ms at NCBI's rates) barely touches.
  const pacedFetch: typeof fetch = async (input, init) => {
    await wait(init?.signal ?? undefined);
    init?.signal?.throwIfAborted();
    return fetchOnce(input, init);
  };
  const http = { ...options, fetch: pacedFetch, sleep };
  const esearch = new Endpoint(`${base}/esearch.fcgi`, http);
  const efetch = new Endpoint(`${base}/efetch.fcgi`, http);
  const common = commonFields(options);

  return {
    name: 'pubmed',
    description: `PubMed (NCBI E-utilities, ${base})`,
    async search(query, signal) {
      const fields = [...searchFields(query), ...common];
      const text = await esearch.post(fields, 'application/json', signal, (response) => response.text());
      return parseSearchReply(text, query.max, esearch);
    },
    async *fetch(ids, signal) {
      checkIds(ids);
      for (const piece of inPieces(ids, PUBMED_FETCH_PIECE_IDS)) {
        const fields: [string, string][] = [['db', 'pubmed'], ['id', piece.join(',')], ['retmode', 'xml'], ['rettype', 'abstract'], ...common];
        const bytes = await efetch.post(fields, 'application/xml', signal, async (response) => new Uint8Array(await response.arrayBuffer()));
        const fetched: FetchedPiece = { ids: piece, bytes, extension: '.xml', records: countMedlineRecords(bytes, efetch) };
        yield fetched;
      }
    },
  };
}

function checkOptions(options: PubmedServiceOptions): void {
  // endpointProblems also checks a model name; E-utilities have none, the database stands in.
  const problems = endpointProblems({ baseUrl: options.baseUrl, model: 'pubmed' });
  problems.push(...retryProblems(options));
  if (!/^\S+$/.test(options.tool)) problems.push(`tool must be one word without spaces (NCBI's rule), not ${JSON.stringify(options.tool)}`);
  if (options.email && !/^[^\s@]+@[^\s@]+$/.test(options.email)) problems.push(`email ${JSON.stringify(options.email)} is not an email address`);
  if (options.apiKey && /\s/.test(options.apiKey)) problems.push('apiKey contains white space; copy the key again from the NCBI account settings');
  const rate = options.requestsPerSecond;
  if (!(Number.isFinite(rate) && rate > 0)) problems.push(`requestsPerSecond must be a positive number, not ${rate}`);
  else if (isNcbiHost(options.baseUrl)) {
    const limit = options.apiKey ? NCBI_RATE_WITH_KEY : NCBI_RATE_WITHOUT_KEY;
    if (rate > limit) {
      const keyed = options.apiKey ? 'with' : 'without';
      problems.push(`requestsPerSecond ${rate} is above NCBI's limit of ${limit} ${keyed} an API key (${NCBI_RATE_WITHOUT_KEY} without, ${NCBI_RATE_WITH_KEY} with one)`);
    }
  }
  rejectBadSettings('PubMed', problems);
}

function isNcbiHost(url: string): boolean {
  try {
    return new URL(url).hostname === NCBI_HOST;
  } catch {
    return false;
  }
}

/** tool, email and api_key: sent with every request. */
function commonFields(options: PubmedServiceOptions): [string, string][] {
  const fields: [string, string][] = [['tool', options.tool]];
  if (options.email) fields.push(['email', options.email]);
  if (options.apiKey) fields.push(['api_key', options.apiKey]);
  return fields;
}

/**
 * Spaces request starts at least 1000 / requestsPerSecond ms apart (rounded up), so no second
 * holds more than requestsPerSecond starts. Each caller reserves the next free start before
 * waiting, so concurrent requests queue instead of starting together.
 */
function pacer(requestsPerSecond: number, now: () => number, sleep: Sleep): (signal: AbortSignal | undefined) => Promise<void> {
  const intervalMs = Math.ceil(1000 / requestsPerSecond);
  let nextStart = -Infinity;
  return async (signal) => {
    const at = now();
    const start = Math.max(at, nextStart);
    nextStart = start + intervalMs;
    if (start > at) await pause(start - at, sleep, signal);
  };
}

/** The form fields of an esearch request, or a usage error for a query E-utilities cannot run. */
function searchFields(query: LiteratureQuery): [string, string][] {
  const term = query.query.trim();
  if (term === '') throw usage('the PubMed query is empty', 'type the terms to search for, in PubMed\'s query syntax');
  if (!isWholeNumber(query.max, 0) || query.max > PUBMED_MAX_SEARCH_IDS) {
    throw usage(
      `PubMed gives at most ${PUBMED_MAX_SEARCH_IDS} ids per search, so the most records to fetch must be a whole number from 0 to ${PUBMED_MAX_SEARCH_IDS}, not ${query.max}`,
      'narrow the query (more terms, or a range of years) and fetch in several searches',
    );
  }
  const fields: [string, string][] = [
    ['db', 'pubmed'],
    ['term', term],
    ['retmode', 'json'],
    ['sort', 'relevance'],
    ['retmax', String(query.max)],
    ['retstart', '0'],
  ];
  const { fromYear, toYear } = query;
  if (fromYear !== undefined || toYear !== undefined) {
    checkYear('fromYear', fromYear);
    checkYear('toYear', toYear);
    if (fromYear !== undefined && toYear !== undefined && fromYear > toYear) {
      throw usage(`the years run backwards: from ${fromYear} to ${toYear}`, 'give the earlier year first');
    }
    fields.push(['datetype', 'pdat'], ['mindate', String(fromYear ?? PUBMED_OPEN_FROM_YEAR)], ['maxdate', String(toYear ?? PUBMED_OPEN_TO_YEAR)]);
  }
  return fields;
}

function checkYear(name: string, year: number | undefined): void {
  if (year === undefined || (Number.isInteger(year) && year >= 1000 && year <= 9999)) return;
  throw usage(`${name} must be a year of four digits, not ${year}`, 'give years like 2015');
}

function checkIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !/^\d+$/.test(id));
  if (bad.length === 0) return;
  const shown = bad.slice(0, 3).map((id) => JSON.stringify(id)).join(', ');
  throw usage(`PubMed ids are PMIDs, digits only; not ${shown}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}`, 'pass the ids a PubMed search gave');
}

function usage(message: string, hint: string): CitemedError {
  return new CitemedError('usage', message, { hint });
}

/** One E-utility: its URL, its client, and the errors that name it. */
class Endpoint {
  private readonly http: HttpClient;

  constructor(
    readonly url: string,
    private readonly options: PubmedServiceOptions,
  ) {
    this.http = new HttpClient({ url, service: SERVICE }, options, pubmedWording(url));
  }

  post<T>(fields: [string, string][], accept: string, signal: AbortSignal | undefined, read: (response: Response) => Promise<T>): Promise<T> {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept };
    return this.http.post(headers, new URLSearchParams(fields).toString(), signal, read);
  }

  /** A 2xx reply that cannot be read as what was asked for. */
  malformed(problem: string): CitemedError {
    return new CitemedError('service-failed', `${SERVICE} at ${this.url} sent an unusable reply: ${this.redact(problem)}`, {
      hint: 'NCBI may be having trouble; try again later, or check the setting literature.pubmed.baseUrl',
    });
  }

  /** An error NCBI reported inside a reply: an `ERROR` field, `{"error": …}`, `<ERROR>`. */
  reported(message: string, hint: string): CitemedError {
    const said = `${SERVICE} at ${this.url} reported an error: ${this.redact(message.replace(/\s+/g, ' ').trim())}`;
    if (/api.?key/i.test(message)) return new CitemedError('bad-config', said, { hint: pubmedWording(this.url).hints.apiKey });
    if (/rate limit/i.test(message)) return new CitemedError('service-unavailable', said, { hint: pubmedWording(this.url).hints.rateLimited });
    return new CitemedError('service-failed', said, { hint });
  }

  private redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

function pubmedWording(url: string): FailureWording {
  return {
    hints: {
      apiKey:
        'check the NCBI API key (literature.pubmed.apiKey, or CITEMED__LITERATURE__PUBMED__API_KEY), or leave it unset to use PubMed without one (3 requests a second)',
      notFound: `check the setting literature.pubmed.baseUrl; NCBI's is ${PUBMED_BASE_URL}`,
      tooLarge: 'check the query syntax and, if one is set, the NCBI API key',
      rateLimited:
        `NCBI allows ${NCBI_RATE_WITHOUT_KEY} requests a second without an API key and ${NCBI_RATE_WITH_KEY} with one; ` +
        'lower literature.pubmed.requestsPerSecond or set an API key, then try again',
      unreachable: 'check the network connection and the setting literature.pubmed.baseUrl, then try again',
    },
    unreachable: 'could not reach',
    timedOut: 'no answer',
    cancelledRequest: `the request to ${SERVICE} at ${url}`,
  };
}

/** The JSON of esearch, checked field by field: a malformed reply must never read as "no records". */
function parseSearchReply(text: string, max: number, endpoint: Endpoint): LiteratureSearch {
  const fail = (problem: string) => endpoint.malformed(problem);
  const parsed = parseJson(text, fail);
  if (!isRecord(parsed)) throw fail('the body is not a JSON object');
  if (typeof parsed.error === 'string') throw endpoint.reported(parsed.error, QUERY_HINT);
  const result = parsed.esearchresult;
  if (!isRecord(result)) throw fail('the body has no "esearchresult" object');
  if (typeof result.ERROR === 'string') throw endpoint.reported(result.ERROR, QUERY_HINT);

  const total = countOf(result.count, fail);
  const ids = idsOf(result.idlist, fail);
  if (ids.length > max) throw fail(`asked for at most ${max} ids, got ${ids.length}`);
  if (ids.length > total) throw fail(`count is ${total} but idlist holds ${ids.length} ids`);
  const translation = result.querytranslation;
  if (translation !== undefined && typeof translation !== 'string') throw fail('"querytranslation" is not a string');
  const search: LiteratureSearch = { total, ids, warnings: warningsOf(result, fail) };
  if (translation !== undefined && translation.trim() !== '') search.translation = translation;
  return search;
}

const QUERY_HINT = "check the query's syntax: PubMed's field tags ([tiab], [mh]…), AND, OR, NOT and quotes";

/** `count` is a string of digits in NCBI's JSON. */
function countOf(value: unknown, fail: (problem: string) => CitemedError): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw fail(`"count" is ${JSON.stringify(value)}, not a string of digits`);
  return Number(value);
}

function idsOf(value: unknown, fail: (problem: string) => CitemedError): string[] {
  if (!Array.isArray(value)) throw fail('"idlist" is not an array');
  const ids: string[] = [];
  const seen = new Set<string>();
  value.forEach((id, position) => {
    if (typeof id !== 'string' || !/^\d+$/.test(id)) throw fail(`idlist[${position}] is ${JSON.stringify(id)}, not a PMID`);
    if (seen.has(id)) throw fail(`PMID ${id} appears twice in idlist`);
    seen.add(id);
    ids.push(id);
  });
  return ids;
}

/** Where esearch puts what it did not use of a query, and how to say it. */
const WARNING_LISTS: readonly { list: 'warninglist' | 'errorlist'; field: string; say: (text: string) => string }[] = [
  { list: 'errorlist', field: 'phrasesnotfound', say: (text) => `not found in PubMed, so left out of the search: ${text}` },
  { list: 'errorlist', field: 'fieldsnotfound', say: (text) => `not a PubMed search field: ${text}` },
  { list: 'warninglist', field: 'phrasesignored', say: (text) => `ignored by PubMed (too common): ${text}` },
  { list: 'warninglist', field: 'quotedphrasesnotfound', say: (text) => `quoted phrase not found in PubMed: ${text}` },
  { list: 'warninglist', field: 'outputmessages', say: (text) => text },
];

function warningsOf(result: Record<string, unknown>, fail: (problem: string) => CitemedError): string[] {
  const warnings: string[] = [];
  for (const { list, field, say } of WARNING_LISTS) {
    const holder = result[list];
    if (holder === undefined) continue;
    if (!isRecord(holder)) throw fail(`"${list}" is not an object`);
    const entries = holder[field];
    if (entries === undefined) continue;
    if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === 'string')) throw fail(`"${list}.${field}" is not a list of strings`);
    for (const entry of entries as string[]) if (entry.trim() !== '') warnings.push(say(entry.trim()));
  }
  return warnings;
}

/** How far into a reply to look for its root element and an HTML title (characters). */
const HEAD_CHARS = 16 * 1024;

/**
 * Checks that an efetch reply is a whole MEDLINE XML set and counts its records. NCBI's failures
 * that arrive with HTTP 200 (an HTML page, `<eFetchResult><ERROR>`, JSON) become errors here.
 */
function countMedlineRecords(bytes: Uint8Array, endpoint: Endpoint): number {
  const text = new TextDecoder('utf-8').decode(bytes);
  const head = text.slice(0, HEAD_CHARS);
  const root = xmlRootElement(head);
  if (root === 'PubmedArticleSet') {
    const whole = /<\/PubmedArticleSet>\s*$/.test(text) || /^<PubmedArticleSet\b[^>]*\/>\s*$/.test(text.slice(text.indexOf('<PubmedArticleSet')));
    if (!whole) throw endpoint.malformed('the MEDLINE XML ends before </PubmedArticleSet>; the reply was cut short');
    return text.match(/<(?:PubmedArticle|PubmedBookArticle)[\s>]/g)?.length ?? 0;
  }
  if (root === 'eFetchResult') {
    const error = /<ERROR>([\s\S]*?)<\/ERROR>/.exec(text)?.[1];
    if (error === undefined) throw endpoint.malformed('an <eFetchResult> without records or an <ERROR>');
    throw endpoint.reported(decodeEntities(error), 'check the ids; PubMed ids are PMIDs');
  }
  if (isHtmlPage(head)) throw endpoint.malformed(`${describeHtmlPage(head)} instead of MEDLINE XML`);
  if (head.replace(/^\uFEFF/, '').trimStart().startsWith('{')) {
    const parsed = parseJson(text, (problem) => endpoint.malformed(problem));
    if (isRecord(parsed) && typeof parsed.error === 'string') throw endpoint.reported(parsed.error, 'check the ids; PubMed ids are PMIDs');
    throw endpoint.malformed('JSON instead of MEDLINE XML');
  }
  if (root !== undefined) throw endpoint.malformed(`XML with root <${root}> instead of <PubmedArticleSet>`);
  throw endpoint.malformed(`not MEDLINE XML (starts ${JSON.stringify(text.slice(0, 80))})`);
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_match, name: string) => named[name] ?? '');
}
