import type { Command } from 'commander';
import { recheck, type RecheckReport } from '../../articles/service.js';
import { ARTICLE_STATUSES, STATUS_LABELS, type ArticleStatus } from '../../domain/article.js';
import { SYSTEM_ACTOR } from '../../domain/audit.js';
import { CitemedError } from '../../domain/errors.js';
import type { Container } from '../../config/container.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';

/** `citemed articles`: published articles at a glance, and the living-article check. */
export function registerArticles(program: Command, io: Io): void {
  const articles = program.command('articles').description('published articles: list them, check them against the library');

  articles
    .command('list')
    .description('articles, newest change first')
    .option('--status <list>', `only these, comma-separated: ${ARTICLE_STATUSES.join(', ')}`)
    .option('--flagged', 'only articles flagged for re-review')
    .option('--json', 'print them as JSON')
    .action(async (options: { status?: string; flagged?: boolean; json?: boolean }, command: Command) => {
      const status = options.status === undefined ? undefined : parseStatuses(options.status);
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const { articles: list, total } = await container.editorial.articles.list({
          ...(status ? { status } : {}),
          ...(options.flagged ? { flagged: true } : {}),
          limit: 1_000,
          offset: 0,
        });
        if (options.json) return printJson(io, { total, articles: list });
        if (list.length === 0) return io.out('No articles match.');
        for (const a of list) {
          const approved = a.approvedVersion ? `, v${a.approvedVersion} approved by ${a.approval?.reviewerName ?? '?'}` : '';
          io.out(`${a.id}  ${STATUS_LABELS[a.status]} (v${a.currentVersion}${approved})  ${a.title}`);
          for (const flag of a.flags) io.out(`    ⚑ ${flag.detail}`);
        }
        if (total > list.length) io.out(`… and ${total - list.length} more`);
      });
    });

  articles
    .command('recheck')
    .description('check every article against the library now: retracted or corrected sources, newer higher-level evidence')
    .option('--json', 'print the flags raised as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async (container) => {
        const report = await recheckArticles(container, io);
        if (options.json) printJson(io, report);
        else io.out(describeRecheck(report));
      });
    });
}

/** Runs the living-article check with progress on stderr for long runs. */
export async function recheckArticles(container: Container, io: Io): Promise<RecheckReport> {
  let last = 0;
  return recheck(container.articles, SYSTEM_ACTOR, (done, total) => {
    if (total >= 20 && (done === total || performance.now() - last > 2_000)) {
      last = performance.now();
      io.err(`citemed: checked ${done}/${total} articles`);
    }
  });
}

export function describeRecheck(report: RecheckReport): string {
  const lines = [`citemed: checked ${report.checked} article${report.checked === 1 ? '' : 's'}; ${report.raised.length} new re-review flag${report.raised.length === 1 ? '' : 's'}`];
  for (const flag of report.raised) lines.push(`  ⚑ ${flag.articleId}: ${flag.detail}`);
  return lines.join('\n');
}

function parseStatuses(text: string): ArticleStatus[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = parts.filter((s) => !(ARTICLE_STATUSES as readonly string[]).includes(s));
  if (parts.length === 0 || unknown.length > 0) {
    throw new CitemedError('usage', `--status: unknown value(s) ${unknown.join(', ') || '(none given)'}`, { hint: `use ${ARTICLE_STATUSES.join(', ')}` });
  }
  return parts as ArticleStatus[];
}
