/** Decodes a byte stream as UTF-8 text chunks, keeping multi-byte characters split across chunks whole. */
export async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** Collects a whole byte stream; only for formats that cannot be read incrementally (PDF). */
export async function collectBytes(bytes: AsyncIterable<Uint8Array>, limitBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of bytes) {
    total += chunk.byteLength;
    if (total > limitBytes) throw new RangeError(`file is larger than the ${limitBytes}-byte limit for this format`);
    parts.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
