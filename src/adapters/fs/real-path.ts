import { realpath } from 'node:fs/promises';

/**
 * Where a path really leads: absolute, with every symbolic link and `..` resolved, so a check of
 * "is this inside that folder" cannot be walked around. Undefined when nothing is there (or it
 * cannot be reached): a caller that checks paths refuses those the same way.
 */
export async function realPathOf(file: string): Promise<string | undefined> {
  try {
    return await realpath(file);
  } catch {
    return undefined;
  }
}
