/**
 * A real HTTP server on 127.0.0.1 that speaks Europe PMC's REST search protocol: `GET /search`
 * with query parameters and `POST /searchPOST` with a form body, `format=json`, `resultType`
 * idlist, lite or core, `pageSize` (at most 1000), `cursorMark` paging and `hitCount`. Queries are
 * read by a small parser of Europe PMC's syntax: AND, OR, NOT, brackets, phrases,
 * `PUB_YEAR:[a TO b]`, `EXT_ID:… AND SRC:…`, a few text fields, and plain words matched against a
 * record's title, abstract, keywords, MeSH and authors. Replies can be scripted to reproduce a
 * misbehaving service (statuses, Retry-After, HTML pages, broken JSON, slow answers).
 * `GET <base>/<PMCID>/fullTextXML` serves the open-access full text (JATS) of the records in
 * `fullTexts` (by default MED:90000101's, PMC9000101) and answers 404 for every other PMCID, as
 * Europe PMC does for open-access records it holds no XML for (PMC9000106 here).
 *
 * The records are synthetic test data written for citemed's tests: invented ids (MED:9000xxxx,
 * PPR:PPR9000xx), a made-up drug ("fixturol"), the journal "Citemed Test Fixtures", and titles
 * that say "(test fixture, not a real citation)". None describes a real paper.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { send, sendJson, sendScripted, startLoopbackServer, type ScriptedReply as BaseScriptedReply } from './http-server.js';

/** A record as Europe PMC's `core` result gives it; only `id` and `source` are always there. */
export type EuropePmcRecord = { id: string; source: string } & Record<string, unknown>;

/** The reply of a search, as the fake builds it before any `rewrite`. */
export interface SearchReply {
  version: string;
  hitCount: number;
  nextCursorMark: string;
  request: Record<string, unknown>;
  resultList: { result: Record<string, unknown>[] };
}

/** One canned reply for the next request (see ScriptedReply in http-server.ts). */
export type ScriptedReply = BaseScriptedReply<SearchReply>;

/** A request as the fake read it: the parameters from the query string or the form body. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}

export interface FakeEuropePmc {
  /** "http://127.0.0.1:<port>/europepmc/webservices/rest", like the real service's base URL. */
  baseUrl: string;
  requests: SeenRequest[];
  /** Queue scripted replies for the next requests; when the queue is empty, the fake searches. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export interface FakeEuropePmcOptions {
  /** The records searched, best first for every query; default FIXTURE_RECORDS. */
  records?: readonly EuropePmcRecord[];
  /** Full texts by PMCID, served at `<base>/<PMCID>/fullTextXML`; default FIXTURE_FULL_TEXTS. */
  fullTexts?: Readonly<Record<string, string>>;
}

const BASE_PATH = '/europepmc/webservices/rest';
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 25;

/** Starts the fake on a random free port of 127.0.0.1. */
export async function startFakeEuropePmc(options: FakeEuropePmcOptions = {}): Promise<FakeEuropePmc> {
  const records = options.records ?? FIXTURE_RECORDS;
  const fullTexts = options.fullTexts ?? FIXTURE_FULL_TEXTS;
  const requests: SeenRequest[] = [];
  const queue: ScriptedReply[] = [];

  const server = await startLoopbackServer((request, response, body, later) => {
    const [path = '', search = ''] = (request.url ?? '').split('?');
    const params = requestParams(request, search, body);
    requests.push({ method: request.method ?? '', path, headers: request.headers, params: params ?? {} });
    const reply = queue.shift() ?? {};
    const answer = () => respond(response, reply, () => handle(request.method ?? '', path, params, records, fullTexts));
    if (reply.delayMs) later(reply.delayMs, answer);
    else answer();
  });

  return {
    baseUrl: `${server.origin}${BASE_PATH}`,
    requests,
    script: (...replies) => void queue.push(...replies),
    close: server.close,
  };
}

/** The parameters: the query string of a GET, the form body of a POST (undefined when the body is not a form). */
function requestParams(request: IncomingMessage, search: string, body: unknown): Record<string, string> | undefined {
  if (request.method !== 'POST') return Object.fromEntries(new URLSearchParams(search));
  const form = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  if (!form || typeof body !== 'string') return undefined;
  return Object.fromEntries(new URLSearchParams(body));
}

