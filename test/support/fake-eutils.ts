/**
 * A real HTTP server on 127.0.0.1 that speaks NCBI's E-utilities (`esearch.fcgi` with
 * retmode=json, `efetch.fcgi` with MEDLINE XML) over a handful of synthetic records, so the PubMed
 * adapter is tested against the same bytes, sockets and failure modes as the live service without
 * touching the network. Parameters are read from the query string (GET) and from form bodies
 * (POST), as NCBI does. Replies can be scripted to reproduce NCBI's bad days.
 *
 * The records are invented test fixtures (PMIDs 9000000x, journal "Citemed Test Fixtures", DOIs
 * under Crossref's test prefix 10.5555); they cite nothing real. Each is a complete MEDLINE record
 * that citemed's own MEDLINE reader accepts.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { send, sendJson, sendScripted, startLoopbackServer, type ScriptedReply as BaseScriptedReply } from './http-server.js';

/** One canned reply for the next request (see ScriptedReply in http-server.ts). */
export type ScriptedReply = BaseScriptedReply<never>;

/** What a request carried: the E-utility's path, and its parameters from query string and form body. */
export interface EutilsRequest {
  /** As received, query string included. */
  url: string;
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}

export interface FakeEutils {
  /** "http://127.0.0.1:<port>/entrez/eutils", like NCBI's base URL. */
  baseUrl: string;
  /** Everything received, in order. */
  requests: EutilsRequest[];
  /** Queue scripted replies for the next requests; when the queue is empty, the server answers normally. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export interface FakeEutilsOptions {
  /** Default SYNTHETIC_RECORDS. */
  records?: readonly FakeRecord[];
  /** When set, a request with another `api_key` gets NCBI's "API key invalid" (HTTP 400). */
  apiKey?: string;
}

/** A record of the fake, from which its MEDLINE XML is written. */
export interface FakeRecord {
  pmid: string;
  year: number;
  title: string;
  /** Structured when the parts have labels. */
  abstract: { label?: string; text: string }[];
  authors: { lastName: string; foreName: string; initials: string }[];
  publicationTypes: { ui: string; name: string }[];
  mesh: { ui: string; name: string; major?: boolean; qualifier?: { ui: string; name: string } }[];
}

const FIXTURE_NOTE = 'This is synthetic text written for citemed tests; it reports no real study and must not inform care.';

const RCT = { ui: 'D016449', name: 'Randomized Controlled Trial' };
const JOURNAL_ARTICLE = { ui: 'D016428', name: 'Journal Article' };
const SYSTEMATIC_REVIEW = { ui: 'D000078182', name: 'Systematic Review' };
const META_ANALYSIS = { ui: 'D017418', name: 'Meta-Analysis' };
const CHILD = { ui: 'D002648', name: 'Child' };
const HUMANS = { ui: 'D006801', name: 'Humans' };

/** The fake's records: one randomised trial, one systematic review, two plain journal articles. */
export const SYNTHETIC_RECORDS: readonly FakeRecord[] = [
  {
    pmid: '90000001',
    year: 2019,
    title: 'Synthetic test record one: oral rehydration in children (test fixture, not a real citation).',
    abstract: [
      { label: 'BACKGROUND', text: `${FIXTURE_NOTE} It pretends to ask whether oral rehydration solution suits children with diarrhoea.` },
      { label: 'METHODS', text: 'Invented methods: the fixture says children were randomised to oral rehydration or to intravenous fluids.' },
      { label: 'RESULTS', text: 'Invented results: no number in this fixture comes from any trial.' },
      { label: 'CONCLUSIONS', text: 'The fixture exists to test structured abstracts and randomised trial publication types.' },
    ],
    authors: [
      { lastName: 'Fixture', foreName: 'Alex', initials: 'A' },
      { lastName: 'Testwriter', foreName: 'Sam', initials: 'S' },
    ],
    publicationTypes: [JOURNAL_ARTICLE, RCT],
    mesh: [
      { ...CHILD },
      { ui: 'D003967', name: 'Diarrhea' },
      { ui: 'D015532', name: 'Rehydration Solutions', major: true, qualifier: { ui: 'Q000627', name: 'therapeutic use' } },
      { ...HUMANS },
    ],
  },
  {
    pmid: '90000002',
    year: 2021,
    title: 'Synthetic test record two: zinc supplements for diarrhoea in children, a systematic review (test fixture, not a real citation).',
    abstract: [{ text: `${FIXTURE_NOTE} It pretends to pool trials of zinc supplements for children with diarrhoea.` }],
    authors: [{ lastName: 'Placeholder', foreName: 'Robin', initials: 'R' }],
    publicationTypes: [JOURNAL_ARTICLE, META_ANALYSIS, SYSTEMATIC_REVIEW],
    mesh: [{ ...CHILD }, { ui: 'D003967', name: 'Diarrhea' }, { ui: 'D015032', name: 'Zinc', major: true }, { ui: 'D019587', name: 'Dietary Supplements' }],
  },
  {
    pmid: '90000003',
    year: 2012,
    title: 'Synthetic test record three: hand washing and respiratory infections in adults (test fixture, not a real citation).',
    abstract: [{ text: `${FIXTURE_NOTE} It pretends to describe hand washing and respiratory infections among adults.` }],
    authors: [{ lastName: 'Example', foreName: 'Jordan', initials: 'J' }],
    publicationTypes: [JOURNAL_ARTICLE],
    mesh: [],
  },
  {
    pmid: '90000004',
    year: 1998,
    title: 'Synthetic test record four: oral fluids for dehydration in older adults (test fixture, not a real citation).',
    abstract: [{ text: `${FIXTURE_NOTE} It pretends to discuss oral fluids for dehydration in older adults.` }],
    authors: [{ lastName: 'Mockup', foreName: 'Casey', initials: 'C' }],
    publicationTypes: [JOURNAL_ARTICLE],
    mesh: [{ ui: 'D003681', name: 'Dehydration' }, { ui: 'D005440', name: 'Fluid Therapy' }, { ui: 'D000284', name: 'Administration, Oral' }, { ...HUMANS }],
  },
];

