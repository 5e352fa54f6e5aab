import { buildPassages, type Passage } from '../../src/domain/passage.js';
import { buildSource, type Source, type SourceInput } from '../../src/domain/source.js';
import { createTextBuilder } from '../../src/domain/text.js';

/** Test data: a SourceInput with sensible defaults; override any field. */
export function sourceInput(overrides: Partial<SourceInput> & { paragraphsText?: [string[], string][] } = {}): SourceInput {
  const { paragraphsText, ...rest } = overrides;
  const builder = createTextBuilder();
  for (const [path, text] of paragraphsText ?? [
    [['Background'], 'Iliopsoas abscess is an uncommon collection of pus in the iliopsoas compartment.'],
    [['Results'], 'Percutaneous drainage succeeded in most patients; surgery was needed when drainage failed.'],
  ]) {
    builder.addParagraph(path, text);
  }
  return {
    id: 'pmid:1000001',
    ids: { pmid: '1000001' },
    title: 'Management of iliopsoas abscess: a case series',
    authors: ['Doe J', 'Roe R'],
    journal: 'Journal of Tests',
    year: 2020,
    published: '2020-05',
    language: 'eng',
    publicationTypes: ['Journal Article'],
    mesh: [{ descriptor: 'Psoas Abscess', ui: 'D017255', majorTopic: true, qualifiers: ['therapy'] }],
    keywords: ['drainage'],
    correctionLinks: [],
    version: { number: 1, revised: '2021-01-01' },
    references: [],
    origin: { format: 'medline', path: '/data/test.xml', line: 1 },
    ...builder.build(),
    ...rest,
  };
}

export const TEST_CHUNKING = { maxChars: 1200, minChars: 0 };

export function sourceWithPassages(overrides: Parameters<typeof sourceInput>[0] = {}): { source: Source; passages: Passage[] } {
  const input = sourceInput(overrides);
  const source = buildSource(input);
  return { source, passages: buildPassages(source, input.paragraphs, TEST_CHUNKING) };
}
