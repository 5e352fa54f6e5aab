import type { Command } from 'commander';
import { CitemedError } from '../../domain/errors.js';
import { EVIDENCE_LEVEL_LABELS, type EvidenceLevel } from '../../domain/evidence-level.js';
import { INTEGRITY_LABELS, type IntegrityStatus } from '../../domain/integrity.js';
import type { LibraryStats } from '../../ports/store.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { formatBytes, formatCount } from '../format.js';
import { printJson, type Io } from '../io.js';
import { presentPostingsState } from './index-postings.js';

export function registerStats(program: Command, io: Io): void {
  program
    .command('stats')
    .description('what the library holds: sources, passages, evidence levels, retractions, files')
    .option('--json', 'print as JSON on stdout')
    .option('--check', 'first read every page of the library and report any damage (SQLite; exit 74 if damaged)')
    .action(async (options: { json?: boolean; check?: boolean }, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async ({ store }) => {
        if (options.check) {
          if (!store.checkIntegrity) {
            throw new CitemedError('usage', `${store.description} checks its own pages; --check is for the embedded SQLite library`);
          }
          const problems = await store.checkIntegrity();
          if (problems.length > 0) {
            throw new CitemedError('database-corrupt', `the library ${store.description} is damaged: ${problems.slice(0, 3).join('; ')}`, {
              hint: 'restore it from a backup, or move it aside and ingest again to rebuild it',
            });
          }
          io.err(`citemed: every page of ${store.description} was read: no damage found`);
        }
        const stats = await store.stats();
        if (options.json) printJson(io, { library: store.description, ...stats });
        else io.out(presentStats(store.description, stats, store.postings !== undefined));
      });
    });
}

/** `hasPostings`: the store can keep a postings index (SQLite), so its state is worth a line. */
export function presentStats(description: string, stats: LibraryStats, hasPostings = false): string {
  const lines = [
    `Library: ${description}${stats.sizeBytes !== undefined ? ` (${formatBytes(stats.sizeBytes)})` : ''}`,
    `  sources   ${formatCount(stats.sources).padStart(10)}`,
    `  passages  ${formatCount(stats.passages).padStart(10)}`,
    'By format:',
    ...Object.entries(stats.byFormat).map(([k, n]) => `  ${k.padEnd(34)}${formatCount(n ?? 0).padStart(10)}`),
    'By evidence level:',
    ...Object.entries(stats.byEvidenceLevel).map(
      ([k, n]) => `  ${EVIDENCE_LEVEL_LABELS[k as EvidenceLevel].padEnd(34)}${formatCount(n ?? 0).padStart(10)}`,
    ),
    'Retractions and corrections:',
    ...Object.entries(stats.byIntegrity).map(
      ([k, n]) => `  ${INTEGRITY_LABELS[k as IntegrityStatus].padEnd(34)}${formatCount(n ?? 0).padStart(10)}`,
    ),
    `Deleted by update files: ${formatCount(stats.deletedIds)}`,
    `Files ingested: ${stats.files.done} done, ${stats.files.running} unfinished (re-run to resume), ${stats.files.failed} failed`,
  ];
  if (stats.vectors.length > 0) {
    lines.push('Vectors for hybrid search:');
    for (const v of stats.vectors) {
      const share = stats.passages > 0 ? ` (${Math.floor((v.count / stats.passages) * 100)}% of passages)` : '';
      lines.push(`  ${`${v.model}, ${v.dimensions} dimensions`.padEnd(34)}${formatCount(v.count).padStart(10)}${share}`);
    }
  }
  if (stats.lastIngestAt) lines.push(`Last ingest: ${stats.lastIngestAt}`);
  if (hasPostings) lines.push(presentPostingsState(stats.postings));
  return lines.join('\n');
}
