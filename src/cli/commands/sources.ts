import type { Command } from 'commander';
import { CitemedError } from '../../domain/errors.js';
import { normalizeDoi } from '../../domain/source.js';
import { withContainer, type GlobalOptions } from '../context.js';
import { printJson, type Io } from '../io.js';
import { presentSource } from '../presenters/source.js';

export function registerSources(program: Command, io: Io): void {
  const sources = program.command('sources').description('look at individual sources in the library');
  sources
    .command('show')
    .description('one source: citation, evidence level, retraction status, sections, references and passages')
    .argument('<id>', 'a source id (pmid:123, pmc:PMC123, doc:…), a bare PMID or PMCID, or a DOI')
    .option('--passages', 'list every passage with its id, section and character offsets')
    .option('--text', 'print the full text')
    .option('--json', 'print the source and its passages as JSON on stdout')
    .action(async (ref: string, options: { passages?: boolean; text?: boolean; json?: boolean }, command: Command) => {
      await withContainer(command.optsWithGlobals<GlobalOptions>(), { create: false }, async ({ store }) => {
        const ids = await store.findSourceIds(normalizeDoi(ref) ?? ref);
        if (ids.length === 0) {
          throw new CitemedError('not-found', `no source "${ref}" in the library`, {
            hint: 'find ids with `citemed search`; PMIDs, PMCIDs and DOIs work too',
          });
        }
        if (ids.length > 1) {
          throw new CitemedError('usage', `"${ref}" matches ${ids.length} sources: ${ids.slice(0, 10).join(', ')}`, {
            hint: 'give one of these ids',
          });
        }
        const id = ids[0] as string;
        const source = await store.getSource(id);
        if (!source) throw new CitemedError('not-found', `source ${id} disappeared while reading`);
        const passages = await store.listPassages(id);
        if (options.json) printJson(io, { source, passages });
        else io.out(presentSource(source, passages, { passages: options.passages ?? false, text: options.text ?? false }, io.columns));
      });
    });
}
