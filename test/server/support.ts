import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createContainer, type Container } from '../../src/config/container.js';
import { SettingsSchema, type Settings, type SettingsPatch } from '../../src/config/settings.js';
import { ROOT, runCli } from '../cli/run-cli.js';

/**
 * The starter library ingested into a temporary file. In this thread (the low-memory preset):
 * the same library as with the ingest worker (test/cli/interrupt.test.ts compares them), without
 * the worker's start-up, which costs seconds per suite on a busy machine.
 */
export async function buildStarterLibrary(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'citemed-server-'));
  const db = path.join(dir, 'lib.db');
  const result = await runCli(['--db', db, '--preset', 'low-memory', 'ingest', '-q', path.join(ROOT, 'library', 'starter')]);
  if (result.code !== 0) throw new Error(`ingest failed (${result.code}): ${result.stderr}`);
  return db;
}

/** Deletes a library made by buildStarterLibrary, with its folder. */
export function removeLibrary(db: string): void {
  rmSync(path.dirname(db), { recursive: true, force: true });
}

export function settingsFor(db: string, patch: Omit<SettingsPatch, 'store'> = {}): Settings {
  return SettingsSchema.parse({ ...patch, store: { path: db } });
}

export function openLibrary(db: string, patch: Omit<SettingsPatch, 'store'> = {}): Container {
  return createContainer(settingsFor(db, patch), { create: false });
}

/** An LLM composer pointed at a fake chat server, no retries (failures show at once). */
export function llmPatch(baseUrl: string): Omit<SettingsPatch, 'store'> {
  return { answer: { composer: 'openai', llm: { baseUrl, model: 'fake-llm', maxRetries: 0 } } };
}

export interface ServerSentEvent {
  event: string;
  data: unknown;
}

/** Parses an event-stream body: blocks separated by a blank line; comment lines (":") skipped. */
export function parseEvents(text: string): ServerSentEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const fields = Object.fromEntries(block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
      return { event: fields.event ?? 'message', data: JSON.parse(fields.data ?? 'null') as unknown };
    });
}

/** Headers every response must carry (src/server/security.ts). */
export const EXPECTED_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};