interface Outcome {
  status: number;
  /** JSON, or text (an HTML page unless `contentType` says otherwise). */
  body: unknown;
  contentType?: string;
}

function respond(response: ServerResponse, reply: ScriptedReply, normal: () => Outcome): void {
  if (sendScripted(response, reply, 'text/plain')) return;
  const status = reply.status ?? 200;
  const headers = { ...reply.headers };
  if (status >= 200 && status < 300) {
    const outcome = normal();
    if (typeof outcome.body === 'string') return send(response, outcome.status, outcome.body, { 'content-type': outcome.contentType ?? 'text/html', ...headers });
    const body = reply.rewrite && outcome.status === 200 ? reply.rewrite(outcome.body as SearchReply) : outcome.body;
    return sendJson(response, reply.status ?? outcome.status, body, headers);
  }
  sendJson(response, status, errorBody(status, `scripted HTTP ${status}`), headers);
}

function handle(
  method: string,
  path: string,
  params: Record<string, string> | undefined,
  records: readonly EuropePmcRecord[],
  fullTexts: Readonly<Record<string, string>>,
): Outcome {
  const fullText = new RegExp(`^${BASE_PATH}/(PMC\\d+)/fullTextXML$`).exec(path);
  if (fullText) {
    if (method !== 'GET') return { status: 405, body: errorBody(405, `use GET on ${path}`) };
    const xml = fullTexts[fullText[1] ?? ''];
    // Europe PMC's 404 for a record without XML is an empty body.
    return xml === undefined ? { status: 404, body: '', contentType: 'text/plain' } : { status: 200, body: xml, contentType: 'application/xml' };
  }
  const route = path === `${BASE_PATH}/search` ? 'GET' : path === `${BASE_PATH}/searchPOST` ? 'POST' : undefined;
  if (route === undefined) return { status: 404, body: `<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>No resource at ${path}</body></html>` };
  if (method !== route) return { status: 405, body: errorBody(405, `use ${route} on ${path}`) };
  if (params === undefined) return { status: 415, body: errorBody(415, 'searchPOST takes an application/x-www-form-urlencoded body') };
  return search(params, records);
}

/** A search: the matching records from the cursor on, as the result type asks. */
function search(params: Record<string, string>, records: readonly EuropePmcRecord[]): Outcome {
  const query = params.query ?? '';
  if (query.trim() === '') return { status: 400, body: errorBody(400, 'query is required') };
  if ((params.format ?? 'xml') !== 'json') return { status: 400, body: errorBody(400, 'this fake speaks format=json only') };
  const resultType = params.resultType ?? 'lite';
  if (resultType !== 'idlist' && resultType !== 'lite' && resultType !== 'core') return { status: 400, body: errorBody(400, `unknown resultType ${resultType}`) };
  const pageSize = Number(params.pageSize ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) return { status: 400, body: errorBody(400, `pageSize must be 0 to ${MAX_PAGE_SIZE}`) };
  const cursorMark = params.cursorMark ?? '*';
  const offset = cursorOffset(cursorMark);
  if (offset === undefined) return { status: 400, body: errorBody(400, `invalid cursorMark ${cursorMark}`) };
  let matches: (record: EuropePmcRecord) => boolean;
  try {
    matches = parseQuery(query);
  } catch (error) {
    return { status: 400, body: errorBody(400, `query syntax: ${(error as Error).message}`) };
  }
  const found = records.filter(matches);
  const page = found.slice(offset, offset + pageSize);
  const reply: SearchReply = {
    version: '6.9',
    hitCount: found.length,
    // As Solr does: the cursor moves past what this page held; a page past the end repeats it.
    nextCursorMark: page.length === 0 ? cursorMark : cursorAt(offset + page.length),
    request: { queryString: query, resultType, cursorMark, pageSize, sort: params.sort ?? '', synonym: params.synonym === 'true' },
    resultList: { result: page.map((record) => project(record, resultType)) },
  };
  return { status: 200, body: reply };
}

