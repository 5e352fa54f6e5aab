/** Reading JSON bodies that come from a server: untrusted, so every field is checked by the caller. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a JSON body (or event, or whatever `what` names), or throws the error `fail` builds,
 * quoting how the text starts.
 */
export function parseJson(text: string, fail: (problem: string) => Error, what = 'the body'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw fail(`${what} is not JSON (starts ${JSON.stringify(text.slice(0, 80))})`);
  }
}
