/**
 * Splits a stream of text chunks into lines without their terminators ("\n" or "\r\n").
 * A line split across chunks comes out whole; memory is bounded by the longest line.
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncIterable<string> {
  // Pieces of the current, unfinished line: joined once at its end, so a long line arriving in
  // many small chunks costs linear, not quadratic, time.
  let pieces: string[] = [];
  for await (const chunk of chunks) {
    let from = 0;
    for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', from)) {
      pieces.push(chunk.slice(from, newline));
      yield withoutCarriageReturn(pieces.join(''));
      pieces = [];
      from = newline + 1;
    }
    if (from < chunk.length) pieces.push(chunk.slice(from));
  }
  if (pieces.length > 0) yield withoutCarriageReturn(pieces.join(''));
}

function withoutCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
