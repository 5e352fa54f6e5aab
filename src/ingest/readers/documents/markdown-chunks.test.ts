import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDocumentBody, type BodyResult } from './document-body.js';
import { addMarkdownBlocks } from './markdown-blocks.js';
import { createMarkdownChunker } from './markdown-chunks.js';

function chunksOf(lines: readonly string[], softLimitChars?: number): string[] {
  const chunker = createMarkdownChunker(softLimitChars);
  const out: string[] = [];
  for (const line of lines) {
    const finished = chunker.push(line);
    if (finished !== undefined) out.push(finished);
  }
  const last = chunker.end();
  if (last !== undefined) out.push(last);
  return out;
}

function bodyOf(chunks: readonly string[]): BodyResult {
  const body = createDocumentBody();
  for (const chunk of chunks) addMarkdownBlocks(chunk, body);
  return body.finish();
}

describe('createMarkdownChunker', () => {
  it('cuts before each heading line but never inside a fence', () => {
    const lines = ['intro', '# Title', 'a', '```', '# in code', '```', '## Next', '~~~~', '## code', '~~~', '## still code', '~~~~', 'b'];
    expect(chunksOf(lines)).toEqual([
      'intro',
      '# Title\na\n```\n# in code\n```',
      '## Next\n~~~~\n## code\n~~~\n## still code\n~~~~\nb',
    ]);
  });

  it('does not take "#tag" or an inline ```code``` line for a heading or a fence', () => {
    expect(chunksOf(['#tag', '```a` b```', '# Real'])).toEqual(['#tag\n```a` b```', '# Real']);
  });

  it('cuts a long section at blank lines once it passes the soft limit', () => {
    const lines = ['aaaa', 'bbbb', '', 'cccc', '', 'dddd'];
    expect(chunksOf(lines, 5)).toEqual(['aaaa\nbbbb', '\ncccc', '\ndddd']);
  });

  // The soft-limit cuts must not change what the document says. List items of several
  // paragraphs are left out on purpose: a cut between their paragraphs splits them (documented).
  const block = fc.oneof(
    fc.constantFrom('Plain words [1].', 'Two\nlines of one paragraph.', 'Setext heading\n---', 'Top setext\n==='),
    fc.constantFrom('- one\n- two\n  - nested', '3. three\n4. four', '> quoted\n>\n> again'),
    fc.constantFrom('| a | b |\n|---|---|\n| 1 | 2 |', '```\n# code\n\n## more code\n```', '## Heading', '### Deeper', '# Title'),
    fc.constantFrom('## References', '1. A reference.', '<div>raw <b>html</b></div>'),
  );

  it('gives the same body whatever the soft limit', () => {
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 120 }), (blocks, limit) => {
        const lines = blocks.join('\n\n').split('\n');
        expect(bodyOf(chunksOf(lines, limit))).toEqual(bodyOf(chunksOf(lines, Number.POSITIVE_INFINITY)));
      }),
      { numRuns: 300 },
    );
  });
});