function errorBody(status: number, message: string): unknown {
  return { version: '6.9', errCode: status, errMsg: message };
}

/** Opaque to clients, as Europe PMC's are: the offset of the next record, encoded. */
function cursorAt(offset: number): string {
  return `AoE${Buffer.from(`fixture-${offset}`).toString('base64url')}`;
}

function cursorOffset(mark: string): number | undefined {
  if (mark === '*') return 0;
  if (!mark.startsWith('AoE')) return undefined;
  const match = /^fixture-(\d+)$/.exec(Buffer.from(mark.slice(3), 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

const ID_FIELDS = ['id', 'source', 'pmid', 'pmcid', 'doi'];
const LITE_FIELDS = [...ID_FIELDS, 'title', 'authorString', 'pubYear', 'isOpenAccess', 'firstPublicationDate'];

function project(record: EuropePmcRecord, resultType: 'idlist' | 'lite' | 'core'): Record<string, unknown> {
  if (resultType === 'core') return structuredClone(record);
  const fields = resultType === 'idlist' ? ID_FIELDS : LITE_FIELDS;
  return Object.fromEntries(fields.filter((field) => record[field] !== undefined).map((field) => [field, record[field]]));
}

// ---------------------------------------------------------------------------------------------
// Queries

type Matcher = (record: EuropePmcRecord) => boolean;

const TOKEN = /\s*(\(|\)|"(?:[^"\\]|\\.)*"|[A-Za-z_]+:(?:"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s()]+)|[^\s()]+)/y;

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < query.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(query);
    if (!match) {
      if (query.slice(start).trim() === '') break;
      throw new Error(`cannot read ${JSON.stringify(query.slice(start, start + 20))}`);
    }
    tokens.push(match[1] ?? '');
  }
  return tokens;
}

/**
 * Europe PMC's syntax, as far as tests need it: OR binds loosest, then AND (also between terms
 * written side by side), then NOT; brackets group.
 */
export function parseQuery(query: string): Matcher {
  const tokens = tokenize(query);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++];

  function or(): Matcher {
    const parts = [and()];
    while (peek() === 'OR') {
      next();
      parts.push(and());
    }
    return parts.length === 1 ? (parts[0] as Matcher) : (record) => parts.some((part) => part(record));
  }
  function and(): Matcher {
    const parts = [unary()];
    for (let token = peek(); token !== undefined && token !== ')' && token !== 'OR'; token = peek()) {
      if (token === 'AND') next();
      parts.push(unary());
    }
    return parts.length === 1 ? (parts[0] as Matcher) : (record) => parts.every((part) => part(record));
  }
  function unary(): Matcher {
    if (peek() === 'NOT') {
      next();
      const inner = unary();
      return (record) => !inner(record);
    }
    const token = next();
    if (token === undefined) throw new Error('the query ends too soon');
    if (token === '(') {
      const inner = or();
      if (next() !== ')') throw new Error('a bracket is not closed');
      return inner;
    }
    if (token === ')' || token === 'AND' || token === 'OR') throw new Error(`unexpected ${token}`);
    return term(token);
  }

  const matcher = or();
  if (at < tokens.length) throw new Error(`unexpected ${tokens[at]}`);
  return matcher;
}

function term(token: string): Matcher {
  const field = /^([A-Za-z_]+):(.+)$/.exec(token);
  if (!field) return textMatcher(unquote(token), allText);
  const name = (field[1] ?? '').toUpperCase();
  const value = field[2] ?? '';
  const range = /^\[\s*(\S+)\s+TO\s+(\S+)\s*\]$/.exec(value);
  switch (name) {
    case 'EXT_ID':
      return (record) => record.id.toLowerCase() === unquote(value).toLowerCase();
    case 'SRC':
      return (record) => record.source.toLowerCase() === unquote(value).toLowerCase();
    case 'DOI':
      return (record) => String(record.doi ?? '').toLowerCase() === unquote(value).toLowerCase();
    case 'PUB_YEAR': {
      const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(unquote(value)), Number(unquote(value))];
      if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error(`PUB_YEAR needs years, not ${value}`);
      return (record) => {
        const year = Number(record.pubYear);
        return year >= from && year <= to;
      };
    }
    case 'TITLE':
      return textMatcher(unquote(value), (record) => stripTags(String(record.title ?? '')));
    case 'ABSTRACT':
      return textMatcher(unquote(value), (record) => stripTags(String(record.abstractText ?? '')));
    case 'PUB_TYPE':
      return textMatcher(unquote(value), (record) => listOf(record, 'pubTypeList', 'pubType').join(' ; '));
    default:
      return textMatcher(unquote(value), allText);
  }
}