export const EFETCH_HEAD =
  '<?xml version="1.0" ?>\n' +
  '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n' +
  '<PubmedArticleSet>\n';
export const EFETCH_TAIL = '</PubmedArticleSet>';

/** An efetch reply: the records as one MEDLINE XML set. */
export function efetchXml(records: readonly FakeRecord[]): string {
  return EFETCH_HEAD + records.map(medlineXml).join('') + EFETCH_TAIL;
}

/** One <PubmedArticle>, laid out as NCBI writes them. */
export function medlineXml(record: FakeRecord): string {
  const doi = `10.5555/citemed-fixture.${record.pmid}`;
  const abstract = record.abstract
    .map((part) => (part.label ? `<AbstractText Label="${part.label}" NLMCategory="${part.label}">` : '<AbstractText>') + `${escape(part.text)}</AbstractText>`)
    .join(`\n${indent(16)}`);
  const authors = record.authors
    .map((a) => `<Author ValidYN="Y"><LastName>${escape(a.lastName)}</LastName><ForeName>${escape(a.foreName)}</ForeName><Initials>${a.initials}</Initials></Author>`)
    .join(`\n${indent(16)}`);
  const types = record.publicationTypes.map((type) => `<PublicationType UI="${type.ui}">${type.name}</PublicationType>`).join(`\n${indent(16)}`);
  const mesh = record.mesh.map((heading) => {
    const qualifier = heading.qualifier
      ? `<QualifierName UI="${heading.qualifier.ui}" MajorTopicYN="N">${escape(heading.qualifier.name)}</QualifierName>`
      : '';
    const descriptor = `<DescriptorName UI="${heading.ui}" MajorTopicYN="${heading.major ? 'Y' : 'N'}">${escape(heading.name)}</DescriptorName>`;
    return `<MeshHeading>${descriptor}${qualifier}</MeshHeading>`;
  });
  const meshList = mesh.length === 0 ? '' : `\n            <MeshHeadingList>\n${indent(16)}${mesh.join(`\n${indent(16)}`)}\n            </MeshHeadingList>`;
  const journalInfo = '<MedlineTA>Citemed Test Fixtures</MedlineTA><NlmUniqueID>000000000</NlmUniqueID><ISSNLinking>0000-0000</ISSNLinking>';
  return `    <PubmedArticle>
        <MedlineCitation Status="${mesh.length > 0 ? 'MEDLINE' : 'PubMed-not-MEDLINE'}" Owner="NLM">
            <PMID Version="1">${record.pmid}</PMID>
            <DateRevised><Year>2024</Year><Month>01</Month><Day>15</Day></DateRevised>
            <Article PubModel="Print">
                <Journal>
                    <ISSN IssnType="Print">0000-0000</ISSN>
                    <JournalIssue CitedMedium="Print"><Volume>1</Volume><Issue>1</Issue><PubDate><Year>${record.year}</Year></PubDate></JournalIssue>
                    <Title>Citemed Test Fixtures</Title>
                    <ISOAbbreviation>Citemed Test Fixtures</ISOAbbreviation>
                </Journal>
                <ArticleTitle>${escape(record.title)}</ArticleTitle>
                <Pagination><MedlinePgn>1-2</MedlinePgn></Pagination>
                <ELocationID EIdType="doi" ValidYN="Y">${doi}</ELocationID>
                <Abstract>
                ${abstract}
                </Abstract>
                <AuthorList CompleteYN="Y">
                ${authors}
                </AuthorList>
                <Language>eng</Language>
                <PublicationTypeList>
                ${types}
                </PublicationTypeList>
            </Article>
            <MedlineJournalInfo>${journalInfo}</MedlineJournalInfo>${meshList}
        </MedlineCitation>
        <PubmedData>
            <History><PubMedPubDate PubStatus="pubmed"><Year>${record.year}</Year><Month>1</Month><Day>1</Day></PubMedPubDate></History>
            <PublicationStatus>ppublish</PublicationStatus>
            <ArticleIdList>
                <ArticleId IdType="pubmed">${record.pmid}</ArticleId>
                <ArticleId IdType="doi">${doi}</ArticleId>
            </ArticleIdList>
        </PubmedData>
    </PubmedArticle>
`;
}

