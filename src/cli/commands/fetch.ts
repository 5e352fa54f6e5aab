import path from 'node:path';
import type { Command } from 'commander';
import { CitemedError } from '../../domain/errors.js';
import { parseWholeNumber, parseYear, yearsInOrder } from '../../domain/filters.js';
import { countRecords, fetchLiterature, IDS_PER_PART, MAX_RECORDS, type FetchEvent, type FetchOutcome } from '../../ingest/fetch-literature.js';
import type { IngestReport } from '../../ingest/pipeline.js';
import type { LiteratureQuery, LiteratureSearch, LiteratureService, LiteratureServiceName } from '../../ports/literature.js';
import { createLiteratureService, type Container } from '../../config/container.js';
import { commandSettings, withContainer, type GlobalOptions } from '../context.js';
import { formatCount } from '../format.js';
import { printJson, type Io } from '../io.js';
import { presentIngestSummary } from '../presenters/ingest-summary.js';
import { ingestInto } from './ingest.js';

interface FetchCommandOptions {
  max: string;
  from?: string;
  to?: string;
  count?: boolean;
  fullText?: boolean;
  ingest: boolean;
  json?: boolean;
  quiet?: boolean;
}

const SERVICES: Readonly<Record<LiteratureServiceName, string>> = {
  pubmed: 'PubMed',
  europepmc: 'Europe PMC',
};

export function registerFetch(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command('fetch')
    .description('search PubMed or Europe PMC over the network, save the records it finds, and add them to the library')
    .argument('<service>', 'pubmed or europepmc')
    .argument('<query...>', "the search, in the service's own syntax (quote it), e.g. \"iliopsoas abscess[tiab]\"")
    .option('--max <n>', `most records to fetch, best first (1 to ${formatCount(MAX_RECORDS)})`, '100')
    .option('--from <year>', 'only records published in or after this year')
    .option('--to <year>', 'only records published in or before this year')
    .option('--count', 'only say how many records match, and how the service read the query; fetch nothing')
    .option('--full-text', 'Europe PMC only: also fetch the open-access full text (JATS) of the records that have one')
    .option('--no-ingest', 'save the records but do not add them to the library (`citemed ingest <folder>` later)')
    .option('--json', 'print what was fetched (and the ingest summary) as JSON on stdout')
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      [
        '',
        'Records are saved as the service sent them (MEDLINE XML from PubMed, JSON from Europe PMC), one',
        'folder per fetch under literature.folder (default: "fetched" beside the library), with a',
        'manifest of the search. With --full-text, Europe PMC\'s open-access full texts (JATS) are saved',
        'beside the records as part-0001-2.nxml …. Interrupted, the same command on the same day goes on where it',
        'stopped. This command reaches the network: the query goes to NCBI (PubMed) or EMBL-EBI (Europe',
        'PMC), so keep patient details out of it. Set literature.pubmed.apiKey (NCBI allows 10 requests',
        'a second with one, 3 without) and literature.pubmed.email.',
      ].join('\n'),
    )
    .action(async (service: string, words: string[], options: FetchCommandOptions, command: Command) => {
      const name = serviceName(service);
      const query = queryOf(words, options);
      if (options.fullText && name !== 'europepmc') {
        throw new CitemedError('usage', `--full-text is for Europe PMC only: ${SERVICES[name]} serves no full text`, {
          hint: 'fetch the same search from europepmc to get the open-access full text with the records',
        });
      }
      const globals = command.optsWithGlobals<GlobalOptions>();
      const settings = commandSettings(globals).literature;
      const literatureSettings = options.fullText ? { ...settings, europepmc: { ...settings.europepmc, fullText: true } } : settings;
      // Built before the library is opened, so bad settings make no library; --count needs none.
      const literature = await createLiteratureService(name, literatureSettings);
      if (options.count) {
        const found = await countRecords(literature, query);
        if (options.json) printJson(io, { service: name, query, total: found.total, translation: found.translation ?? null, warnings: found.warnings });
        else io.out(describeSearch(name, query, found));
        return;
      }
      const code = await withContainer(globals, { create: true }, async (container) => {
        const outcome = await fetchWithSignals(container, literature, query, options.quiet ? undefined : (event) => describeEvent(io, name, query, event));
        const files = outcome.parts.map((part) => part.path);
        if (outcome.interrupted) {
          if (options.json) printJson(io, fetchJson(name, outcome, undefined));
          const done = new Set(outcome.parts.map((part) => part.chunk)).size;
          io.err(`citemed: fetch interrupted after ${done} of ${partsOf(outcome)} part(s); run the same command again to go on`);
          return 130;
        }
        if (files.length === 0) {
          if (options.json) printJson(io, fetchJson(name, outcome, undefined));
          else io.out(`Nothing to fetch: ${SERVICES[name]} found no records for that query.`);
          return 0;
        }
        if (!options.ingest) {
          if (options.json) printJson(io, fetchJson(name, outcome, undefined));
          else io.out(`Saved ${files.length} part(s) in ${outcome.folder}; add them with: citemed ingest ${quoteForShell(outcome.folder)}`);
          return 0;
        }
        let report: IngestReport | undefined;
        await ingestInto(container, files, { quiet: options.quiet ?? false }, io, (done) => {
          report = done;
          if (!options.json) io.out(presentIngestSummary(done));
        });
        if (options.json) printJson(io, fetchJson(name, outcome, report));
        if (!report) return 1;
        return report.interrupted ? 130 : report.failedFiles > 0 ? 1 : 0;
      });
      setExitCode(code);
    });
}

