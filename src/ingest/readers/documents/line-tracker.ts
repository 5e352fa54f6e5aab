/**
 * Maps character offsets of a text stream to 1-based line numbers while the text streams by.
 * Offsets must be asked for in non-decreasing order; the text before the last one asked is
 * forgotten, so memory stays bounded by the text between two questions.
 */
export interface LineTracker {
  append(chunk: string): void;
  lineAt(offset: number): number;
}

export function createLineTracker(): LineTracker {
  let pending = '';
  let pendingStart = 0;
  let line = 1;

  return {
    append(chunk) {
      pending += chunk;
    },
    lineAt(offset) {
      const upTo = Math.max(0, Math.min(offset - pendingStart, pending.length));
      for (let i = pending.indexOf('\n'); i !== -1 && i < upTo; i = pending.indexOf('\n', i + 1)) line++;
      pending = pending.slice(upTo);
      pendingStart += upTo;
      return line;
    },
  };
}
