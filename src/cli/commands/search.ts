import type { Command } from 'commander';
import { EVIDENCE_LEVELS } from '../../domain/evidence-level.js';
import { parseFilterText, parseWholeNumber } from '../../domain/filters.js';
import { SOURCE_FORMATS } from '../../domain/source.js';
import type { SearchFilters } from '../../ports/store.js';
import type { RetrievalResult } from '../../retrieval/retrieve.js';
import { requireSearchable } from '../../retrieval/searchable.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';
import { presentResult } from '../presenters/hits.js';

interface SearchOptions {
  limit?: string;
  level?: string;
  type?: string;
  collection?: string;
  from?: string;
  to?: string;
  json?: boolean;
  explain?: boolean;
  expand?: boolean;
  hybrid?: boolean;
}

export function registerSearch(program: Command, io: Io): void {
  program
    .command('search')
    .description('find the passages in the library that best match a question or keywords')
    .argument('<query...>', 'a question or keywords, e.g. "management of iliopsoas abscess"')
    .option('-n, --limit <n>', 'how many passages to show (default from settings: 10)')
    .option('--level <levels>', `only these evidence levels, comma-separated: ${EVIDENCE_LEVELS.join(', ')}`)
    .option('--type <types>', 'only these publication types, comma-separated, e.g. "Randomized Controlled Trial"')
    .option('--collection <formats>', `only sources of these collections, comma-separated: ${SOURCE_FORMATS.join(', ')}`)
    .option('--from <year>', 'only sources published in or after this year')
    .option('--to <year>', 'only sources published in or before this year')
    .option('--expand', 'also search abbreviations, MeSH headings and drug names of the terms (weighted lower)')
    .option('--no-expand', 'search only the words as typed, even if settings turn expansion on')
    .option('--hybrid', 'also rank by meaning: fuse with the passages nearest by embedding (needs embedder.* and `citemed embed`)')
    .option('--no-hybrid', 'lexical ranking only, even if settings turn hybrid search on')
    .option('--explain', 'show why each passage ranks where it does: matched terms, fields, priors')
    .option('--json', 'print the results as JSON on stdout (always with explanations)')
    .action(async (words: string[], options: SearchOptions, command: Command) => {
      const text = words.join(' ');
      const result = await searchLibrary(text, options, command.optsWithGlobals<GlobalOptions>());
      if (options.json) printJson(io, { query: text, plan: result.plan, notes: result.notes, candidates: result.candidates, hits: result.hits });
      else {
        io.out(presentResult(result, io.columns, { explain: options.explain === true }));
        const narrowed = ['level', 'type', 'collection', 'from', 'to'].filter((flag) => options[flag as keyof SearchOptions] !== undefined);
        if (result.hits.length === 0 && narrowed.length > 0) {
          io.out(`Only passages passing ${narrowed.map((f) => `--${f}`).join(', ')} were searched; try without them.`);
        }
      }
    });
}

async function searchLibrary(text: string, options: SearchOptions, globals: GlobalOptions): Promise<RetrievalResult> {
  requireSearchable(text, 'search');
  const filters: SearchFilters = parseFilterText(options, (flag) => `--${flag}`);
  const limit = options.limit === undefined ? undefined : parseWholeNumber(options.limit, '--limit', 1, 1000);
  return withContainer(globals, { create: false }, (container) =>
    container.search(text, {
      filters,
      ...(limit === undefined ? {} : { limit }),
      adjust: (o) => ({
        ...o,
        ...(options.expand === undefined ? {} : { expand: options.expand }),
        ...(options.hybrid === undefined ? {} : { hybrid: { ...o.hybrid, enabled: options.hybrid } }),
      }),
    }),
  );
}
