import { createContainer, type Container } from '../config/container.js';
import { loadSettings } from '../config/load-settings.js';
import type { Settings, SettingsPatch } from '../config/settings.js';
import { CitemedError } from '../domain/errors.js';

/** Options every command accepts (see main.ts). */
export interface GlobalOptions {
  db?: string;
  config?: string;
  preset?: string;
  debug?: boolean;
}

/** Loads settings from the global options and wires the container for one command. */
export function openContainer(options: GlobalOptions, { create }: { create: boolean }): Container {
  // An empty --db (an unset shell variable, `--db "$LIB"`) would otherwise open the default library.
  if (options.db !== undefined && options.db.trim() === '') {
    throw new CitemedError('usage', '--db is empty', { hint: 'give the library file, e.g. --db data/citemed.db, or leave --db out for the default' });
  }
  return createContainer(commandSettings(options), { create });
}

/** The settings the global options name, for a command that needs no library (`fetch --count`). */
export function commandSettings(options: GlobalOptions): Settings {
  const overrides: SettingsPatch = options.db ? { store: { path: options.db } } : {};
  const loadOptions = { overrides, ...definedOnly({ preset: options.preset, configPath: options.config }) };
  return loadSettings(loadOptions).settings;
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Runs a command body with a container, always closing it. */
export async function withContainer<T>(
  options: GlobalOptions,
  mode: { create: boolean },
  body: (container: Container) => Promise<T>,
): Promise<T> {
  const container = openContainer(options, mode);
  try {
    return await body(container);
  } finally {
    await container.close();
  }
}
