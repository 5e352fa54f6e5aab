import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * ../shared/data beside the project root holds the real public data sets. It is never committed;
 * tests that need it skip, with a message saying so, when it is absent.
 */
export const sharedDataDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/data');

export const hasSharedData = existsSync(sharedDataDir);

export function sharedDataPath(...parts: string[]): string {
  return path.join(sharedDataDir, ...parts);
}

export const SHARED_DATA_SKIP_MESSAGE = `skipped: ${sharedDataDir} is absent (the shared public data sets are not committed; place ../shared/data beside the project to run these tests)`;