function indent(spaces: number): string {
  return ' '.repeat(spaces);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Starts the fake on a random free port of 127.0.0.1. */
export async function startFakeEutils(options: FakeEutilsOptions = {}): Promise<FakeEutils> {
  const records = options.records ?? SYNTHETIC_RECORDS;
  const requests: EutilsRequest[] = [];
  const queue: ScriptedReply[] = [];

  const server = await startLoopbackServer((request, response, body, later) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const params = { ...Object.fromEntries(url.searchParams), ...formFields(request, body) };
    requests.push({ url: request.url ?? '', path: url.pathname, method: request.method ?? '', headers: request.headers, params });
    const reply = queue.shift() ?? {};
    const answer = () => respond(response, reply, () => handle(url.pathname, params, records, options.apiKey));
    if (reply.delayMs) later(reply.delayMs, answer);
    else answer();
  });

  return {
    baseUrl: `${server.origin}/entrez/eutils`,
    requests,
    script: (...replies) => void queue.push(...replies),
    close: server.close,
  };
}

/** A form body's fields; the loopback server hands bodies over as JSON when they parse as JSON, so turn them back. */
function formFields(request: IncomingMessage, body: unknown): Record<string, string> {
  if (request.method !== 'POST' || body === '') return {};
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return Object.fromEntries(new URLSearchParams(raw));
}

/** What the server would say on its own. */
interface Outcome {
  status: number;
  text: string;
  contentType: string;
}

function respond(response: ServerResponse, reply: ScriptedReply, normal: () => Outcome): void {
  if (sendScripted(response, reply, 'text/html; charset=UTF-8')) return;
  const status = reply.status ?? 200;
  const headers = { ...reply.headers };
  if (status === 429) return sendJson(response, status, { error: 'API rate limit exceeded', 'api-key': '127.0.0.1', count: '4', limit: '3' }, headers);
  if (status < 200 || status >= 300) {
    return send(response, status, `<html><body><h1>Scripted HTTP ${status}</h1></body></html>`, { 'content-type': 'text/html', ...headers });
  }
  const outcome = normal();
  send(response, outcome.status, outcome.text, { 'content-type': outcome.contentType, ...headers });
}

function handle(path: string, params: Record<string, string>, records: readonly FakeRecord[], apiKey: string | undefined): Outcome {
  const given = params.api_key;
  if (apiKey !== undefined && given !== undefined && given !== apiKey) {
    return json(400, { error: 'API key invalid', 'api-key': given, type: 'invalid', status: 'unknown' });
  }
  if (path.endsWith('/esearch.fcgi')) return esearch(params, records);
  if (path.endsWith('/efetch.fcgi')) return efetch(params, records);
  return { status: 404, text: `<html><body>No such E-utility: ${path}</body></html>`, contentType: 'text/html' };
}

function json(status: number, body: unknown): Outcome {
  return { status, text: JSON.stringify(body), contentType: 'application/json; charset=UTF-8' };
}

