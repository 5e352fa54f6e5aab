import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineTracker } from './line-tracker.js';
import { splitLines } from './lines.js';

async function* pieces(text: string, cuts: readonly number[]): AsyncIterable<string> {
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= text.length) continue;
    yield text.slice(from, cut);
    from = cut;
  }
  yield text.slice(from);
}

async function collect(text: string, cuts: readonly number[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of splitLines(pieces(text, cuts))) lines.push(line);
  return lines;
}

const textWithBreaks = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', 'é', '\r\n'), maxLength: 80 });

describe('splitLines', () => {
  it('gives the lines of the whole text however it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(textWithBreaks, fc.array(fc.nat({ max: 80 }), { maxLength: 10 }), async (text, cuts) => {
        // Reference: split on "\n", drop one "\r" before each break, and no empty line after a final "\n".
        const expected = text.split('\n').map((line, i, all) => (i < all.length - 1 && line.endsWith('\r') ? line.slice(0, -1) : line));
        if (expected[expected.length - 1] === '') expected.pop();
        else expected[expected.length - 1] = expected[expected.length - 1]!.replace(/\r$/, '');
        expect(await collect(text, cuts)).toEqual(expected);
      }),
    );
  });
});

describe('createLineTracker', () => {
  it('gives the line of each offset asked in order, however the text arrives', () => {
    fc.assert(
      fc.property(textWithBreaks, fc.array(fc.nat({ max: 80 }), { maxLength: 10 }), (text, asks) => {
        const tracker = createLineTracker();
        tracker.append(text.slice(0, 40));
        tracker.append(text.slice(40));
        for (const offset of [...asks].sort((a, b) => a - b).filter((o) => o <= text.length)) {
          expect(tracker.lineAt(offset)).toBe(text.slice(0, offset).split('\n').length);
        }
      }),
    );
  });
});
