import type { Command } from 'commander';
import { CitemedError } from '../../domain/errors.js';
import { EVIDENCE_LEVELS, isEvidenceLevel, type EvidenceLevel } from '../../domain/evidence-level.js';
import { SOURCE_FORMATS, type SourceFormat } from '../../domain/source.js';
import type { SearchFilters } from '../../ports/store.js';
import { analyzeQuery } from '../../retrieval/query.js';
import type { RetrievalResult } from '../../retrieval/retrieve.js';
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
  if (analyzeQuery(text).length === 0) {
    throw new CitemedError('usage', `nothing to search for in "${text}" (only common words)`, {
      hint: 'add the condition, drug or test you are asking about',
    });
  }
  const filters: SearchFilters = {
    ...(options.level ? { evidenceLevels: parseLevels(options.level) } : {}),
    ...(options.type ? { publicationTypes: parseList(options.type) } : {}),
    ...(options.collection ? { formats: parseFormats(options.collection) } : {}),
    ...(options.from ? { yearFrom: parseYear(options.from, '--from') } : {}),
    ...(options.to ? { yearTo: parseYear(options.to, '--to') } : {}),
  };
  const limit = options.limit === undefined ? undefined : parsePositiveInt(options.limit, '--limit');
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

function parseList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

function parseFormats(value: string): SourceFormat[] {
  const formats = parseList(value);
  const bad = formats.filter((f) => !(SOURCE_FORMATS as readonly string[]).includes(f));
  if (bad.length > 0) {
    throw new CitemedError('usage', `unknown collection: ${bad.join(', ')}`, { hint: `use ${SOURCE_FORMATS.join(', ')}` });
  }
  return formats as SourceFormat[];
}

function parseLevels(value: string): EvidenceLevel[] {
  const levels = parseList(value);
  const bad = levels.filter((l) => !isEvidenceLevel(l));
  if (bad.length > 0) {
    throw new CitemedError('usage', `unknown evidence level: ${bad.join(', ')}`, { hint: `use ${EVIDENCE_LEVELS.join(', ')}` });
  }
  return levels as EvidenceLevel[];
}

function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CitemedError('usage', `${flag} must be a whole number from 1 to 1000, not "${value}"`);
  return n;
}

function parseYear(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1000 || n > 9999) throw new CitemedError('usage', `${flag} must be a four-digit year, not "${value}"`);
  return n;
}