/** Every word of `phrase`, in order and side by side, among the words of the text. */
function textMatcher(phrase: string, text: (record: EuropePmcRecord) => string): Matcher {
  const wanted = words(phrase);
  return (record) => {
    const have = words(text(record));
    if (wanted.length === 0) return false;
    for (let start = 0; start + wanted.length <= have.length; start++) {
      if (wanted.every((word, i) => have[start + i] === word)) return true;
    }
    return false;
  };
}

function allText(record: EuropePmcRecord): string {
  const mesh = (listOf(record, 'meshHeadingList', 'meshHeading') as { descriptorName?: string }[]).map((heading) => heading.descriptorName ?? '');
  return [record.title, record.abstractText, record.authorString, ...listOf(record, 'keywordList', 'keyword'), ...mesh]
    .map((part) => stripTags(String(part ?? '')))
    .join(' . ');
}

function listOf(record: Record<string, unknown>, list: string, item: string): unknown[] {
  const holder = record[list];
  const items = typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>)[item] : undefined;
  return Array.isArray(items) ? items : [];
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, ' ');
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

// ---------------------------------------------------------------------------------------------
// Records

const JOURNAL = {
  title: 'Citemed Test Fixtures',
  isoabbreviation: 'Citemed Test Fixtures',
  medlineAbbreviation: 'Citemed Test Fixtures',
  issn: '0000-0000',
};

interface RecordParts {
  source: 'MED' | 'PMC' | 'PPR';
  id: string;
  pmid?: string;
  pmcid?: string;
  doi?: string;
  title?: string;
  abstractText?: string;
  year: number;
  authors?: { lastName?: string; firstName?: string; initials?: string; collectiveName?: string }[];
  pubTypes: string[];
  mesh?: { descriptorName: string; majorTopic_YN: 'Y' | 'N'; qualifiers?: { qualifierName: string; majorTopic_YN: 'Y' | 'N' }[] }[];
  keywords?: string[];
  corrections?: { id: string; source: string; type: string; reference?: string; note?: string }[];
  revised?: string;
  openAccess?: boolean;
}

/** A core result in Europe PMC's shape. */
export function fixtureRecord(parts: RecordParts): EuropePmcRecord {
  const authors = parts.authors ?? [{ lastName: 'Fixture', firstName: 'Alpha', initials: 'A' }];
  const fullName = (author: (typeof authors)[number]) => author.collectiveName ?? `${author.lastName ?? ''} ${author.initials ?? ''}`.trim();
  const record: EuropePmcRecord = { id: parts.id, source: parts.source };
  if (parts.pmid) record.pmid = parts.pmid;
  if (parts.pmcid) record.pmcid = parts.pmcid;
  if (parts.doi) record.doi = parts.doi;
  if (parts.title !== undefined) record.title = parts.title;
  record.authorString = `${authors.map(fullName).join(', ')}.`;
  record.authorList = { author: authors.map((author) => ({ fullName: fullName(author), ...author })) };
  if (parts.source === 'PPR') {
    // Preprints have a server, not a journal.
    record.bookOrReportDetails = { publisher: 'Citemed Fixture Preprints', yearOfPublication: parts.year };
  } else {
    record.journalInfo = {
      volume: '1',
      issue: '1',
      yearOfPublication: parts.year,
      printPublicationDate: `${parts.year}-01-01`,
      journal: JOURNAL,
    };
  }
  record.pubYear = String(parts.year);
  if (parts.abstractText !== undefined) record.abstractText = parts.abstractText;
  record.language = 'eng';
  record.pubModel = 'Print';
  record.pubTypeList = { pubType: parts.pubTypes };
  if (parts.mesh) {
    record.meshHeadingList = {
      meshHeading: parts.mesh.map(({ qualifiers, ...heading }) => (qualifiers ? { ...heading, meshQualifierList: { meshQualifier: qualifiers } } : heading)),
    };
  }
  if (parts.keywords) record.keywordList = { keyword: parts.keywords };
  if (parts.corrections) record.commentCorrectionList = { commentCorrection: parts.corrections.map((c, i) => ({ ...c, orderIn: i + 1 })) };
  record.isOpenAccess = parts.openAccess ? 'Y' : 'N';
  record.inEPMC = parts.openAccess ? 'Y' : 'N';
  if (parts.openAccess) record.license = 'cc by';
  record.firstPublicationDate = `${parts.year}-01-01`;
  if (parts.revised) record.dateOfRevision = parts.revised;
  return record;
}

