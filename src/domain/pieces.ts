/** `items` in consecutive pieces of at most `size` (the last may be shorter): batches of requests, rows, ids. */
export function* inPieces<T>(items: readonly T[], size: number): Generator<T[]> {
  if (!(size >= 1)) throw new RangeError(`piece size must be at least 1, not ${size}`);
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