/** Words too common to search by; NCBI lists them as "phrasesignored". */
const STOPWORDS = new Set(['a', 'an', 'and', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);
const OPERATORS = new Set(['AND', 'OR', 'NOT']);

/**
 * esearch over the records: every word (and quoted phrase) of the term must occur in title or
 * abstract. As in PubMed, words found in no record are reported and left out, stopwords are
 * ignored, field tags are dropped. Best first by occurrences, then newest PMID.
 */
function esearch(params: Record<string, string>, records: readonly FakeRecord[]): Outcome {
  if (params.db !== 'pubmed') return json(200, { esearchresult: { ERROR: `Invalid db name specified: ${params.db ?? ''}` } });
  if (params.retmode !== 'json') return { status: 400, text: 'the fake speaks retmode=json only', contentType: 'text/plain' };
  const term = (params.term ?? '').trim();
  if (term === '') return json(200, { header: HEADER, esearchresult: { ERROR: 'Empty term and query_key - nothing todo' } });

  const texts = records.map((record) => searchableText(record));
  const phrases = [...term.matchAll(/"([^"]+)"/g)].map((match) => (match[1] ?? '').toLowerCase().trim());
  const words = term
    .replace(/"[^"]*"/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !OPERATORS.has(word))
    .map((word) => word.toLowerCase());
  const ignored = words.filter((word) => STOPWORDS.has(word));
  const searched = words.filter((word) => !STOPWORDS.has(word));
  const notFound = searched.filter((word) => !texts.some((text) => tokens(text).includes(word)));
  const quotedNotFound = phrases.filter((phrase) => !texts.some((text) => text.includes(phrase)));
  const usedWords = searched.filter((word) => !notFound.includes(word));
  const usedPhrases = phrases.filter((phrase) => !quotedNotFound.includes(phrase));

  const { mindate, maxdate } = params;
  const years = params.datetype === 'pdat' && mindate && maxdate ? [Number(mindate.slice(0, 4)), Number(maxdate.slice(0, 4))] : undefined;
  const matched = usedWords.length + usedPhrases.length === 0 ? [] : records.flatMap((record, i) => {
    const text = texts[i] ?? '';
    const words = tokens(text);
    if (!usedWords.every((word) => words.includes(word)) || !usedPhrases.every((phrase) => text.includes(phrase))) return [];
    if (years && !(record.year >= (years[0] ?? 0) && record.year <= (years[1] ?? 0))) return [];
    const score = usedWords.reduce((sum, word) => sum + words.filter((w) => w === word).length, 0) + usedPhrases.length;
    return [{ pmid: record.pmid, score }];
  });
  matched.sort((a, b) => b.score - a.score || Number(b.pmid) - Number(a.pmid));

  const retmax = Math.min(Number(params.retmax ?? 20), 10_000);
  const retstart = Number(params.retstart ?? 0);
  const idlist = matched.slice(retstart, retstart + retmax).map((hit) => hit.pmid);
  const result: Record<string, unknown> = {
    count: String(matched.length),
    retmax: String(idlist.length),
    retstart: String(retstart),
    idlist,
    translationset: [],
    querytranslation: [...usedPhrases.map((p) => `"${p}"[All Fields]`), ...usedWords.map((w) => `"${w}"[All Fields]`)].join(' AND '),
  };
  if (notFound.length > 0) result.errorlist = { phrasesnotfound: notFound, fieldsnotfound: [] };
  const outputmessages = matched.length === 0 ? ['No items found.'] : [];
  if (ignored.length + quotedNotFound.length + outputmessages.length > 0) {
    result.warninglist = { phrasesignored: ignored, quotedphrasesnotfound: quotedNotFound, outputmessages };
  }
  return json(200, { header: HEADER, esearchresult: result });
}

const HEADER = { type: 'esearch', version: '0.3' };

function searchableText(record: FakeRecord): string {
  return `${record.title} ${record.abstract.map((part) => part.text).join(' ')}`.toLowerCase();
}

function tokens(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

/** efetch: the asked-for records in the order asked, each once; ids the fake does not hold are left out. */
function efetch(params: Record<string, string>, records: readonly FakeRecord[]): Outcome {
  const ids = (params.id ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (params.db !== 'pubmed' || ids.length === 0) {
    const error = params.db !== 'pubmed' ? `Invalid db name specified: ${params.db ?? ''}` : 'Empty id list - nothing todo';
    const text = `<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>\n\t<ERROR>${error}</ERROR>\n</eFetchResult>\n`;
    return { status: 200, text, contentType: 'text/xml; charset=UTF-8' };
  }
  const byPmid = new Map(records.map((record) => [record.pmid, record]));
  const found = [...new Set(ids)].flatMap((id) => byPmid.get(id) ?? []);
  return { status: 200, text: efetchXml(found), contentType: 'text/xml; charset=UTF-8' };
}