/**
 * The default records: a randomized trial with a structured HTML abstract and MeSH, a systematic
 * review, a retracted record and its retraction notice, a preprint, a guideline known to PMC only,
 * and a narrative review without an abstract.
 */
export const FIXTURE_RECORDS: readonly EuropePmcRecord[] = [
  fixtureRecord({
    source: 'MED',
    id: '90000101',
    pmid: '90000101',
    pmcid: 'PMC9000101',
    doi: '10.5555/citemed.fixture.90000101',
    title: 'Fixturol versus placebo for <i>imaginary fever</i>: a randomized trial (test fixture, not a real citation).',
    abstractText:
      '<h4>Background</h4>Imaginary fever is a condition invented for software tests. ' +
      '<h4>Methods</h4>Made-up participants received fixturol 10 mg/m<sup>2</sup> or placebo; the outcome was the level of CO<sub>2</sub>. ' +
      '<h4>Results</h4>Fixturol lowered the invented score (p &lt; 0.05) &amp; nothing real was measured. ' +
      '<h4>Conclusions</h4><b>These sentences are test data</b> and support no clinical claim.',
    year: 2018,
    authors: [
      { lastName: 'Fixture', firstName: 'Alpha', initials: 'A' },
      { lastName: 'Example', firstName: 'Beta Gamma', initials: 'BG' },
    ],
    pubTypes: ['Randomized Controlled Trial', 'Journal Article'],
    mesh: [
      { descriptorName: 'Imaginary Fever', majorTopic_YN: 'N', qualifiers: [{ qualifierName: 'drug therapy', majorTopic_YN: 'Y' }] },
      { descriptorName: 'Humans', majorTopic_YN: 'N' },
    ],
    keywords: ['fixturol', 'test fixture'],
    revised: '2021-03-04',
    openAccess: true,
  }),
  fixtureRecord({
    source: 'MED',
    id: '90000102',
    pmid: '90000102',
    doi: '10.5555/citemed.fixture.90000102',
    title: 'Fixturol for imaginary fever: a systematic review of invented trials (test fixture, not a real citation).',
    abstractText: 'This review pooled trials that do not exist. It is test data for citemed and supports no clinical claim.',
    year: 2020,
    pubTypes: ['Systematic Review', 'Review', 'Journal Article'],
    mesh: [{ descriptorName: 'Imaginary Fever', majorTopic_YN: 'Y' }],
    revised: '2022-06-30',
  }),
  fixtureRecord({
    source: 'MED',
    id: '90000103',
    pmid: '90000103',
    title: 'An invented cohort given fixturol (test fixture, not a real citation).',
    abstractText: 'A made-up cohort of imaginary patients, written to test how retractions are read.',
    year: 2016,
    pubTypes: ['Journal Article'],
    corrections: [{ id: '90000104', source: 'MED', type: 'Retraction in', reference: 'Citemed Test Fixtures. 2022;4(1):1' }],
    revised: '2022-02-01',
  }),
  fixtureRecord({
    source: 'MED',
    id: '90000104',
    pmid: '90000104',
    title: 'Retraction notice for an invented fixturol cohort (test fixture, not a real citation).',
    year: 2022,
    pubTypes: ['Retraction of Publication'],
    corrections: [{ id: '90000103', source: 'MED', type: 'Retraction of', reference: 'Citemed Test Fixtures. 2016;2(1):1' }],
    revised: '2022-02-01',
  }),
  fixtureRecord({
    source: 'PPR',
    id: 'PPR900001',
    doi: '10.5555/citemed.fixture.ppr900001',
    title: 'Early observations of fixturol in imaginary fever (test fixture, not a real citation).',
    abstractText: '<p>A preprint written as test data.</p><p>It has not been peer reviewed, and nothing in it is real.</p>',
    year: 2023,
    authors: [{ lastName: 'Sample', firstName: 'Delta', initials: 'D' }],
    pubTypes: ['Preprint'],
  }),
  fixtureRecord({
    source: 'PMC',
    id: 'PMC9000106',
    pmcid: 'PMC9000106',
    title: 'Invented guidance on fixturol for imaginary fever (test fixture, not a real citation).',
    abstractText: 'A guideline from a panel that does not exist, written as test data.',
    year: 2019,
    authors: [{ collectiveName: 'Citemed Fixture Guideline Panel' }],
    pubTypes: ['Practice Guideline'],
    openAccess: true,
  }),
  fixtureRecord({
    source: 'MED',
    id: '90000107',
    pmid: '90000107',
    title: 'A narrative review of imaginary fever (test fixture, not a real citation).',
    year: 2015,
    authors: [{ collectiveName: 'Citemed Fixture Writing Group' }],
    pubTypes: ['Review', 'Journal Article'],
  }),
];

