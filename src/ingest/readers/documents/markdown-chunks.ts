/**
 * Groups Markdown lines into stretches that can be lexed on their own, so a large file is
 * never held whole: a stretch ends before each ATX heading line ("# …" at the start of a line)
 * and, once it exceeds SOFT_LIMIT_CHARS, at the next blank line. Neither cut happens inside a
 * fenced code block, so a "# comment" line in a fence stays code.
 *
 * Both cuts are safe for the Markdown grammar: a heading line ends any paragraph before it,
 * and a blank line ends paragraphs (so setext underlines stay with their text).
 */
export const SOFT_LIMIT_CHARS = 256 * 1024;

const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
const FENCE = /^[ \t]*(`{3,}|~{3,})(.*)$/;

export interface MarkdownChunker {
  /** Adds one line; returns a finished stretch when this line starts a new one. */
  push(line: string): string | undefined;
  /** The last stretch, if any. */
  end(): string | undefined;
}

export function createMarkdownChunker(softLimitChars = SOFT_LIMIT_CHARS): MarkdownChunker {
  let lines: string[] = [];
  let chars = 0;
  let fence: { char: string; length: number } | undefined;

  function take(): string | undefined {
    if (lines.length === 0) return undefined;
    const stretch = lines.join('\n');
    lines = [];
    chars = 0;
    return stretch;
  }

  return {
    push(line) {
      let finished: string | undefined;
      if (fence === undefined) {
        if (ATX_HEADING.test(line)) finished = take();
        else if (line.trim() === '' && chars > softLimitChars) finished = take();
      }
      fence = nextFence(fence, line);
      lines.push(line);
      chars += line.length + 1;
      return finished;
    },
    end: take,
  };
}

/** The fence state after `line`: opened by ``` or ~~~ (3 or more), closed by the same character at least as long. */
function nextFence(
  fence: { char: string; length: number } | undefined,
  line: string,
): { char: string; length: number } | undefined {
  const match = FENCE.exec(line);
  if (!match) return fence;
  const marker = match[1]!;
  const rest = match[2]!;
  if (fence === undefined) {
    // A backtick fence's info string may not contain a backtick (then it is inline code).
    if (marker[0] === '`' && rest.includes('`')) return undefined;
    return { char: marker[0]!, length: marker.length };
  }
  return marker[0] === fence.char && marker.length >= fence.length && rest.trim() === '' ? undefined : fence;
}
