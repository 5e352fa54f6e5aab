import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../ports/passwords.js';

/**
 * Argon2id through @node-rs/argon2 (a prebuilt native binding shipped in npm), with OWASP's
 * recommended minimum for Argon2id: 19 MiB of memory, 2 iterations, 1 lane (about 40 ms here).
 * Tests may pass cheaper parameters.
 */
export interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Parameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** `$argon2id$v=19$m=19456,t=2,p=1$…`: the parameters a hash was made with. */
const PARAMETERS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

export function createArgon2Hasher(parameters: Argon2Parameters = OWASP_ARGON2ID): PasswordHasher {
  // Argon2id is the library's default algorithm (its Algorithm type is an ambient const enum,
  // which isolated modules cannot name); PARAMETERS below refuses any other.
  const options = { ...parameters };
  return {
    hash: (password) => hash(password, options),
    async verify(stored, password) {
      if (!PARAMETERS.test(stored)) return false;
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
    needsRehash(stored) {
      const match = PARAMETERS.exec(stored);
      if (!match) return true;
      const [m, t, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
      return m < parameters.memoryCost || t < parameters.timeCost || p < parameters.parallelism;
    },
  };
}
