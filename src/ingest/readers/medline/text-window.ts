/**
 * A window on a stream of text: the part not yet consumed, grown chunk by chunk and cut at the
 * front, so memory stays bounded by what the caller still needs (one record) plus one chunk.
 * It knows the 1-based line number of any index in the window.
 */
export interface TextWindow {
  /** The unconsumed text. Indices into it shift down by `count` after `drop(count)`. */
  readonly text: string;
  /** Appends the next chunk; false when the stream has ended. */
  more(): Promise<boolean>;
  /**
   * 1-based line of `text[index]`. Calls must come with non-decreasing indices (the count of
   * newlines is carried forward, never recounted), which is how a scanner walks the text.
   */
  lineAt(index: number): number;
  /** Forgets `text[0, count)`. */
  drop(count: number): void;
}

export function createTextWindow(chunks: AsyncIterable<string>): TextWindow {
  const iterator = chunks[Symbol.asyncIterator]();
  let text = '';
  let ended = false;
  // Line number of text[lineIndex]; lineAt advances both.
  let lineIndex = 0;
  let line = 1;

  function lineAt(index: number): number {
    // indexOf finds each newline natively; a file of one-element-per-line MEDLINE has about one
    // newline per 40 characters, so this costs far less than a per-character loop.
    let next = text.indexOf('\n', lineIndex);
    while (next !== -1 && next < index) {
      line++;
      next = text.indexOf('\n', next + 1);
    }
    if (index > lineIndex) lineIndex = index;
    return line;
  }

  return {
    get text() {
      return text;
    },
    async more() {
      if (ended) return false;
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        return false;
      }
      text += next.value;
      return true;
    },
    lineAt,
    drop(count) {
      if (count <= 0) return;
      if (count > lineIndex) lineAt(count);
      text = text.slice(count);
      lineIndex -= count;
    },
  };
}
