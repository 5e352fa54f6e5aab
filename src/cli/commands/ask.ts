import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { renderMarkdown } from '../../answer/render-markdown.js';
import { AUDIENCES, isAudience, type Answer, type Audience } from '../../domain/answer.js';
import { CitemedError } from '../../domain/errors.js';
import { parseWholeNumber } from '../../domain/filters.js';
import type { ThreadTurn } from '../../ports/composer.js';
import { requireSearchable } from '../../retrieval/searchable.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';
import { presentAnswer } from '../presenters/answer.js';

interface AskOptions {
  audience: string;
  json?: boolean;
  markdown?: boolean;
  thread?: string;
  evidence?: string;
}

export function registerAsk(program: Command, io: Io): void {
  program
    .command('ask')
    .description('answer a clinical question from the library: every statement cited and checked against its source')
    .argument('<question...>', 'the question, e.g. "What is the management of an iliopsoas abscess?"')
    .option('-a, --audience <who>', `who the answer is for: ${AUDIENCES.join(', ')}`, 'clinician')
    .option('--thread <file>', 'a JSON file holding the conversation so far: a follow-up ("and in children?") is read against it, and this turn is added')
    .option('--evidence <n>', 'how many passages to retrieve as evidence (default from settings: 20)')
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
      const answer = await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, (container) =>
        container.ask({ question, audience, thread, ...(evidence === undefined ? {} : { evidence }), ...(onText ? { onText } : {}) }),
      );
      if (streamed) io.err('\n(draft above; the verified answer follows)\n');
      if (options.thread) writeThread(options.thread, [...thread, { question: answer.searchedFor, answer: plainBottomLine(answer) }]);
      if (options.json) printJson(io, answer);
      else if (options.markdown) io.out(renderMarkdown(answer));
      else io.out(presentAnswer(answer, io.columns));
      if (answer.status === 'insufficient' && answer.audience !== 'patient' && !options.json) io.err(fetchHint(answer.searchedFor));
    });
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
