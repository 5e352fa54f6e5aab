/**
 * Checks of the settings every model-server adapter has (base URL, model, timeout, retries), so a
 * bad configuration fails when the adapter is built rather than on its first request.
 */
import { CitemedError } from '../../domain/errors.js';

export function trimTrailingSlashes(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export function isWholeNumber(value: number, min: number): boolean {
  return Number.isInteger(value) && value >= min;
}

/** What is wrong with the base URL and the model name. */
export function endpointProblems(settings: { baseUrl: string; model: string }): string[] {
  const problems: string[] = [];
  if (!isHttpUrl(settings.baseUrl)) problems.push(`baseUrl ${JSON.stringify(settings.baseUrl)} is not an http(s) URL`);
  if (settings.model.trim() === '') problems.push('model is empty');
  return problems;
}

/** What is wrong with the timeout and the number of retries. */
export function retryProblems(settings: { timeoutMs: number; maxRetries: number }): string[] {
  const problems: string[] = [];
  if (!(settings.timeoutMs > 0)) problems.push(`timeoutMs must be positive, not ${settings.timeoutMs}`);
  if (!isWholeNumber(settings.maxRetries, 0)) problems.push(`maxRetries must be a whole number ≥ 0, not ${settings.maxRetries}`);
  return problems;
}

/** Throws one bad-config error listing every problem of the settings of `adapter` ("embedder", "composer"). */
export function rejectBadSettings(adapter: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  throw new CitemedError('bad-config', `bad ${adapter} settings: ${problems.join('; ')}`, {
    hint: `fix the ${adapter} settings (docs/configuration.md)`,
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
