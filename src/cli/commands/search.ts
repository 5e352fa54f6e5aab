import type { Command } from 'commander';
import { CitemedError } from '../../domain/errors.js';
import { EVIDENCE_LEVELS, isEvidenceLevel, type EvidenceLevel } from '../../domain/evidence-level.js';
import type { PassageHit } from '../../ports/store.js';
import { analyzeQuery } from '../../retrieval/query.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';
import { presentHits } from '../presenters/hits.js';

interface SearchOptions {
  limit?: string;
  level?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export function registerSearch(program: Command, io: Io): void {
  program
    .command('search')
    .description('find the passages in the library that best match a question or keywords')
    .argument('<query...>', 'a question or keywords, e.g. "management of iliopsoas abscess"')
    .option('-n, --limit <n>', 'how many passages to show (default from settings: 10)')
    .option('--level <levels>', `only these evidence levels, comma-separated: ${EVIDENCE_LEVELS.join(', ')}`)
    .option('--from <year>', 'only sources published in or after this year')
    .option('--to <year>', 'only sources published in or before this year')
    .option('--json', 'print the results as JSON on stdout')
    .action(async (words: string[], options: SearchOptions, command: Command) => {
      const text = words.join(' ');
      const { terms, hits } = await searchLibrary(text, options, command.optsWithGlobals<GlobalOptions>());
      if (options.json) printJson(io, { query: text, terms, hits });
      else io.out(presentHits(text, hits, io.columns));
    });
}

async function searchLibrary(text: string, options: SearchOptions, globals: GlobalOptions): Promise<{ terms: string[]; hits: PassageHit[] }> {
  const terms = analyzeQuery(text);
  if (terms.length === 0) {
    throw new CitemedError('usage', `nothing to search for in "${text}" (only common words)`, {
      hint: 'add the condition, drug or test you are asking about',
    });
  }
  return withContainer(globals, { create: false }, async ({ store, settings }) => {
    const query = {
      terms,
      limit: options.limit === undefined ? settings.search.limit : parsePositiveInt(options.limit, '--limit'),
      weights: settings.search.fieldWeights,
      ...(options.level ? { evidenceLevels: parseLevels(options.level) } : {}),
      ...(options.from ? { yearFrom: parseYear(options.from, '--from') } : {}),
      ...(options.to ? { yearTo: parseYear(options.to, '--to') } : {}),
    };
    return { terms, hits: await store.search(query) };
  });
}

function parseLevels(value: string): EvidenceLevel[] {
  const levels = value.split(',').map((v) => v.trim()).filter(Boolean);
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
