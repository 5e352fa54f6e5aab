import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { withContainer, type GlobalOptions } from '../context.js';
import type { Io } from '../io.js';
import { presentAnswer } from '../presenters/answer.js';
import { presentResult } from '../presenters/hits.js';
import { ingestPaths } from './ingest.js';

/** The starter library shipped with citemed: in-house overviews written for a fresh install. */
export const STARTER_LIBRARY = fileURLToPath(new URL('../../../library/starter/', import.meta.url));
const EXAMPLE_QUESTION = 'What is the management of an iliopsoas abscess?';

export function registerQuickstart(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command('quickstart')
    .description('load the starter library into the default database, then run an example search and answer')
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      io.out(`Loading the starter library from ${STARTER_LIBRARY}\n`);
      const report = await ingestPaths([STARTER_LIBRARY], {}, globals, io);
      if (report.failedFiles > 0 || report.interrupted) {
        setExitCode(report.interrupted ? 130 : 1);
        return;
      }
      await withContainer(globals, { create: false }, async ({ store, search, ask }) => {
        const result = await search(EXAMPLE_QUESTION, { limit: 3 });
        io.out(`\nExample: citemed search "${EXAMPLE_QUESTION}"\n`);
        io.out(presentResult(result, io.columns));
        const answer = await ask({ question: EXAMPLE_QUESTION, audience: 'clinician' });
        io.out(`\n\nExample: citemed ask "${EXAMPLE_QUESTION}"\n`);
        io.out(presentAnswer(answer, io.columns));
        io.out(
          [
            '',
            `Library ready: ${store.description}`,
            'Next:',
            '  npm start                      # the web app and API on http://127.0.0.1:8787 (Ctrl-C stops)',
            '  npx citemed ask "How is hyperkalaemia treated?" --markdown',
            '  npx citemed ask "How is cellulitis treated?" --audience patient',
            '  npx citemed search "first-line treatment of community-acquired pneumonia"',
            '  npx citemed sources show doc:overview-iliopsoas-abscess',
            '  npx citemed ingest path/to/pubmed25n0001.xml.gz path/to/pmc/ guidelines/*.pdf',
            '  npx citemed stats',
          ].join('\n'),
        );
      });
    });
}
