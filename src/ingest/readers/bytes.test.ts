import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from './bytes.js';

async function decodeAll(chunks: Uint8Array[]): Promise<string[]> {
  async function* source(): AsyncIterable<Uint8Array> {
    yield* chunks;
  }
  const out: string[] = [];
  for await (const text of decodeUtf8(source())) out.push(text);
  return out;
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, inside the array). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const at = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, to));
    from = to;
  }
  return chunks;
}

describe('decodeUtf8', () => {
  it('gives back the text however the bytes are cut, multi-byte characters included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), async (text, offsets) => {
        const bytes = new TextEncoder().encode(text);
        expect((await decodeAll(cut(bytes, offsets))).join('')).toBe(text);
      }),
    );
  });

  it('cuts large chunks into pieces of at most 16 KiB, splitting no character', async () => {
    // 3-byte characters with ASCII between them, so piece boundaries fall inside characters.
    const text = 'αβγ→ Jürgen 🧬 '.repeat(20_000);
    const bytes = new TextEncoder().encode(text);
    const pieces = await decodeAll([bytes.subarray(0, 700_001), bytes.subarray(700_001)]);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(bytes.length / (16 * 1024) - 1);
    for (const piece of pieces) expect(new TextEncoder().encode(piece).length).toBeLessThanOrEqual(16 * 1024 + 3);
  });
});
