import type { RecordVersion } from './source.js';

/** What to do when a record arrives for a source id the library may already hold. */
export type UpsertDecision = 'add' | 'replace' | 'unchanged' | 'keep-newer';

export interface StoredVersion {
  contentHash: string;
  version: RecordVersion;
}

/**
 * Decide whether an incoming record replaces the stored one. A record never replaces a newer
 * one: re-ingesting an old baseline file after its update files must not roll the library back.
 */
export function decideUpsert(
  stored: StoredVersion | undefined,
  incoming: StoredVersion,
): UpsertDecision {
  if (!stored) return 'add';
  if (stored.contentHash === incoming.contentHash) return 'unchanged';
  return compareVersions(incoming.version, stored.version) < 0 ? 'keep-newer' : 'replace';
}

/** Negative when a is older than b, 0 when they cannot be told apart, positive when newer. */
export function compareVersions(a: RecordVersion, b: RecordVersion): number {
  if (a.number !== b.number) return a.number - b.number;
  if (a.revised && b.revised && a.revised !== b.revised) return a.revised < b.revised ? -1 : 1;
  return 0;
}
