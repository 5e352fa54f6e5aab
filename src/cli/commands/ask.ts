import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderMarkdown } from '../../answer/render-markdown.js';
import { AUDIENCES, isAudience, type Answer, type Audience } from '../../domain/answer.js';
import { CitemedError } from '../../domain/errors.js';
import { parseWholeNumber } from '../../domain/filters.js';
import type { ThreadTurn } from '../../ports/composer.js';
import { requireSearchable } from '../../retrieval/searchable.js';
import { createLiteratureService, type Container } from '../../config/container.js';
import { MAX_RECORDS } from '../../ingest/fetch-literature.js';
import type { LiteratureQuery, LiteratureService } from '../../ports/literature.js';
import { commandSettings, withContainer, type GlobalOptions } from '../context.js';
import { fetchWithSignals, serviceName } from './fetch.js';
import { ingestInto } from './ingest.js';
import { printJson, type Io } from '../io.js';
import { presentAnswer } from '../presenters/answer.js';

interface AskOptions {
  audience: string;
  json?: boolean;
  markdown?: boolean;
  thread?: string;
  evidence?: string;
  fetch?: string;
  fetchMax: string;
}

export function registerAsk(program: Command, io: Io): void {
  program
    .command('ask')
    .description('answer a clinical question from the library: every statement cited and checked against its source')
    .argument('<question...>', 'the question, e.g. "What is the management of an iliopsoas abscess?"')
    .option('-a, --audience <who>', `who the answer is for: ${AUDIENCES.join(', ')}`, 'clinician')
    .option('--thread <file>', 'a JSON file holding the conversation so far: a follow-up ("and in children?") is read against it, and this turn is added')
    .option('--evidence <n>', 'how many passages to retrieve as evidence (default from settings: 20)')
    .option('--fetch <service>', "when the library holds too little: search pubmed or europepmc for the question, add what it finds, and answer again (the question's words go to NCBI or EMBL-EBI: leave patient details out)")
    .option('--fetch-max <n>', 'with --fetch: most records to fetch', '50')
    .option('--markdown', 'print the answer as a Markdown page')
    .option('--json', 'print the answer as JSON (statements, verdicts, evidence, references)')
    .addHelpText(
      'after',
      [
        '',
        'Answers are generated, not reviewed: each says so. Statements the cited passages do not support are',
        'removed (listed at the end); partly supported ones are flagged. Patient answers lead with when to seek',
        'care and leave out doses.',
      ].join('\n'),
    )
    .action(async (words: string[], options: AskOptions, command: Command) => {
      const question = words.join(' ').trim();
      const audience = parseAudience(options.audience);
      requireSearchable(question, 'answer');
      const thread = options.thread ? readThread(options.thread) : [];
      const evidence = options.evidence === undefined ? undefined : parseWholeNumber(options.evidence, '--evidence', 1, 100);
      // An LLM composer's draft streams to the terminal (stderr) while it is written; the verified
      // answer follows on stdout. Not for pipes or --json: only the final answer is data.
      let streamed = false;
      const write = io.errPart;
      const onText =
        write && io.isTTY && !options.json
          ? (delta: string) => {
              streamed = true;
              write(delta);
            }
          : undefined;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const fetchFrom = options.fetch === undefined ? undefined : serviceName(options.fetch);
      const fetchMax = parseWholeNumber(options.fetchMax.trim(), '--fetch-max', 1, MAX_RECORDS);
      // Built before the library is opened, so bad literature settings fail before anything is asked.
      const literature = fetchFrom === undefined ? undefined : await createLiteratureService(fetchFrom, commandSettings(globals).literature);
      const request = { question, audience, thread, ...(evidence === undefined ? {} : { evidence }), ...(onText ? { onText } : {}) };
      const answer = await withContainer(globals, { create: literature !== undefined }, async (container) => {
        const first = await container.ask(request);
        if (first.status !== 'insufficient' || literature === undefined) return first;
        const added = await fetchForAnswer(container, literature, { query: first.searchedFor, max: fetchMax }, io);
        if (added === undefined) return first;
        const again = await container.ask(request);
        return { ...again, notices: [...again.notices, added] };
      });
      if (streamed) io.err('\n(draft above; the verified answer follows)\n');
      if (options.thread) writeThread(options.thread, [...thread, { question: answer.searchedFor, answer: plainBottomLine(answer) }]);
      if (options.json) printJson(io, answer);
      else if (options.markdown) io.out(renderMarkdown(answer));
      else io.out(presentAnswer(answer, io.columns));
      if (answer.status === 'insufficient' && answer.audience !== 'patient' && !options.json && !fetchFrom) io.err(fetchHint(answer.searchedFor));
    });
}