/** `count` plain records about fixturol, MED:91000000 on, for tests of paging. */
export function syntheticRecords(count: number, firstYear = 2000): EuropePmcRecord[] {
  return Array.from({ length: count }, (_, i) =>
    fixtureRecord({
      source: 'MED',
      id: String(91_000_000 + i),
      pmid: String(91_000_000 + i),
      title: `Synthetic record ${i + 1} about fixturol (test fixture, not a real citation).`,
      abstractText: `Generated test data number ${i + 1}.`,
      year: firstYear + (i % 25),
      pubTypes: ['Journal Article'],
    }),
  );
}

/**
 * A small JATS article for a fixture record: ids, title, an abstract and a body of two sections,
 * all synthetic ("test fixture, not a real citation").
 */
export function fixtureFullText(record: EuropePmcRecord): string {
  const ids = [
    record.pmid ? `<article-id pub-id-type="pmid">${String(record.pmid)}</article-id>` : '',
    record.pmcid ? `<article-id pub-id-type="pmcid">${String(record.pmcid)}</article-id>` : '',
    record.doi ? `<article-id pub-id-type="doi">${String(record.doi)}</article-id>` : '',
  ].join('');
  const title = stripTags(String(record.title ?? 'Untitled')).replace(/\s+/g, ' ').trim().replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">',
    '<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">',
    '<front><journal-meta><journal-title-group><journal-title>Citemed Test Fixtures</journal-title></journal-title-group></journal-meta>',
    `<article-meta>${ids}<title-group><article-title>${title}</article-title></title-group>`,
    '<contrib-group><contrib contrib-type="author"><name><surname>Fixture</surname><given-names>Alpha</given-names></name></contrib></contrib-group>',
    `<pub-date pub-type="epub"><year>${String(record.pubYear)}</year></pub-date>`,
    '<abstract><p>Full text of a test fixture, not a real citation: fixturol and imaginary fever are invented for software tests.</p></abstract>',
    '</article-meta></front>',
    '<body>',
    '<sec><title>Methods</title><p>Made-up participants with imaginary fever received fixturol in a trial that never happened (test fixture, not a real citation).</p></sec>',
    '<sec><title>Discussion</title><p>The full-text discussion of fixturol dosing is synthetic test data and supports no clinical claim.</p></sec>',
    '</body>',
    '</article>',
    '',
  ].join('\n');
}

/** The default full texts: MED:90000101's (PMC9000101); PMC9000106, also open access, has none. */
export const FIXTURE_FULL_TEXTS: Readonly<Record<string, string>> = Object.fromEntries(
  FIXTURE_RECORDS.filter((record) => record.pmcid === 'PMC9000101').map((record) => [String(record.pmcid), fixtureFullText(record)]),
);