/**
 * The fetch, stopped by Ctrl-C or SIGTERM between parts (or in a request): the parts saved so far
 * are kept, and an interrupted request becomes an `interrupted` error saying how to go on.
 */
export async function fetchWithSignals(
  container: Container,
  literature: LiteratureService,
  query: LiteratureQuery,
  onEvent: ((event: FetchEvent) => void) | undefined,
): Promise<FetchOutcome> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fetchLiterature(literature, query, container.fetchDeps(), { signal: controller.signal, ...(onEvent ? { onEvent } : {}) });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    throw new CitemedError('interrupted', 'fetch interrupted', {
      hint: 'the parts saved so far are kept; run the same command again (the same day) to go on',
      cause: error,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The name a user typed for a service, as the port names it. */
export function serviceName(value: string): LiteratureServiceName {
  const name = value.trim().toLowerCase().replace(/[\s_-]/g, '');
  if (name === 'pubmed' || name === 'europepmc') return name;
  throw new CitemedError('usage', `no literature service called "${value}"`, { hint: 'use pubmed or europepmc' });
}

function queryOf(words: string[], options: FetchCommandOptions): LiteratureQuery {
  const fromYear = options.from === undefined ? undefined : parseYear(options.from, '--from');
  const toYear = options.to === undefined ? undefined : parseYear(options.to, '--to');
  if (!yearsInOrder(fromYear, toYear)) throw new CitemedError('usage', `--from ${fromYear} is after --to ${toYear}`);
  return {
    query: words.join(' ').trim(),
    max: parseWholeNumber(options.max.trim(), '--max', 1, MAX_RECORDS),
    ...(fromYear === undefined ? {} : { fromYear }),
    ...(toYear === undefined ? {} : { toYear }),
  };
}

function describeSearch(name: LiteratureServiceName, query: LiteratureQuery, found: LiteratureSearch): string {
  const lines = [`${SERVICES[name]}: ${formatCount(found.total)} record(s) match ${JSON.stringify(query.query)}${years(query)}.`];
  if (found.translation) lines.push(`  read as: ${found.translation}`);
  for (const warning of found.warnings) lines.push(`  note: ${warning}`);
  return lines.join('\n');
}

function years(query: LiteratureQuery): string {
  if (query.fromYear === undefined && query.toYear === undefined) return '';
  return `, published ${query.fromYear ?? '…'}–${query.toYear ?? '…'}`;
}

function describeEvent(io: Io, name: LiteratureServiceName, query: LiteratureQuery, event: FetchEvent): void {
  if (event.kind === 'searched') {
    const { manifest } = event;
    const found: LiteratureSearch = { total: manifest.total, ids: manifest.ids, warnings: manifest.warnings, ...(manifest.translation ? { translation: manifest.translation } : {}) };
    io.err(describeSearch(name, query, found));
    if (event.reused) io.err(`  going on with the fetch of ${manifest.searchedAt} in ${event.folder} (its ${formatCount(manifest.ids.length)} records)`);
    else if (manifest.ids.length > 0) io.err(`  fetching the first ${formatCount(manifest.ids.length)} into ${event.folder}`);
    return;
  }
  const what = event.reused ? 'already saved' : `${formatCount(event.records ?? 0)} record(s)`;
  io.err(`  part ${event.index + 1} of ${event.parts}: ${what} (${path.basename(event.path)})`);
}

function partsOf(outcome: FetchOutcome): number {
  return Math.ceil(outcome.manifest.ids.length / IDS_PER_PART);
}

function fetchJson(name: LiteratureServiceName, outcome: FetchOutcome, ingest: IngestReport | undefined) {
  return {
    service: name,
    folder: outcome.folder,
    query: outcome.manifest.query,
    searchedAt: outcome.manifest.searchedAt,
    total: outcome.manifest.total,
    translation: outcome.manifest.translation ?? null,
    warnings: outcome.manifest.warnings,
    ids: outcome.manifest.ids,
    parts: outcome.parts,
    fetched: outcome.fetched,
    interrupted: outcome.interrupted,
    ingest: ingest ?? null,
  };
}

function quoteForShell(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