/**
 * `ask --fetch`: the question's search sent to a live service, what it finds saved and ingested,
 * and a notice for the answer saying so; undefined when nothing new came of it.
 */
async function fetchForAnswer(container: Container, literature: LiteratureService, query: LiteratureQuery, io: Io): Promise<string | undefined> {
  io.err(`citemed: the library holds too little on this; searching ${literature.description} for ${JSON.stringify(query.query)} …`);
  const outcome = await fetchWithSignals(container, literature, query, undefined);
  if (outcome.interrupted) throw new CitemedError('interrupted', 'fetch interrupted', { hint: 'the parts saved so far are kept; ask again with --fetch to go on' });
  if (outcome.parts.length === 0) {
    io.err(`citemed: ${literature.description} found no records for it either`);
    return undefined;
  }
  const report = await ingestInto(container, outcome.parts.map((part) => part.path), { quiet: true }, io, () => {});
  const { added, updated } = report.totals;
  io.err(`citemed: ${outcome.manifest.ids.length} record(s) found of ${outcome.manifest.total} matching; ${added} added to the library, ${updated} updated (saved in ${outcome.folder})`);
  if (added + updated === 0) return undefined;
  return `${added + updated} record(s) were fetched from ${literature.description} for this question on ${outcome.manifest.searchedAt.slice(0, 10)} and added to the library before this answer was written (search: ${JSON.stringify(query.query)}).`;
}

/** Where to look when the library holds too little: a live search, which the user runs (it reaches the network). */
export function fetchHint(searchedFor: string): string {
  const query = searchedFor.replace(/["\\$`]/g, ' ').replace(/\s+/g, ' ').trim();
  return `citemed: the library holds too little on this. To look in PubMed, then ask again:\n  citemed fetch pubmed "${query}" --max 100`;
}

function parseAudience(value: string): Audience {
  if (!isAudience(value)) throw new CitemedError('usage', `unknown audience "${value}"`, { hint: `use one of ${AUDIENCES.join(', ')}` });
  return value;
}

function plainBottomLine(answer: Answer): string {
  return answer.bottomLine.map((s) => s.text).join(' ');
}

/** A thread file: `{"turns": [{"question": …, "answer": …}, …]}`; a missing file is a new thread. */
function readThread(file: string): ThreadTurn[] {
  if (!existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CitemedError('unsupported-format', `${file} is not a citemed thread (not JSON: ${(error as Error).message})`, {
      hint: 'pass a file written by `citemed ask --thread`, or a new file name to start a thread',
    });
  }
  const turns = (parsed as { turns?: unknown } | null)?.turns;
  if (!Array.isArray(turns) || !turns.every((t) => typeof t?.question === 'string' && typeof t?.answer === 'string')) {
    throw new CitemedError('unsupported-format', `${file} is not a citemed thread (expected {"turns": [{"question", "answer"}]})`, {
      hint: 'pass a file written by `citemed ask --thread`, or a new file name to start a thread',
    });
  }
  return turns as ThreadTurn[];
}

function writeThread(file: string, turns: readonly ThreadTurn[]): void {
  try {
    writeFileSync(file, `${JSON.stringify({ turns }, null, 2)}\n`);
  } catch (error) {
    throw new CitemedError('unreadable', `could not save the thread to ${file}: ${(error as Error).message}`);
  }
}
