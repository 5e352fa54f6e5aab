import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CitemedError } from '../domain/errors.js';
import { SettingsSchema, type Settings, type SettingsPatch } from './settings.js';

/**
 * Loads settings: defaults ← preset ← settings file ← CITEMED_* environment ← flags.
 * This is the only module that reads the environment.
 */
export interface LoadOptions {
  /** Preset name from --preset; falls back to CITEMED_PRESET, then the file's "preset", then "embedded". */
  preset?: string;
  /** Settings file from --config; falls back to CITEMED_CONFIG, then ./citemed.config.json when present. */
  configPath?: string;
  /** Patch built from command-line flags (e.g. --db). */
  overrides?: SettingsPatch;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedSettings {
  settings: Settings;
  preset: string;
  /** The settings file that was read, if any. */
  configPath?: string;
}

const PRESET_DIR = fileURLToPath(new URL('./presets/', import.meta.url));
const DEFAULT_CONFIG_FILE = 'citemed.config.json';
const ENV_PREFIX = 'CITEMED__';

export function listPresets(): string[] {
  return readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadSettings(options: LoadOptions = {}): LoadedSettings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configPath = resolveConfigPath(options.configPath ?? env.CITEMED_CONFIG, cwd);
  const file = configPath ? readJson(configPath, 'settings file') : {};
  const { preset: filePreset, ...filePatch } = file;
  const preset = options.preset ?? env.CITEMED_PRESET ?? asString(filePreset) ?? 'embedded';

  const merged = [readPreset(preset), filePatch, envPatch(env), options.overrides ?? {}].reduce(
    (acc: Record<string, unknown>, patch) => deepMerge(acc, stripComments(patch)),
    {},
  );
  const parsed = SettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new CitemedError('bad-config', `invalid settings: ${problems}`, {
      hint: `check ${configPath ?? 'your CITEMED_* environment variables and flags'} against docs/configuration.md`,
    });
  }
  return configPath ? { settings: parsed.data, preset, configPath } : { settings: parsed.data, preset };
}

function resolveConfigPath(given: string | undefined, cwd: string): string | undefined {
  if (given !== undefined && given !== '') {
    const full = path.resolve(cwd, given);
    if (!existsSync(full)) {
      throw new CitemedError('bad-config', `settings file not found: ${full}`, {
        hint: 'pass an existing JSON file to --config (or CITEMED_CONFIG), or leave it out to use defaults',
      });
    }
    return full;
  }
  const fallback = path.resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

function readPreset(name: string): Record<string, unknown> {
  if (!/^[a-z0-9-]+$/.test(name) || !listPresets().includes(name)) {
    throw new CitemedError('bad-config', `unknown preset "${name}"`, {
      hint: `choose one of: ${listPresets().join(', ')}`,
    });
  }
  return readJson(path.join(PRESET_DIR, `${name}.json`), 'preset');
}

function readJson(file: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CitemedError('bad-config', `cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    // Windows editors may start the file with a byte-order mark, which JSON.parse refuses.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CitemedError('bad-config', `${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(value)) throw new CitemedError('bad-config', `${what} ${file} must hold a JSON object`);
  return value;
}

/**
 * CITEMED_DB=path is a shorthand for the database file. Any setting can be set as
 * CITEMED__<SECTION>__<KEY>, e.g. CITEMED__INGEST__BATCH_SIZE=5000; values are parsed as JSON
 * when they are JSON (numbers, booleans, objects) and taken as strings otherwise.
 */
function envPatch(env: NodeJS.ProcessEnv): Record<string, unknown> {
  let patch: Record<string, unknown> = {};
  if (env.CITEMED_DB) patch = deepMerge(patch, { store: { path: env.CITEMED_DB } });
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const keys = settingPath(name);
    let nested: unknown = parseEnvValue(raw);
    for (const key of keys.reverse()) nested = { [key]: nested };
    patch = deepMerge(patch, nested as Record<string, unknown>);
  }
  return patch;
}

function parseEnvValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * The setting a variable names. Each part is matched to the settings' own keys regardless of case
 * and underscores, so CITEMED__INGEST__WORKER_MIN_MIB and …__WORKER_MIN_MI_B both name
 * `ingest.workerMinMiB`; a part that names nothing fails here, naming the variable and the keys
 * it could have meant, rather than later as an unknown key of a nameless object.
 */
function settingPath(name: string): string[] {
  const path: string[] = [];
  let schema: unknown = SettingsSchema;
  for (const part of name.slice(ENV_PREFIX.length).split('__')) {
    const shape = objectShape(schema);
    const wanted = part.replace(/_/g, '').toLowerCase();
    const key = shape && Object.keys(shape).find((k) => k.toLowerCase() === wanted);
    if (shape === undefined || key === undefined) {
      const where = path.length > 0 ? `"${path.join('.')}"` : 'the settings';
      const why = shape ? `there is no "${part}" in ${where}` : `${where} is a single value`;
      throw new CitemedError('bad-config', `the environment variable ${name} names no setting: ${why}`, {
        hint: shape ? `the keys there are ${Object.keys(shape).join(', ')} (docs/configuration.md)` : 'see docs/configuration.md',
      });
    }
    path.push(key);
    schema = shape[key];
  }
  return path;
}

/** The keys of an object schema, through the defaults and optionals wrapped around it. */
function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let def = zodDef(schema);
  while (def?.innerType !== undefined) def = zodDef(def.innerType);
  return def?.type === 'object' && def.shape !== undefined ? def.shape : undefined;
}

function zodDef(schema: unknown): { type?: string; innerType?: unknown; shape?: Record<string, unknown> } | undefined {
  return (schema as { _zod?: { def?: { type?: string; innerType?: unknown; shape?: Record<string, unknown> } } } | null)?._zod?.def;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function stripComments(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$comment') continue;
    out[key] = isPlainObject(v) ? stripComments(v) : v;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
